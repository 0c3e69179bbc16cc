#!/usr/bin/env python3
"""A registry that speaks the distribution API badly on purpose, for tests/remote/hostile_test.py.

The first component of the repository name picks the misbehaviour, so one server serves every
mode: `docker://127.0.0.1:PORT/<mode>[/more]:<tag>` or `…@<digest>`. Each mode serves one small
image (a config and a 64 KiB layer, the same bytes every run) and spoils one thing:

  good                    nothing: the control (skopeo and ocikit copy it)
  manifest-digest-header  Docker-Content-Digest is not the digest of the manifest bytes
  manifest-digest-bytes   other bytes than the digest asked for and the header's digest
  manifest-wrong-type     Content-Type says Docker v2 but the document is an OCI manifest
  manifest-truncated      the manifest's Content-Length is larger than what is sent, then close
  manifest-huge           a 5 MiB manifest (valid JSON, right digest): over the 4 MiB limit
  manifest-huge-length    Content-Length: 10 GiB (64 KiB sent, then close)
  blob-wrong-bytes        the layer has its size but other bytes
  blob-truncated          the layer is cut in the middle (Content-Length kept), also on Range
  blob-huge-length        the layer's Content-Length is 10 GiB (its descriptor says 64 KiB)
  blob-overlong           the layer and 1 MiB more, Content-Length honest: more than its size
  header-malformed        a response header line without a colon
  status-malformed        the status line is `HTTP/1.1 2OO OK`
  redirect-loop           the manifest redirects A -> B -> A -> ...
  redirect-30             30 redirects in a row before the manifest
  slow                    headers, then the manifest one byte every --slow-seconds
  auth-garbage            401 with `WWW-Authenticate: Bearer realm=, scope="unterminated`
  auth-garbage-scheme     401 with `WWW-Authenticate: @@@ %%%`
and one well-behaved extra: `GET /v2/paged/tags/list` and `GET /v2/_catalog` list PAGED_COUNT
tags (t000…) and repositories (paged/r000…) in pages of at most PAGE_CAP whatever `n` asks, with
`Link: <…?n=…&last=…>; rel="next"` while more remain (docker-registry ignores `n` on tags).
and well-behaved ones with a point to check:
  resume-range            the first GET of the layer (no Range) is cut after RESUME_CUT bytes of
                          its body; a GET with `Range: bytes=N-` gets 206 and
                          `Content-Range: bytes N-END/SIZE` with the rest: the pull must succeed
  resume-ignore           cut the same way; a Range request is answered 200 with the whole body
                          (a server that ignores Range): the pull must still succeed
  resume-wrong-range      (a bad one) cut the same way; a Range request is answered 206 with a
                          Content-Range that starts RESUME_CUT // 2 bytes early (and those bytes):
                          refused
  upload-refused          (a push target) uploads are accepted (POST 202, PATCH 202) and every
                          completing `PUT …?digest=` is answered 500 UNKNOWN: the push must fail
                          at once, each completion sent once
  storage-redirect        Basic auth (STORAGE_USER) on /v2/storage-redirect/…; a blob GET is
                          redirected to http://localhost:PORT/storage/… (another origin, as
                          registries send blobs to storage): the credentials must not follow
`GET /v2/` answers 200. Every request line is appended to --log with its mode, with
` [authorization]` when the request carried an Authorization header and ` [range=VALUE]` when it
carried a Range header.
    usage: hostile_server.py --port PORT [--log FILE] [--slow-seconds S]
"""

import argparse
import base64
import hashlib
import json
import random
import socket
import socketserver
import sys
import threading
import time

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
MODES = ["good", "storage-redirect", "resume-range", "resume-ignore", "resume-wrong-range",
         "upload-refused",
         "manifest-digest-header", "manifest-digest-bytes", "manifest-wrong-type",
         "manifest-truncated", "manifest-huge", "manifest-huge-length",
         "blob-wrong-bytes", "blob-truncated", "blob-huge-length", "blob-overlong",
         "header-malformed", "status-malformed", "redirect-loop", "redirect-30", "slow",
         "auth-garbage", "auth-garbage-scheme"]
RESUME_MODES = ["resume-range", "resume-ignore"]
PUSH_MODES = ["upload-refused"]
BAD_MODES = [m for m in MODES
             if m not in ["good", "storage-redirect"] + RESUME_MODES + PUSH_MODES]
RESUME_CUT = 20011  # bytes of the layer's body sent before the resume modes cut the connection
STORAGE_USER = ("hostile-user", "hostile-secret-9")
STORAGE_AUTH = base64.b64encode(("%s:%s" % STORAGE_USER).encode()).decode()
TEN_GIB = 10 << 30
PAGED_COUNT = 250
PAGE_CAP = 40
PAGED_TAGS = ["t%03d" % i for i in range(PAGED_COUNT)]
PAGED_REPOS = ["paged/r%03d" % i for i in range(PAGED_COUNT)]


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canonical(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


_images = {}


def fake_digest(mode):
    """The digest that manifest-digest-header announces (and serves by) instead of the real one."""
    return sha256(image_for(mode)["manifest"] + b"x")


def image_for(mode):
    """{"manifest", "digest", "blobs": {digest: bytes}, "layer", "config"} of a mode."""
    if mode in _images:
        return _images[mode]
    rng = random.Random("ocikit-hostile-" + mode)
    layer = rng.randbytes(64 << 10)
    config = canonical({"architecture": "amd64", "os": "linux",
                        "rootfs": {"type": "layers", "diff_ids": [sha256(layer)]}})
    doc = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                      "digest": sha256(config), "size": len(config)},
           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                       "digest": sha256(layer), "size": len(layer)}]}
    if mode == "manifest-huge":
        doc["annotations"] = {"padding": "x" * (5 << 20)}
    manifest = canonical(doc)
    img = {"manifest": manifest, "digest": sha256(manifest), "layer": sha256(layer),
           "config": sha256(config),
           "blobs": {sha256(layer): layer, sha256(config): config}}
    _images[mode] = img
    return img


class Handler(socketserver.StreamRequestHandler):
    """One connection: requests in a row (keep-alive) until a mode closes it."""

    def setup(self):
        super().setup()
        self.request.settimeout(120)

    def log(self, line):
        with self.server.log_lock:
            if self.server.log_file:
                self.server.log_file.write(line + "\n")
                self.server.log_file.flush()

    def send(self, data):
        self.wfile.write(data)
        self.wfile.flush()

    def respond(self, status, reason, headers, body=b"", head=False, length=None):
        lines = ["HTTP/1.1 %d %s" % (status, reason)]
        has_length = False
        for k, v in headers:
            lines.append("%s: %s" % (k, v))
            has_length = has_length or k.lower() == "content-length"
        if not has_length:
            lines.append("Content-Length: %d" % (len(body) if length is None else length))
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode() + (b"" if head else body))

    def handle(self):
        try:
            while self.one():
                pass
        except (OSError, ValueError):
            pass

    def one(self):
        """Serves one request; False to close the connection."""
        line = self.rfile.readline(65537)
        if not line:
            return False
        try:
            method, target, _ = line.decode("latin-1").split(" ", 2)
        except ValueError:
            return False
        length = 0
        auth = ""
        self.range = None
        while True:
            h = self.rfile.readline(65537)
            if h in (b"\r\n", b"\n", b""):
                break
            name, _, value = h.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip() or 0)
            if name.strip().lower() == "range":
                self.range = value.strip()
            if name.strip().lower() == "authorization":
                auth = value.strip()
        if length:
            self.rfile.read(length)
        path = target.split("?", 1)[0]
        parts = path.strip("/").split("/")
        mode = parts[1] if len(parts) > 1 else ""
        if parts[0] == "hop":
            mode = parts[1]
        self.log("%s %s [%s]%s%s" % (method, target, mode, " [authorization]" if auth else "",
                                     " [range=%s]" % self.range if self.range else ""))
        head = method == "HEAD"
        if path in ("/v2", "/v2/"):
            self.respond(200, "OK", [("Content-Type", "application/json"),
                                     ("Docker-Distribution-API-Version", "registry/2.0")], b"{}",
                         head)
            return True
        if path == "/v2/_catalog":
            return self.page(target, "repositories", None, PAGED_REPOS, head)
        if mode == "paged" and parts[-2:] == ["tags", "list"]:
            return self.page(target, "tags", "paged", PAGED_TAGS, head)
        if mode not in MODES:
            self.not_found(head, "NAME_UNKNOWN")
            return True
        if parts[0] == "hop":
            return self.hop(mode, parts[2], head)
        if parts[0] == "storage":  # the redirect target of storage-redirect: another origin
            return self.blob(mode, parts[2], head)
        if mode == "storage-redirect" and auth != "Basic " + STORAGE_AUTH:
            self.respond(401, "Unauthorized", [("WWW-Authenticate", 'Basic realm="hostile"'),
                                               ("Content-Type", "application/json")],
                         b'{"errors":[{"code":"UNAUTHORIZED","message":"log in"}]}', head)
            return True
        if mode in PUSH_MODES and "uploads" in parts:
            return self.upload(method, mode, parts, head)
        if len(parts) < 4 or parts[-2] not in ("manifests", "blobs"):
            self.not_found(head, "UNSUPPORTED")
            return True
        if mode.startswith("auth-garbage"):
            value = ('Bearer realm=, scope="unterminated' if mode == "auth-garbage"
                     else "@@@ %%%")
            self.respond(401, "Unauthorized", [("WWW-Authenticate", value),
                                               ("Content-Type", "application/json")],
                         b'{"errors":[{"code":"UNAUTHORIZED","message":"who are you"}]}', head)
            return True
        ref = parts[-1]
        if parts[-2] == "manifests":
            return self.manifest(mode, ref, head)
        if mode == "storage-redirect" and method == "GET":
            port = self.server.server_address[1]
            self.redirect("http://localhost:%d/storage/%s/%s" % (port, mode, ref), head)
            return True
        return self.blob(mode, ref, head)

    range = None

    def not_found(self, head, code="MANIFEST_UNKNOWN"):
        body = canonical({"errors": [{"code": code, "message": "not here"}]})
        self.respond(404, "Not Found", [("Content-Type", "application/json")], body, head)

    def manifest(self, mode, ref, head):
        img = image_for(mode)
        body = img["manifest"]
        digest = img["digest"]
        ctype = OCI_MANIFEST
        if ref.startswith("sha256:") and ref != digest:
            if not (mode == "manifest-digest-header" and ref == fake_digest(mode)):
                self.not_found(head)
                return True
        if mode == "manifest-digest-header":
            digest = fake_digest(mode)
        elif mode == "manifest-digest-bytes":
            body = body.replace(b'"schemaVersion":2', b'"schemaVersion":2 ')
        elif mode == "manifest-wrong-type":
            ctype = DOCKER_MANIFEST
        elif mode == "redirect-loop":
            self.redirect("/hop/redirect-loop/a", head)
            return True
        elif mode == "redirect-30":
            self.redirect("/hop/redirect-30/1", head)
            return True
        headers = [("Content-Type", ctype), ("Docker-Content-Digest", digest)]
        if mode == "header-malformed":
            self.send(("HTTP/1.1 200 OK\r\nContent-Type: %s\r\nThis is not a header\r\n"
                       "Content-Length: %d\r\n\r\n" % (ctype, len(body))).encode() +
                      (b"" if head else body))
            return False
        if mode == "status-malformed":
            self.send(("HTTP/1.1 2OO OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n" %
                       (ctype, len(body))).encode() + (b"" if head else body))
            return False
        if mode == "manifest-truncated" and not head:
            self.respond(200, "OK", headers, body, head=True)
            self.send(body[:len(body) // 2])
            return False
        if mode == "manifest-huge-length":
            self.respond(200, "OK", headers, head=True, length=TEN_GIB)
            if not head:
                self.send(b" " * (64 << 10))
            return False
        if mode == "slow" and not head:
            self.respond(200, "OK", headers, body, head=True)
            for i in range(len(body)):
                self.send(body[i:i + 1])
                time.sleep(self.server.slow_seconds)
            return False
        self.respond(200, "OK", headers, body, head)
        return True

    def page(self, target, key, name, items, head):
        from urllib.parse import parse_qs, quote, urlsplit
        u = urlsplit(target)
        q = parse_qs(u.query)
        n = int((q.get("n") or ["100"])[0] or 100)
        last = (q.get("last") or [""])[0]
        rest = [x for x in items if x > last]
        chunk = rest[:max(0, min(n, PAGE_CAP))]
        doc = {key: chunk} if name is None else {"name": name, key: chunk}
        headers = [("Content-Type", "application/json")]
        if chunk and len(rest) > len(chunk):
            headers.append(("Link", '<%s?n=%d&last=%s>; rel="next"' % (u.path, n,
                                                                     quote(chunk[-1], safe=""))))
        self.respond(200, "OK", headers, canonical(doc), head)
        return True

    def redirect(self, location, head):
        self.respond(307, "Temporary Redirect", [("Location", location)], b"", head)

    def hop(self, mode, step, head):
        if mode == "redirect-loop":
            self.redirect("/hop/redirect-loop/" + ("b" if step == "a" else "a"), head)
            return True
        n = int(step) if step.isdigit() else 0
        if n < 30:
            self.redirect("/hop/redirect-30/%d" % (n + 1), head)
            return True
        img = image_for(mode)
        self.respond(200, "OK", [("Content-Type", OCI_MANIFEST),
                                 ("Docker-Content-Digest", img["digest"])], img["manifest"], head)
        return True

    def blob(self, mode, digest, head):
        img = image_for(mode)
        data = img["blobs"].get(digest)
        if data is None:
            self.not_found(head, "BLOB_UNKNOWN")
            return True
        layer = digest == img["layer"]
        start = 0
        if self.range and self.range.startswith("bytes="):
            first = self.range[6:].split("-", 1)[0]
            start = int(first) if first.isdigit() else 0
        self.range = None
        headers = [("Content-Type", "application/octet-stream"), ("Docker-Content-Digest", digest)]
        if layer and mode == "blob-wrong-bytes":
            data = bytes(b ^ 0x5A for b in data)
        if layer and mode == "blob-overlong":
            data = data + bytes(1 << 20)
        if layer and mode.startswith("resume-") and not head:
            return self.resume(mode, start, headers, data)
        if layer and mode == "blob-huge-length":
            self.respond(200, "OK", headers, head=True, length=TEN_GIB)
            if not head:
                self.send(data)
            return False
        status, reason = 200, "OK"
        if start:
            status, reason = 206, "Partial Content"
            headers.append(("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1,
                                                                  len(data))))
            data = data[start:]
        if layer and mode == "blob-truncated" and not head:
            self.respond(status, reason, headers, data, head=True)
            self.send(data[:len(data) // 2])
            return False
        self.respond(status, reason, headers, data, head)
        return True

    def upload(self, method, mode, parts, head):
        """An upload session of a push mode: started and fed, its completion refused (500)."""
        if method == "POST":
            with self.server.log_lock:
                self.server.uploads += 1
                n = self.server.uploads
            self.respond(202, "Accepted", [("Location", "/v2/%s/blobs/uploads/u%d" % (mode, n)),
                                           ("Range", "0-0"), ("Docker-Upload-UUID", "u%d" % n)])
            return True
        if method == "PATCH":
            self.respond(202, "Accepted", [("Location", "/" + "/".join(parts)),
                                           ("Docker-Upload-UUID", parts[-1])])
            return True
        if method == "PUT":
            body = canonical({"errors": [{"code": "UNKNOWN",
                                          "message": "the upload could not be completed"}]})
            self.respond(500, "Internal Server Error", [("Content-Type", "application/json")],
                         body, head)
            return True
        self.respond(204, "No Content", [])
        return True

    def resume(self, mode, start, headers, data):
        """The layer of a resume mode: a fresh GET is cut after RESUME_CUT bytes; a Range GET is
        answered as the mode says."""
        if not start:
            self.respond(200, "OK", headers, data, head=True)
            self.send(data[:RESUME_CUT])
            return False
        if mode == "resume-ignore":
            self.respond(200, "OK", headers, data)
            return True
        if mode == "resume-wrong-range":
            start = max(0, start - RESUME_CUT // 2)
        headers.append(("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data))))
        self.respond(206, "Partial Content", headers, data[start:])
        return True


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(srv, log, name):
    """Serves `srv` (its requests appended to the file `log`) until interrupted; 0."""
    srv.log_file = open(log, "a") if log else None
    srv.log_lock = threading.Lock()
    print("%s: listening on 127.0.0.1:%d" % (name, srv.server_address[1]), flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--log")
    ap.add_argument("--slow-seconds", type=float, default=30)
    a = ap.parse_args()
    srv = Server(("127.0.0.1", a.port), Handler)
    srv.slow_seconds = a.slow_seconds
    srv.uploads = 0
    return serve(srv, a.log, "hostile_server")


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    socket.setdefaulttimeout(120)
    sys.exit(main())
