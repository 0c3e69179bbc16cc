"""Servers for the remote tests (tests/remote/*_test.py), all on 127.0.0.1 on free ports.

  Registry(scratch, auth=None|"token"|"htpasswd", tls=None|Certs, issuer=None)
      docker-registry (distribution 2.8 from Debian) with its own storage in the scratch
      directory; .start() / .stop(), .host ("127.0.0.1:PORT"), .url(ref) ("docker://HOST/ref").
  TokenIssuer(scratch, users=DEFAULT_USERS)
      distribution's token auth: GET /token?service=&scope=… answered with an ES256 JWT whose
      header carries the certificate in `x5c` and whose claims are iss, aud, exp, nbf, iat, jti
      and access; it grants what the (Basic-authenticated or anonymous) user may and logs every
      request (.log: dicts with user, scopes asked and granted) so a test can see scope upgrade.
  Certs(scratch)
      a test CA made by openssl and certificates it signed: .server for 127.0.0.1 and localhost
      (subjectAltName, so host name verification passes) and .other for other.example (host name
      verification fails on 127.0.0.1).
  Hostile(scratch, slow_seconds)
      tests/remote/hostile_server.py in a child process (modes in that file).
  FakeAcr(scratch)
      tests/remote/acr_server.py in a child process: Azure's /acr/v1/ manifest list and v2.
  htpasswd_line(user, password)
      a bcrypt line made by `htpasswd -Bbn`.

Every child process is started in its own process group and killed with its group by .stop(),
by an atexit hook and on SIGTERM/SIGINT (ctest's timeout), and gets SIGTERM from the kernel when
the test process dies anyway (PR_SET_PDEATHSIG), so no server outlives its test. The
token issuer is a thread of the test process. Reporting and scratch directories come from
tests/store/storelib.py.
    python3 tests/remote/fixtures.py     starts each fixture and checks it with skopeo and curl
"""

import atexit
import base64
import ctypes
import hashlib
import http.server
import json
import os
import re
import signal
import urllib.error
import urllib.request
import socketserver
import subprocess
import sys
import threading
import time
import uuid

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "store"))
from storelib import die, free_port, run, sha256, tool, wait_port  # noqa: E402

# anonymous pulls everything; alice may do everything; reader only pulls.
DEFAULT_USERS = {
    None: (None, {"pull"}),
    "alice": ("alice-secret-pw-7", {"pull", "push", "delete", "*"}),
    "reader": ("reader-secret-pw-3", {"pull"}),
}

# ---------------------------------------------------------------------------------------------
# Child processes, always stopped

_children = []


def _kill_group(proc, sig=signal.SIGTERM, wait=10):
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(wait)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def _stop_all():
    for p in list(_children):
        _kill_group(p, wait=5)
    _children.clear()


def _on_signal(signum, _frame):
    _stop_all()
    sys.exit(128 + signum)


atexit.register(_stop_all)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


try:
    _libc = ctypes.CDLL(None, use_errno=True)
except OSError:
    _libc = None


def _die_with_parent():
    """In the child before exec: SIGTERM when the test process dies, even by SIGKILL
    (PR_SET_PDEATHSIG), so that no server outlives a killed test."""
    if _libc is not None:
        _libc.prctl(1, int(signal.SIGTERM), 0, 0, 0)


def spawn(argv, log_path, env=None):
    """Starts argv in its own process group, output to log_path; stopped at exit at the latest,
    and when the test process is killed."""
    log = open(log_path, "ab")
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True, env=env, preexec_fn=_die_with_parent)
    log.close()
    _children.append(proc)
    return proc


def stop(proc):
    if proc is not None:
        _kill_group(proc)
        if proc in _children:
            _children.remove(proc)


def tail(path, n=20):
    try:
        with open(path, "rb") as f:
            return b"\n".join(f.read().splitlines()[-n:]).decode(errors="replace")
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------------
# Certificates


class Certs:
    """A CA and two server certificates it signed, made with openssl in scratch/certs."""

    def __init__(self, scratch):
        d = scratch.path("certs")
        os.makedirs(d, exist_ok=True)
        self.dir = d
        self.ca = os.path.join(d, "ca.pem")
        self.ca_key = os.path.join(d, "ca.key")
        tool(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
              "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", self.ca_key, "-out", self.ca,
              "-days", "2", "-subj", "/CN=ocikit test CA",
              "-addext", "basicConstraints=critical,CA:TRUE",
              "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        self.server = self._leaf("server", "127.0.0.1",
                                 "subjectAltName=IP:127.0.0.1,DNS:localhost")
        self.other = self._leaf("other", "other.example", "subjectAltName=DNS:other.example")

    def _leaf(self, name, cn, san):
        key = os.path.join(self.dir, name + ".key")
        csr = os.path.join(self.dir, name + ".csr")
        crt = os.path.join(self.dir, name + ".pem")
        ext = os.path.join(self.dir, name + ".ext")
        with open(ext, "w") as f:
            f.write("%s\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                    "extendedKeyUsage=serverAuth\n" % san)
        tool(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
              "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", csr,
              "-subj", "/CN=" + cn])
        tool(["openssl", "x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey", self.ca_key,
              "-CAcreateserial", "-out", crt, "-days", "2", "-extfile", ext])
        return crt, key


# ---------------------------------------------------------------------------------------------
# Token issuer


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class _Signer:
    """ES256 JWTs with the certificate in x5c: PyJWT when importable (python3-jwt), else the same
    bytes by hand with cryptography (the JWS compact form is simple)."""

    def __init__(self, scratch):
        self.key_path = scratch.path("issuer.key")
        self.cert_path = scratch.path("issuer.pem")
        tool(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
              "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", self.key_path, "-out",
              self.cert_path, "-days", "2", "-subj", "/CN=ocikit test issuer"])
        with open(self.key_path, "rb") as f:
            self.key_pem = f.read()
        with open(self.cert_path) as f:
            pem = f.read()
        body = pem.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
        self.x5c = "".join(body.split())  # base64 of the DER, as x5c wants (not url-safe)

    def sign(self, claims):
        header = {"typ": "JWT", "alg": "ES256", "x5c": [self.x5c]}
        try:
            import jwt  # python3-jwt
            return jwt.encode(claims, self.key_pem, algorithm="ES256", headers=header)
        except ImportError:
            pass
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
        key = serialization.load_pem_private_key(self.key_pem, password=None)
        signing_input = (_b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                         _b64url(json.dumps(claims, separators=(",", ":")).encode()))
        r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        return signing_input + "." + _b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


class TokenIssuer:
    """distribution's token server for tests, in a thread of the test process."""

    SERVICE = "ocikit-test"
    ISSUER = "ocikit-test-issuer"

    def __init__(self, scratch, users=None, expires_in=300):
        self.users = dict(DEFAULT_USERS if users is None else users)
        self.expires_in = expires_in
        self.signer = _Signer(scratch)
        self.cert = self.signer.cert_path
        self.log = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.server = None
        self.thread = None

    @property
    def realm(self):
        return "http://127.0.0.1:%d/token" % self.port

    def scopes_asked(self):
        """[[scope, ...] per token request], in order."""
        with self.lock:
            return [list(e["scopes"]) for e in self.log]

    def clear(self):
        with self.lock:
            self.log.clear()

    def _user(self, authorization):
        """(user or None for anonymous, ok)."""
        if not authorization:
            return None, True
        kind, _, value = authorization.partition(" ")
        if kind.lower() != "basic":
            return None, False
        try:
            user, _, password = base64.b64decode(value.strip()).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None, False
        want = self.users.get(user)
        return user, want is not None and want[0] == password

    def _grant(self, user, scope):
        kind, _, rest = scope.partition(":")
        name, _, actions = rest.rpartition(":")
        if not name:
            return None
        allowed = self.users[user][1]
        if kind == "registry":  # registry:catalog:*
            return {"type": kind, "name": name,
                    "actions": ["*"] if "*" in allowed else []}
        if kind != "repository":
            return None
        asked = [a for a in actions.split(",") if a]
        got = [a for a in asked if a in allowed or "*" in allowed and a != "*"]
        if "*" in asked and "*" in allowed:
            got.append("*")
        return {"type": "repository", "name": name, "actions": got}

    def _answer(self, handler, query, body_params):
        from urllib.parse import parse_qs
        q = parse_qs(query)
        q.update(body_params)
        user, ok = self._user(handler.headers.get("Authorization"))
        if "refresh_token" in q:  # OAuth2 refresh-token flow: the token names the user
            user = q["refresh_token"][0].partition(":")[0]
            ok = user in self.users and self.users[user][0] is not None and \
                q["refresh_token"][0] == "%s:refresh" % user
        scopes = q.get("scope", [])
        scopes = [s for x in scopes for s in x.split(" ") if s]
        entry = {"method": handler.command, "user": user, "scopes": scopes, "ok": ok,
                 "service": (q.get("service") or [""])[0], "granted": []}
        if not ok:
            with self.lock:
                self.log.append(entry)
            handler.send_response(401)
            body = b'{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}'
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
            return
        access = [g for g in (self._grant(user, s) for s in scopes) if g]
        entry["granted"] = access
        with self.lock:
            self.log.append(entry)
        now = int(time.time())
        claims = {"iss": self.ISSUER, "sub": user or "", "aud": self.SERVICE, "exp":
                  now + self.expires_in, "nbf": now - 10, "iat": now, "jti": uuid.uuid4().hex,
                  "access": access}
        token = self.signer.sign(claims)
        doc = {"token": token, "access_token": token, "expires_in": self.expires_in,
               "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))}
        if "refresh_token" not in q and user and handler.command == "POST":
            doc["refresh_token"] = "%s:refresh" % user
        body = json.dumps(doc).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def start(self):
        issuer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                path, _, query = self.path.partition("?")
                if path != "/token":
                    self.send_error(404)
                    return
                issuer._answer(self, query, {})

            def do_POST(self):
                from urllib.parse import parse_qs
                path, _, query = self.path.partition("?")
                n = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(n).decode()) if n else {}
                if path != "/token":
                    self.send_error(404)
                    return
                issuer._answer(self, query, form)

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        atexit.register(self.stop)
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


class _Server:
    """A server in a child process on 127.0.0.1:port: start(), stop(), a context manager."""

    name = "server"
    port = 0
    logfile = ""
    proc = None

    def argv(self):
        raise NotImplementedError

    @property
    def host(self):
        return "127.0.0.1:%d" % self.port

    def start(self):
        self.proc = spawn(self.argv(), self.logfile)
        if not wait_port(self.port):
            self.stop()
            die("%s did not listen on %s: %s" % (self.name, self.host, tail(self.logfile)))
        return self

    def stop(self):
        stop(self.proc)
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


# ---------------------------------------------------------------------------------------------
# docker-registry


def htpasswd_line(user, password):
    return tool(["htpasswd", "-Bbn", user, password]).stdout.decode().strip()


class Registry(_Server):
    """docker-registry on 127.0.0.1 with storage under scratch/<name>."""

    name = "docker-registry"

    def __init__(self, scratch, name="registry", auth=None, tls=None, issuer=None, users=None):
        self.dir = scratch.path(name)
        os.makedirs(self.dir, exist_ok=True)
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.tls = tls
        self.auth = auth
        self.config = os.path.join(self.dir, "config.yml")
        self.logfile = os.path.join(self.dir, "registry.log")
        lines = ["version: 0.1", "log:", "  level: info", "  accesslog:", "    disabled: false",
                 "storage:", "  filesystem:", "    rootdirectory: " + self.data,
                 "  delete:", "    enabled: true",
                 "  maintenance:", "    uploadpurging:", "      enabled: false",
                 "http:", "  addr: 127.0.0.1:%d" % self.port, "  secret: ocikit-test-secret"]
        if tls is not None:
            cert, key = tls
            lines += ["  tls:", "    certificate: " + cert, "    key: " + key]
        if auth == "token":
            lines += ["auth:", "  token:", "    realm: " + issuer.realm,
                      "    service: " + TokenIssuer.SERVICE, "    issuer: " + TokenIssuer.ISSUER,
                      "    rootcertbundle: " + issuer.cert]
        elif auth == "htpasswd":
            path = os.path.join(self.dir, "htpasswd")
            with open(path, "w") as f:
                for user, (password, _) in (users or DEFAULT_USERS).items():
                    if user is not None:
                        f.write(htpasswd_line(user, password) + "\n")
            lines += ["auth:", "  htpasswd:", "    realm: ocikit-test", "    path: " + path]
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.proc = None

    def argv(self):
        return ["docker-registry", "serve", self.config]

    @property
    def origin(self):
        return "%s://%s" % ("https" if self.tls else "http", self.host)

    def url(self, ref=""):
        return "docker://%s/%s" % (self.host, ref) if ref else "docker://" + self.host

    def log(self):
        """The registry's log so far (access log included)."""
        try:
            with open(self.logfile, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def requests(self):
        """[(method, target, status)] from the access log, in order."""
        out = []
        for m in re.finditer(r'"([A-Z]+) (\S+) HTTP/1\.[01]" (\d{3}) ', self.log()):
            out.append((m.group(1), m.group(2), int(m.group(3))))
        return out

    # Direct checks of what the registry stores (its filesystem layout).
    def v2(self):
        return os.path.join(self.data, "docker", "registry", "v2")

    def has_blob(self, digest):
        h = digest.split(":", 1)[1]
        return os.path.exists(os.path.join(self.v2(), "blobs", "sha256", h[:2], h, "data"))

    def repo_layers(self, repo):
        top = os.path.join(self.v2(), "repositories", repo, "_layers", "sha256")
        return {"sha256:" + h for h in os.listdir(top)} if os.path.isdir(top) else set()

    # The registry through skopeo, for oracles.
    def skopeo_flags(self, prefix="src"):
        if self.tls:
            return ["--%s-cert-dir" % prefix, self.tls_dir()] if prefix else [
                "--cert-dir", self.tls_dir()]
        return ["--%s-tls-verify=false" % prefix] if prefix else ["--tls-verify=false"]

    def tls_dir(self):
        """A directory with the CA as skopeo's --cert-dir wants it (ca.crt)."""
        d = os.path.join(self.dir, "skopeo-certs")
        if not os.path.isdir(d):
            os.makedirs(d)
            with open(self.tls_ca) as src, open(os.path.join(d, "ca.crt"), "w") as dst:
                dst.write(src.read())
        return d

    tls_ca = None  # set by the caller for TLS registries (the CA file)

    def raw(self, ref, creds=None):
        """`skopeo inspect --raw` of ref: the manifest bytes, or None."""
        argv = ["skopeo", "inspect", "--raw"] + self.skopeo_flags(None)
        if creds:
            argv += ["--creds", "%s:%s" % creds]
        p = run(argv + [self.url(ref)])
        return p.stdout if p.returncode == 0 else None

    def push_layout(self, layout, name, ref, creds=None, extra=()):
        argv = ["skopeo", "copy", "-q", "--preserve-digests"] + self.skopeo_flags("dest")
        if creds:
            argv += ["--dest-creds", "%s:%s" % creds]
        return tool(argv + list(extra) + ["oci:%s:%s" % (layout, name), self.url(ref)])


# ---------------------------------------------------------------------------------------------
# The hostile server


class Hostile(_Server):
    """tests/remote/hostile_server.py on a free port; .host, .url(ref), .requests()."""

    name = "hostile_server"

    def __init__(self, scratch, slow_seconds=30):
        self.port = free_port()
        self.logfile = scratch.path("hostile.log")
        self.reqfile = scratch.path("hostile-requests.log")
        self.slow_seconds = slow_seconds
        self.proc = None

    def url(self, ref):
        return "docker://%s/%s" % (self.host, ref)

    def argv(self):
        return [sys.executable, os.path.join(HERE, "hostile_server.py"), "--port", str(self.port),
                "--log", self.reqfile, "--slow-seconds", str(self.slow_seconds)]

    def requests(self):
        """The request lines the server saw, in order ("GET /v2/... HTTP/1.1")."""
        try:
            with open(self.reqfile) as f:
                return [l.rstrip("\n") for l in f]
        except OSError:
            return []

    def image(self, mode):
        """The image the server serves for a mode: {"manifest": bytes, "digest", "blobs"}."""
        sys.path.insert(0, HERE)
        import hostile_server
        return hostile_server.image_for(mode)


class FakeAcr(_Server):
    """tests/remote/acr_server.py on a free port: Azure's /acr/v1/ manifest list and the v2 API
    with ACR's Bearer challenge; .host, .url(ref), .requests(), .data (its images)."""

    name = "acr_server"

    def __init__(self, scratch):
        self.port = free_port()
        self.logfile = scratch.path("acr.log")
        self.reqfile = scratch.path("acr-requests.log")
        self.proc = None
        sys.path.insert(0, HERE)
        import acr_server
        self.data = acr_server.DATA

    def url(self, ref):
        return "docker://%s/%s" % (self.host, ref)

    def argv(self):
        return [sys.executable, os.path.join(HERE, "acr_server.py"), "--port", str(self.port),
                "--log", self.reqfile]

    def requests(self):
        """The request lines the server saw, in order ("GET /acr/v1/app/_manifests"), and
        "TOKEN scope=…" for each token handed out."""
        try:
            with open(self.reqfile) as f:
                return [l.rstrip("\n") for l in f]
        except OSError:
            return []


# ---------------------------------------------------------------------------------------------
# Talking to a plain registry directly (to set up what the CLI then reads)


class API:
    """The distribution API over plain HTTP with urllib, for setup: exact bytes in, no client
    logic of ocikit's involved."""

    def __init__(self, registry):
        self.base = "http://" + registry.host

    def call(self, method, path, data=None, headers=None):
        """(status, headers, body); HTTP errors are answers, not exceptions."""
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def push_blob(self, repo, data):
        """Monolithic upload: POST, then PUT <Location>&digest= with the body (distribution 2.8
        answers a POST ?digest= with a body by 202 and ignores the body)."""
        d = sha256(data)
        st, h, body = self.call("POST", "/v2/%s/blobs/uploads/" % repo)
        if st != 202:
            die("setup: blob upload start in %s: %d %r" % (repo, st, body[:200]))
        loc = h.get("Location")
        if loc.startswith("http"):
            loc = "/" + loc.split("/", 3)[3]
        st, _, body = self.call("PUT", "%s%sdigest=%s" % (loc, "&" if "?" in loc else "?", d),
                                data, {"Content-Type": "application/octet-stream"})
        if st != 201:
            die("setup: blob upload to %s: %d %r" % (repo, st, body[:200]))
        return d

    def mount(self, repo, digest, source):
        st, _, _ = self.call("POST", "/v2/%s/blobs/uploads/?mount=%s&from=%s" % (repo, digest,
                                                                               source))
        return st == 201

    def push_manifest(self, repo, ref, data, media_type):
        st, h, body = self.call("PUT", "/v2/%s/manifests/%s" % (repo, ref), data,
                                {"Content-Type": media_type})
        if st != 201:
            die("setup: manifest PUT %s:%s: %d %r" % (repo, ref, st, body[:300]))
        return h.get("Docker-Content-Digest")

    def push_image(self, repo, ref, obj):
        """Every blob of a storelib Image or Index, children first, then the manifest."""
        if hasattr(obj, "images"):
            for child in obj.images:
                self.push_image(repo, child.digest, child)
        else:
            for d, data in obj.blobs().items():
                if d != obj.digest:
                    self.push_blob(repo, data)
        return self.push_manifest(repo, ref, obj.manifest, obj.media_type)


DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"


class DockerImage:
    """A Docker v2 schema 2 manifest over a storelib Image's config and layers."""

    def __init__(self, image):
        self.image = image
        doc = {"schemaVersion": 2, "mediaType": DOCKER_MANIFEST,
               "config": {"mediaType": DOCKER_CONFIG, "size": len(image.config),
                          "digest": sha256(image.config)},
               "layers": [{"mediaType": DOCKER_LAYER, "size": len(l.data), "digest": l.digest}
                          for l in image.layers]}
        self.manifest = json.dumps(doc, indent=3).encode()  # as docker writes it: not compact
        self.digest = sha256(self.manifest)
        self.media_type = DOCKER_MANIFEST
        self.platform = image.platform

    def blobs(self):
        out = dict(self.image.blobs())
        out.pop(self.image.digest)
        out[self.digest] = self.manifest
        return out


class DockerList:
    """A Docker manifest list over DockerImages."""

    def __init__(self, images):
        self.images = list(images)
        doc = {"schemaVersion": 2, "mediaType": DOCKER_LIST,
               "manifests": [{"mediaType": DOCKER_MANIFEST, "size": len(i.manifest),
                              "digest": i.digest, "platform": i.platform}
                             for i in self.images]}
        self.manifest = json.dumps(doc, indent=3).encode()
        self.digest = sha256(self.manifest)
        self.media_type = DOCKER_LIST


# ---------------------------------------------------------------------------------------------
# The CLI


class Ocikit:
    """The ocikit binary with an environment of its own: a store ($OCIKIT_STORE), an empty
    $DOCKER_CONFIG and $HOME in the scratch directory (never the user's credentials)."""

    def __init__(self, exe, scratch, store="store"):
        self.exe = exe
        self.store = scratch.path(store)
        home = scratch.path("home")
        os.makedirs(os.path.join(home, ".docker"), exist_ok=True)
        self.env = dict(os.environ, OCIKIT_STORE=self.store, HOME=home,
                        DOCKER_CONFIG=os.path.join(home, ".docker"),
                        XDG_RUNTIME_DIR=home, XDG_CONFIG_HOME=os.path.join(home, ".config"))
        for k in ("OCIKIT_FAULT_POINT", "REGISTRY_AUTH_FILE", "http_proxy", "https_proxy",
                  "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
            self.env.pop(k, None)
        self.env["NO_PROXY"] = self.env["no_proxy"] = "127.0.0.1,localhost"
        self._help = {}

    def run(self, *args, input=None, timeout=300, env=None):
        e = self.env if env is None else dict(self.env, **env)
        return run([self.exe] + [str(a) for a in args], timeout=timeout, env=e, input=input)

    def json(self, proc):
        """The JSON on a process's stdout, or None."""
        try:
            return json.loads(proc.stdout)
        except ValueError:
            return None

    def copy(self, src, dst, *flags, timeout=300, env=None):
        """(process, its JSON or None) of `ocikit copy SRC DST FLAGS --format json`."""
        p = self.run("copy", src, dst, *flags, "--format", "json", timeout=timeout, env=env)
        return p, self.json(p)

    def store_verb(self, verb, *args, timeout=120, env=None):
        return self.run("store", verb, *args, timeout=timeout, env=env)

    def help(self, *words):
        """The --help text of a command ('' when it has none)."""
        if words not in self._help:
            p = self.run(*words, "--help", timeout=30)
            self._help[words] = (p.stdout + p.stderr).decode(errors="replace")
        return self._help[words]

    def has_command(self, *words):
        p = self.run(*words, "--help", timeout=30)
        return p.returncode == 0

    def output(self, proc):
        """stdout and stderr of a process as one text (for secrets and messages)."""
        return (proc.stdout + proc.stderr).decode(errors="replace")


def layout_clean(layout):
    """Problems of a layout a refused copy wrote to: it must hold no image (no index entry) and
    no file under blobs/ whose bytes do not hash to its name."""
    problems = []
    try:
        with open(os.path.join(layout, "index.json"), "rb") as f:
            entries = json.load(f).get("manifests") or []
        if entries:
            problems.append("index.json lists %d entries" % len(entries))
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as e:
        problems.append("index.json unreadable: %s" % e)
    for d, _, files in os.walk(os.path.join(layout, "blobs")):
        for n in files:
            p = os.path.join(d, n)
            want = "%s:%s" % (os.path.basename(d), n)
            h = hashlib.sha256()
            with open(p, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            if "sha256:" + h.hexdigest() != want:
                problems.append("blobs/%s/%s does not hash to its name" % (os.path.basename(d),
                                                                           n))
    return problems


def hostile_ref(hostile, mode):
    """The reference that shows a mode's fault: by digest for the manifest digest modes (what the
    server sends by tag can only be checked against its own header), else by tag."""
    import hostile_server
    if mode == "manifest-digest-header":
        return hostile.url("%s@%s" % (mode, hostile_server.fake_digest(mode)))
    if mode == "manifest-digest-bytes":
        return hostile.url("%s@%s" % (mode, hostile.image(mode)["digest"]))
    return hostile.url(mode + ":v1")


# ---------------------------------------------------------------------------------------------
# Self-check: every fixture against real clients (skopeo, curl), before the CLI exists.


def _self_check():
    sys.path.insert(0, os.path.join(os.path.dirname(HERE), "store"))
    from storelib import Checks, Image, Scratch, describe, random_layer, seeded, \
        write_layout
    checks = Checks("remote:fixtures")
    rng = seeded(checks.name)
    with Scratch("remote-fixtures") as s:
        img = Image([random_layer(rng, "a", 4096)], label="fixtures")
        layout = write_layout(s.path("layout"), [("v1", img)])
        certs = Certs(s)

        # plain
        with Registry(s, "plain") as r:
            r.push_layout(layout, "v1", "app:v1")
            checks.equal(r.raw("app:v1"), img.manifest, "plain: skopeo round trip")
            p = run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                     "http://%s/v2/" % r.host])
            checks.equal(p.stdout, b"200", "plain: GET /v2/")

        # token
        issuer = TokenIssuer(s).start()
        with Registry(s, "token", auth="token", issuer=issuer) as r:
            p = run(["curl", "-sS", "-D-", "-o", "/dev/null", "http://%s/v2/" % r.host])
            checks.check(b"401" in p.stdout and b"Bearer realm=" in p.stdout,
                         "token: /v2/ challenges", p.stdout)
            r.push_layout(layout, "v1", "team/app:v1", creds=("alice", DEFAULT_USERS["alice"][0]))
            checks.check(["repository:team/app:pull,push"] in issuer.scopes_asked(),
                         "token: the push asked pull,push", issuer.scopes_asked())
            checks.equal(r.raw("team/app:v1"), img.manifest, "token: anonymous pull")
            argv = ["skopeo", "copy", "-q", "--preserve-digests", "--dest-tls-verify=false",
                    "--dest-creds", "reader:" + DEFAULT_USERS["reader"][0],
                    "oci:%s:v1" % layout, r.url("team/other:v1")]
            p = run(argv)
            checks.check(p.returncode != 0, "token: reader cannot push", describe(p))
            p = run(["skopeo", "copy", "-q", "--preserve-digests", "--dest-tls-verify=false",
                     "--dest-creds", "alice:wrong", "oci:%s:v1" % layout,
                     r.url("team/other:v1")])
            checks.check(p.returncode != 0, "token: wrong password refused", describe(p))
            p = run(["skopeo", "delete", "--tls-verify=false", "--creds",
                     "alice:" + DEFAULT_USERS["alice"][0], r.url("team/app@" + img.digest)])
            checks.check(p.returncode == 0, "token: alice deletes", describe(p))
        issuer.stop()

        # htpasswd
        with Registry(s, "basic", auth="htpasswd") as r:
            creds = ("alice", DEFAULT_USERS["alice"][0])
            p = run(["curl", "-sS", "-D-", "-o", "/dev/null", "http://%s/v2/" % r.host])
            checks.check(b"401" in p.stdout and b"Basic realm=" in p.stdout,
                         "basic: /v2/ challenges", p.stdout)
            r.push_layout(layout, "v1", "app:v1", creds=creds)
            checks.equal(r.raw("app:v1", creds=creds), img.manifest, "basic: round trip")
            checks.equal(r.raw("app:v1", creds=("alice", "nope")), None, "basic: wrong password")

        # TLS
        with Registry(s, "tls", tls=certs.server) as r:
            r.tls_ca = certs.ca
            r.push_layout(layout, "v1", "app:v1")
            checks.equal(r.raw("app:v1"), img.manifest, "tls: skopeo with the CA")
            p = run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", certs.ca,
                     "https://%s/v2/" % r.host])
            checks.equal(p.stdout, b"200", "tls: curl with the CA")
            p = run(["curl", "-sS", "-o", "/dev/null", "https://%s/v2/" % r.host])
            checks.check(p.returncode != 0, "tls: curl without the CA refused", describe(p))
            p = run(["curl", "-sS", "-o", "/dev/null", "--cacert", certs.ca,
                     "https://localhost:%d/v2/" % r.port])
            checks.check(p.returncode == 0, "tls: localhost matches", describe(p))
        with Registry(s, "tls-other", tls=certs.other) as r:
            p = run(["curl", "-sS", "-o", "/dev/null", "--cacert", certs.ca,
                     "https://%s/v2/" % r.host])
            checks.check(p.returncode != 0 and b"certificate" in p.stderr.lower() + b"subject",
                         "tls: a certificate for other.example refused on 127.0.0.1",
                         describe(p))

        # hostile: a good control mode works with skopeo; the bad ones fail there too
        with Hostile(s, slow_seconds=3) as h:
            good = h.image("good")
            p = run(["skopeo", "inspect", "--raw", "--tls-verify=false", h.url("good:v1")])
            checks.equal(p.stdout, good["manifest"], "hostile: good manifest through skopeo")
            p = run(["skopeo", "copy", "-q", "--src-tls-verify=false", h.url("good:v1"),
                     "oci:%s:v1" % s.path("hostile-good")])
            checks.check(p.returncode == 0, "hostile: skopeo copies the good image", describe(p))
            import hostile_server
            for mode in hostile_server.BAD_MODES:
                # skopeo checks a manifest's digest only when it pulled by digest; it has no
                # read timeout (5 s here, so `slow` ends as "timed out").
                ref = hostile_ref(h, mode)
                p = run(["skopeo", "copy", "-q", "--retry-times", "0", "--src-tls-verify=false",
                         ref, "oci:%s:v1" % s.path("hostile-" + mode)],
                        timeout=5 if mode == "slow" else 60)
                checks.check(p.returncode != 0, "hostile: skopeo refuses " + ref, describe(p))
                checks.note("%s: skopeo says %s" % (mode, p.stderr.decode(errors="replace")
                                                    .strip().splitlines()[-1:]))
    checks.done()


if __name__ == "__main__":
    _self_check()
