#!/usr/bin/env python3
"""A small HTTP/1.1 test server for ocikit's transport and session tests (stdlib only).

    http_server.py [--tls CERT KEY] [--peer-port-file F]

Listens on 127.0.0.1 on a free port, prints "PORT <n>" on stdout, serves until killed.
Every connection is counted (GET /_stats answers {"connections": n, "tokens": n, ...}).

Paths:
  /echo                      JSON of the request: method, path, headers, body length, sha256
  /bytes?n=N[&chunked=1][&close=1]  N pattern bytes (Content-Length, chunked, or to the close)
  /redirect?to=URL[&code=C]  a redirect (relative or absolute Location)
  /loop                      redirects to itself forever
  /flaky/<key>?fail=N&status=S[&after=SECS]   S (with Retry-After when after= is given) for the
                             first N requests of <key>, then 200 "ok"
  /close-after               an answer without `Connection: close`, then the connection closes
  /truncated                 Content-Length 100, 50 bytes, then the connection closes
  /slow?delay=SECS           waits before the response header
  /stall                     a header, 10 bytes of a 100-byte body, then nothing
  /bad-status, /bad-header   malformed status line / header field
  /huge-header               a 1 MiB header field
  /upload (PUT/POST)         reads the body (Content-Length or chunked): {"length", "sha256"}
  Registry with token auth (Bearer), for the session tests:
  /v2/...                    401 with a Bearer challenge unless the token grants the scope;
                             a token from /token grants the scopes it was asked for, except
                             that user "reader" only gets pull; /v2/ itself needs any token
  /token                     GET ?service=&scope=... with Basic user:pass (or anonymous), or
                             POST form with grant_type=refresh_token; counts fetches
  /basic/v2/...              Basic auth (user:pass) on every request
"""
import base64
import hashlib
import json
import os
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATS = {"connections": 0, "tokens": 0, "requests": 0}
FLAKY = {}
LOCK = threading.Lock()
TOKENS = {}  # token -> set of "repository:name:action"
USERS = {"user": "pass", "reader": "pass"}
REFRESH = {"refresh-123": "user"}


def pattern(n):
    block = bytes(range(256)) * 4096  # 1 MiB
    out = bytearray()
    while len(out) < n:
        out += block[: n - len(out)]
    return bytes(out)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ocikit-test"

    def log_message(self, fmt, *args):  # quiet
        pass

    def setup(self):
        super().setup()
        with LOCK:
            STATS["connections"] += 1

    # --- helpers -------------------------------------------------------------------------------
    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = bytearray()
            while True:
                line = self.rfile.readline(100)
                size = int(line.strip().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline(1000) not in (b"\r\n", b"\n", b""):
                        pass
                    self._body_len = len(out)
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.read(2)
        n = int(self.headers.get("Content-Length", "0"))
        h = hashlib.sha256()
        body = bytearray()
        while n > 0:
            chunk = self.rfile.read(min(n, 1 << 20))
            if not chunk:
                break
            h.update(chunk)
            if len(body) < (1 << 20):
                body += chunk[: (1 << 20) - len(body)]
            n -= len(chunk)
        self._body_sha = h.hexdigest()
        self._body_len = int(self.headers.get("Content-Length", "0")) - n
        return bytes(body)

    def reply(self, status, body=b"", ctype="application/json", extra=None):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def reg_error(self, status, code, message, extra=None):
        body = json.dumps({"errors": [{"code": code, "message": message, "detail": None}]})
        self.reply(status, body, extra=extra)

    # --- dispatch ------------------------------------------------------------------------------
    def handle_any(self):
        with LOCK:
            STATS["requests"] += 1
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        path = u.path
        if path == "/_stats":
            with LOCK:
                return self.reply(200, json.dumps(STATS))
        if path == "/echo":
            body = self.read_body()
            info = {"method": self.command, "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "length": len(body), "sha256": hashlib.sha256(body).hexdigest()}
            return self.reply(200, json.dumps(info))
        if path == "/upload":
            self._body_sha = None
            body = self.read_body()
            if self._body_sha is None or self.headers.get("Transfer-Encoding"):
                info = {"length": len(body), "sha256": hashlib.sha256(body).hexdigest()}
            else:
                info = {"length": self._body_len, "sha256": self._body_sha}
            info["chunked"] = self.headers.get("Transfer-Encoding", "") == "chunked"
            return self.reply(201, json.dumps(info))
        if path == "/bytes":
            n = int(q.get("n", "0"))
            self.read_body()
            data = pattern(n)
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            if q.get("chunked"):
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                step = 100000
                for i in range(0, n, step):
                    part = data[i:i + step]
                    self.wfile.write(b"%x\r\n" % len(part) + part + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            elif q.get("close"):
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(data)
                self.close_connection = True
            else:
                self.send_header("Content-Length", str(n))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
            return None
        if path == "/redirect":
            self.read_body()
            code = int(q.get("code", "302"))
            return self.reply(code, b"", extra={"Location": q["to"]})
        if path == "/loop":
            return self.reply(302, b"", extra={"Location": "/loop"})
        if path.startswith("/flaky/"):
            self.read_body()
            key = path[len("/flaky/"):]
            with LOCK:
                seen = FLAKY.get(key, 0)
                FLAKY[key] = seen + 1
            if seen < int(q.get("fail", "1")):
                extra = {"Retry-After": q["after"]} if "after" in q else None
                return self.reply(int(q.get("status", "503")), b"try again", "text/plain", extra)
            return self.reply(200, json.dumps({"attempts": seen + 1}))
        if path == "/close-after":
            # Keep-alive in words, then the connection closes (an idle timeout on the server).
            self.reply(200, b"bye", "text/plain")
            self.wfile.flush()
            self.close_connection = True
            return None
        if path == "/truncated":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"x" * 50)
            self.wfile.flush()
            self.close_connection = True
            return None
        if path == "/slow":
            time.sleep(float(q.get("delay", "3")))
            return self.reply(200, b"late", "text/plain")
        if path == "/stall":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"y" * 10)
            self.wfile.flush()
            time.sleep(float(q.get("delay", "5")))
            self.close_connection = True
            return None
        if path == "/bad-status":
            self.wfile.write(b"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n")
            self.close_connection = True
            return None
        if path == "/bad-header":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nBad Header\r\nContent-Length: 0\r\n\r\n")
            self.close_connection = True
            return None
        if path == "/huge-header":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (1 << 20) +
                             b"\r\nContent-Length: 0\r\n\r\n")
            self.close_connection = True
            return None
        if path == "/token":
            return self.token(q)
        if path.startswith("/basic/v2/"):
            self.read_body()
            auth = self.headers.get("Authorization", "")
            if auth != "Basic " + base64.b64encode(b"user:pass").decode():
                return self.reg_error(401, "UNAUTHORIZED", "authentication required",
                                      {"WWW-Authenticate": 'Basic realm="test"'})
            return self.reply(200, json.dumps({"ok": True}))
        if path.startswith("/v2/"):
            return self.registry(path)
        self.read_body()
        return self.reply(404, b"not found", "text/plain")

    def token(self, q):
        if self.command == "POST":
            form = dict(urllib.parse.parse_qsl(self.read_body().decode()))
            user = REFRESH.get(form.get("refresh_token", ""))
            if form.get("grant_type") != "refresh_token" or user is None:
                return self.reply(401, json.dumps({"error": "invalid_grant"}))
            scopes = form.get("scope", "").split()
        else:
            self.read_body()
            auth = self.headers.get("Authorization", "")
            user = None
            if auth.startswith("Basic "):
                u, _, p = base64.b64decode(auth[6:]).decode().partition(":")
                if USERS.get(u) != p:
                    return self.reply(401, json.dumps({"details": "wrong password"}))
                user = u
            scopes = [v for k, v in urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query)
                      if k == "scope"]
        granted = set()
        for s in scopes:
            kind, _, rest = s.partition(":")
            name, _, actions = rest.rpartition(":")
            for a in actions.split(","):
                if a == "push" and user not in ("user",):
                    continue
                if a == "delete" and user != "user":
                    continue
                granted.add(f"{kind}:{name}:{a}")
        tok = base64.urlsafe_b64encode(os.urandom(18)).decode()
        with LOCK:
            TOKENS[tok] = granted
            STATS["tokens"] += 1
        body = {"token": tok, "expires_in": 300, "issued_at": "2026-01-01T00:00:00Z"}
        if q.get("access"):
            body = {"access_token": tok}
        return self.reply(200, json.dumps(body))

    def registry(self, path):
        body = self.read_body()
        auth = self.headers.get("Authorization", "")
        tok = auth[7:] if auth.startswith("Bearer ") else None
        with LOCK:
            granted = TOKENS.get(tok)
        host = self.headers.get("Host")
        scheme = "https" if isinstance(self.connection, ssl.SSLSocket) else "http"
        realm = f'{scheme}://{host}/token'
        if path == "/v2/":
            if granted is None:
                return self.reg_error(401, "UNAUTHORIZED", "authentication required",
                                      {"WWW-Authenticate": f'Bearer realm="{realm}",service="test"'})
            return self.reply(200, b"{}")
        # /v2/<name>/(manifests|blobs|tags)/...
        rest = path[4:]
        cut = max(rest.rfind("/manifests/"), rest.rfind("/blobs/"), rest.rfind("/tags/"))
        name = rest[:cut] if cut > 0 else rest.strip("/")
        need = "pull" if self.command in ("GET", "HEAD") else \
            ("delete" if self.command == "DELETE" else "push")
        scope = f"repository:{name}:{need}"
        if granted is None or scope not in granted:
            challenge = f'Bearer realm="{realm}",service="test",scope="repository:{name}:{need}"'
            if granted is not None and tok is not None:
                challenge += ',error="insufficient_scope"'
                if need != "pull" and f"repository:{name}:pull" in granted:
                    return self.reg_error(403, "DENIED", "requested access to the resource is denied")
            return self.reg_error(401, "UNAUTHORIZED", "authentication required",
                                  {"WWW-Authenticate": challenge})
        return self.reply(200, json.dumps({"ok": True, "method": self.command,
                                           "length": self._body_len}))

    do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, tls):
        super().__init__(("127.0.0.1", 0), Handler)
        self.tls = tls

    def get_request(self):
        sock, addr = super().get_request()
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_side=True)
        return sock, addr


def main():
    tls = None
    if len(sys.argv) >= 4 and sys.argv[1] == "--tls":
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(sys.argv[2], sys.argv[3])
    srv = Server(tls)
    print("PORT", srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
