// An HTTP/1.1 client for registries: Boost.Beast over Boost.Asio, TLS through OpenSSL.
//
//   (ocikit::remote::url in remote/url.hpp, ocikit::remote::headers in remote/headers.hpp)
//   ocikit::remote::http_client                 connection reuse per origin, TLS (system trust
//                                               store, an extra CA file, SNI, host name
//                                               verification, `insecure` only when asked),
//                                               redirects, timeouts, retries with backoff
//   client.send(request, max_body)              the whole response body in memory (bounded)
//   client.open(request)                        the response with its body as a byte_source
//   client.stats()                              connections opened and reused, retries
//
// Rules:
//   - a redirect (301, 302, 303, 307, 308) is followed up to `max_redirects` times; a redirect
//     to another origin drops the `Authorization` header (a registry's credentials never reach
//     storage elsewhere); 303 (and 301/302 of a POST) turns the request into a GET without body;
//   - idempotent requests (GET, HEAD, PUT, DELETE) whose body can be sent again (in memory, or a
//     stream not read yet) are retried with exponential backoff on connection errors, timeouts,
//     429, 500, 502, 503 and 504 (honouring `Retry-After` up to `retry_max_delay`),
//     `max_retries` times, unless request::retry is false (an upload's completion); a 4xx
//     other than 429 never; the last 429/5xx answer is returned as a response. POST and PATCH
//     are never retried, except once on a fresh connection when a pooled one turned out closed
//     while the request was being written;
//   - bodies: a response body framed by Content-Length is read straight from the socket into
//     the caller's buffer (no copy in between); chunked and close-delimited bodies go through
//     Beast's parser; a streamed request body is written in 1 MiB pieces (Content-Length, or
//     chunked when the length is unknown), and a source shorter or longer than its
//     Content-Length is store.size_mismatch;
//   - every read and write has a timeout (remote.timeout); a connection that ends before the
//     declared `Content-Length` is a remote.protocol error (a truncated body is never taken as
//     complete), and so are malformed status lines and header fields and a header over 64 KiB;
//   - errors name the method and the URL without its query (a query may hold a signature);
//   - thread-safe: one client serves any number of threads, each request on its own connection
//     taken from (and returned to) the pool.
//
// Example:
//   ocikit::remote::http_client c;
//   auto r = c.send({.method = "GET", .url = "https://registry-1.docker.io/v2/"});
//   if (r && r->status == 401) { auto challenge = r->headers.get("WWW-Authenticate"); }
#ifndef OCIKIT_REMOTE_HTTP_HPP
#define OCIKIT_REMOTE_HTTP_HPP

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "ocikit/detail/ascii.hpp"
#include "ocikit/error.hpp"
#include "ocikit/remote/headers.hpp"
#include "ocikit/remote/url.hpp"
#include "ocikit/store/stream.hpp"

namespace ocikit::remote {

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
  /// false: never sent again after a 429/5xx answer or a connection error, however idempotent
  /// (an upload's completing PUT: the registry has judged the upload, sending it again only
  /// delays its refusal).
  bool retry = true;
};

/// A response's status line and header (its body read separately or into `body`).
struct response {
  unsigned status = 0;
  std::string reason;
  remote::headers headers;
  std::string url;     ///< the URL that answered, after redirects
  std::string method;  ///< the method of the request that got this answer (after redirects)
  std::string body;    ///< send(): the whole body; open(): empty
};

/// A response whose body is read as a stream. read() returns 0 at the end of the body and an
/// error (remote.protocol) when the connection ends before it. Destroying it before the end
/// closes the connection; reaching the end returns it to the pool.
class response_reader : public store::byte_source {
 public:
  [[nodiscard]] virtual const response& head() const noexcept = 0;
};

/// Counters of a client, for tests and diagnostics.
struct client_stats {
  std::uint64_t connections_opened = 0;  ///< TCP connections made
  std::uint64_t connections_reused = 0;  ///< requests sent on a pooled connection
  std::uint64_t retries = 0;             ///< requests sent again after a failure, 429 or 5xx
};

/// The client. Copying is not allowed; share it with a std::shared_ptr.
class http_client {
 public:
  /// A client with the default options.
  http_client();
  explicit http_client(client_options options);
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;
  ~http_client();

  [[nodiscard]] const client_options& options() const noexcept;
  /// The counters so far.
  [[nodiscard]] client_stats stats() const noexcept;

  /// Sends a request and reads the whole body into response::body (at most `max_body` bytes:
  /// more is remote.too_large). A HEAD response has no body.
  result<response> send(const request& r, std::size_t max_body = default_max_body);
  /// Sends a request and returns the response with its body unread.
  result<std::unique_ptr<response_reader>> open(const request& r);

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

// ---------------------------------------------------------------------------------------------
// Implementation.

namespace detail {

namespace beast = boost::beast;
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

/// An error of the transport: code, what was asked ("GET URL") and why.
inline error transport_error(errc code, std::string_view what, std::string_view why) {
  std::string d(what);
  d += ": ";
  d += why;
  return {code, ocikit::error::npos, std::move(d)};
}

/// `Retry-After` as a delay: delta-seconds or an IMF-fixdate; nullopt when absent or unreadable.
inline std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (v.size() > 9) return std::chrono::hours(24);
    return std::chrono::seconds(std::stol(std::string(v)));
  }
  std::tm tm{};
  const std::string s(v);
  if (::strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) == nullptr) return std::nullopt;
  const std::time_t when = ::timegm(&tm);
  const std::time_t now = std::time(nullptr);
  return std::chrono::seconds(when > now ? when - now : 0);
}

inline bool is_idempotent(std::string_view method) noexcept {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS";
}

inline bool is_retry_status(unsigned status) noexcept {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

inline bool is_redirect(unsigned status) noexcept {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/// One connection with its own io_context: every operation is asynchronous with a deadline
/// (beast::tcp_stream::expires_after) and driven to completion by running the context, so the
/// caller sees a synchronous call that never waits longer than the timeout.
class http_connection {
 public:
  explicit http_connection(std::string origin) : ioc_(1), origin_(std::move(origin)) {}
  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;
  ~http_connection() = default;

  [[nodiscard]] const std::string& origin() const noexcept { return origin_; }
  bool reused = false;

  /// Resolves, connects and (https) shakes hands.
  result<void> connect(const url& u, const client_options& o, ssl::context* tls,
                       std::string_view what) {
    std::vector<tcp::endpoint> endpoints;
    beast::error_code ec;
    const auto port = static_cast<unsigned short>(std::stoul(u.port));
    if (const auto literal = asio::ip::make_address(u.host, ec); !ec) {
      // An address: no resolver (and none of its threads).
      endpoints.emplace_back(literal, port);
    } else {
      tcp::resolver resolver(ioc_);
      bool done = false;
      resolver.async_resolve(u.host, u.port,
                             [&](beast::error_code e, const tcp::resolver::results_type& r) {
                               ec = e;
                               for (const auto& entry : r) endpoints.push_back(entry.endpoint());
                               done = true;
                             });
      ioc_.restart();
      ioc_.run_for(o.connect_timeout);
      if (!done) {
        resolver.cancel();
        ioc_.restart();
        ioc_.run();
        return transport_error(errc::remote_timeout, what, "resolving " + u.host + " timed out");
      }
      if (ec || endpoints.empty()) {
        return transport_error(errc::remote_connect, what,
                               "cannot resolve " + u.host + ": " + ec.message());
      }
    }
    plain_ = std::make_unique<beast::tcp_stream>(ioc_);
    plain_->expires_after(o.connect_timeout);
    run([&] {
      plain_->async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    });
    if (ec == beast::error::timeout) {
      return transport_error(errc::remote_timeout, what, "connecting to " + u.host_header());
    }
    if (ec) {
      return transport_error(errc::remote_connect, what, u.host_header() + ": " + ec.message());
    }
    plain_->socket().set_option(tcp::no_delay(true), ec);
    if (tls == nullptr) return {};
    tls_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*plain_), *tls);
    plain_.reset();
    if (!u.host_is_address()) {
      // SNI: a server with several names picks the certificate by it.
      if (SSL_set_tlsext_host_name(tls_->native_handle(), u.host.c_str()) != 1) {
        return transport_error(errc::remote_tls, what, "cannot set the server name (SNI)");
      }
    }
    if (o.tls.insecure) {
      tls_->set_verify_mode(ssl::verify_none);
    } else {
      tls_->set_verify_mode(ssl::verify_peer);
      tls_->set_verify_callback(ssl::host_name_verification(u.host));
    }
    lowest().expires_after(o.connect_timeout);
    run([&] {
      tls_->async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
    });
    if (ec == beast::error::timeout) {
      return transport_error(errc::remote_timeout, what, "TLS handshake with " + u.host_header());
    }
    if (ec) {
      std::string why = u.host_header() + ": " + ec.message();
      const long verify = SSL_get_verify_result(tls_->native_handle());
      if (verify != X509_V_OK) {
        why += " (";
        why += X509_verify_cert_error_string(verify);
        why += ")";
      }
      return transport_error(errc::remote_tls, what, why);
    }
    return {};
  }

  /// False when the peer closed the connection or sent something unasked while it was idle.
  [[nodiscard]] bool alive() noexcept {
    if (!plain_ && !tls_) return false;
    char c = 0;
    const ssize_t n = ::recv(lowest().socket().native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  beast::tcp_stream& lowest() noexcept { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }

  /// Writes every byte of `buffers` within `timeout`.
  template <class Buffers>
  beast::error_code write(const Buffers& buffers, std::chrono::milliseconds timeout) {
    beast::error_code ec;
    lowest().expires_after(timeout);
    with_stream([&](auto& s) {
      run([&] {
        asio::async_write(s, buffers, [&](beast::error_code e, std::size_t) { ec = e; });
      });
    });
    return ec;
  }

  /// Reads whatever arrives (at least one byte) into `into`.
  beast::error_code read_some(asio::mutable_buffer into, std::chrono::milliseconds timeout,
                              std::size_t& n) {
    beast::error_code ec;
    lowest().expires_after(timeout);
    with_stream([&](auto& s) {
      run([&] {
        s.async_read_some(into, [&](beast::error_code e, std::size_t k) {
          ec = e;
          n = k;
        });
      });
    });
    return ec;
  }

  /// Reads a response header into `p`.
  beast::error_code read_header(bhttp::response_parser<bhttp::buffer_body>& p,
                                std::chrono::milliseconds timeout) {
    beast::error_code ec;
    lowest().expires_after(timeout);
    with_stream([&](auto& s) {
      run([&] {
        bhttp::async_read_header(s, buffer, p, [&](beast::error_code e, std::size_t) { ec = e; });
      });
    });
    return ec;
  }

  /// Parses more of a body framed by chunks or by the end of the connection into `p`.
  beast::error_code read_body_some(bhttp::response_parser<bhttp::buffer_body>& p,
                                   std::chrono::milliseconds timeout) {
    beast::error_code ec;
    lowest().expires_after(timeout);
    with_stream([&](auto& s) {
      run([&] {
        bhttp::async_read_some(s, buffer, p, [&](beast::error_code e, std::size_t) { ec = e; });
      });
    });
    return ec;
  }

  /// A 1 MiB buffer for request bodies, allocated once per connection.
  std::span<std::byte> body_buffer() {
    if (!body_buffer_) body_buffer_ = std::make_unique<std::byte[]>(body_buffer_size);
    return {body_buffer_.get(), body_buffer_size};
  }

  static constexpr std::size_t body_buffer_size = std::size_t{1} << 20;
  beast::flat_buffer buffer;  ///< bytes read past a response header

 private:
  template <class F>
  void with_stream(F&& f) {
    if (tls_) {
      f(*tls_);
    } else {
      f(*plain_);
    }
  }
  template <class Start>
  void run(Start&& start) {
    start();
    ioc_.restart();
    ioc_.run();
  }

  asio::io_context ioc_;
  std::string origin_;
  std::unique_ptr<beast::tcp_stream> plain_;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls_;
  std::unique_ptr<std::byte[]> body_buffer_;
};

/// Idle connections per origin, shared by the client and its open readers.
class connection_pool {
 public:
  explicit connection_pool(std::size_t max_idle) : max_idle_(max_idle) {}

  /// A live idle connection to `origin`, or null.
  std::unique_ptr<http_connection> take(const std::string& origin) {
    for (;;) {
      std::unique_ptr<http_connection> c;
      {
        const std::lock_guard lock(mutex_);
        auto it = idle_.find(origin);
        if (it == idle_.end() || it->second.empty()) return nullptr;
        c = std::move(it->second.back());
        it->second.pop_back();
      }
      if (c->alive()) {
        c->reused = true;
        return c;
      }
    }
  }
  void put(std::unique_ptr<http_connection> c) {
    const std::lock_guard lock(mutex_);
    auto& list = idle_[c->origin()];
    if (list.size() < max_idle_) list.push_back(std::move(c));
  }

  std::atomic<std::uint64_t> opened{0};
  std::atomic<std::uint64_t> reused{0};
  std::atomic<std::uint64_t> retries{0};

 private:
  std::mutex mutex_;
  std::size_t max_idle_;
  std::map<std::string, std::vector<std::unique_ptr<http_connection>>> idle_;
};

/// The body of one response, read from its connection.
class http_reader final : public response_reader {
 public:
  http_reader(std::shared_ptr<connection_pool> pool, std::unique_ptr<http_connection> conn,
              std::unique_ptr<bhttp::response_parser<bhttp::buffer_body>> parser, response head,
              std::chrono::milliseconds timeout)
      : pool_(std::move(pool)),
        conn_(std::move(conn)),
        parser_(std::move(parser)),
        head_(std::move(head)),
        timeout_(timeout) {
    if (parser_->is_done()) {
      finish();
    } else if (const auto len = parser_->content_length(); len && !parser_->chunked()) {
      raw_ = true;
      total_ = *len;
      remaining_ = *len;
    }
  }
  http_reader(const http_reader&) = delete;
  http_reader& operator=(const http_reader&) = delete;
  ~http_reader() override = default;

  [[nodiscard]] const response& head() const noexcept override { return head_; }
  [[nodiscard]] std::int64_t size_hint() const noexcept override {
    if (done_) return 0;
    return raw_ ? static_cast<std::int64_t>(remaining_) : -1;
  }

  result<std::size_t> read(std::span<std::byte> out) override {
    if (done_ || out.empty()) return std::size_t{0};
    if (!conn_) return failed();
    return raw_ ? read_raw(out) : read_parsed(out);
  }

 private:
  result<std::size_t> read_raw(std::span<std::byte> out) {
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), remaining_));
    std::size_t n = 0;
    if (conn_->buffer.size() != 0) {
      // What arrived with the header first, then straight from the socket into `out`.
      n = std::min(want, conn_->buffer.size());
      std::memcpy(out.data(), conn_->buffer.data().data(), n);
      conn_->buffer.consume(n);
    } else {
      const auto ec = conn_->read_some(asio::buffer(out.data(), want), timeout_, n);
      if (ec && n == 0) return fail(ec);
    }
    remaining_ -= n;
    if (remaining_ == 0) finish();
    return n;
  }

  result<std::size_t> read_parsed(std::span<std::byte> out) {
    for (;;) {
      auto& body = parser_->get().body();
      body.data = out.data();
      body.size = out.size();
      body.more = true;
      const auto ec = conn_->read_body_some(*parser_, timeout_);
      const std::size_t n = out.size() - body.size;
      if (ec && ec != bhttp::error::need_buffer) return fail(ec);
      total_ += n;
      if (parser_->is_done()) finish();
      if (n != 0 || done_) return n;
    }
  }

  error fail(const beast::error_code& ec) {
    conn_.reset();
    failure_ = ec;
    return failed();
  }
  error failed() const {
    const std::string what = head_.method + " " + redact_url(head_.url);
    if (failure_ == beast::error::timeout) {
      return transport_error(errc::remote_timeout, what, "no data while reading the body");
    }
    std::string why = "the connection ended after " + std::to_string(total_ - remaining_);
    if (raw_) why += " of the " + std::to_string(total_);
    why += " bytes of the body";
    if (failure_ && failure_ != asio::error::eof && failure_ != bhttp::error::partial_message &&
        failure_ != ssl::error::stream_truncated) {
      why += " (" + failure_.message() + ")";
    }
    return transport_error(errc::remote_protocol, what, why);
  }

  void finish() {
    done_ = true;
    if (conn_ && parser_->keep_alive() && conn_->buffer.size() == 0) {
      pool_->put(std::move(conn_));
    }
    conn_.reset();
  }

  std::shared_ptr<connection_pool> pool_;
  std::unique_ptr<http_connection> conn_;
  std::unique_ptr<bhttp::response_parser<bhttp::buffer_body>> parser_;
  response head_;
  std::chrono::milliseconds timeout_;
  bool raw_ = false;
  bool done_ = false;
  std::uint64_t total_ = 0;
  std::uint64_t remaining_ = 0;
  beast::error_code failure_;
};

}  // namespace detail

struct http_client::impl {
  explicit impl(client_options o)
      : options(std::move(o)),
        pool(std::make_shared<detail::connection_pool>(options.max_idle_per_origin)) {}

  client_options options;
  std::shared_ptr<detail::connection_pool> pool;
  std::once_flag tls_once;
  std::unique_ptr<detail::ssl::context> tls;
  std::string tls_failure;

  /// The TLS context, made on first use: TLS 1.2 or later, the system's CAs and `ca_file`.
  result<detail::ssl::context*> tls_context(std::string_view what) {
    std::call_once(tls_once, [&] {
      auto ctx = std::make_unique<detail::ssl::context>(detail::ssl::context::tls_client);
      ctx->set_options(detail::ssl::context::default_workarounds | detail::ssl::context::no_sslv2 |
                       detail::ssl::context::no_sslv3 | detail::ssl::context::no_tlsv1 |
                       detail::ssl::context::no_tlsv1_1);
      boost::system::error_code ec;
      ctx->set_default_verify_paths(ec);
      if (!options.tls.ca_file.empty()) {
        ctx->load_verify_file(options.tls.ca_file, ec);
        if (ec) {
          tls_failure = "cannot load the CA file '" + options.tls.ca_file + "': " + ec.message();
          return;
        }
      }
      tls = std::move(ctx);
    });
    if (!tls) return detail::transport_error(errc::remote_tls, what, tls_failure);
    return tls.get();
  }

  /// What happened to one attempt.
  struct attempt_state {
    bool source_touched = false;  ///< the stream body was read from: cannot be sent again
    bool stale = false;           ///< a reused connection failed before any answer
    bool write_failed = false;    ///< ... and already while the request was written
  };

  /// Writes the request head and body on `c`.
  result<void> write_request(detail::http_connection& c, const url& u, const request& r,
                             std::string_view body, attempt_state& st, std::string_view what) {
    std::string head;
    head.reserve(256 + r.url.size());
    head += r.method;
    head += ' ';
    head += u.target;
    head += " HTTP/1.1\r\nHost: ";
    head += u.host_header();
    head += "\r\n";
    if (!r.headers.has("User-Agent") && !options.user_agent.empty()) {
      head += "User-Agent: " + options.user_agent + "\r\n";
    }
    for (const auto& [name, value] : r.headers.fields()) {
      if (name.empty() || !std::all_of(name.begin(), name.end(), detail::is_token_char) ||
          !detail::is_field_value(value)) {
        return detail::transport_error(errc::remote_url_invalid, what,
                                       "the request header field '" + name.substr(0, 64) +
                                           "' is malformed (a line break or a control byte)");
      }
      if (headers::same_name(name, "Host") || headers::same_name(name, "Content-Length") ||
          headers::same_name(name, "Transfer-Encoding") || headers::same_name(name, "Connection")) {
        continue;
      }
      head += name;
      head += ": ";
      head += value;
      head += "\r\n";
    }
    const bool chunked = r.stream != nullptr && r.content_length < 0;
    if (r.stream != nullptr) {
      if (chunked) {
        head += "Transfer-Encoding: chunked\r\n";
      } else {
        head += "Content-Length: " + std::to_string(r.content_length) + "\r\n";
      }
    } else if (!body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
      head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    head += "\r\n";
    const auto wrote = [&](const detail::beast::error_code& ec) -> result<void> {
      if (!ec) return {};
      if (c.reused && !st.source_touched) {
        st.stale = true;
        st.write_failed = true;
      }
      if (ec == detail::beast::error::timeout) {
        return detail::transport_error(errc::remote_timeout, what, "sending the request");
      }
      return detail::transport_error(errc::remote_connect, what,
                                     "sending the request: " + ec.message());
    };
    namespace asio = detail::asio;
    if (r.stream == nullptr) {
      const std::array<asio::const_buffer, 2> bufs{asio::buffer(head), asio::buffer(body)};
      return wrote(c.write(bufs, options.io_timeout));
    }
    if (auto w = wrote(c.write(asio::buffer(head), options.io_timeout)); !w) return w;
    const std::span<std::byte> buf = c.body_buffer();
    std::uint64_t remaining = chunked ? 0 : static_cast<std::uint64_t>(r.content_length);
    for (;;) {
      std::size_t want = buf.size();
      if (!chunked) {
        // One byte more than the length says at the end: a longer source is an error.
        want =
            static_cast<std::size_t>(std::min<std::uint64_t>(want, remaining == 0 ? 1 : remaining));
      }
      st.source_touched = true;
      auto n = r.stream->read(buf.first(want));
      if (!n) return n.error();
      if (chunked) {
        char size_line[24];
        const int len = std::snprintf(size_line, sizeof size_line, "%zx\r\n", *n);
        if (*n == 0) {
          return wrote(c.write(asio::buffer(std::string_view("0\r\n\r\n")), options.io_timeout));
        }
        const std::array<asio::const_buffer, 3> bufs{
            asio::buffer(size_line, static_cast<std::size_t>(len)), asio::buffer(buf.data(), *n),
            asio::buffer(std::string_view("\r\n"))};
        if (auto w = wrote(c.write(bufs, options.io_timeout)); !w) return w;
        continue;
      }
      if (remaining == 0) {
        if (*n == 0) return {};
        return error(errc::store_size_mismatch, error::npos,
                     std::string(what) + ": the request body is longer than its Content-Length " +
                         std::to_string(r.content_length));
      }
      if (*n == 0) {
        return error(errc::store_size_mismatch, error::npos,
                     std::string(what) + ": the request body ended " + std::to_string(remaining) +
                         " bytes before its Content-Length " + std::to_string(r.content_length));
      }
      remaining -= *n;
      if (auto w = wrote(c.write(asio::buffer(buf.data(), *n), options.io_timeout)); !w) return w;
    }
  }

  /// One request on one connection (pooled or new): the response with its body unread.
  result<std::unique_ptr<detail::http_reader>> attempt(const url& u, const request& r,
                                                       std::string_view body, attempt_state& st) {
    const std::string what = r.method + " " + u.redacted();
    const std::string origin = u.origin();
    auto conn = pool->take(origin);
    if (conn) {
      ++pool->reused;
    } else {
      conn = std::make_unique<detail::http_connection>(origin);
      detail::ssl::context* ctx = nullptr;
      if (u.scheme == "https") {
        auto t = tls_context(what);
        if (!t) return t.error();
        ctx = *t;
      }
      if (auto c = conn->connect(u, options, ctx, what); !c) return c.error();
      ++pool->opened;
    }
    auto written = write_request(*conn, u, r, body, st, what);
    // A server may answer before reading the whole body (401 to an upload): read the answer
    // even when the body could not be written; report the write error only if there is none.
    auto parser = std::make_unique<detail::bhttp::response_parser<detail::bhttp::buffer_body>>();
    parser->body_limit(boost::none);
    parser->header_limit(64 * 1024);
    if (r.method == "HEAD") parser->skip(true);
    if (!written && written.error() != errc::remote_connect) return written.error();
    auto ec = conn->read_header(*parser, options.io_timeout);
    // Skip interim 1xx answers (100 Continue) to the final one.
    for (int i = 0;
         !ec && i < 8 && parser->get().result_int() / 100 == 1 && parser->get().result_int() != 101;
         ++i) {
      parser = std::make_unique<detail::bhttp::response_parser<detail::bhttp::buffer_body>>();
      parser->body_limit(boost::none);
      parser->header_limit(64 * 1024);
      if (r.method == "HEAD") parser->skip(true);
      ec = conn->read_header(*parser, options.io_timeout);
    }
    if (ec) {
      if (!written) return written.error();
      if (ec == detail::beast::error::timeout) {
        return detail::transport_error(errc::remote_timeout, what, "waiting for the response");
      }
      if (ec == detail::asio::error::eof || ec == detail::asio::error::connection_reset ||
          ec == detail::bhttp::error::end_of_stream) {
        if (conn->reused && conn->buffer.size() == 0) st.stale = true;
        return detail::transport_error(errc::remote_connect, what,
                                       "the connection closed before a response");
      }
      if (ec.category() ==
          detail::bhttp::make_error_code(detail::bhttp::error::bad_version).category()) {
        return detail::transport_error(errc::remote_protocol, what,
                                       "malformed response header: " + ec.message());
      }
      return detail::transport_error(errc::remote_connect, what, ec.message());
    }
    response head;
    const auto& msg = parser->get();
    head.status = msg.result_int();
    if (head.status < 100 || head.status > 599) {
      return detail::transport_error(
          errc::remote_protocol, what,
          "the status " + std::to_string(head.status) + " is not a valid HTTP status");
    }
    head.reason = std::string(msg.reason());
    for (const auto& f : msg) {
      head.headers.add(std::string(f.name_string()), std::string(f.value()));
    }
    head.url = u.string();
    head.method = r.method;
    return std::make_unique<detail::http_reader>(pool, std::move(conn), std::move(parser),
                                                 std::move(head), options.io_timeout);
  }

  /// Reads and drops a body that nobody wants (a redirect's, a 503's), so that the connection
  /// can be reused; a large one closes the connection instead.
  static void discard(std::unique_ptr<detail::http_reader> reader) {
    if (reader->size_hint() > 65536) return;
    std::array<std::byte, 8192> scratch{};
    for (int i = 0; i < 8; ++i) {
      auto n = reader->read(scratch);
      if (!n || *n == 0) return;
    }
  }

  std::chrono::milliseconds backoff(int attempt, const response* r) const {
    auto delay = options.retry_base_delay * (std::int64_t{1} << std::min(attempt, 20));
    if (r != nullptr) {
      if (auto after = detail::parse_retry_after(r->headers.get("Retry-After"))) delay = *after;
    }
    return std::min(delay, options.retry_max_delay);
  }

  result<std::unique_ptr<detail::http_reader>> execute(const request& original) {
    request r;
    r.method = original.method;
    r.url = original.url;
    r.headers = original.headers;
    r.stream = original.stream;
    r.content_length = original.content_length;
    r.follow_redirects = original.follow_redirects;
    const std::string* body = &original.body;
    int redirects = 0;
    int tries = 0;
    bool stale_retried = false;
    for (;;) {
      auto u = url::parse(r.url);
      if (!u) return u.error();
      attempt_state st;
      auto got = attempt(*u, r, *body, st);
      const bool resendable = r.stream == nullptr || !st.source_touched;
      const bool may_retry = original.retry && resendable && detail::is_idempotent(r.method) &&
                             tries < options.max_retries;
      if (!got) {
        // An idle connection the server had closed: once more on a new one (not a retry). A
        // POST or PATCH only when the request could not even be written: the server cannot
        // have acted on it.
        if (st.stale && !stale_retried && resendable &&
            (detail::is_idempotent(r.method) || st.write_failed)) {
          stale_retried = true;
          continue;
        }
        const bool transient =
            got.error() == errc::remote_connect || got.error() == errc::remote_timeout;
        if (transient && may_retry) {
          std::this_thread::sleep_for(backoff(tries++, nullptr));
          ++pool->retries;
          continue;
        }
        return got;
      }
      auto reader = std::move(*got);
      const response& head = reader->head();
      if (r.follow_redirects && detail::is_redirect(head.status) && head.headers.has("Location")) {
        if (++redirects > options.max_redirects) {
          return detail::transport_error(
              errc::remote_too_many_redirects, original.method + " " + u->redacted(),
              "more than " + std::to_string(options.max_redirects) + " redirects");
        }
        const std::string next = detail::resolve_location(*u, head.headers.get("Location"));
        auto nu = url::parse(next);
        if (!nu) return nu.error();
        const bool to_get = head.status == 303 ||
                            ((head.status == 301 || head.status == 302) && r.method == "POST");
        if (!to_get && r.stream != nullptr && r.method != "GET" && r.method != "HEAD") {
          return reader;  // a streamed body cannot be sent again: the caller sees the redirect
        }
        discard(std::move(reader));
        if (nu->origin() != u->origin()) {
          // The registry's credentials never reach another host (blob storage).
          r.headers.remove("Authorization");
        }
        if (to_get) {
          if (r.method != "HEAD") r.method = "GET";
          static const std::string empty;
          body = &empty;
          r.stream = nullptr;
          r.content_length = -1;
          r.headers.remove("Content-Type");
        }
        r.url = nu->string();
        continue;
      }
      if (detail::is_retry_status(head.status) && may_retry) {
        const auto delay = backoff(tries++, &head);
        discard(std::move(reader));
        std::this_thread::sleep_for(delay);
        ++pool->retries;
        continue;
      }
      return reader;
    }
  }
};

inline http_client::http_client() : impl_(std::make_shared<impl>(client_options())) {}

inline http_client::http_client(client_options options)
    : impl_(std::make_shared<impl>(std::move(options))) {}

inline http_client::~http_client() = default;

inline const client_options& http_client::options() const noexcept { return impl_->options; }

inline client_stats http_client::stats() const noexcept {
  return {impl_->pool->opened.load(), impl_->pool->reused.load(), impl_->pool->retries.load()};
}

inline result<std::unique_ptr<response_reader>> http_client::open(const request& r) {
  auto got = impl_->execute(r);
  if (!got) return got.error();
  return std::unique_ptr<response_reader>(std::move(*got));
}

inline result<response> http_client::send(const request& r, std::size_t max_body) {
  auto got = impl_->execute(r);
  if (!got) return got.error();
  auto& reader = **got;
  response out = reader.head();
  const auto too_large = [&] {
    return detail::transport_error(
        errc::remote_too_large, out.method + " " + detail::redact_url(out.url),
        "the body is larger than " + std::to_string(max_body) + " bytes");
  };
  const std::int64_t hint = reader.size_hint();
  if (hint > 0 && static_cast<std::uint64_t>(hint) > max_body) return too_large();
  for (;;) {
    const std::size_t old = out.body.size();
    std::size_t chunk = std::size_t{64} << 10;
    if (const std::int64_t left = reader.size_hint(); left > 0) {
      chunk = std::max(chunk, static_cast<std::size_t>(left));
    }
    chunk = std::min(chunk, max_body + 1 - old);
    out.body.resize(old + chunk);
    auto n = reader.read(std::as_writable_bytes(std::span(out.body.data() + old, chunk)));
    if (!n) return n.error();
    out.body.resize(old + *n);
    if (out.body.size() > max_body) return too_large();
    if (*n == 0) return out;
  }
}

}  // namespace ocikit::remote

#endif  // OCIKIT_REMOTE_HTTP_HPP
