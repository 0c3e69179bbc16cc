#include "ocikit/remote/credentials.hpp"

#include <sys/stat.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

using ocikit::errc;
namespace remote = ocikit::remote;
namespace fs = std::filesystem;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("ocikit-cred-" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("config_key and default_config_path", "[remote][credentials]") {
  CHECK(remote::config_key("docker.io") == "https://index.docker.io/v1/");
  CHECK(remote::config_key("registry-1.docker.io") == "https://index.docker.io/v1/");
  CHECK(remote::config_key("https://Registry.example:5000/v2/") == "registry.example:5000");
  CHECK(remote::config_key("127.0.0.1:5000") == "127.0.0.1:5000");

  CHECK(remote::default_config_path("my/auth.json") == fs::path("my/auth.json"));
  const char* old_dc = std::getenv("DOCKER_CONFIG");
  const std::string saved_dc = old_dc != nullptr ? old_dc : "";
  const char* old_home = std::getenv("HOME");
  const std::string saved_home = old_home != nullptr ? old_home : "";
  ::setenv("DOCKER_CONFIG", "/etc/dc", 1);
  CHECK(remote::default_config_path() == fs::path("/etc/dc/config.json"));
  ::unsetenv("DOCKER_CONFIG");
  ::setenv("HOME", "/home/someone", 1);
  CHECK(remote::default_config_path() == fs::path("/home/someone/.docker/config.json"));
  if (old_dc != nullptr) ::setenv("DOCKER_CONFIG", saved_dc.c_str(), 1);
  if (old_home != nullptr) ::setenv("HOME", saved_home.c_str(), 1);
}

TEST_CASE("auth_file: a missing file is empty; junk is remote.credentials",
          "[remote][credentials]") {
  temp_dir t;
  auto f = remote::auth_file::load(t.path / "none.json");
  REQUIRE(f.has_value());
  auto c = f->find("example.com");
  REQUIRE(c.has_value());
  CHECK(c->empty());
  for (const char* junk : {"{", "[]", R"({"auths": 5})"}) {
    CAPTURE(junk);
    write(t.path / "bad.json", junk);
    auto b = remote::auth_file::load(t.path / "bad.json");
    REQUIRE_FALSE(b.has_value());
    CHECK(b.error() == errc::remote_credentials);
    CHECK(b.error().message().find("bad.json") != std::string::npos);
  }
  write(t.path / "empty.json", "\n");
  CHECK(remote::auth_file::load(t.path / "empty.json").has_value());
  // A bad `auth` names the host, not the value.
  write(t.path / "auth.json", R"({"auths":{"h":{"auth":"!!!secret"}}})");
  auto a = remote::auth_file::load(t.path / "auth.json");
  REQUIRE(a.has_value());
  auto bad = a->find("h");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error() == errc::remote_credentials);
  CHECK(bad.error().message().find("secret") == std::string::npos);
}

TEST_CASE("auth_file: find with Docker's keys", "[remote][credentials]") {
  temp_dir t;
  write(t.path / "config.json",
        R"({"auths":{"https://index.docker.io/v1/":{"auth":"aHViOmh1YnB3"},)"
        R"("http://reg.example:5000/v2/":{"auth":"dTpw"},)"
        R"("reg.example:5000":{"auth":"ZXhhY3Q6cHc="},)"
        R"("tok.example":{"auth":"","identitytoken":"refresh"},)"
        R"("nopad.example":{"auth":"dTpw"}},"other":{"keep":true}})");
  auto f = remote::auth_file::load(t.path / "config.json");
  REQUIRE(f.has_value());
  auto hub = f->find("docker.io");
  REQUIRE(hub.has_value());
  CHECK(hub->username == "hub");
  CHECK(hub->password == "hubpw");
  CHECK(f->find("registry-1.docker.io")->username == "hub");
  // The exact key wins over the one with a scheme and a path.
  CHECK(f->find("reg.example:5000")->username == "exact");
  CHECK(f->find("REG.example:5000")->password == "pw");
  auto tok = f->find("tok.example");
  REQUIRE(tok.has_value());
  CHECK(tok->identity_token == "refresh");
  CHECK(tok->username.empty());
  CHECK(f->find("nopad.example")->username == "u");
  CHECK(f->find("reg.example")->empty());  // another port is another registry
}

TEST_CASE("auth_file: set, erase, save keep every other member, mode 0600",
          "[remote][credentials]") {
  temp_dir t;
  const auto path = t.path / "sub" / "config.json";
  fs::create_directories(path.parent_path());
  write(path, R"({"auths":{"keep.example":{"auth":"YTpi","email":"x@y"},)"
              R"("https://r.example/v1/":{"auth":"b2xkOm9sZA==","email":"e"}},)"
              R"("credHelpers":{},"psFormat":"table {{.ID}}","proxies":{"default":{}}})");
  auto f = remote::auth_file::load(path);
  REQUIRE(f.has_value());
  f->set("r.example", {"new", "pw:with:colons", ""});
  f->set("docker.io", {"hub", "p", ""});
  f->set("tok.example", {"", "", "refresh"});
  REQUIRE(f->save().has_value());
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  auto again = remote::auth_file::load(path);
  REQUIRE(again.has_value());
  const auto& doc = again->document();
  CHECK(doc.at("psFormat").as_string() == "table {{.ID}}");
  CHECK(doc.contains("proxies"));
  CHECK(doc.contains("credHelpers"));
  const auto& auths = doc.at("auths").as_object();
  CHECK(auths.at("keep.example").at("email").as_string() == "x@y");
  CHECK_FALSE(auths.contains("https://r.example/v1/"));  // replaced by the plain key
  CHECK(auths.at("r.example").at("auth").as_string() == "bmV3OnB3OndpdGg6Y29sb25z");
  CHECK(auths.at("https://index.docker.io/v1/").at("auth").as_string() == "aHViOnA=");
  CHECK(auths.at("tok.example").at("identitytoken").as_string() == "refresh");
  auto r = again->find("r.example");
  REQUIRE(r.has_value());
  CHECK(r->username == "new");
  CHECK(r->password == "pw:with:colons");

  CHECK(again->erase("https://r.example"));
  CHECK_FALSE(again->erase("r.example"));
  CHECK(again->erase("docker.io"));
  REQUIRE(again->save().has_value());
  const auto text = read(path);
  CHECK(text.find("r.example\"") == std::string::npos);
  CHECK(text.find("index.docker.io") == std::string::npos);
  CHECK(text.find("keep.example") != std::string::npos);
  CHECK(text.find("psFormat") != std::string::npos);
  // No temporary file is left behind.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(path.parent_path())) ++files;
  CHECK(files == 1);

  // A new file in a new directory.
  const auto fresh = t.path / "new" / "dir" / "auth.json";
  auto n = remote::auth_file::load(fresh);
  REQUIRE(n.has_value());
  n->set("h:1", {"a", "b", ""});
  REQUIRE(n->save().has_value());
  CHECK(read(fresh) == "{\"auths\":{\"h:1\":{\"auth\":\"YTpi\"}}}\n");
}

TEST_CASE("auth_file: credential helpers (credHelpers, credsStore)", "[remote][credentials]") {
  temp_dir t;
  const auto helper = t.path / "docker-credential-ocitest";
  write(helper,
        "#!/bin/sh\n"
        "read server\n"
        "case \"$server\" in\n"
        "  helped.example) echo '{\"ServerURL\":\"helped.example\",\"Username\":\"hu\","
        "\"Secret\":\"hs\"}' ;;\n"
        "  token.example) echo '{\"ServerURL\":\"x\",\"Username\":\"<token>\",\"Secret\":\"rt\"}' "
        ";;\n"
        "  *) echo 'credentials not found in native keychain'; exit 1 ;;\n"
        "esac\n");
  fs::permissions(helper, fs::perms::owner_all);
  const std::string old_path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  ::setenv("PATH", (t.path.string() + ":" + old_path).c_str(), 1);
  write(t.path / "config.json",
        R"({"auths":{"plain.example":{"auth":"dTpw"}},"credsStore":"ocitest",)"
        R"("credHelpers":{"helped.example":"ocitest","broken.example":"nonexistent-xyz"}})");
  auto f = remote::auth_file::load(t.path / "config.json");
  REQUIRE(f.has_value());
  auto h = f->find("helped.example");
  REQUIRE(h.has_value());
  CHECK(h->username == "hu");
  CHECK(h->password == "hs");
  auto tok = f->find("token.example");  // through credsStore
  REQUIRE(tok.has_value());
  CHECK(tok->identity_token == "rt");
  CHECK(f->find("plain.example")->username == "u");  // the file's entry before credsStore
  auto none = f->find("unknown.example");
  REQUIRE(none.has_value());
  CHECK(none->empty());
  auto broken = f->find("broken.example");
  REQUIRE_FALSE(broken.has_value());
  CHECK(broken.error() == errc::remote_credentials);
  ::setenv("PATH", old_path.c_str(), 1);
}
