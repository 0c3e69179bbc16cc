#!/usr/bin/env python3
"""A small stand-in for Azure Container Registry, for tests/remote/acr_test.py.

It serves, as Azure's REST reference documents them (learn.microsoft.com, "Container Registry
- Manifests - Get List"):
  GET /acr/v1/<repo>/_manifests[?n=&last=&orderby=]
      {"registry","imageName","manifests":[{"digest","imageSize","createdTime","lastUpdateTime",
      "architecture","os","mediaType","configMediaType","tags","changeableAttributes"}]},
      untagged manifests included, at most PAGE_CAP per page (ordered by digest, `last` a
      digest), `Link: </acr/v1/<repo>/_manifests?last=…&n=…>; rel="next"` while more remain
and, for everything else, the distribution API (v2): /v2/, /v2/_catalog, tags/list, manifests
and blobs (GET and HEAD). An unknown repository is 404 NAME_UNKNOWN on both.

Authentication as ACR does it: every request without a token for its scope gets 401
`WWW-Authenticate: Bearer realm="http://HOST/oauth2/token",service="SERVICE",scope="…"`, the
scope `repository:<repo>:metadata_read` for /acr/v1/ and `repository:<repo>:pull` for /v2/; the
realm hands anonymous tokens ({"access_token"}) that grant the scopes asked for.

The images (the same bytes every run): IMAGES, in repository REPO, two tagged and one untagged.
Every request line is appended to --log (`METHOD TARGET`, ` [authorization]` when it carried
one), and every token request as `TOKEN scope=<scopes>`.
    usage: acr_server.py --port PORT [--log FILE]
"""

import argparse
import os
import random
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_server import canonical, serve, sha256  # noqa: E402

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
SERVICE = "fake.azurecr.io"
REPO = "app"
PAGE_CAP = 2
# (tags, createdTime, lastUpdateTime, architecture)
IMAGES = [
    (["latest", "v1"], "2026-01-01T10:00:00.0000000Z", "2026-01-05T10:00:00.0000000Z", "amd64"),
    (["v2"], "2026-01-02T10:00:00.0000000Z", "2026-01-03T10:00:00.0000000Z", "arm64"),
    ([], "2026-01-04T10:00:00.0000000Z", "2026-01-04T12:00:00.0000000Z", "s390x"),
]


def build():
    """{"manifests": [entry], "blobs": {digest: bytes}, "by_digest", "tags": {tag: digest}}."""
    rng = random.Random("ocikit-acr")
    out = {"manifests": [], "blobs": {}, "by_digest": {}, "tags": {}}
    for tags, created, updated, arch in IMAGES:
        layer = rng.randbytes(4096)
        config = canonical({"architecture": arch, "os": "linux",
                            "rootfs": {"type": "layers", "diff_ids": [sha256(layer)]}})
        manifest = canonical({
            "schemaVersion": 2, "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "digest": sha256(config), "size": len(config)},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                        "digest": sha256(layer), "size": len(layer)}]})
        d = sha256(manifest)
        entry = {"digest": d, "imageSize": len(manifest) + len(config) + len(layer),
                 "createdTime": created, "lastUpdateTime": updated, "architecture": arch,
                 "os": "linux", "mediaType": OCI_MANIFEST, "configMediaType": OCI_CONFIG,
                 "tags": tags,
                 "changeableAttributes": {"deleteEnabled": True, "writeEnabled": tags != [],
                                          "readEnabled": True, "listEnabled": True},
                 "bytes": manifest}
        out["manifests"].append(entry)
        out["by_digest"][d] = entry
        out["blobs"][sha256(layer)] = layer
        out["blobs"][sha256(config)] = config
        for t in tags:
            out["tags"][t] = d
    return out


DATA = build()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def log(self, line):
        with self.server.log_lock:
            if self.server.log_file:
                self.server.log_file.write(line + "\n")
                self.server.log_file.flush()

    def answer(self, status, body=b"", headers=(), head=False):
        self.send_response(status)
        has_type = False
        for k, v in headers:
            self.send_header(k, v)
            has_type = has_type or k.lower() == "content-type"
        if not has_type:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def error(self, status, code, message, head=False, headers=()):
        self.answer(status, canonical({"errors": [{"code": code, "message": message,
                                                   "detail": None}]}), headers, head)

    def authorised(self, scope, head):
        """True when the request carries a token for `scope`; else answers the challenge."""
        got = self.headers.get("Authorization", "")
        if got.startswith("Bearer ") and scope in self.server.scopes_of(got[7:]):
            return True
        challenge = 'Bearer realm="http://%s/oauth2/token",service="%s"' % (
            self.headers.get("Host", "127.0.0.1"), SERVICE)
        if scope:
            challenge += ',scope="%s"' % scope
        self.error(401, "UNAUTHORIZED", "authentication required", head,
                   [("WWW-Authenticate", challenge)])
        return False

    def do_HEAD(self):
        self.route(head=True)

    def do_GET(self):
        self.route(head=False)

    def route(self, head):
        u = urlsplit(self.path)
        auth = " [authorization]" if self.headers.get("Authorization") else ""
        self.log("%s %s%s" % (self.command, self.path, auth))
        parts = u.path.strip("/").split("/")
        q = parse_qs(u.query)
        if u.path == "/oauth2/token":
            scopes = sorted(set(" ".join(q.get("scope", [])).split()))
            self.log("TOKEN scope=%s" % " ".join(scopes))
            return self.answer(200, canonical({"access_token": self.server.token_for(
                " ".join(scopes))}), head=head)
        if u.path in ("/v2", "/v2/"):
            if self.authorised("", head):
                self.answer(200, b"{}", [("Docker-Distribution-API-Version", "registry/2.0")],
                            head)
            return None
        if parts[:2] == ["acr", "v1"] and len(parts) >= 4 and parts[-1] == "_manifests":
            repo = "/".join(parts[2:-1])
            if not self.authorised("repository:%s:metadata_read" % repo, head):
                return None
            return self.acr_manifests(repo, q, head)
        if parts[0] != "v2":
            return self.answer(404, b"404 page not found\n", [("Content-Type", "text/plain")],
                               head)
        if u.path == "/v2/_catalog":
            if self.authorised("registry:catalog:*", head):
                self.answer(200, canonical({"repositories": [REPO]}), head=head)
            return None
        if len(parts) < 4:
            return self.error(404, "NAME_UNKNOWN", "repository name not known", head)
        repo = "/".join(parts[1:-2])
        if not self.authorised("repository:%s:pull" % repo, head):
            return None
        if repo != REPO:
            return self.error(404, "NAME_UNKNOWN", "repository name not known", head)
        kind, ref = parts[-2], parts[-1]
        if [kind, ref] == ["tags", "list"]:
            return self.answer(200, canonical({"name": REPO, "tags": sorted(DATA["tags"])}),
                               head=head)
        if kind == "manifests":
            entry = DATA["by_digest"].get(DATA["tags"].get(ref, ref))
            if entry is None:
                return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown", head)
            return self.answer(200, entry["bytes"], [("Content-Type", OCI_MANIFEST),
                                                     ("Docker-Content-Digest", entry["digest"])],
                               head)
        if kind == "blobs" and ref in DATA["blobs"]:
            return self.answer(200, DATA["blobs"][ref],
                               [("Content-Type", "application/octet-stream"),
                                ("Docker-Content-Digest", ref)], head)
        return self.error(404, "BLOB_UNKNOWN", "blob unknown", head)

    def acr_manifests(self, repo, q, head):
        if repo != REPO:
            return self.error(404, "NAME_UNKNOWN", "repository name not known", head)
        n = int((q.get("n") or ["100"])[0] or 100)
        last = (q.get("last") or [""])[0]
        rest = sorted((m for m in DATA["manifests"] if m["digest"] > last),
                      key=lambda m: m["digest"])
        page = rest[:max(1, min(n, PAGE_CAP))]
        doc = {"registry": SERVICE, "imageName": repo,
               "manifests": [{k: v for k, v in m.items() if k != "bytes"} for m in page]}
        headers = []
        if len(rest) > len(page):
            headers.append(("Link", '</acr/v1/%s/_manifests?last=%s&n=%d&orderby=>; rel="next"' %
                            (repo, quote(page[-1]["digest"], safe=""), n)))
        return self.answer(200, canonical(doc), headers, head)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def token_for(self, scopes):
        return "acr-token." + quote(scopes, safe="")

    def scopes_of(self, token):
        from urllib.parse import unquote
        if not token.startswith("acr-token."):
            return []
        return unquote(token[len("acr-token."):]).split(" ") + [""]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--log")
    a = ap.parse_args()
    return serve(Server(("127.0.0.1", a.port), Handler), a.log, "acr_server")


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    socket.setdefaulttimeout(120)
    sys.exit(main())
