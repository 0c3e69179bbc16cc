#!/usr/bin/env python3
"""ocikit against registries that want credentials or TLS, on 127.0.0.1.

  token auth (docker-registry + the test's ES256 token issuer): anonymous pull; alice pushes,
      and her token grows from pull to pull,push (the issuer's log); reader is refused on push
      and on delete with a clear error and nothing changes; an identity token (`identitytoken`)
      is exchanged at the realm by POST; alice deletes
  Basic auth (htpasswd): `ocikit login` with a wrong password is refused and writes nothing;
      the right one is written to --authfile (and to $DOCKER_CONFIG/config.json without it);
      copy works with it and not without; `ocikit logout` removes it
  no secret (password, its base64) ever appears in ocikit's stdout or stderr
  TLS with the test CA: --ca-file works; without it refused (a TLS error); --insecure works; a
      certificate for another name is refused even with the CA (host name verification)
    usage: auth_test.py OCIKIT_BINARY
"""

import base64
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixtures import DEFAULT_USERS, Certs, Ocikit, Registry, TokenIssuer  # noqa: E402
from storelib import (Checks, Image, Scratch, describe, random_layer, seeded,  # noqa: E402
                      verify_layout, write_layout)

ALICE = ("alice", DEFAULT_USERS["alice"][0])
READER = ("reader", DEFAULT_USERS["reader"][0])
REFUSED_AUTH = re.compile(r"unauthori[sz]ed|denied|forbidden|401|403|insufficient|credentials",
                          re.I)
TLS_ERROR = re.compile(r"tls|ssl|certificate|verif", re.I)


def write_authfile(path, host, creds):
    auth = base64.b64encode(("%s:%s" % creds).encode()).decode()
    with open(path, "w") as f:
        json.dump({"auths": {host: {"auth": auth}}}, f)
    return path


class Test:
    def __init__(self, exe, s, checks, rng):
        self.s = s
        self.c = checks
        self.cli = Ocikit(exe, s)
        self.outputs = []  # every ocikit output, searched for secrets at the end
        self.img = Image([random_layer(rng, "a", 8192), random_layer(rng, "b", 8192)], label="a")
        self.img2 = Image([random_layer(rng, "c", 8192)], label="c")
        self.src = write_layout(s.path("src"), [("v1", self.img), ("v2", self.img2)])

    def run(self, *args, **kw):
        p = self.cli.run(*args, **kw)
        self.outputs.append(p)
        return p

    def ok(self, p, what):
        return self.c.check(p.returncode == 0, what, describe(p))

    def refused(self, p, what, pattern=REFUSED_AUTH, codes=(1,)):
        err = p.stderr.decode(errors="replace")
        self.c.check(p.returncode in codes, what + ": exit %s" % "/".join(map(str, codes)),
                     describe(p))
        self.c.check(bool(pattern.search(err)), what + ": stderr says why (%s)" %
                     pattern.pattern, err[:400])

    # -----------------------------------------------------------------------------------------
    def token(self):
        issuer = TokenIssuer(self.s).start()
        r = Registry(self.s, "token", auth="token", issuer=issuer).start()
        try:
            r.push_layout(self.src, "v1", "team/app:v1", creds=ALICE)
            alice = write_authfile(self.s.path("alice.json"), r.host, ALICE)
            reader = write_authfile(self.s.path("reader.json"), r.host, READER)

            issuer.clear()
            dst = self.s.path("anon-pull")
            p = self.run("copy", r.url("team/app:v1"), "oci:%s:v1" % dst, "--plain-http")
            if self.ok(p, "token: anonymous pull"):
                problems, _ = verify_layout(dst)
                self.c.check(not problems, "token: anonymous pull complete", problems)
            self.c.check(any(e["user"] is None and "repository:team/app:pull" in e["scopes"]
                             for e in issuer.log), "token: an anonymous pull token was asked",
                         issuer.scopes_asked())
            p = self.run("store", "resolve", r.url("team/app:v1"), "--plain-http", "--format",
                         "json")
            if self.ok(p, "token: anonymous resolve"):
                self.c.equal((self.cli.json(p) or {}).get("digest"), self.img.digest,
                             "token: anonymous resolve digest")

            # scope upgrade: read team/app, then write into it
            issuer.clear()
            p = self.run("copy", r.url("team/app:v1"), r.url("team/app:copy"), "--plain-http",
                         "--authfile", alice)
            self.ok(p, "token: alice copies team/app:v1 to team/app:copy")
            asked = [(e["user"], e["scopes"]) for e in issuer.log]
            self.c.equal(r.raw("team/app:copy"), self.img.manifest, "token: alice's copy is there")
            pull_i = [i for i, (_, sc) in enumerate(asked) if "repository:team/app:pull" in sc]
            push_i = [i for i, (_, sc) in enumerate(asked)
                      if any(re.fullmatch(r"repository:team/app:(pull,push|push,pull)", x)
                             for x in sc)]
            self.c.check(pull_i and push_i and min(pull_i) < max(push_i),
                         "token: scope upgrade (pull, then pull,push)", asked)
            self.c.check(all(u == "alice" for u, _ in asked), "token: alice's credentials sent",
                         asked)
            self.c.note("token requests of the copy: %s" % asked)

            issuer.clear()
            p = self.run("copy", "oci:%s:v2" % self.src, r.url("team/new:v2"), "--plain-http",
                         "--authfile", alice)
            self.ok(p, "token: alice pushes oci -> docker")
            self.c.equal(r.raw("team/new:v2"), self.img2.manifest, "token: alice's push is there")

            # reader: push and delete refused, nothing changes
            p = self.run("copy", "oci:%s:v2" % self.src, r.url("team/readers:v2"),
                         "--plain-http", "--authfile", reader)
            self.refused(p, "token: reader's push refused")
            self.c.equal(r.raw("team/readers:v2"), None, "token: reader pushed nothing")
            p = self.run("store", "delete", r.url("team/app@" + self.img.digest), "--plain-http",
                         "--authfile", reader)
            self.refused(p, "token: reader's delete refused")
            self.c.equal(r.raw("team/app:v1"), self.img.manifest, "token: reader deleted nothing")
            # a wrong password
            bad = write_authfile(self.s.path("bad.json"), r.host, ("alice", "wrong"))
            p = self.run("copy", "oci:%s:v2" % self.src, r.url("team/bad:v2"), "--plain-http",
                         "--authfile", bad)
            self.refused(p, "token: a wrong password refused")
            # an identity token (OAuth2 refresh token) instead of a password: exchanged by POST
            idfile = self.s.path("identity.json")
            with open(idfile, "w") as fh:
                json.dump({"auths": {r.host: {"identitytoken": "alice:refresh"}}}, fh)
            issuer.clear()
            p = self.run("copy", "oci:%s:v2" % self.src, r.url("team/oauth:v2"), "--plain-http",
                         "--authfile", idfile)
            posts = [e for e in issuer.log if e["method"] == "POST"]
            self.ok(p, "token: push with an identity token")
            self.c.check(posts and all(e["ok"] and e["user"] == "alice" for e in posts),
                         "token: the identity token went to the realm by POST",
                         [(e["method"], e["user"], e["ok"]) for e in issuer.log])
            self.c.equal(r.raw("team/oauth:v2"), self.img2.manifest, "token: pushed via OAuth2")
            # alice deletes
            p = self.run("store", "delete", r.url("team/new@" + self.img2.digest),
                         "--plain-http", "--authfile", alice)
            self.ok(p, "token: alice deletes")
            self.c.equal(r.raw("team/new:v2"), None, "token: alice's delete took effect")
        finally:
            r.stop()
            issuer.stop()

    # -----------------------------------------------------------------------------------------
    def basic(self):
        r = Registry(self.s, "basic", auth="htpasswd").start()
        try:
            f = self.s.path("basic-auth.json")
            login = ["login", r.host, "-u", "alice", "--password-stdin", "--plain-http"]
            p = self.run(*login, "--authfile", f, input=b"wrong-password\n")
            self.refused(p, "basic: login with a wrong password")
            self.c.check(not os.path.exists(f), "basic: a refused login writes no file")
            p = self.run(*login, "--authfile", f, input=(ALICE[1] + "\n").encode())
            if self.ok(p, "basic: login"):
                try:
                    with open(f) as fh:
                        doc = json.load(fh)
                except (OSError, ValueError) as e:
                    doc = {"error": str(e)}
                entry = (doc.get("auths") or {}).get(r.host) or {}
                self.c.equal(base64.b64decode(entry.get("auth", "")).decode(errors="replace"),
                             "%s:%s" % ALICE, "basic: the authfile holds base64(user:password)")
                self.c.equal(os.stat(f).st_mode & 0o077, 0, "basic: the authfile is private")
            p = self.run("copy", "oci:%s:v1" % self.src, r.url("app:v1"), "--plain-http",
                         "--authfile", f)
            self.ok(p, "basic: push with the login")
            self.c.equal(r.raw("app:v1", creds=ALICE), self.img.manifest, "basic: pushed")
            p = self.run("store", "resolve", r.url("app:v1"), "--plain-http", "--authfile", f,
                         "--format", "json")
            self.ok(p, "basic: resolve with the login")
            p = self.run("store", "resolve", r.url("app:v1"), "--plain-http")
            self.refused(p, "basic: resolve without credentials")
            # $DOCKER_CONFIG/config.json when there is no --authfile
            p = self.run(*login, input=(ALICE[1] + "\n").encode())
            self.ok(p, "basic: login to $DOCKER_CONFIG")
            p = self.run("store", "resolve", r.url("app:v1"), "--plain-http", "--format", "json")
            self.ok(p, "basic: resolve with $DOCKER_CONFIG's credentials")
            p = self.run("logout", r.host)
            self.ok(p, "basic: logout from $DOCKER_CONFIG")
            # logout
            p = self.run("logout", r.host, "--authfile", f)
            self.ok(p, "basic: logout")
            try:
                with open(f) as fh:
                    auths = json.load(fh).get("auths") or {}
            except (OSError, ValueError):
                auths = {}
            self.c.check(r.host not in auths, "basic: logout removed the entry", auths)
            p = self.run("store", "resolve", r.url("app:v1"), "--plain-http", "--authfile", f)
            self.refused(p, "basic: resolve after logout")
        finally:
            r.stop()

    # -----------------------------------------------------------------------------------------
    def tls(self):
        certs = Certs(self.s)
        r = Registry(self.s, "tls", tls=certs.server)
        r.tls_ca = certs.ca
        r.start()
        try:
            r.push_layout(self.src, "v1", "app:v1")
            p = self.run("store", "resolve", r.url("app:v1"), "--ca-file", certs.ca, "--format",
                         "json")
            if self.ok(p, "tls: resolve with --ca-file"):
                self.c.equal((self.cli.json(p) or {}).get("digest"), self.img.digest,
                             "tls: resolve digest")
            p = self.run("copy", "oci:%s:v2" % self.src, r.url("app:v2"), "--ca-file", certs.ca)
            self.ok(p, "tls: push with --ca-file")
            self.c.equal(r.raw("app:v2"), self.img2.manifest, "tls: pushed over TLS")
            dst = self.s.path("tls-pull")
            p = self.run("copy", r.url("app:v2"), "oci:%s:v2" % dst, "--ca-file", certs.ca)
            self.ok(p, "tls: pull with --ca-file")
            p = self.run("store", "resolve", "docker://localhost:%d/app:v1" % r.port,
                         "--ca-file", certs.ca)
            self.ok(p, "tls: localhost is in the certificate too")
            p = self.run("store", "resolve", r.url("app:v1"))
            self.refused(p, "tls: resolve without the CA", TLS_ERROR, codes=(1, 2))
            p = self.run("copy", "oci:%s:v1" % self.src, r.url("app:no"))
            self.refused(p, "tls: push without the CA", TLS_ERROR, codes=(1, 2))
            self.c.equal(r.raw("app:no"), None, "tls: nothing pushed without the CA")
            p = self.run("store", "resolve", r.url("app:v1"), "--insecure")
            self.ok(p, "tls: resolve --insecure")
            p = self.run("store", "resolve", r.url("app:v1"), "--plain-http")
            self.c.check(p.returncode in (1, 2), "tls: plain HTTP to a TLS port fails",
                         describe(p))
        finally:
            r.stop()
        other = Registry(self.s, "tls-other", tls=certs.other).start()
        try:
            p = self.run("store", "resolve", other.url("app:v1"), "--ca-file", certs.ca)
            self.refused(p, "tls: a certificate for other.example refused on 127.0.0.1",
                         TLS_ERROR, codes=(1, 2))
        finally:
            other.stop()

    def secrets(self):
        secrets = []
        for user, pw in (ALICE, READER):
            secrets += [pw, base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()]
        secrets.append("alice:refresh")  # the identity token
        leaks = []
        for p in self.outputs:
            text = self.cli.output(p)
            leaks += ["%s in the output of %s" % (s[:3] + "...", " ".join(map(str, p.args[1:3])))
                      for s in secrets if s in text]
        self.c.check(not leaks, "no secret in any of %d outputs" % len(self.outputs), leaks)


def main():
    checks = Checks("remote:auth")
    rng = seeded(checks.name)
    with Scratch("remote-auth") as s:
        t = Test(sys.argv[1], s, checks, rng)
        for step in (t.token, t.basic, t.tls, t.secrets):
            checks.note("-- " + step.__name__)
            step()
    checks.done()


if __name__ == "__main__":
    main()
