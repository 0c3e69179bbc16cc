#!/usr/bin/env python3
"""Writers to store: layouts that umoci and skopeo wrote import with `ocikit store push
oci:DIR:TAG REF` and resolve to the same tags, byte-identical.

umoci: init, new, insert (a new manifest moves the tag), config --tag (a second tag).
skopeo: a copy to a tag, a second image copied to the same tag (the first stays as an entry
without a name: an untagged leftover), the same image under a second name, copies without a
name; plus a layout whose index.json lists one manifest several times (duplicate entries, with and
without names). Every tag of every layout is pushed to the store; the store then resolves it to
the layout's digest, cat-manifest gives the same bytes, every blob reads back identical with
cat-blob, and a pull writes a layout with the same bytes that skopeo reads.
    usage: writers_test.py OCIKIT_BINARY
"""

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from storelib import (REF_NAME, Checks, Image, Index, Scratch, Store, blob_path, check_consistent,  # noqa: E402
                      describe, layout_refs, random_layer, read_index, run, seeded, sha256, tool,
                      verify_layout, write_layout)


def umoci_layout(s):
    d = s.path("umoci")
    f = s.path("hello")
    with open(f, "w") as out:
        out.write("hello\n")
    tool(["umoci", "init", "--layout", d])
    tool(["umoci", "new", "--image", d + ":base"])
    tool(["umoci", "config", "--image", d + ":base", "--config.env", "A=1", "--tag", "empty"])
    tool(["umoci", "insert", "--image", d + ":base", f, "/etc/hello"])
    tool(["umoci", "config", "--image", d + ":base", "--config.env", "X=1", "--tag", "v2"])
    tool(["umoci", "insert", "--image", d + ":base", f, "/etc/hello2"])
    return d


def skopeo_layout(s, rng):
    src = write_layout(s.path("skopeo-src"), [
        ("a", Image([random_layer(rng, "a1"), random_layer(rng, "a2")], label="a")),
        ("b", Image([random_layer(rng, "b")], arch="arm64", label="b")),
        ("i", Index([Image([random_layer(rng, "i1")], label="i1"),
                     Image([random_layer(rng, "i2")], arch="arm64", label="i2")]))])
    d = s.path("skopeo")
    tool(["skopeo", "copy", "-q", "oci:%s:a" % src, "oci:%s:a" % d])
    tool(["skopeo", "copy", "-q", "oci:%s:b" % src, "oci:%s:a" % d])  # a moves; old a untagged
    tool(["skopeo", "copy", "-q", "oci:%s:b" % src, "oci:%s:b2" % d])  # same digest, 2nd name
    tool(["skopeo", "copy", "-q", "oci:%s:a" % src, "oci:%s" % d])  # no name
    tool(["skopeo", "copy", "-q", "--all", "oci:%s:i" % src, "oci:%s:idx" % d])
    tool(["skopeo", "copy", "-q", "--all", "oci:%s:i" % src, "oci:%s" % d])
    return d


def duplicate_layout(s, rng):
    img = Image([random_layer(rng, "dup")], label="dup")
    other = Image([random_layer(rng, "other")], label="other")
    return write_layout(s.path("dup"), [(None, img), ("t", img), (None, img), ("t", img),
                                        ("u", img), (None, other), ("w", other)])


def check_tag(checks, store, s, layout, tag, ref, n):
    want = layout_refs(layout)[tag]
    what = "%s (%s:%s)" % (ref, os.path.basename(layout), tag)
    p = store.run("push", "oci:%s:%s" % (layout, tag), ref)
    if not checks.check(p.returncode == 0, "push " + what, describe(p)):
        return
    got = store.resolve(ref)
    checks.check(got is not None and got[0] == want, "%s resolves to the layout's digest" % what,
                 "%r, want %s" % (got, want))
    with open(blob_path(layout, want), "rb") as f:
        manifest = f.read()
    p = store.run("cat-manifest", ref)
    checks.check(p.returncode == 0 and p.stdout == manifest, "cat-manifest %s: same bytes" % what,
                 describe(p))
    repo = ref.rsplit(":", 1)[0]
    _, reached = verify_layout(layout, [{"digest": want, "size": len(manifest),
                                         "mediaType": got[1] if got else ""}])
    for d in sorted(reached):
        p = store.run("cat-blob" if d != want else "cat-manifest", "%s@%s" % (repo, d))
        with open(blob_path(layout, d), "rb") as f:
            data = f.read()
        checks.check(p.returncode == 0 and p.stdout == data, "%s@%s reads back identical" %
                     (repo, d[:19]), describe(p))
    out = s.path("pull-%d" % n)
    p = store.run("pull", ref, "oci:%s:x" % out)
    if checks.check(p.returncode == 0, "pull " + what, describe(p)):
        refs = layout_refs(out)
        checks.equal(refs.get("x"), want, "pulled layout of %s names the digest" % what)
        problems, _ = verify_layout(out)
        checks.check(not problems, "pulled layout of %s complete" % what, problems)
        p = run(["skopeo", "inspect", "--raw", "oci:%s:x" % out])
        checks.check(p.returncode == 0 and sha256(p.stdout) == want,
                     "skopeo reads the pulled %s" % what, describe(p))


def main():
    checks = Checks("store:writers")
    rng = seeded(checks.name)
    with Scratch("writers") as s:
        store = Store(sys.argv[1], s.path("store"))
        store.ok("init")
        layouts = {"umoci": umoci_layout(s), "skopeo": skopeo_layout(s, rng),
                   "dup": duplicate_layout(s, rng)}
        entries = read_index(layouts["skopeo"])["manifests"]
        checks.check(any(REF_NAME not in (e.get("annotations") or {}) for e in entries),
                     "skopeo left an untagged entry", entries)
        n = 0
        expect = {}
        for name, layout in sorted(layouts.items()):
            refs = layout_refs(layout)
            checks.check(len(refs) >= 2, "%s layout has at least two tags" % name, refs)
            for tag in sorted(refs):
                n += 1
                ref = "writers/%s:%s" % (name, tag)
                check_tag(checks, store, s, layout, tag, ref, n)
                expect.setdefault("writers/" + name, {})[tag] = refs[tag]
        # Pushing the same tag again is idempotent: no new manifest, same digest.
        before = store.metadata("writers/dup")
        check_tag(checks, store, s, layouts["dup"], "t", "writers/dup:t", n + 1)
        checks.equal(store.metadata("writers/dup"), before, "a second push of dup:t changes no tag")
        # Only the tag named is pushed: the untagged entries of the skopeo layout stay out.
        pushed = set(store.metadata("writers/skopeo"))
        untagged = {e["digest"] for e in entries if REF_NAME not in (e.get("annotations") or {})}
        named = set(layout_refs(layouts["skopeo"]).values())
        for d in sorted(untagged - named):
            checks.check(d not in pushed, "skopeo's untagged leftover %s not imported" % d[:19])
        check_consistent(store, checks, "after the imports", expect)
        checks.note("imported %d tags from umoci and skopeo layouts" % n)
    checks.done()


if __name__ == "__main__":
    main()
