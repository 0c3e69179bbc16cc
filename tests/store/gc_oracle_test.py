#!/usr/bin/env python3
"""GC oracle: the same push / retag / delete script against docker-registry (distribution 2.8,
on 127.0.0.1, started and stopped here) and against the store; then the registry's
`garbage-collect --delete-untagged` and `ocikit store gc --untagged`. The surviving manifests,
repository by repository, the blobs those reference, and the whole set of stored blobs must be
equal.

The script uses single-platform images only: distribution 2.8 with --delete-untagged also deletes
the (untagged) children of a tagged index, which the store rightly keeps ("an index does not own
its children" is about deleting the index; GC never removes what an index still references).
That rule is checked on the store alone at the end.
    usage: gc_oracle_test.py OCIKIT_BINARY
"""

import json
import os
import signal
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from storelib import (Checks, Image, Index, Scratch, Store, describe, die, free_port,  # noqa: E402
                      gc_count, listing_diff, random_layer, seeded, tool, tree_listing,
                      verify_layout, wait_port, write_layout)


class Registry:
    """docker-registry with filesystem storage in a temporary directory, on 127.0.0.1."""

    def __init__(self, scratch):
        self.data = scratch.path("registry-data")
        self.port = free_port()
        self.config = scratch.path("registry.yml")
        with open(self.config, "w") as f:
            f.write("version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n"
                    "    rootdirectory: %s\n  delete:\n    enabled: true\n"
                    "http:\n  addr: 127.0.0.1:%d\n" % (self.data, self.port))
        self.log = open(scratch.path("registry.log"), "wb")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(["docker-registry", "serve", self.config],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        if not wait_port(self.port):
            self.stop()
            die("docker-registry did not listen on 127.0.0.1:%d" % self.port)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def url(self, ref):
        return "docker://127.0.0.1:%d/%s" % (self.port, ref)

    def push(self, layout, name, ref):
        tool(["skopeo", "copy", "-q", "--preserve-digests", "--dest-tls-verify=false",
              "oci:%s:%s" % (layout, name), self.url(ref)])

    def delete(self, ref):
        tool(["skopeo", "delete", "--tls-verify=false", self.url(ref)])

    def gc(self):
        tool(["docker-registry", "garbage-collect", "--delete-untagged", self.config])

    def v2(self):
        return os.path.join(self.data, "docker", "registry", "v2")

    def blobs(self):
        out = set()
        for d, _, files in os.walk(os.path.join(self.v2(), "blobs")):
            if "data" in files:
                out.add("sha256:" + os.path.basename(d))
        return out

    def blob(self, digest):
        h = digest.split(":", 1)[1]
        with open(os.path.join(self.v2(), "blobs", "sha256", h[:2], h, "data"), "rb") as f:
            return f.read()

    def repositories(self):
        out = []
        top = os.path.join(self.v2(), "repositories")
        for d, dirs, _ in os.walk(top):
            if "_manifests" in dirs:
                out.append(os.path.relpath(d, top))
            dirs[:] = [x for x in dirs if not x.startswith("_")]
        return sorted(out)

    def manifests(self, repo):
        """Revisions of a repository whose link is there and whose blob is stored."""
        top = os.path.join(self.v2(), "repositories", repo, "_manifests", "revisions", "sha256")
        stored = self.blobs()
        out = set()
        if os.path.isdir(top):
            for h in os.listdir(top):
                if os.path.exists(os.path.join(top, h, "link")) and "sha256:" + h in stored:
                    out.add("sha256:" + h)
        return out

    def layers(self, repo):
        top = os.path.join(self.v2(), "repositories", repo, "_layers", "sha256")
        return {"sha256:" + h for h in os.listdir(top)} if os.path.isdir(top) else set()


def references(read, manifests):
    """Every blob the manifests reference (config, layers), from their bytes."""
    out = set()
    for m in manifests:
        doc = json.loads(read(m))
        if "config" in doc:
            out.add(doc["config"]["digest"])
        out |= {l["digest"] for l in doc.get("layers") or []}
    return out


def store_blobs(store, repos):
    """Blob files of every repository layout of the store (manifests included), and the pool's
    when the store has one at <store>/blobs."""
    layouts = set()
    for repo in repos:
        layouts |= layout_blobs(store.layout(repo))
    pool = layout_blobs(store.root) if os.path.isdir(os.path.join(store.root, "blobs")) else None
    return layouts, pool


def layout_blobs(layout):
    out = set()
    top = os.path.join(layout, "blobs")
    if os.path.isdir(top):
        for alg in os.listdir(top):
            out |= {"%s:%s" % (alg, h) for h in os.listdir(os.path.join(top, alg))}
    return out


def main():
    checks = Checks("store:gc_oracle")
    rng = seeded(checks.name)
    with Scratch("gc-oracle") as s:
        base = random_layer(rng, "base")
        imgs = {}
        for n in ("a1", "a2", "a3", "b1", "b2", "c1", "c2", "c3"):
            layers = [base] if n[0] in "ab" else []
            imgs[n] = Image(layers + [random_layer(rng, n)], label=n)
        src = write_layout(s.path("src"), sorted(imgs.items()))

        store = Store(sys.argv[1], s.path("store"))
        store.ok("init")
        reg = Registry(s)
        reg.start()
        try:
            # The script, on both sides: (verb, image name, reference).
            script = [
                ("push", "a1", "team/app:v1"), ("push", "a2", "team/app:v1"),
                ("push", "a3", "team/app:v3"), ("push", "a3", "team/app:latest"),
                ("push", "b1", "lib/base:1"), ("push", "b2", "lib/base:2"),
                ("delete", None, "lib/base:2"),
                ("push", "c1", "other/x:1"), ("push", "c2", "other/x:1"),
                ("push", "c3", "other/x:old"), ("delete", None, "other/x@" + imgs["c3"].digest),
                ("push", "a1", "lib/base:a1"), ("push", "c1", "team/app/web:1"),
                ("push", "c2", "team/app/web:1"), ("push", "b2", "team/app/web:2"),
            ]
            for verb, name, ref in script:
                if verb == "push":
                    reg.push(src, name, ref)
                    store.ok("push", "oci:%s:%s" % (src, name), ref)
                else:
                    reg.delete(ref)
                    store.ok("delete", ref)
        finally:
            reg.stop()

        repos = reg.repositories()
        checks.equal(store.repos(), repos, "same repositories before gc")
        before = {r: reg.manifests(r) for r in repos}
        for r in repos:
            checks.equal(set(store.metadata(r)), before[r], "manifests of %s before gc" % r)

        listing = tree_listing(store.root)
        dry = store.json("gc", "--untagged", "--dry-run")
        after = tree_listing(store.root)
        checks.check(after == listing, "gc --dry-run changes nothing", listing_diff(listing, after))
        reg.gc()
        res = store.json("gc", "--untagged")
        for key in ("manifests_deleted", "blobs_deleted", "bytes_freed"):
            checks.check(key in res, "gc JSON has %s" % key, res)
            checks.equal(gc_count(res.get(key)), gc_count(dry.get(key)),
                         "gc --dry-run predicted %s" % key)
        # Counted per repository or as distinct digests: either is a fair reading.
        gone = [before[r] - reg.manifests(r) for r in repos]
        counts = {sum(len(g) for g in gone), len(set().union(*gone))}
        checks.check(gc_count(res.get("manifests_deleted")) in counts,
                     "gc deleted as many manifests as the registry", (res, counts))
        checks.check(gc_count(res.get("bytes_freed")) > 0, "gc freed bytes", res)

        # Repository by repository: surviving manifests and the blobs they reference.
        for r in repos:
            want = reg.manifests(r)
            got = set(store.metadata(r))
            checks.equal(got, want, "manifests of %s after gc" % r)
            refs = references(reg.blob, want)
            checks.check(refs <= reg.blobs(), "registry keeps what %s references" % r)
            layout = store.layout(r)
            checks.equal(layout_blobs(layout), want | refs,
                         "blobs in the layout of %s are its manifests and what they reference" % r)
            problems, _ = verify_layout(layout)
            checks.check(not problems, "layout of %s complete after gc" % r, problems)
            checks.check(refs <= reg.layers(r) | want, "registry links what %s references" % r)
        layouts, pool = store_blobs(store, repos)
        checks.equal(layouts, reg.blobs(), "every stored blob: store and registry agree")
        if pool is not None:
            checks.equal(pool, layouts, "the pool holds exactly the blobs of the layouts")
        for name, repo in (("a1", "team/app"), ("c1", "other/x"), ("c1", "team/app/web")):
            checks.check(imgs[name].digest not in reg.manifests(repo),
                         "registry deleted the untagged %s of %s" % (name, repo))
        checks.check(imgs["a1"].digest in reg.manifests("lib/base"),
                     "a1 stays where it is tagged (lib/base:a1)")
        ok, p = store.fsck()
        checks.check(ok, "fsck passes after gc", describe(p))
        again = store.json("gc", "--untagged")
        checks.equal([gc_count(again.get(k)) for k in ("manifests_deleted", "blobs_deleted")],
                     [0, 0], "a second gc finds nothing")

        # The store alone: GC keeps the untagged children of a tagged index, and removes them
        # once the index is deleted.
        amd = Image([base, random_layer(rng, "amd")], label="amd")
        arm = Image([random_layer(rng, "arm")], arch="arm64", label="arm")
        idx = Index([amd, arm])
        src2 = write_layout(s.path("src2"), [("i", idx)])
        store.ok("push", "oci:%s:i" % src2, "multi/tool:1")
        store.json("gc", "--untagged")
        meta = store.metadata("multi/tool")
        checks.equal(set(meta), {idx.digest, amd.digest, arm.digest},
                     "gc --untagged keeps the children of a tagged index")
        checks.check(base.digest in layout_blobs(store.layout("multi/tool")),
                     "the shared base layer is in multi/tool")
        store.ok("delete", "multi/tool:1")
        checks.equal(set(store.metadata("multi/tool")), {amd.digest, arm.digest},
                     "deleting the index leaves its children, untagged")
        res = store.json("gc", "--untagged")
        checks.equal(store.metadata("multi/tool"), {}, "then gc --untagged removes them")
        checks.check(gc_count(res.get("manifests_deleted")) == 2, "gc counted two manifests", res)
        layouts, pool = store_blobs(store, store.repos())
        checks.check(base.digest in layouts, "the base layer stays: lib/base still uses it")
        checks.check(arm.layers[0].digest not in layouts and
                     (pool is None or arm.layers[0].digest not in pool),
                     "the arm64 layer is gone from the store")
        ok, p = store.fsck()
        checks.check(ok, "fsck passes at the end", describe(p))
    checks.done()


if __name__ == "__main__":
    main()
