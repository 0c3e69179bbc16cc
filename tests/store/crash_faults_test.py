#!/usr/bin/env python3
"""Crash at every fault point: for each step named in include/ocikit/store/fault.hpp (and each
`fault_point("...")` the store's code calls), run the operation that reaches it with
OCIKIT_FAULT_POINT=<step> and check that the process died there (SIGKILL). Afterwards fsck passes
(when it does not, `fsck --repair` must make it pass: the test says which steps needed that),
every tag acknowledged before still resolves to its digest (one of them, a different one at each
step, is pulled and the pulled layout verified), no layout misses a blob or has one with other
bytes, and the same operation then succeeds without the fault.
    usage: crash_faults_test.py OCIKIT_BINARY SOURCE_DIR
"""

import os
import re
import signal
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from storelib import (Checks, Image, Scratch, Store, check_consistent, describe,  # noqa: E402
                      layout_refs, random_layer, seeded, verify_layout, write_layout)


def fault_points(source_dir):
    """The documented steps (the comment list of fault.hpp) and the ones the code calls."""
    store_dir = os.path.join(source_dir, "include", "ocikit", "store")
    with open(os.path.join(store_dir, "fault.hpp")) as f:
        header = f.read()
    documented = set(re.findall(r"^//\s{2,}([a-z_]+\.[a-z_.]+)\s", header, re.M))
    called = set()
    for d, _, files in os.walk(os.path.join(source_dir, "include", "ocikit")):
        for n in files:
            with open(os.path.join(d, n)) as f:
                called |= set(re.findall(r'fault_point\("([^"]+)"\)', f.read()))
    return documented, called


def pull_verified(checks, store, scratch, ref, digest, what):
    out = scratch.path("pull-%d" % checks.count)
    p = store.run("pull", ref, "oci:%s:x" % out)
    if checks.check(p.returncode == 0, "%s: pull %s" % (what, ref), describe(p)):
        checks.equal(layout_refs(out).get("x"), digest, "%s: pulled %s" % (what, ref))
        problems, _ = verify_layout(out)
        checks.check(not problems, "%s: pulled %s complete" % (what, ref), problems)


def main():
    checks = Checks("store:crash_faults")
    rng = seeded(checks.name)
    documented, called = fault_points(sys.argv[2])
    checks.check(len(documented) >= 3, "fault.hpp documents its fault points", documented)
    for p in sorted(called - documented):
        checks.check(False, "fault point %s is called but not documented in fault.hpp" % p)
    for p in sorted(documented - called):
        checks.check(False, "fault point %s is documented but never called" % p)
    points = sorted(documented | called)
    checks.note("fault points: " + " ".join(points))
    repaired = []
    with Scratch("crash-faults") as s:
        for n, point in enumerate(points):
            what = point
            store = Store(sys.argv[1], s.path("store-%d" % n))
            base = random_layer(rng, "base")
            old = Image([base, random_layer(rng, "old")], label="old")
            gone = Image([random_layer(rng, "gone")], label="gone")
            new = Image([base, random_layer(rng, "new"), random_layer(rng, "new2")], label="new")
            src = write_layout(s.path("src-%d" % n), [("old", old), ("gone", gone), ("new", new)])
            store.ok("init")
            store.ok("push", "oci:%s:old" % src, "app:v1")
            store.ok("push", "oci:%s:gone" % src, "app:v0")
            store.ok("push", "oci:%s:old" % src, "app:v0")  # `gone` is now untagged: garbage
            store.ok("push", "oci:%s:old" % src, "doomed:1")
            store.ok("push", "oci:%s:gone" % src, "keep/me:1")
            acked = {"app": {"v1": old.digest, "v0": old.digest},
                     "keep/me": {"1": gone.digest}, "doomed": {"1": old.digest}}
            # The operations that may reach the step, tried in order until one dies there; what
            # one that finishes did is acknowledged.
            ops = [("push", "oci:%s:new" % src, "app:v2"), ("gc", "--untagged"),
                   ("delete-repo", "doomed"), ("tag", "app:v1", "v3"), ("untag", "app:v0")]
            done = {"push": lambda: acked["app"].update(v2=new.digest),
                    "gc": lambda: None,
                    "delete-repo": lambda: acked.pop("doomed", None),
                    "tag": lambda: acked["app"].update(v3=old.digest),
                    "untag": lambda: acked["app"].pop("v0", None)}
            killed_by = None
            for op in ops:
                p = store.run(*op, env={"OCIKIT_FAULT_POINT": point})
                if p.returncode == -signal.SIGKILL:
                    killed_by = op
                    break
                if not checks.check(p.returncode == 0, "%s: %s failed without dying" %
                                    (what, op[0]), describe(p)):
                    break
                done[op[0]]()
            if not checks.check(killed_by is not None, "%s: some operation dies there" % what):
                continue
            checks.note("%s: killed in %s" % (point, killed_by[0]))
            if killed_by[0] == "delete-repo":
                acked.pop("doomed")  # all there or gone: checked below
            ok, p = store.fsck()
            if not ok:
                repaired.append(point)
                r = store.run("fsck", "--repair", "--format", "json")
                checks.check(r.returncode in (0, 1), "%s: fsck --repair runs" % what, describe(r))
                ok, p = store.fsck()
            checks.check(ok, "%s: fsck passes after the crash%s" %
                         (what, " and --repair" if point in repaired else ""),
                         describe(p) + " " + p.stdout.decode()[:600])
            check_consistent(store, checks, what, acked)
            # One acknowledged tag pulled through ocikit (a different one at each step); every
            # layout was verified blob by blob above.
            pairs = sorted((r, t, d) for r, tags in acked.items() for t, d in tags.items())
            repo, tag, digest = pairs[n % len(pairs)]
            pull_verified(checks, store, s, "%s:%s" % (repo, tag), digest, what)
            # The crashed operation's own result: all or nothing.
            if killed_by[0] == "push":
                got = store.tag_map("app").get("v2")
                checks.check(got in (None, new.digest), "%s: app:v2 absent or the new image" % what,
                             got)
            elif killed_by[0] == "delete-repo":
                left = store.tag_map("doomed")
                checks.check(left in ({}, {"1": old.digest}), "%s: doomed is all there or gone" %
                             what, left)
            # The store works on: the operation succeeds without the fault.
            p = store.run(*killed_by)
            redone = p.returncode == 0 or (killed_by[0] == "delete-repo" and p.returncode == 1 and
                                           "doomed" not in store.repos())
            checks.check(redone, "%s: %s succeeds after the crash" % (what, killed_by[0]),
                         describe(p))
            done[killed_by[0]]()
            if killed_by[0] == "delete-repo":
                checks.check("doomed" not in store.repos(), "%s: doomed deleted" % what)
            check_consistent(store, checks, what + " (after redoing it)", acked)
    checks.note("steps whose crash needed fsck --repair: %s" % (" ".join(repaired) or "none"))
    checks.done()


if __name__ == "__main__":
    main()
