#!/usr/bin/env python3
"""Store to readers: skopeo and umoci read every repository of a store that ocikit wrote.

For every repository and tag: `skopeo inspect --raw oci:<layout>:<tag>` returns bytes whose
sha256 is the resolved digest, `skopeo copy` to a scratch layout works, and for image manifests
`umoci stat` and `umoci unpack --rootless` work; `umoci gc --layout` changes nothing in the store;
every blob has one inode however many repositories hold it.
    usage: readers_test.py OCIKIT_BINARY
"""

import collections
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from storelib import (OCI_MANIFEST, Checks, Scratch, Store, check_consistent, describe,  # noqa: E402
                      listing_diff, populate, run, seeded, sha256, tree_listing, verify_layout)


def main():
    checks = Checks("store:readers")
    rng = seeded(checks.name)
    with Scratch("readers") as s:
        store = Store(sys.argv[1], s.path("store"))
        sample = populate(store, s, rng)
        check_consistent(store, checks, "after populate", sample.tags)
        checks.equal(store.repos(), sorted(sample.tags), "repos lists every repository")

        before = tree_listing(store.root)
        n = 0
        for repo in store.repos():
            layout = store.layout(repo)
            checks.check(os.path.isfile(os.path.join(layout, "oci-layout")),
                         "layout %s of %s is an OCI layout" % (layout, repo))
            for tag, digest in sorted(store.tag_map(repo).items()):
                n += 1
                ref = "%s:%s" % (layout, tag)
                what = "%s:%s" % (repo, tag)
                resolved = store.resolve(what)
                checks.check(resolved is not None and resolved[0] == digest,
                             "%s resolves to its list-metadata digest" % what, resolved)
                p = run(["skopeo", "inspect", "--raw", "oci:" + ref])
                if checks.check(p.returncode == 0, "skopeo inspect --raw " + what, describe(p)):
                    checks.equal(sha256(p.stdout), digest, "skopeo inspect --raw %s: sha256" % what)
                scratch = s.path("copy-%d" % n)
                p = run(["skopeo", "copy", "--quiet", "oci:" + ref, "oci:%s:x" % scratch])
                if checks.check(p.returncode == 0, "skopeo copy " + what, describe(p)):
                    problems, _ = verify_layout(scratch)
                    checks.check(not problems, "skopeo's copy of %s is complete" % what, problems)
                if resolved and resolved[1] == OCI_MANIFEST:
                    p = run(["umoci", "stat", "--image", ref])
                    checks.check(p.returncode == 0, "umoci stat " + what, describe(p))
                    bundle = s.path("bundle-%d" % n)
                    p = run(["umoci", "unpack", "--rootless", "--image", ref, bundle])
                    if checks.check(p.returncode == 0, "umoci unpack --rootless " + what,
                                    describe(p)):
                        checks.check(os.path.isdir(os.path.join(bundle, "rootfs")),
                                     "umoci unpack of %s made a rootfs" % what)
        checks.check(n >= 5, "the sample has at least 5 tags to read", n)
        checks.note("read %d tags with skopeo and umoci" % n)
        after = tree_listing(store.root)
        checks.check(before == after, "readers changed nothing", listing_diff(before, after))

        for repo in store.repos():
            layout = store.layout(repo)
            before = tree_listing(store.root)
            p = run(["umoci", "gc", "--layout", layout])
            checks.check(p.returncode == 0, "umoci gc --layout (%s)" % repo, describe(p))
            after = tree_listing(store.root)
            checks.check(before == after, "umoci gc on %s changed nothing" % repo,
                         listing_diff(before, after))

        # One inode per blob: every file named by a digest, in the pool and in every layout.
        inodes = collections.defaultdict(set)
        for d, _, files in os.walk(store.root):
            if os.path.basename(os.path.dirname(d)) != "blobs":
                continue
            for f in files:
                st = os.stat(os.path.join(d, f))
                inodes["%s:%s" % (os.path.basename(d), f)].add((st.st_dev, st.st_ino))
        checks.check(len(inodes) > 0, "blob files found under blobs/ directories")
        for d, ino in sorted(inodes.items()):
            checks.check(len(ino) == 1, "blob %s has one inode" % d, ino)
        base_layer = sample.objects[sample.tags["library/base"]["1"]].layers[0].digest
        checks.check(base_layer in inodes, "the shared base layer is stored")
        check_consistent(store, checks, "after the readers", sample.tags)
    checks.done()


if __name__ == "__main__":
    main()
