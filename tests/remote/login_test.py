#!/usr/bin/env python3
"""remote:login: `ocikit login` / `ocikit logout` against docker-registry with htpasswd (Basic
auth), plain HTTP and TLS with a self-signed certificate made here, all on 127.0.0.1; every
registry started here is stopped at the end.

    login_test.py OCIKIT_BINARY
"""
import base64
import json
import os
import socket
import stat
import subprocess
import sys
import tempfile
import time

OCIKIT = None
FAILURES = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILURES.append(what)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_registry(tmp, name, htpasswd, tls=None):
    port = free_port()
    root = os.path.join(tmp, name)
    os.makedirs(root)
    cfg = os.path.join(root, "cfg.yml")
    http = f"{{addr: 127.0.0.1:{port}"
    if tls:
        http += f", tls: {{certificate: {tls[0]}, key: {tls[1]}}}"
    http += "}"
    with open(cfg, "w") as f:
        f.write(f"""version: 0.1
log: {{level: error}}
storage: {{filesystem: {{rootdirectory: {root}/data}}}}
http: {http}
auth: {{htpasswd: {{realm: test, path: {htpasswd}}}}}
""")
    log = open(os.path.join(root, "log"), "w")
    p = subprocess.Popen(["docker-registry", "serve", cfg], stdout=log, stderr=log)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return p, port
        except OSError:
            if p.poll() is not None:
                break
            time.sleep(0.1)
    p.kill()
    raise SystemExit(f"docker-registry {name} did not start")


def ocikit(args, stdin="", env=None):
    r = subprocess.run([OCIKIT] + args, input=stdin, capture_output=True, text=True,
                       env=env, timeout=60)
    return r.returncode, r.stdout, r.stderr

# A Docker credential helper (the protocol of docker-credential-helpers: `get`, `store`,
# `erase` with the server or Docker's JSON on stdin), keeping what it stores in the JSON file
# $OCIKIT_TEST_HELPER_STORE. No real helper (pass, secretservice) runs unattended here.
FAKE_HELPER = r"""#!/usr/bin/env python3
import json, os, sys
path = os.environ["OCIKIT_TEST_HELPER_STORE"]
data = json.load(open(path)) if os.path.exists(path) else {}
verb, text = sys.argv[1], sys.stdin.read()
with open(path + ".log", "a") as log:
    log.write(verb + "\n")
if verb == "store":
    req = json.loads(text)
    data[req["ServerURL"]] = {"Username": req["Username"], "Secret": req["Secret"]}
elif verb in ("get", "erase"):
    server = text.strip()
    if server not in data:
        print("credentials not found in native keychain")
        sys.exit(1)
    if verb == "get":
        print(json.dumps({"ServerURL": server, **data[server]}))
    else:
        del data[server]
else:
    print("unknown verb " + verb)
    sys.exit(1)
json.dump(data, open(path, "w"))
"""


def helper_part(tmp, host):
    """login/logout through a credential helper named by credsStore, then by credHelpers."""
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir)
    prog = os.path.join(bindir, "docker-credential-ocikittest")
    with open(prog, "w") as f:
        f.write(FAKE_HELPER)
    os.chmod(prog, 0o755)
    kept = os.path.join(tmp, "helper-store.json")
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"],
               OCIKIT_TEST_HELPER_STORE=kept)
    auth = os.path.join(tmp, "helper", "config.json")
    os.makedirs(os.path.dirname(auth))
    base = ["--authfile", auth]
    for member in ({"credsStore": "ocikittest"}, {"credHelpers": {host: "ocikittest"}}):
        name = next(iter(member))
        with open(auth, "w") as f:
            json.dump(dict(member, psFormat="t"), f)
        rc, o, e = ocikit(["login", host, "--plain-http", "-u", "user", "--password-stdin"] + base,
                          "S3cretPass\n", env=env)
        check(rc == 0, f"{name}: login through the helper (got {rc}: {e.strip()})")
        stored = json.load(open(kept)) if os.path.exists(kept) else {}
        check(stored.get(host) == {"Username": "user", "Secret": "S3cretPass"},
              f"{name}: the helper keeps the credentials under the host")
        text = open(auth).read()
        doc = json.loads(text)
        check("S3cretPass" not in text and "auth" not in doc["auths"].get(host, {"auth": 1}),
              f"{name}: config.json holds no secret, only an empty auths entry: {text.strip()}")
        check(doc.get("psFormat") == "t" and name in doc, f"{name}: other members kept")
        # The stored credentials are used: the catalog needs them (htpasswd).
        rc, o, e = ocikit(["store", "repos", f"docker://{host}", "--plain-http"] + base, env=env)
        check(rc == 0, f"{name}: a request with the helper's credentials works (got {rc}: {e.strip()})")
        rc, o, e = ocikit(["logout", host] + base, env=env)
        check(rc == 0, f"{name}: logout through the helper (got {rc}: {e.strip()})")
        check(host not in json.load(open(kept)), f"{name}: the helper erased the credentials")
        check(host not in json.load(open(auth)).get("auths", {}), f"{name}: the auths entry is gone")
        rc, o, e = ocikit(["store", "repos", f"docker://{host}", "--plain-http"] + base, env=env)
        check(rc != 0, f"{name}: after logout the registry refuses (got {rc})")
        rc, o, e = ocikit(["logout", host] + base, env=env)
        check(rc == 1 and "not logged in" in e, f"{name}: a second logout says so (got {rc})")
    log = open(kept + ".log").read().split()
    check({"store", "get", "erase"} <= set(log), f"the helper was asked to store, get and erase: {log}")
    # A helper that cannot run: login fails clearly and writes nothing.
    with open(auth, "w") as f:
        json.dump({"credsStore": "ocikit-no-such-helper"}, f)
    rc, o, e = ocikit(["login", host, "--plain-http", "-u", "user", "--password-stdin"] + base,
                      "S3cretPass\n", env=env)
    check(rc == 2 and "remote.credentials" in e and "docker-credential-ocikit-no-such-helper" in e,
          f"a missing helper is remote.credentials, exit 2 (got {rc}: {e.strip()})")
    check("S3cretPass" not in o + e, "the password is not printed")
    check(json.load(open(auth)) == {"credsStore": "ocikit-no-such-helper"},
          "nothing is written when the helper fails")


def main():
    global OCIKIT
    OCIKIT = sys.argv[1]
    procs = []
    with tempfile.TemporaryDirectory(prefix="ocikit-login-") as tmp:
        try:
            htpasswd = os.path.join(tmp, "htpasswd")
            out = subprocess.run(["htpasswd", "-Bbn", "user", "S3cretPass"], check=True,
                                 capture_output=True, text=True).stdout
            with open(htpasswd, "w") as f:
                f.write(out)
            cert = os.path.join(tmp, "cert.pem")
            key = os.path.join(tmp, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                            "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out",
                            cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                            "-addext", "subjectAltName=IP:127.0.0.1"],
                           check=True, capture_output=True)
            p, port = start_registry(tmp, "plain", htpasswd)
            procs.append(p)
            tp, tport = start_registry(tmp, "tls", htpasswd, (cert, key))
            procs.append(tp)
            host = f"127.0.0.1:{port}"
            thost = f"127.0.0.1:{tport}"
            auth = os.path.join(tmp, "auth", "config.json")
            base = ["--authfile", auth]

            rc, o, e = ocikit(["login", host, "--plain-http", "-u", "user", "--password-stdin"]
                              + base, "wrong\n")
            check(rc == 1, f"a wrong password is refused with exit 1 (got {rc}: {e.strip()})")
            check("remote.unauthorized" in e, "the refusal is remote.unauthorized")
            check("wrong" not in o + e, "the password is not printed")
            check(not os.path.exists(auth), "nothing is written after a refusal")

            rc, o, e = ocikit(["login", host, "--plain-http", "--password-stdin"] + base,
                              "S3cretPass\n")
            check(rc == 2, f"no user name with --password-stdin is a usage error (got {rc})")

            # An existing file: its other members stay.
            os.makedirs(os.path.dirname(auth))
            with open(auth, "w") as f:
                json.dump({"auths": {"other.example": {"auth": "YTpi"}},
                           "credHelpers": {"x.example": "none"}, "psFormat": "t"}, f)
            rc, o, e = ocikit(["login", host, "--plain-http", "-u", "user", "--password-stdin"]
                              + base, "S3cretPass\n")
            check(rc == 0, f"the right password logs in (got {rc}: {e.strip()})")
            check("Login Succeeded" in o, "login says so")
            check("S3cretPass" not in o + e, "the password is not printed")
            doc = json.load(open(auth))
            want = base64.b64encode(b"user:S3cretPass").decode()
            check(doc["auths"].get(host, {}).get("auth") == want, "auths[host].auth is saved")
            check(doc["auths"].get("other.example") == {"auth": "YTpi"}, "other entries kept")
            check(doc.get("credHelpers") == {"x.example": "none"} and doc.get("psFormat") == "t",
                  "other members kept")
            check(stat.S_IMODE(os.stat(auth).st_mode) == 0o600, "the file's mode is 0600")
            check(os.listdir(os.path.dirname(auth)) == ["config.json"], "no temporary file left")

            rc, o, e = ocikit(["logout", host] + base)
            check(rc == 0, f"logout removes the entry (got {rc}: {e.strip()})")
            doc = json.load(open(auth))
            check(host not in doc["auths"] and "other.example" in doc["auths"],
                  "logout removes only that host")
            check(doc.get("psFormat") == "t", "logout keeps other members")
            rc, o, e = ocikit(["logout", host] + base)
            check(rc == 1 and "not logged in" in e, f"a second logout says so (got {rc})")

            # $DOCKER_CONFIG when there is no --authfile.
            dc = os.path.join(tmp, "dockerconfig")
            env = dict(os.environ, DOCKER_CONFIG=dc)
            rc, o, e = ocikit(["login", host, "--plain-http", "-u", "user", "--password-stdin"],
                              "S3cretPass", env=env)
            check(rc == 0, f"login with $DOCKER_CONFIG (got {rc}: {e.strip()})")
            check(os.path.exists(os.path.join(dc, "config.json")),
                  "the file is $DOCKER_CONFIG/config.json")

            # TLS: the test CA passed explicitly; without it the certificate is refused.
            rc, o, e = ocikit(["login", thost, "--ca-file", cert, "-u", "user",
                               "--password-stdin"] + base, "S3cretPass\n")
            check(rc == 0, f"TLS login with --ca-file (got {rc}: {e.strip()})")
            rc, o, e = ocikit(["login", thost, "-u", "user", "--password-stdin"] + base,
                              "S3cretPass\n")
            check(rc == 2 and "remote.tls" in e, f"TLS without the CA is remote.tls (got {rc})")
            rc, o, e = ocikit(["login", thost, "--insecure", "-u", "user", "--password-stdin"]
                              + base, "wrong\n")
            check(rc == 1, f"--insecure still checks the password (got {rc})")
            rc, o, e = ocikit(["login", thost, "--insecure", "-u", "user", "--password-stdin"]
                              + base, "S3cretPass\n")
            check(rc == 0, f"--insecure logs in (got {rc})")
            doc = json.load(open(auth))
            check(thost in doc["auths"], "the TLS registry's entry is saved")

            # Nothing listening: a transport error, exit 2, nothing written for that host.
            dead = f"127.0.0.1:{free_port()}"
            rc, o, e = ocikit(["login", dead, "--plain-http", "-u", "user", "--password-stdin"]
                              + base, "S3cretPass\n")
            check(rc == 2 and "remote.connect" in e, f"no registry is remote.connect (got {rc})")
            check(dead not in json.load(open(auth))["auths"], "nothing saved for it")

            helper_part(tmp, host)
        finally:
            for p in procs:
                p.kill()
                p.wait()
    if FAILURES:
        print(f"{len(FAILURES)} failed")
        return 1
    print("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
