// An HTTP/1.1 client for registries: Boost.Beast over Boost.Asio, TLS through OpenSSL.
//
//   ocikit::remote::url::parse(text)            scheme, host, port, target of an absolute URL
//   ocikit::remote::headers                     header fields, names compared case-insensitively
//   ocikit::remote::http_client                 connection reuse per origin, TLS (system trust
//                                               store, an extra CA file, SNI, host name
//                                               verification, `insecure` only when asked),
//                                               redirects, timeouts, retries with backoff
//   client.send(request, max_body)              the whole response body in memory (bounded)
//   client.open(request)                        the response with its body as a byte_source
//
// Rules:
//   - a redirect (301, 302, 303, 307, 308) is followed up to `max_redirects` times; a redirect
//     to another origin drops the `Authorization` header (a registry's credentials never reach
//     storage elsewhere); 303 (and 301/302 of a POST) turns the request into a GET without body;
//   - idempotent requests (GET, HEAD, PUT, DELETE) whose body can be sent again are retried with
//     exponential backoff on connection errors, 429 and 5xx (honouring `Retry-After` up to the
//     cap), `max_retries` times; POST and PATCH are retried only when the connection failed
//     before a byte of the request was written on a reused connection;
//   - every read and write has a timeout; a connection that ends before the declared
//     `Content-Length` is a remote.protocol error (a truncated body is never taken as complete);
//   - thread-safe: one client serves any number of threads, each request on its own connection
//     taken from (and returned to) the pool.
//
// Example:
//   ocikit::remote::http_client c;
//   auto r = c.send({.method = "GET", .url = "https://registry-1.docker.io/v2/"});
//   if (r && r->status == 401) { auto challenge = r->headers.get("WWW-Authenticate"); }
#ifndef OCIKIT_REMOTE_HTTP_HPP
#define OCIKIT_REMOTE_HTTP_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocikit/error.hpp"
#include "ocikit/store/stream.hpp"

namespace ocikit::remote {

/// An absolute http or https URL, split.
struct url {
  std::string scheme;  ///< "https" or "http"
  std::string host;    ///< "registry-1.docker.io", "127.0.0.1", "::1" (no brackets)
  std::string port;    ///< "443", "80" or the explicit port
  std::string target;  ///< path and query, at least "/"

  /// Parses `scheme://host[:port]/path?query` (no user info, no fragment); errors:
  /// remote.url_invalid naming what is wrong.
  static result<url> parse(std::string_view text);
  /// `scheme://host[:port]`, the port omitted when it is the scheme's default.
  [[nodiscard]] std::string origin() const;
  /// The `Host` header value: host, with `:port` when not the default.
  [[nodiscard]] std::string host_header() const;
  [[nodiscard]] std::string string() const { return origin() + target; }
};

/// Header fields in order; names compared without regard to case.
class headers {
 public:
  /// Appends a field (a name may repeat).
  void add(std::string name, std::string value);
  /// Replaces every field of that name with one.
  void set(std::string name, std::string value);
  /// Removes every field of that name.
  void remove(std::string_view name);
  /// The first value of that name, "" when absent.
  [[nodiscard]] std::string_view get(std::string_view name) const noexcept;
  /// Every value of that name, in order.
  [[nodiscard]] std::vector<std::string_view> get_all(std::string_view name) const;
  [[nodiscard]] bool has(std::string_view name) const noexcept;
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& fields() const noexcept {
    return fields_;
  }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

/// TLS settings.
struct tls_options {
  /// Skip certificate and host name verification (`--insecure`).
  bool insecure = false;
  /// A PEM file of CA certificates trusted besides the system's (`--ca-file`).
  std::string ca_file;
};

/// How a client behaves.
struct client_options {
  tls_options tls;
  std::chrono::milliseconds connect_timeout{30'000};
  /// Longest wait for any progress of a read or a write.
  std::chrono::milliseconds io_timeout{120'000};
  int max_retries = 4;
  std::chrono::milliseconds retry_base_delay{250};
  std::chrono::milliseconds retry_max_delay{8'000};
  int max_redirects = 10;
  /// Idle connections kept per origin.
  std::size_t max_idle_per_origin = 16;
  std::string user_agent = "ocikit";
};

/// Default limit of a response body read into memory: 4 MiB (a manifest's limit).
inline constexpr std::size_t default_max_body = std::size_t{4} << 20;

/// A request. The body is either `body` (in memory, can be sent again) or `stream` (read once,
/// sent with `content_length` when it is >= 0, else chunked).
struct request {
  std::string method = "GET";
  std::string url;  ///< absolute
  remote::headers headers;
  std::string body;
  store::byte_source* stream = nullptr;
  std::int64_t content_length = -1;
  bool follow_redirects = true;
};

/// A response's status line and header (its body read separately or into `body`).
struct response {
  unsigned status = 0;
  std::string reason;
  remote::headers headers;
  std::string url;   ///< the URL that answered, after redirects
  std::string body;  ///< send(): the whole body; open(): empty
};

/// A response whose body is read as a stream. read() returns 0 at the end of the body and an
/// error (remote.protocol) when the connection ends before it. Destroying it before the end
/// closes the connection; reaching the end returns it to the pool.
class response_reader : public store::byte_source {
 public:
  [[nodiscard]] virtual const response& head() const noexcept = 0;
};

/// The client. Copying is not allowed; share it with a std::shared_ptr.
class http_client {
 public:
  explicit http_client(client_options options = {});
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;
  ~http_client();

  [[nodiscard]] const client_options& options() const noexcept;

  /// Sends a request and reads the whole body into response::body (at most `max_body` bytes:
  /// more is remote.too_large). A HEAD response has no body.
  result<response> send(const request& r, std::size_t max_body = default_max_body);
  /// Sends a request and returns the response with its body unread.
  result<std::unique_ptr<response_reader>> open(const request& r);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ocikit::remote

#endif  // OCIKIT_REMOTE_HTTP_HPP
