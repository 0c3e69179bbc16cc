#!/usr/bin/env python3
"""`ocikit copy` between the three kinds of registry: store -> docker-registry -> OCI layout ->
another store keeps every digest, for an image and for an index with all its platforms and a
signature referrer (--referrers; docker-registry has no referrers API, so the referrer travels
through the `sha256-<hex>` tag schema); `--platform P` copies one child; `--all` is the default;
`--jobs 1` and `--jobs 8` copy a 20-layer image alike; a layout whose layer's bytes do not
match its digest is refused quickly, naming the blob, with one upload attempt per blob (no
retries of a streamed body or a 4xx) and no tag in the registry.
    usage: copy_test.py OCIKIT_BINARY
"""

import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixtures import Ocikit, Registry  # noqa: E402
from storelib import (Checks, Image, Index, Scratch, describe, layout_refs,  # noqa: E402
                      random_layer, seeded, signature, verify_layout, write_layout)

PLAIN = "--plain-http"


class Test:
    def __init__(self, exe, s, checks, rng):
        self.s = s
        self.c = checks
        self.cli = Ocikit(exe, s)
        self.other_store = {"OCIKIT_STORE": s.path("store-back")}
        self.reg = Registry(s, "reg").start()
        self.img = Image([random_layer(rng, "a", 8192), random_layer(rng, "b", 8192)], label="i")
        amd = Image([random_layer(rng, "amd", 4096)], arch="amd64", label="m")
        arm = Image([random_layer(rng, "arm", 4096)], arch="arm64", label="m")
        self.amd, self.arm = amd, arm
        self.multi = Index([amd, arm])
        self.sig = signature(amd, rng)
        self.wide = Image([random_layer(rng, "w%d" % i, 2048) for i in range(20)], label="w")
        self.src = write_layout(s.path("src"), [("img", self.img), ("multi", self.multi),
                                                ("wide", self.wide), (None, self.sig)])

    def ok(self, p, what):
        return self.c.check(p.returncode == 0, what, describe(p))

    def copy(self, src, dst, *flags, what, digest, env=None):
        p, j = self.cli.copy(src, dst, *flags, env=env)
        if self.ok(p, what):
            self.c.equal((j or {}).get("digest"), digest, what + ": digest")
        return j if p.returncode == 0 else None

    def everything(self, obj, referrers=()):
        """Every digest of an image or index, its referrers' included."""
        out = {obj.digest} | set(obj.blobs())
        for r in referrers:
            out |= {r.digest} | set(r.blobs())
        return out

    def chain(self, name, obj, referrers):
        """store -> registry -> layout -> other store, every hop checked."""
        r = self.reg
        flags = ["--referrers"] if referrers else []
        p = self.cli.store_verb("push", "oci:%s:%s" % (self.src, name), "src/%s:1" % name)
        if not self.ok(p, "%s: setup push into the store" % name):
            return
        j = self.copy("store:src/%s:1" % name, r.url("%s:1" % name), PLAIN, *flags,
                      what="%s: store -> registry" % name, digest=obj.digest)
        if j and referrers:
            self.c.equal(j.get("referrers"), len(referrers), "%s: referrers copied" % name)
        self.c.equal(r.raw("%s:1" % name), obj.manifest, "%s: registry holds the bytes" % name)
        for d in sorted(self.everything(obj, referrers)):  # manifests are blobs there too
            self.c.check(r.has_blob(d), "%s: registry has blob %s" % (name, d))
        for child in getattr(obj, "images", []):
            self.c.equal(r.raw("%s@%s" % (name, child.digest)), child.manifest,
                         "%s: registry holds child %s" % (name, child.platform["architecture"]))
        for ref in referrers:
            self.c.equal(r.raw("%s@%s" % (name, ref.digest)), ref.manifest,
                         "%s: registry holds the referrer" % name)
            p = self.cli.store_verb("referrers", r.url("%s@%s" % (name, self.amd.digest)), PLAIN,
                                    "--format", "json")
            if self.ok(p, "%s: remote referrers" % name):
                got = [m.get("digest") for m in (self.cli.json(p) or {}).get("manifests") or []]
                self.c.equal(got, [ref.digest], "%s: remote referrers lists the signature" % name)

        layout = self.s.path("hop-" + name)
        j = self.copy(r.url("%s:1" % name), "oci:%s:1" % layout, PLAIN, *flags,
                      what="%s: registry -> layout" % name, digest=obj.digest)
        if j:
            problems, reached = verify_layout(layout)
            self.c.check(not problems, "%s: layout complete" % name, problems)
            self.c.equal(layout_refs(layout).get("1"), obj.digest, "%s: layout ref" % name)
            have = set()
            for d, _, files in os.walk(os.path.join(layout, "blobs")):
                have |= {"%s:%s" % (os.path.basename(d), f) for f in files}
            self.c.equal(have, self.everything(obj, referrers),
                         "%s: the layout holds exactly the image%s" %
                         (name, " and its referrers" if referrers else ""))

        j = self.copy("oci:%s:1" % layout, "store:back/%s:1" % name, *flags,
                      what="%s: layout -> other store" % name, digest=obj.digest,
                      env=self.other_store)
        p = self.cli.store_verb("resolve", "back/%s:1" % name, "--format", "json",
                                env=self.other_store)
        if self.ok(p, "%s: other store resolves" % name):
            self.c.equal((self.cli.json(p) or {}).get("digest"), obj.digest,
                         "%s: other store digest" % name)
        p = self.cli.store_verb("cat-manifest", "back/%s:1" % name, env=self.other_store)
        self.c.equal(p.stdout, obj.manifest, "%s: other store bytes" % name)
        p = self.cli.store_verb("list-metadata", "back/%s" % name, "--format", "json",
                                env=self.other_store)
        if self.ok(p, "%s: other store list-metadata" % name):
            got = {m.get("digest") for m in self.cli.json(p) or []}
            want = {obj.digest} | {i.digest for i in getattr(obj, "images", [])} | \
                {x.digest for x in referrers}
            self.c.equal(got, want, "%s: other store holds every manifest" % name)
        if referrers:
            p = self.cli.store_verb("referrers", "back/%s@%s" % (name, self.amd.digest),
                                    "--format", "json", env=self.other_store)
            if self.ok(p, "%s: other store referrers" % name):
                got = [m.get("digest") for m in (self.cli.json(p) or {}).get("manifests") or []]
                self.c.equal(got, [referrers[0].digest], "%s: other store referrer" % name)
        p = self.cli.store_verb("fsck", "--verify-blobs", env=self.other_store)
        self.ok(p, "%s: other store fsck" % name)

    def platform(self):
        r = self.reg
        j = self.copy("store:src/multi:1", r.url("one:arm"), PLAIN, "--platform", "linux/arm64",
                      what="--platform linux/arm64", digest=self.arm.digest)
        if j:
            self.c.equal(j.get("manifests"), 1, "--platform: one manifest")
        self.c.equal(r.raw("one:arm"), self.arm.manifest, "--platform: the arm64 child")
        self.c.equal(r.raw("one@" + self.amd.digest), None, "--platform: not the amd64 child")
        self.c.equal(r.raw("one@" + self.multi.digest), None, "--platform: not the index")
        j = self.copy("store:src/multi:1", r.url("all:1"), PLAIN, "--all",
                      what="--all", digest=self.multi.digest)
        if j:
            self.c.equal(j.get("manifests"), 3, "--all: the index and both children")
        p, _ = self.cli.copy("store:src/multi:1", r.url("none:1"), PLAIN, "--platform",
                             "linux/s390x")
        self.c.equal(p.returncode, 1, "--platform with no match: exit 1")
        self.c.equal(r.raw("none:1"), None, "--platform with no match: nothing pushed")

    def jobs(self):
        r = self.reg
        for n in ("1", "8"):
            j = self.copy("oci:%s:wide" % self.src, r.url("wide%s:1" % n), PLAIN, "--jobs", n,
                          what="--jobs %s" % n, digest=self.wide.digest)
            if j:
                self.c.equal(j.get("blobs_copied", 0) + j.get("blobs_mounted", 0), 21,
                             "--jobs %s: 21 blobs copied or mounted" % n)
            self.c.equal(r.raw("wide%s:1" % n), self.wide.manifest, "--jobs %s: pushed" % n)
        dst = self.s.path("wide-pull")
        j = self.copy(r.url("wide8:1"), "oci:%s:w" % dst, PLAIN, "--jobs", "8",
                      what="--jobs 8 pull", digest=self.wide.digest)
        if j:
            problems, _ = verify_layout(dst)
            self.c.check(not problems, "--jobs 8 pull: layout complete", problems)
        p, _ = self.cli.copy("oci:%s:wide" % self.src, r.url("wide0:1"), PLAIN, "--jobs", "0")
        self.c.check(p.returncode in (1, 2), "--jobs 0 refused", describe(p))

    def mismatch(self):
        """A layer whose bytes are not its digest: refused at once, the blob named, no tag."""
        r = self.reg
        rng = seeded("remote:copy mismatch")
        img = Image([random_layer(rng, "bad-a", 1 << 20), random_layer(rng, "bad-b", 1 << 20)],
                    label="bad")
        src = write_layout(self.s.path("bad-src"), [("bad", img)])
        layer = img.layers[1].digest
        path = os.path.join(src, "blobs", "sha256", layer.split(":", 1)[1])
        with open(path, "r+b") as f:  # the same size, other bytes
            data = f.read()
            f.seek(0)
            f.write(bytes(b ^ 0x33 for b in data[:4096]) + data[4096:])
        before = len(r.requests())
        t0 = time.monotonic()
        p, _ = self.cli.copy("oci:%s:bad" % src, r.url("bad:1"), PLAIN)
        took = time.monotonic() - t0
        seen = r.requests()[before:]
        err = p.stderr.decode(errors="replace")
        self.c.note("digest mismatch reported in %.2f s (exit %d): %s" %
                    (took, p.returncode, err.strip().splitlines()[-1:]))
        self.c.check(p.returncode in (1, 2), "mismatch: the copy fails", describe(p))
        self.c.check(layer in err and ("digest" in err.lower() or "mismatch" in err.lower()),
                     "mismatch: the error names the blob and the digest", err[:600])
        puts = [(m, t, st) for m, t, st in seen if m == "PUT" and layer in t]
        self.c.check(len(puts) <= 1, "mismatch: the blob's upload is not retried", puts)
        self.c.check(took < 3.0, "mismatch: reported quickly (%.2f s < 3 s)" % took)
        self.c.equal(r.raw("bad:1"), None, "mismatch: no tag in the registry")
        self.c.check(not r.has_blob(layer), "mismatch: the registry does not hold the blob")


def main():
    checks = Checks("remote:copy")
    rng = seeded(checks.name)
    with Scratch("remote-copy") as s:
        t = Test(sys.argv[1], s, checks, rng)
        try:
            checks.note("-- image")
            t.chain("img", t.img, [])
            checks.note("-- index with a referrer")
            t.chain("multi", t.multi, [t.sig])
            checks.note("-- platform")
            t.platform()
            checks.note("-- jobs")
            t.jobs()
            checks.note("-- digest mismatch")
            t.mismatch()
        finally:
            t.reg.stop()
    checks.done()


if __name__ == "__main__":
    main()
