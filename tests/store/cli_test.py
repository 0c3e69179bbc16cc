#!/usr/bin/env python3
"""Every verb of `ocikit store`: what it does, its exit status (0 done, 1 refused or not found,
2 usage), and every refusal of bad input (a digest or size mismatch, a missing blob, an invalid
manifest, a locked item, an unknown repository, a malformed reference, a layout that is not one)
exits 1 and leaves the store unchanged: a listing of the whole store tree with the checksum of
every file is compared before and after.
    usage: cli_test.py OCIKIT_BINARY
"""

import json
import os
import shutil
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from storelib import (OCI_INDEX, OCI_MANIFEST, Checks, Image, Index, Scratch, Store,  # noqa: E402
                      blob_path, canonical, describe, gc_count, layout_refs, listing_diff, populate,
                      random_layer, seeded, signature, tree_listing, verify_layout, write_layout)


def blobs_only(before, after):
    """'only blobs added: ' when the difference is blob files (and their directories) alone."""
    added = set(after) - set(before)
    if not added or any(before[k] != after[k] for k in before if k in after) or \
            set(before) - set(after):
        return ""
    if all("/blobs/" in "/" + k or k.endswith("/blobs") or after[k][0] == "dir" for k in added):
        return "only blobs added, nothing references them: "
    return ""


class Cli:
    def __init__(self, checks, store, scratch):
        self.checks = checks
        self.store = store
        self.s = scratch

    def expect(self, what, args, rc=0, stdin=None, err=None):
        """Runs `ocikit store ARGS`; checks the exit status (rc: one or a tuple of those that
        are right) and a text in stderr."""
        p = self.store.run(*args, input=stdin)
        want = rc if isinstance(rc, tuple) else (rc,)
        self.checks.check(p.returncode in want, "%s: exit %s" % (what, rc), describe(p))
        if err is not None:
            self.checks.check(err.lower() in p.stderr.decode().lower(),
                              "%s: stderr names %r" % (what, err), p.stderr.decode()[:400])
        if 0 not in want:
            self.checks.check(p.stderr.strip() != b"", "%s: a message on stderr" % what)
        return p

    def refuse(self, what, args, err=None, rc=1, stdin=None):
        """A refusal: exit rc (1), a message, and the store exactly as before."""
        before = tree_listing(self.store.root)
        p = self.expect(what, args, rc=rc, stdin=stdin, err=err)
        after = tree_listing(self.store.root)
        self.checks.check(before == after, "%s: store unchanged" % what,
                          blobs_only(before, after) + listing_diff(before, after))
        return p

    def json(self, what, args, rc=0):
        p = self.expect(what, list(args) + ["--format", "json"], rc=rc)
        try:
            return json.loads(p.stdout)
        except ValueError:
            self.checks.check(False, "%s: prints JSON" % what, p.stdout[:300])
            return None

    def file(self, name, data):
        path = self.s.path(name)
        with open(path, "wb") as f:
            f.write(data)
        return path


def test_addressing(c, checks, s, sample):
    app2 = sample.tags["team/app"]["v1"]
    r = c.json("resolve by tag", ["resolve", "team/app:v1"])
    if r:
        checks.equal(r.get("digest"), app2, "resolve: digest")
        checks.equal(r.get("mediaType"), OCI_MANIFEST, "resolve: mediaType")
        checks.equal(r.get("size"), len(sample.objects[app2].manifest), "resolve: size")
    r = c.json("resolve by digest", ["resolve", "team/app@" + app2])
    checks.check(r and r.get("digest") == app2, "resolve REPO@DIGEST", r)
    r = c.json("resolve a full reference", ["resolve", "localhost/team/app:stable"])
    checks.check(r and r.get("digest") == app2, "resolve localhost/REPO:TAG", r)
    c.refuse("resolve: default tag latest (none here)", ["resolve", "team/app"], err="latest")
    c.refuse("resolve: another registry", ["resolve", "other.example.com/team/app:v1"],
             err="other.example.com")
    c.refuse("resolve: unknown tag", ["resolve", "team/app:nope"])
    c.refuse("resolve: unknown repository", ["resolve", "no/such:v1"])
    c.refuse("resolve: malformed reference", ["resolve", "Team/App:v1"])
    c.refuse("resolve: malformed digest", ["resolve", "team/app@sha256:abc"])
    c.refuse("resolve: unknown digest", ["resolve", "team/app@sha256:" + "0" * 64])
    p = c.expect("url", ["url", "docker.io/library/alpine:3.19", "--format", "json"])
    try:
        u = json.loads(p.stdout)
    except ValueError:
        u = {}
    checks.equal(u.get("registry"), "registry-1.docker.io", "url: docker.io's registry host")
    checks.equal(u.get("repository"), "library/alpine", "url: repository")
    checks.equal(u.get("manifest"), "https://registry-1.docker.io/v2/library/alpine/manifests/3.19",
                 "url: manifest URL")
    for key in ("upload", "tags", "referrers", "accept"):
        checks.check(key in u, "url: has %s" % key, u)
    checks.check(OCI_MANIFEST in str(u.get("accept")) and OCI_INDEX in str(u.get("accept")),
                 "url: accept names OCI manifests and indexes", u.get("accept"))
    d = "sha256:" + "ab" * 32
    p = c.expect("url --plain-http", ["url", "localhost:5000/a/b@" + d, "--plain-http",
                                      "--format", "json"])
    try:
        u = json.loads(p.stdout)
    except ValueError:
        u = {}
    checks.equal(u.get("blob"), "http://localhost:5000/v2/a/b/blobs/" + d, "url: blob URL")
    checks.equal(u.get("manifest"), "http://localhost:5000/v2/a/b/manifests/" + d,
                 "url: manifest URL by digest")
    c.expect("url: malformed", ["url", "a//b"], rc=1)


def test_blobs_and_manifests(c, checks, s, store, rng):
    layer = random_layer(rng, "pb", 5000)
    f = c.file("layer", layer.data)
    p = c.expect("push-blob FILE", ["push-blob", "pb/x", f])
    checks.check(layer.digest in p.stdout.decode(), "push-blob prints the digest", p.stdout)
    p = c.expect("push-blob again", ["push-blob", "pb/x", f])
    checks.check(layer.digest in p.stdout.decode(), "push-blob again prints the digest")
    other = random_layer(rng, "pb2", 3000)
    p = c.expect("push-blob -", ["push-blob", "pb/x", "-"], stdin=other.data)
    checks.check(other.digest in p.stdout.decode(), "push-blob - prints the digest", p.stdout)
    p = c.expect("cat-blob", ["cat-blob", "pb/x@" + layer.digest])
    checks.check(p.stdout == layer.data, "cat-blob: the exact bytes")
    c.refuse("push-blob: malformed repository", ["push-blob", "PB/x", f])
    c.refuse("push-blob: missing file", ["push-blob", "pb/x", s.path("nope")], rc=2)
    c.refuse("cat-blob: unknown blob", ["cat-blob", "pb/x@sha256:" + "1" * 64])
    c.refuse("cat-blob: unknown repository", ["cat-blob", "pb/none@" + layer.digest])

    img = Image([layer, other], label="pm")
    cfg = c.file("cfg", img.config)
    c.expect("push-blob config", ["push-blob", "pb/x", cfg])
    mf = c.file("manifest", img.manifest)
    p = c.expect("push-manifest by tag", ["push-manifest", "pb/x:v1", mf])
    checks.check(img.digest in p.stdout.decode(), "push-manifest prints the digest", p.stdout)
    p = c.expect("cat-manifest", ["cat-manifest", "pb/x:v1"])
    checks.check(p.stdout == img.manifest, "cat-manifest: the exact bytes")
    c.expect("push-manifest by digest", ["push-manifest", "pb/x@" + img.digest, mf])
    c.expect("push-manifest from stdin, --media-type",
             ["push-manifest", "pb/x:v2", "-", "--media-type", OCI_MANIFEST], stdin=img.manifest)
    c.refuse("push-manifest: digest mismatch", ["push-manifest", "pb/x@sha256:" + "2" * 64, mf])
    c.refuse("push-manifest: media type mismatch",
             ["push-manifest", "pb/x:v3", mf, "--media-type", OCI_INDEX])
    missing = Image([layer, random_layer(rng, "absent")], label="pm")
    c.refuse("push-manifest: a layer is missing",
             ["push-manifest", "pb/x:v3", c.file("m2", missing.manifest)])
    child = Image([layer], arch="arm64", label="child")
    c.refuse("push-manifest: an index's child is missing",
             ["push-manifest", "pb/x:v3", c.file("m3", Index([img, child]).manifest)])
    c.refuse("push-manifest: invalid manifest (no config)",
             ["push-manifest", "pb/x:v3",
              c.file("m4", canonical({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                                      "layers": []}))])
    c.refuse("push-manifest: not JSON", ["push-manifest", "pb/x:v3", c.file("m5", b"{not json")])
    wrong = json.loads(img.manifest)
    wrong["layers"][0]["size"] += 1
    c.refuse("push-manifest: size mismatch with the stored blob",
             ["push-manifest", "pb/x:v3", c.file("m6", canonical(wrong))])
    wrong = json.loads(img.manifest)
    wrong["config"]["digest"] = "sha256:" + "3" * 64
    c.refuse("push-manifest: config missing",
             ["push-manifest", "pb/x:v3", c.file("m7", canonical(wrong))])
    c.refuse("push-manifest: malformed tag", ["push-manifest", "pb/x:-v", mf])
    c.refuse("push-manifest: another registry", ["push-manifest", "example.com/pb/x:v3", mf],
             err="example.com")
    c.refuse("cat-manifest: unknown tag", ["cat-manifest", "pb/x:nope"])
    c.refuse("cat-manifest: unknown repository", ["cat-manifest", "pb/nope:v1"])
    # A referrer whose subject is not there may be pushed.
    ghost = Image([random_layer(rng, "ghost")], label="ghost")
    sig = signature(ghost, rng)
    for d, data in sig.blobs().items():
        if d != sig.digest:
            c.expect("push-blob of a referrer", ["push-blob", "pb/x", c.file("sb", data)])
    c.expect("push-manifest: the subject may be missing",
             ["push-manifest", "pb/x@" + sig.digest, c.file("sig", sig.manifest)])
    return img


def test_push_pull(c, checks, s, store, rng):
    a = Image([random_layer(rng, "pa")], label="pa")
    b = Image([random_layer(rng, "pb")], arch="arm64", label="pb")
    idx = Index([a, b])
    src = write_layout(s.path("pp-src"), [("a", a), ("i", idx)])
    p = c.expect("push oci:DIR:TAG", ["push", "oci:%s:a" % src, "pp/one:a"])
    checks.check(a.digest in p.stdout.decode() or p.stdout == b"",
                 "push prints the digest (or nothing)", p.stdout)
    c.expect("push an index", ["push", "oci:%s:i" % src, "pp/one:i"])
    meta = c.store.metadata("pp/one")
    checks.equal(set(meta), {a.digest, b.digest, idx.digest}, "push of an index: its children too")
    out = s.path("pp-pull")
    c.expect("pull by tag", ["pull", "pp/one:i", "oci:%s:x" % out])
    checks.equal(layout_refs(out).get("x"), idx.digest, "pull: the index under x")
    checks.equal(verify_layout(out)[0], [], "pull: complete layout")
    out2 = s.path("pp-pull2")
    c.expect("pull by digest, --platform", ["pull", "pp/one@" + idx.digest, "oci:%s:y" % out2,
                                            "--platform", "linux/arm64"])
    checks.equal(layout_refs(out2).get("y"), b.digest, "pull --platform linux/arm64: the child")
    out3 = s.path("pp-pull3")
    c.expect("pull without a tag", ["pull", "pp/one:a", "oci:%s" % out3])
    checks.check(a.digest in [d["digest"] for d in json.load(open(
        os.path.join(out3, "index.json")))["manifests"]], "pull oci:DIR lists the image")
    c.refuse("pull: unknown tag", ["pull", "pp/one:zz", "oci:%s:x" % s.path("pp-none")])
    checks.check(not os.path.exists(os.path.join(s.path("pp-none"), "index.json")),
                 "a refused pull writes no layout")
    c.refuse("pull --platform with no match",
             ["pull", "pp/one:i", "oci:%s:x" % s.path("pp-none2"), "--platform", "linux/s390x"])

    # Layouts that are not, or that are broken: refused, the store unchanged.
    c.refuse("push: no such directory", ["push", "oci:%s:a" % s.path("nowhere"), "pp/one:z"])
    os.makedirs(s.path("plain-dir"))
    c.refuse("push: a directory that is not a layout",
             ["push", "oci:%s:a" % s.path("plain-dir"), "pp/one:z"])
    empty = s.path("umoci-empty")
    os.makedirs(os.path.join(empty, "blobs", "sha256"))
    with open(os.path.join(empty, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    with open(os.path.join(empty, "index.json"), "w") as f:
        f.write('{"schemaVersion":2,"manifests":null}')
    c.refuse("push: a tag an empty layout lacks", ["push", "oci:%s:a" % empty, "pp/one:z"])
    c.refuse("push: a tag the layout lacks", ["push", "oci:%s:zz" % src, "pp/one:z"])
    bad = write_layout(s.path("bad-index"), [("a", a)])
    with open(os.path.join(bad, "index.json"), "w") as f:
        f.write("{broken")
    c.refuse("push: index.json is not JSON", ["push", "oci:%s:a" % bad, "pp/one:z"])
    # Each case with blobs the store has never seen (a blob it has is not read again).
    def fresh(n):
        return Image([random_layer(rng, n + "a"), random_layer(rng, n + "b")], label=n)

    c2 = fresh("lost")
    lost = write_layout(s.path("lost-blob"), [("a", c2)])
    os.unlink(blob_path(lost, c2.layers[1].digest))
    c.refuse("push: a blob missing from the layout", ["push", "oci:%s:a" % lost, "pp/two:a"])
    checks.check("pp/two" not in c.store.repos(), "a refused push creates no repository")
    c2 = fresh("corrupt")
    corrupt = write_layout(s.path("corrupt-blob"), [("a", c2)])
    with open(blob_path(corrupt, c2.layers[1].digest), "r+b") as f:
        f.write(b"X")
    c.refuse("push: a blob whose bytes do not match its digest",
             ["push", "oci:%s:a" % corrupt, "pp/one:z"])
    c2 = fresh("long")
    long = write_layout(s.path("long-blob"), [("a", c2)])
    with open(blob_path(long, c2.layers[0].digest), "ab") as f:
        f.write(b"extra")
    c.refuse("push: a blob longer than its descriptor", ["push", "oci:%s:a" % long, "pp/one:z"])
    c.refuse("push: malformed reference", ["push", "oci:%s:a" % src, "pp/One:a"])
    c.refuse("push: not an oci: source", ["push", "docker://x/y:z", "pp/one:z"], rc=(1, 2))


def test_tags_and_deletes(c, checks, s, store, sample):
    app2 = sample.tags["team/app"]["v1"]
    app1 = [d for d, t in store.metadata("team/app").items() if not t][0]
    c.expect("tag REF NEWTAG NEWTAG", ["tag", "team/app:v1", "t1", "t2"])
    checks.equal({t: store.tag_map("team/app").get(t) for t in ("t1", "t2")},
                 {"t1": app2, "t2": app2}, "tag: both new tags")
    c.expect("tag by digest moves a tag", ["tag", "team/app@" + app1, "t2"])
    checks.equal(store.tag_map("team/app").get("t2"), app1, "tag: t2 moved")
    c.refuse("tag: malformed new tag", ["tag", "team/app:v1", "ba!d"])
    c.refuse("tag: unknown source", ["tag", "team/app:nope", "t3"])
    c.refuse("tag: unknown repository", ["tag", "no/repo:v1", "t3"])
    c.expect("untag REPO:TAG REPO:TAG", ["untag", "team/app:t1", "team/app:t2"])
    tags = store.tag_map("team/app")
    checks.check("t1" not in tags and "t2" not in tags, "untag: both gone", tags)
    checks.check(app1 in store.metadata("team/app"), "untag: the manifest stays")
    c.refuse("untag: no such tag", ["untag", "team/app:t1"])
    c.refuse("untag: unknown repository", ["untag", "no/repo:v1"])

    p = c.expect("tags", ["tags", "team/app", "--format", "json"])
    text = p.stdout.decode()
    checks.check('"v1"' in text and '"stable"' in text and '"t1"' not in text, "tags: JSON", text)
    p = c.expect("tags (text)", ["tags", "team/app"])
    checks.check(sorted(p.stdout.decode().split()) == ["stable", "v1"], "tags: text lines",
                 p.stdout)
    c.refuse("tags: unknown repository", ["tags", "no/repo"])
    p = c.expect("repos (text)", ["repos"])
    for r in sample.tags:
        checks.check(r in p.stdout.decode().split(), "repos lists %s" % r, p.stdout)
    want = set(sample.tags) | {"pb/x", "pp/one"}
    checks.check(want <= set(store.repos()), "repos: JSON", store.repos())

    # Dry runs change nothing; delete by tag takes the manifest, all its tags, its referrers.
    multi = sample.tags["tools/multi"]["1.0"]
    amd = sample.objects[multi].images[0].digest
    c.refuse("delete --dry-run (nothing changes)", ["delete", "tools/multi@" + amd, "--dry-run"],
             rc=0)
    ref = c.json("referrers", ["referrers", "tools/multi@" + amd])
    digests = [m.get("digest") for m in (ref or {}).get("manifests") or []]
    checks.equal(digests, [sample.referrer.digest], "referrers: the signature")
    checks.equal((ref or {}).get("mediaType"), OCI_INDEX, "referrers: an image index")
    ref = c.json("referrers --artifact-type", ["referrers", "tools/multi@" + amd,
                                               "--artifact-type", "application/x-none"])
    checks.equal((ref or {}).get("manifests"), [], "referrers filtered: none")
    c.expect("delete the signed child", ["delete", "tools/multi@" + amd])
    meta = store.metadata("tools/multi")
    checks.check(amd not in meta and sample.referrer.digest not in meta,
                 "delete: the manifest and its referrer", meta)
    c.expect("delete an index by tag", ["delete", "tools/multi:1.0"])
    meta = store.metadata("tools/multi")
    arm = sample.objects[multi].images[1].digest
    checks.equal(meta, {arm: []}, "delete of an index: its (other) child stays, untagged")
    c.refuse("delete: unknown tag", ["delete", "tools/multi:1.0"])
    c.refuse("delete: unknown repository", ["delete", "no/repo:1"])
    c.expect("delete REF REF", ["delete", "team/app:stable", "library/base:1"])
    checks.check(app2 not in store.metadata("team/app"), "delete by tag: the manifest went")
    checks.equal(store.tag_map("team/app"), {}, "delete by tag: all its tags went (v1 too)")
    c.refuse("delete-repo: unknown repository", ["delete-repo", "no/repo"])
    c.expect("delete-repo", ["delete-repo", "team/app"])
    checks.check("team/app" not in store.repos(), "delete-repo: gone")
    checks.check("team/app/web" in store.repos(), "delete-repo: team/app/web is another repository")
    c.refuse("delete-repo: malformed name", ["delete-repo", "Team"])


def test_locks(c, checks, s, store, rng):
    a = Image([random_layer(rng, "la")], label="la")
    b = Image([random_layer(rng, "lb")], label="lb")
    src = write_layout(s.path("lock-src"), [("a", a), ("b", b)])
    c.expect("push", ["push", "oci:%s:a" % src, "lk/r:v1"])
    c.expect("push", ["push", "oci:%s:a" % src, "lk/r:v2"])
    c.expect("lock a tag", ["lock", "lk/r:v1", "--write-enabled", "false"])
    meta = c.json("list-metadata", ["list-metadata", "lk/r"]) or []
    attrs = meta[0].get("changeableAttributes", {}) if meta else {}
    checks.equal(sorted(attrs), ["deleteEnabled", "listEnabled", "readEnabled", "writeEnabled"],
                 "changeableAttributes fields")
    c.refuse("push over a write-locked tag", ["push", "oci:%s:b" % src, "lk/r:v1"], err="lock")
    c.refuse("untag a write-locked tag", ["untag", "lk/r:v1"])
    c.refuse("delete a write-locked tag", ["delete", "lk/r:v1"])
    c.refuse("tag onto a write-locked tag", ["tag", "lk/r:v2", "v1"])
    c.expect("unlock", ["lock", "lk/r:v1", "--write-enabled", "true"])
    c.expect("lock a manifest against delete", ["lock", "lk/r@" + a.digest,
                                                "--delete-enabled", "false"])
    c.refuse("delete a delete-locked manifest", ["delete", "lk/r@" + a.digest])
    c.refuse("delete a delete-locked manifest by tag", ["delete", "lk/r:v2"])
    c.expect("push over a tag of a delete-locked manifest is fine",
             ["push", "oci:%s:b" % src, "lk/r:v2"])
    c.expect("lock the repository", ["lock", "lk/r", "--write-enabled", "false"])
    c.refuse("push into a write-locked repository", ["push", "oci:%s:b" % src, "lk/r:v9"])
    c.refuse("delete-repo of a write-locked repository", ["delete-repo", "lk/r"])
    c.expect("unlock the repository", ["lock", "lk/r", "--write-enabled", "true"])
    c.expect("push after unlocking", ["push", "oci:%s:b" % src, "lk/r:v9"])
    c.refuse("lock: unknown repository", ["lock", "no/repo", "--write-enabled", "false"])
    c.refuse("lock: unknown tag", ["lock", "lk/r:none", "--write-enabled", "false"])
    c.expect("lock: bad value", ["lock", "lk/r", "--write-enabled", "maybe"], rc=2)
    return a


def test_listing_purge_gc(c, checks, s, store, rng, locked):
    imgs = [Image([random_layer(rng, "pu%d" % i)], label="pu%d" % i) for i in range(5)]
    src = write_layout(s.path("purge-src"), [("p%d" % i, im) for i, im in enumerate(imgs)])
    for i in range(4):
        c.expect("push", ["push", "oci:%s:p%d" % (src, i), "pu/r:v%d" % i])
    c.expect("push", ["push", "oci:%s:p4" % src, "pu/r:v0"])  # p0 untagged now
    meta = c.json("list-metadata", ["list-metadata", "pu/r"]) or []
    checks.equal(len(meta), 5, "list-metadata: untagged included")
    for m in meta:
        for key in ("digest", "tags", "timestamp", "createdTime", "lastUpdateTime", "imageSize",
                    "mediaType", "changeableAttributes"):
            checks.check(key in m, "list-metadata has %s" % key, m)
        checks.check(str(m.get("timestamp", "")).endswith("Z"), "timestamp in UTC", m)
    times = [m.get("timestamp", "") for m in meta]
    checks.equal(times, sorted(times, reverse=True), "list-metadata: newest first")
    newest = [m for m in meta if m.get("tags")][0]
    checks.equal(newest.get("tags"), ["v0"], "list-metadata: the last push first of the tagged")
    checks.equal(meta[0].get("architecture"), "amd64", "list-metadata: architecture")
    checks.equal(meta[0].get("os"), "linux", "list-metadata: os")
    untagged = [m for m in meta if m.get("tags") == []]
    checks.equal([m["digest"] for m in untagged], [imgs[0].digest], "untagged: tags []")
    only = c.json("list-metadata --untagged", ["list-metadata", "pu/r", "--untagged"]) or []
    checks.equal([m.get("digest") for m in only], [imgs[0].digest], "--untagged: only those")
    asc = c.json("list-metadata asc", ["list-metadata", "pu/r", "--orderby", "time_asc"]) or []
    checks.equal([m.get("timestamp") for m in asc], sorted(times), "--orderby time_asc")
    checks.equal(sorted(m.get("digest") for m in asc), sorted(m.get("digest") for m in meta),
                 "--orderby time_asc: the same manifests")
    c.expect("list-metadata (text)", ["list-metadata", "pu/r"])
    c.refuse("list-metadata: unknown repository", ["list-metadata", "no/repo"])
    c.expect("list-metadata: bad order", ["list-metadata", "pu/r", "--orderby", "size"], rc=2)

    c.refuse("purge --dry-run", ["purge", "--filter", "pu/r:.*", "--ago", "0d", "--keep", "1",
                                 "--untagged", "--dry-run"], rc=0)
    c.expect("purge --keep 2", ["purge", "--filter", "pu/r:v[0-9]", "--ago", "0d", "--keep", "2"])
    tags = store.tag_map("pu/r")
    checks.equal(sorted(tags), ["v0", "v3"], "purge kept the two newest")
    checks.check(imgs[0].digest in store.metadata("pu/r"), "purge without --untagged keeps it")
    c.expect("purge --untagged", ["purge", "--filter", "pu/r:nomatch", "--ago", "0d",
                                  "--untagged"])
    checks.check(imgs[0].digest not in store.metadata("pu/r"), "purge --untagged removed it")
    c.expect("purge never takes a locked manifest",
             ["purge", "--filter", "lk/r:.*", "--ago", "0d", "--untagged"])
    checks.check(locked.digest in store.metadata("lk/r"), "the delete-locked manifest stays")
    c.expect("purge --ago far", ["purge", "--filter", "pu/r:.*", "--ago", "3650d"])
    checks.equal(sorted(store.tag_map("pu/r")), ["v0", "v3"], "purge --ago 3650d: nothing old")
    c.refuse("purge: bad filter", ["purge", "--filter", "no-colon"], rc=(1, 2))

    du = c.json("du", ["du"]) or {}
    total = du.get("total") or {}
    checks.check(total.get("stored_bytes", 0) > 0 and total.get("logical_bytes", 0) > 0,
                 "du: total logical and stored bytes", du)
    checks.check(str(du).count("logical_bytes") > 1, "du: per repository too", du)
    dry = c.refuse("gc --dry-run", ["gc", "--dry-run", "--untagged", "--format", "json"], rc=0)
    g = c.json("gc --untagged", ["gc", "--untagged"]) or {}
    for key in ("manifests_deleted", "blobs_deleted", "bytes_freed"):
        checks.check(key in g, "gc JSON: %s" % key, g)
        checks.equal(gc_count(json.loads(dry.stdout or b"{}").get(key)), gc_count(g.get(key)),
                     "gc --dry-run predicted %s" % key)
    after = (c.json("du after gc", ["du"]) or {}).get("total") or {}
    checks.equal(total.get("stored_bytes", 0) - after.get("stored_bytes", 0),
                 gc_count(g.get("bytes_freed")), "du: stored bytes went down by bytes_freed")
    pool = os.path.join(store.root, "blobs")
    if os.path.isdir(pool):
        on_disk = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(pool)
                      for f in fs)
        checks.equal(after.get("stored_bytes"), on_disk, "du: stored bytes are the pool's")
    g = c.json("gc again", ["gc", "--untagged"]) or {}
    checks.equal(gc_count(g.get("blobs_deleted")), 0, "a second gc finds nothing")


def test_fsck(c, checks, s, store):
    p = c.expect("fsck", ["fsck", "--format", "json"])
    c.expect("fsck --verify-blobs", ["fsck", "--verify-blobs"])
    repo = "team/app/web"
    layout = store.layout(repo)
    checks.check(os.path.isfile(os.path.join(layout, "index.json")), "layout: a path to a layout")
    c.refuse("layout: unknown repository", ["layout", "no/repo"])
    digest = store.tag_map(repo)["1"]
    with open(blob_path(layout, digest), "rb") as f:
        doc = json.load(f)
    layer = doc["layers"][-1]["digest"]
    victim = blob_path(layout, layer)
    saved = s.path("saved-blob")
    shutil.copyfile(victim, saved)
    # Corrupt the bytes (through the link, so the pool sees it too): reads are verified.
    os.chmod(victim, 0o644)
    with open(victim, "r+b") as f:
        f.write(b"\0\0\0\0")
    p = store.run("cat-blob", "%s@%s" % (repo, layer))
    checks.check(p.returncode in (1, 2), "cat-blob of corrupt bytes fails", describe(p))
    p = store.run("fsck", "--verify-blobs", "--format", "json")
    checks.check(p.returncode == 1 and layer.split(":")[1] in p.stdout.decode(),
                 "fsck --verify-blobs finds the corrupt blob", describe(p) + p.stdout.decode())
    with open(saved, "rb") as src, open(victim, "r+b") as f:
        f.write(src.read())
    c.expect("fsck --verify-blobs after restoring", ["fsck", "--verify-blobs"])
    os.unlink(victim)
    p = store.run("fsck", "--format", "json")
    checks.check(p.returncode == 1 and layer.split(":")[1] in p.stdout.decode(),
                 "fsck finds a blob missing from a layout", describe(p) + p.stdout.decode())
    p = store.run("fsck", "--repair")
    checks.check(p.returncode in (0, 1), "fsck --repair runs", describe(p))
    c.expect("fsck after the repair", ["fsck"])
    checks.check(os.path.exists(victim), "the repair put the link back")


def main():
    checks = Checks("store:cli")
    rng = seeded(checks.name)
    with Scratch("cli") as s:
        store = Store(sys.argv[1], s.path("store"))
        c = Cli(checks, store, s)
        sample = populate(store, s, rng)
        c.expect("init again: nothing to do", ["init"])
        c.expect("unknown verb", ["frobnicate"], rc=2)
        c.expect("push without arguments", ["push"], rc=2)
        c.expect("bad --format", ["repos", "--format", "yaml"], rc=2)
        other = Store(sys.argv[1], s.path("named"))
        c2 = Cli(checks, other, s)
        c2.expect("init --name", ["init", "--name", "myreg.example.com"])
        c2.expect("push-blob into a named store", ["push-blob", "x/y", c.file("e", b"{}")])
        c2.expect("resolve with the store's login server (a tag it lacks)",
                  ["resolve", "myreg.example.com/x/y:none"], rc=1)
        c2.refuse("resolve with localhost in a named store", ["resolve", "localhost/x/y:v"],
                  err="localhost")
        env_less = Store(sys.argv[1], s.path("unused"))
        p = env_less.run("--store", store.root, "repos")
        q = store.run("repos", "--store", store.root)
        checks.check(p.returncode == 0 or q.returncode == 0, "--store DIR selects the store",
                     describe(p) + " / " + describe(q))

        test_addressing(c, checks, s, sample)
        test_blobs_and_manifests(c, checks, s, store, rng)
        test_push_pull(c, checks, s, store, rng)
        test_fsck(c, checks, s, store)
        test_tags_and_deletes(c, checks, s, store, sample)
        locked = test_locks(c, checks, s, store, rng)
        test_listing_purge_gc(c, checks, s, store, rng, locked)
        ok, p = store.fsck()
        checks.check(ok, "fsck passes at the end", describe(p) + p.stdout.decode()[:500])
    checks.done()


if __name__ == "__main__":
    main()
