#!/usr/bin/env python3
"""ocikit against a plain docker-registry (distribution 2.8 from Debian) on 127.0.0.1.

  push and pull by tag and by digest (oci -> docker, docker -> oci, docker -> store), the remote
  store verbs (resolve, cat-manifest, cat-blob, tags, repos, list-metadata, referrers, delete),
  monolithic and chunked uploads (the registry's access log shows the requests), cross-repository
  mount (blobs_mounted in the JSON), tags list and catalog pagination (docker-registry pages the
  catalog; the hostile server's well-behaved `paged` mode pages both), Accept negotiation for an
  OCI manifest, a Docker v2 manifest, an OCI index and a Docker manifest list (exact bytes,
  compared with `skopeo inspect --raw`), and round trips that skopeo agrees with.
    usage: registry_test.py OCIKIT_BINARY
"""

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixtures import (API, DOCKER_LIST, DOCKER_MANIFEST, DockerImage, DockerList,  # noqa: E402
                      Hostile, Ocikit, Registry)
from storelib import (OCI_INDEX, OCI_MANIFEST, Checks, Image, Index, Scratch,  # noqa: E402
                      describe, layout_refs, random_layer, run, seeded, sha256,
                      sha256_file, signature, tool, verify_layout, write_layout)

import hostile_server  # noqa: E402

COPY_FIELDS = ["source", "destination", "digest", "mediaType", "size", "manifests", "referrers",
               "blobs_copied", "blobs_present", "blobs_mounted", "bytes_copied"]
PLAIN = "--plain-http"


def listing(out):
    """A listing's JSON (`tags`: {"name","tags"}, `repos`: {"repositories"}) as a list."""
    if isinstance(out, dict):
        for k in ("tags", "repositories"):
            if k in out:
                return out[k] or []
    return out or []


class Test:
    def __init__(self, exe, scratch, checks, rng):
        self.s = scratch
        self.c = checks
        self.rng = rng
        self.cli = Ocikit(exe, scratch)
        self.reg = Registry(scratch, "plain").start()
        self.api = API(self.reg)
        base = random_layer(rng, "base", 8192)
        self.v1 = Image([base, random_layer(rng, "v1", 8192)], label="v1")
        self.v2 = Image([base, random_layer(rng, "v2", 8192)], label="v2")
        # one layer of 1 MiB, for chunked uploads
        self.big = Image([random_layer(rng, "big", 1 << 20, files=1)], label="big")
        amd = Image([random_layer(rng, "amd", 4096)], arch="amd64", label="multi")
        arm = Image([random_layer(rng, "arm", 4096)], arch="arm64", label="multi")
        self.multi = Index([amd, arm])
        self.sig = signature(amd, rng)
        self.src = write_layout(scratch.path("src"), [("v1", self.v1), ("v2", self.v2),
                                                      ("big", self.big), ("multi", self.multi),
                                                      (None, self.sig)])

    def ok(self, proc, what):
        return self.c.check(proc.returncode == 0, what, describe(proc))

    def copy_ok(self, src, dst, *flags, what, digest=None):
        p, j = self.cli.copy(src, dst, *flags)
        if not self.ok(p, what):
            return None
        if not self.c.check(isinstance(j, dict), what + ": JSON on stdout", p.stdout[:300]):
            return None
        missing = [k for k in COPY_FIELDS if k not in j]
        self.c.check(not missing, what + ": JSON has every field", missing)
        if digest:
            self.c.equal(j.get("digest"), digest, what + ": digest")
        return j

    def raw(self, ref):
        return self.reg.raw(ref)

    # -----------------------------------------------------------------------------------------
    def push_pull(self):
        r = self.reg
        j = self.copy_ok("oci:%s:v1" % self.src, r.url("app:v1"), PLAIN,
                         what="push oci -> docker by tag", digest=self.v1.digest)
        if j:
            self.c.equal(j.get("mediaType"), OCI_MANIFEST, "push: mediaType")
            self.c.equal(j.get("size"), len(self.v1.manifest), "push: size")
            self.c.equal(j.get("blobs_copied"), 3, "push: blobs_copied (config + 2 layers)")
            self.c.check(j.get("bytes_copied", 0) >= sum(len(l.data) for l in self.v1.layers),
                         "push: bytes_copied counts the layers", j)
        self.c.equal(self.raw("app:v1"), self.v1.manifest,
                     "push by tag: skopeo inspect --raw is byte-identical")
        for d in self.v1.referenced():
            self.c.check(r.has_blob(d), "push: the registry holds blob %s" % d)
        # again: everything is there
        j = self.copy_ok("oci:%s:v1" % self.src, r.url("app:v1"), PLAIN,
                         what="push again", digest=self.v1.digest)
        if j:
            self.c.equal(j.get("blobs_copied"), 0, "push again: nothing copied")
            self.c.equal(j.get("blobs_present"), 3, "push again: every blob present")

        # push by digest: no tag
        j = self.copy_ok("oci:%s:v2" % self.src, r.url("app@" + self.v2.digest), PLAIN,
                         what="push oci -> docker by digest", digest=self.v2.digest)
        self.c.equal(self.raw("app@" + self.v2.digest), self.v2.manifest,
                     "push by digest: skopeo inspect --raw")
        p = self.cli.store_verb("tags", r.url("app"), PLAIN, "--format", "json")
        if self.ok(p, "store tags after a push by digest"):
            self.c.equal(sorted(listing(self.cli.json(p))), ["v1"],
                         "a push by digest adds no tag")

        # pull by tag and by digest to layouts
        for ref, name, obj in (("app:v1", "v1", self.v1), ("app@" + self.v2.digest, "x",
                                                            self.v2)):
            dst = self.s.path("pull-" + name)
            j = self.copy_ok(r.url(ref), "oci:%s:%s" % (dst, name), PLAIN,
                             what="pull docker -> oci " + ref, digest=obj.digest)
            if j is None:
                continue
            problems, reached = verify_layout(dst)
            self.c.check(not problems, "pull %s: the layout is complete" % ref, problems)
            self.c.equal(layout_refs(dst).get(name), obj.digest, "pull %s: ref.name" % ref)
            self.c.equal(reached, obj.referenced() | {obj.digest}, "pull %s: every blob" % ref)
            p = run(["skopeo", "inspect", "--raw", "oci:%s:%s" % (dst, name)])
            self.c.equal(p.stdout, obj.manifest, "pull %s: skopeo reads the layout" % ref)

        # pull to the embedded store
        j = self.copy_ok(r.url("app:v1"), "store:app:v1", PLAIN, what="pull docker -> store",
                         digest=self.v1.digest)
        p = self.cli.store_verb("resolve", "app:v1", "--format", "json")
        if self.ok(p, "store resolve after docker -> store"):
            self.c.equal((self.cli.json(p) or {}).get("digest"), self.v1.digest,
                         "docker -> store: the tag resolves")
        p = self.cli.store_verb("cat-manifest", "app:v1")
        self.c.equal(p.stdout, self.v1.manifest, "docker -> store: cat-manifest bytes")
        p = self.cli.store_verb("fsck", "--verify-blobs", "--format", "json")
        self.ok(p, "docker -> store: fsck --verify-blobs passes")

    # -----------------------------------------------------------------------------------------
    def verbs(self):
        r = self.reg
        p = self.cli.store_verb("resolve", r.url("app:v1"), PLAIN, "--format", "json")
        if self.ok(p, "remote resolve"):
            j = self.cli.json(p) or {}
            self.c.equal((j.get("digest"), j.get("mediaType"), j.get("size")),
                         (self.v1.digest, OCI_MANIFEST, len(self.v1.manifest)),
                         "remote resolve: digest, mediaType, size")
        p = self.cli.store_verb("resolve", r.url("app:nope"), PLAIN)
        self.c.equal(p.returncode, 1, "remote resolve of an unknown tag: exit 1")
        self.c.check(p.stderr.strip() != b"", "remote resolve unknown: a message", describe(p))
        p = self.cli.store_verb("resolve", r.url("nosuchrepo:v1"), PLAIN)
        self.c.equal(p.returncode, 1, "remote resolve in an unknown repository: exit 1")
        p = self.cli.store_verb("cat-manifest", r.url("app@" + self.v1.digest), PLAIN)
        self.c.equal(p.stdout, self.v1.manifest, "remote cat-manifest by digest: exact bytes")
        layer = self.v1.layers[1]
        p = self.cli.store_verb("cat-blob", r.url("app@" + layer.digest), PLAIN)
        self.c.check(p.returncode == 0 and p.stdout == layer.data, "remote cat-blob: exact bytes",
                     describe(p))
        p = self.cli.store_verb("cat-blob", r.url("app@" + sha256(b"none")), PLAIN)
        self.c.equal(p.returncode, 1, "remote cat-blob of an unknown blob: exit 1")
        before = len(r.requests())
        p = self.cli.store_verb("list-metadata", r.url("app"), PLAIN, "--format", "json")
        if self.ok(p, "remote list-metadata"):
            got = {m.get("digest"): sorted(m.get("tags") or []) for m in self.cli.json(p) or []}
            self.c.equal(got.get(self.v1.digest), ["v1"], "remote list-metadata: v1 tagged")
            self.c.check(self.v1.digest in got, "remote list-metadata lists v1", got)
            self.c.check(all(not m.get("createdTime") for m in self.cli.json(p) or []),
                         "remote list-metadata from docker-registry: derived, no timestamps")
        # docker-registry has no /acr/v1/: asked once, then the tags and manifests walked.
        seen = r.requests()[before:]
        acr = [x for x in seen if x[1].startswith("/acr/v1/")]
        self.c.equal([(m, st) for m, _, st in acr], [("GET", 404)],
                     "remote list-metadata: one /acr/v1/ probe, 404 from docker-registry")
        self.c.check(any("/tags/list" in t for _, t, _ in seen),
                     "remote list-metadata: then derived from tags/list", seen)
        p = self.cli.store_verb("tags", r.url("nosuchrepo"), PLAIN)
        self.c.equal(p.returncode, 1, "remote tags of an unknown repository: exit 1")
        # text output: one tag per line
        p = self.cli.store_verb("tags", r.url("app"), PLAIN, "--format", "text")
        self.c.equal(p.stdout.decode().split(), ["v1"], "remote tags --format text")

    # -----------------------------------------------------------------------------------------
    def uploads(self):
        """Monolithic by default; chunked when the CLI has a knob for the chunk size."""
        r = self.reg
        layer = self.big.layers[0]
        before = len(r.requests())
        self.copy_ok("oci:%s:big" % self.src, r.url("mono:big"), PLAIN, what="push a 1 MiB layer",
                     digest=self.big.digest)
        reqs = [x for x in r.requests()[before:] if "/blobs/uploads/" in x[1]]
        self.c.note("upload requests of the default push: %s" % summary(reqs))
        self.c.check(any(m == "PUT" and "digest=" in t for m, t, _ in reqs) or
                     any(m == "POST" and "digest=" in t for m, t, _ in reqs),
                     "the default push finishes uploads with ?digest=", reqs)
        self.c.equal(self.raw("mono:big"), self.big.manifest, "monolithic: skopeo reads it")

        knob = chunk_knob(self.cli)
        if knob is None:
            self.c.note("SKIPPED chunked uploads: `ocikit copy --help` names no chunk size "
                        "(--chunk-size or OCIKIT_CHUNK_SIZE)")
            return
        flags, env = knob(64 << 10)
        before = len(r.requests())
        p, j = self.cli.copy("oci:%s:big" % self.src, r.url("chunked:big"), PLAIN, *flags,
                             env=env)
        self.ok(p, "push in 64 KiB chunks")
        reqs = [x for x in r.requests()[before:] if "/blobs/uploads/" in x[1]]
        patches = [x for x in reqs if x[0] == "PATCH" and x[2] == 202]
        self.c.note("upload requests of the chunked push: %s" % summary(reqs))
        self.c.check(len(patches) >= (len(layer.data) >> 16),
                     "chunked: at least size / 64 KiB PATCH requests accepted", summary(reqs))
        self.c.equal(self.raw("chunked:big"), self.big.manifest, "chunked: skopeo reads it")
        p = run(["skopeo", "copy", "-q", "--src-tls-verify=false", r.url("chunked:big"),
                 "oci:%s:big" % self.s.path("chunked-back")])
        if self.ok(p, "chunked: skopeo pulls it back"):
            self.c.equal(sha256_file(os.path.join(self.s.path("chunked-back"), "blobs", "sha256",
                                                  layer.digest[7:])), layer.digest,
                         "chunked: the layer's bytes")

    # -----------------------------------------------------------------------------------------
    def mount(self):
        r = self.reg
        before = len(r.requests())
        j = self.copy_ok(r.url("app:v1"), r.url("mounted/app:v1"), PLAIN,
                         what="copy to another repository of the same registry",
                         digest=self.v1.digest)
        reqs = [x for x in r.requests()[before:] if "mount=" in x[1]]
        if j:
            self.c.equal(j.get("blobs_mounted"), 3, "mount: blobs_mounted (config + 2 layers)")
            self.c.check(j.get("bytes_copied", 1 << 30) < 4096,
                         "mount: no layer bytes moved", j)
        self.c.check(len([x for x in reqs if x[2] == 201]) >= 3,
                     "mount: the registry answered 201 to ?mount=&from=", summary(reqs))
        self.c.equal(r.repo_layers("mounted/app"), self.v1.referenced(),
                     "mount: the registry links every blob into the new repository")
        self.c.equal(self.raw("mounted/app:v1"), self.v1.manifest, "mount: skopeo reads it")
        # oci -> docker into a third repository: the blobs are in the registry, mountable from
        # a repository the source does not name; at least nothing is uploaded twice
        j = self.copy_ok("oci:%s:v2" % self.src, r.url("mounted/other:v2"), PLAIN,
                         what="push v2 to a new repository", digest=self.v2.digest)
        if j:
            self.c.note("push of v2 to a new repository: copied %s, present %s, mounted %s" %
                        (j.get("blobs_copied"), j.get("blobs_present"), j.get("blobs_mounted")))

    # -----------------------------------------------------------------------------------------
    def listings(self):
        r = self.reg
        # 120 tags on one manifest (docker-registry lists them in one page)
        tags = ["t%03d" % i for i in range(120)]
        self.api.push_image("many", tags[0], self.v1)
        for t in tags[1:]:
            self.api.push_manifest("many", t, self.v1.manifest, OCI_MANIFEST)
        p = self.cli.store_verb("tags", r.url("many"), PLAIN, "--format", "json")
        if self.ok(p, "remote tags of 120 tags"):
            self.c.equal(sorted(listing(self.cli.json(p))), tags, "remote tags: all 120")
        # 110 repositories: the catalog comes in pages of 100 from docker-registry
        for i in range(110):
            name = "cat/r%03d" % i
            for d in self.v1.referenced():
                self.api.mount(name, d, "many")
            self.api.push_manifest(name, "v1", self.v1.manifest, OCI_MANIFEST)
        before = len(r.requests())
        p = self.cli.store_verb("repos", r.url(), PLAIN, "--format", "json")
        if self.ok(p, "remote repos"):
            got = listing(self.cli.json(p))
            want = ["cat/r%03d" % i for i in range(110)]
            self.c.check(set(want) <= set(got) and {"app", "many", "mounted/app"} <= set(got),
                         "remote repos lists every repository (%d)" % len(got),
                         sorted(set(want) - set(got))[:5])
            self.c.equal(len(got), len(set(got)), "remote repos: no repository twice")
        cat = [x for x in r.requests()[before:] if x[1].startswith("/v2/_catalog")]
        self.c.note("catalog requests: %s" % [t for _, t, _ in cat])
        # paged by the hostile server's well-behaved mode, pages of 40 whatever n says
        with Hostile(self.s) as h:
            p = self.cli.store_verb("tags", h.url("paged"), PLAIN, "--format", "json")
            if self.ok(p, "remote tags paged by Link headers"):
                self.c.equal(listing(self.cli.json(p)), hostile_server.PAGED_TAGS,
                             "paged tags: all %d in order" % hostile_server.PAGED_COUNT)
            p = self.cli.store_verb("repos", "docker://" + h.host, PLAIN, "--format", "json")
            if self.ok(p, "remote repos paged by Link headers"):
                self.c.equal(listing(self.cli.json(p)), hostile_server.PAGED_REPOS,
                             "paged catalog: all %d in order" % hostile_server.PAGED_COUNT)
            pages = [x for x in h.requests() if "/tags/list" in x]
            self.c.check(len(pages) >= hostile_server.PAGED_COUNT // hostile_server.PAGE_CAP,
                         "paged tags: one request per page", pages)

    # -----------------------------------------------------------------------------------------
    def negotiation(self):
        """Each kind of manifest pushed as exact bytes; ocikit must ask for it in Accept."""
        r = self.reg
        dv1 = DockerImage(self.v1)
        amd, arm = self.multi.images
        dlist = DockerList([DockerImage(amd), DockerImage(arm)])
        kinds = [("oci", self.v1, OCI_MANIFEST), ("docker", dv1, DOCKER_MANIFEST),
                 ("ociindex", self.multi, OCI_INDEX), ("dockerlist", dlist, DOCKER_LIST)]
        for tag, obj, mt in kinds:
            self.api.push_image("kinds", tag, obj)
        for tag, obj, mt in kinds:
            raw = self.raw("kinds:" + tag)
            self.c.equal(raw, obj.manifest, "%s: skopeo inspect --raw = the pushed bytes" % tag)
            p = self.cli.store_verb("cat-manifest", r.url("kinds:" + tag), PLAIN)
            self.c.check(p.returncode == 0 and p.stdout == obj.manifest,
                         "%s: ocikit store cat-manifest = skopeo inspect --raw" % tag, describe(p))
            p = self.cli.store_verb("resolve", r.url("kinds:" + tag), PLAIN, "--format", "json")
            if self.ok(p, "%s: remote resolve" % tag):
                j = self.cli.json(p) or {}
                self.c.equal((j.get("digest"), j.get("mediaType")), (obj.digest, mt),
                             "%s: resolve digest and mediaType" % tag)
        # a Docker v2 image and a list through copy: byte-identical on the way back
        for tag, obj, _ in kinds[1:]:
            dst = self.s.path("kind-" + tag)
            j = self.copy_ok(r.url("kinds:" + tag), "oci:%s:%s" % (dst, tag), PLAIN,
                             what="pull %s to a layout" % tag, digest=obj.digest)
            if j is None:
                continue
            problems, _ = verify_layout(dst)
            self.c.check(not problems, "pull %s: layout complete" % tag, problems)
            j = self.copy_ok("oci:%s:%s" % (dst, tag), r.url("kinds-back:" + tag), PLAIN,
                             what="push %s back" % tag, digest=obj.digest)
            self.c.equal(self.raw("kinds-back:" + tag), obj.manifest,
                         "%s round trip: skopeo inspect --raw identical" % tag)

    # -----------------------------------------------------------------------------------------
    def round_trips(self):
        """ocikit and skopeo copy the same images from the same registry: the same bytes."""
        r = self.reg
        # index with every platform, and its referrer
        j = self.copy_ok("oci:%s:multi" % self.src, r.url("multi:1"), PLAIN, "--all",
                         "--referrers", what="push an index --all --referrers",
                         digest=self.multi.digest)
        if j:
            self.c.equal(j.get("manifests"), 3, "index push: manifests (index + 2)")
            self.c.equal(j.get("referrers"), 1, "index push: one referrer")
        else:  # the rest still runs, on skopeo's push
            r.push_layout(self.src, "multi", "multi:1", extra=["--all"])
        for img in self.multi.images:
            self.c.equal(self.raw("multi@" + img.digest), img.manifest,
                         "index push: child %s" % img.platform["architecture"])
        p = self.cli.store_verb("referrers", r.url("multi@" + self.multi.images[0].digest),
                                PLAIN, "--format", "json")
        if self.ok(p, "remote referrers (tag schema fallback on docker-registry)"):
            got = [m.get("digest") for m in (self.cli.json(p) or {}).get("manifests") or []]
            self.c.equal(got, [self.sig.digest], "remote referrers: the signature")
        # ocikit's pull and skopeo's pull of the same index hold the same files
        mine, theirs = self.s.path("rt-ocikit"), self.s.path("rt-skopeo")
        pulled = self.copy_ok(r.url("multi:1"), "oci:%s:1" % mine, PLAIN, what="pull the index",
                              digest=self.multi.digest)
        tool(["skopeo", "copy", "-q", "--all", "--preserve-digests", "--src-tls-verify=false",
              r.url("multi:1"), "oci:%s:1" % theirs])
        if pulled:
            self.c.equal(blob_files(mine), blob_files(theirs),
                         "ocikit's and skopeo's pulls hold the same blobs")
            # skopeo pushes ocikit's layout back: same digest
            p = run(["skopeo", "copy", "-q", "--all", "--preserve-digests",
                     "--dest-tls-verify=false", "oci:%s:1" % mine, r.url("multi-skopeo:1")])
            self.ok(p, "skopeo pushes ocikit's pull")
            self.c.equal(self.raw("multi-skopeo:1"), self.multi.manifest,
                         "skopeo pushes ocikit's pull byte-identical")
        # ocikit pushes skopeo's layout: same digest
        self.copy_ok("oci:%s:1" % theirs, r.url("multi-ocikit:1"), PLAIN, "--all",
                     what="push skopeo's pull", digest=self.multi.digest)
        self.c.equal(self.raw("multi-ocikit:1"), self.multi.manifest,
                     "ocikit pushes skopeo's pull byte-identical")
        # one platform
        dst = self.s.path("rt-arm")
        arm = self.multi.images[1]
        j = self.copy_ok(r.url("multi:1"), "oci:%s:arm" % dst, PLAIN, "--platform",
                         "linux/arm64", what="pull --platform linux/arm64", digest=arm.digest)
        if j:
            self.c.equal(layout_refs(dst), {"arm": arm.digest}, "--platform: the child only")

    # -----------------------------------------------------------------------------------------
    def delete(self):
        r = self.reg
        p = self.cli.store_verb("delete", r.url("app@" + self.v2.digest), PLAIN, "--format",
                                "json")
        self.ok(p, "remote delete by digest")
        self.c.equal(self.raw("app@" + self.v2.digest), None, "deleted: skopeo finds nothing")
        p = self.cli.store_verb("delete", r.url("mounted/app:v1"), PLAIN, "--format", "json")
        self.ok(p, "remote delete by tag (the tag's manifest)")
        self.c.equal(self.raw("mounted/app@" + self.v1.digest), None,
                     "deleted by tag: the manifest is gone")
        self.c.check(self.raw("app:v1") is not None, "deleting in one repository keeps the other")
        p = self.cli.store_verb("delete", r.url("app@" + self.v2.digest), PLAIN)
        self.c.equal(p.returncode, 1, "deleting it again: exit 1")
        p = self.cli.store_verb("delete", r.url("app:v1"), PLAIN, "--dry-run", "--format", "json")
        if p.returncode == 0:
            self.c.check(self.raw("app:v1") is not None, "delete --dry-run deletes nothing")

    def stop(self):
        self.reg.stop()


def summary(reqs):
    """A short count of requests by method and status."""
    out = {}
    for m, _, st in reqs:
        out["%s %d" % (m, st)] = out.get("%s %d" % (m, st), 0) + 1
    return out


def chunk_knob(cli):
    """How to ask `ocikit copy` for chunks of N bytes: (flags, env) maker, or None."""
    h = cli.help("copy")
    if "--chunk-size" in h:
        return lambda n: (["--chunk-size", str(n)], None)
    if "OCIKIT_CHUNK_SIZE" in h:
        return lambda n: ([], {"OCIKIT_CHUNK_SIZE": str(n)})
    return None


def blob_files(layout):
    out = set()
    for d, _, files in os.walk(os.path.join(layout, "blobs")):
        out |= {"%s:%s" % (os.path.basename(d), f) for f in files}
    return out


def main():
    checks = Checks("remote:registry")
    rng = seeded(checks.name)
    with Scratch("remote-registry") as s:
        t = Test(sys.argv[1], s, checks, rng)
        try:
            for step in (t.push_pull, t.verbs, t.uploads, t.mount, t.listings, t.negotiation,
                         t.round_trips, t.delete):
                checks.note("-- " + step.__name__)
                step()
        finally:
            t.stop()
    checks.done()


if __name__ == "__main__":
    main()
