#!/usr/bin/env python3
"""Random kill -9: pushes (and a few gc runs) are killed at random times, at least
$OCIKIT_STORE_KILLS times (default 200). After each kill: fsck passes, every acknowledged tag
of the repository is in its layout with its digest (the killed push's tag: the old or the new
digest), every blob reachable from the layout's index.json is there with its size and sha256
(hashed here); after every 4th run ($OCIKIT_STORE_KILL_PULL_EVERY) an acknowledged tag is also
pulled through ocikit and the pulled layout verified. At the end every acknowledged tag of every
repository resolves and is pulled.

A push that finishes before its kill is acknowledged. The delay before the kill is drawn from
[0, span]: span starts at the median push time (measured first) and adapts so that about a third
of the runs finish first (x0.95 after one that finished, x1.03 after a kill), so kills land
everywhere in a push, its last steps included, and the test stays short.
    usage: crash_kill_test.py OCIKIT_BINARY
"""

import os
import signal
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from storelib import (Checks, Image, Index, Scratch, Store, check_consistent, describe,  # noqa: E402
                      layout_refs, random_layer, seeded, verify_layout, write_layout)

REPOS = ["kill/a", "kill/b", "kill/c"]
TAGS = ["t0", "t1", "t2", "t3", "t4"]


def make_source(scratch, rng):
    pool = [random_layer(rng, "pool%d" % i, 48 * 1024) for i in range(8)]
    entries = []
    images = []
    for i in range(24):
        layers = rng.sample(pool, rng.randint(1, 3)) + [random_layer(rng, "own%d" % i, 8192)]
        img = Image(layers, arch=rng.choice(["amd64", "arm64"]), label="k%d" % i)
        images.append(img)
        entries.append(("i%d" % i, img))
    for i in range(4):
        idx = Index(rng.sample(images, 2), annotations={"n": str(i)})
        entries.append(("x%d" % i, idx))
    src = write_layout(scratch.path("src"), entries)
    return src, {name: obj.digest for name, obj in entries}


def pull_verified(checks, store, scratch, repo, tag, digest):
    out = scratch.path("pull")
    p = store.run("pull", "%s:%s" % (repo, tag), "oci:%s:x" % out)
    ok = checks.check(p.returncode == 0, "pull %s:%s" % (repo, tag), describe(p))
    if ok:
        ok = checks.equal(layout_refs(out).get("x"), digest, "pulled %s:%s" % (repo, tag))
        problems, _ = verify_layout(out)
        ok = checks.check(not problems, "pulled %s:%s complete" % (repo, tag), problems) and ok
    subprocess.run(["rm", "-rf", out])
    return ok


def main():
    checks = Checks("store:crash_kill")
    rng = seeded(checks.name)
    want_kills = int(os.environ.get("OCIKIT_STORE_KILLS") or 200)
    budget = float(os.environ.get("OCIKIT_STORE_KILL_SECONDS") or 240)
    pull_every = int(os.environ.get("OCIKIT_STORE_KILL_PULL_EVERY") or 4)
    with Scratch("crash-kill") as s:
        store = Store(sys.argv[1], s.path("store"))
        src, digests = make_source(s, rng)
        names = sorted(digests)
        store.ok("init")
        model = {r: {} for r in REPOS}
        times = []
        for i in range(6):
            name, repo, tag = names[i], REPOS[i % 3], TAGS[i % len(TAGS)]
            t0 = time.monotonic()
            store.ok("push", "oci:%s:%s" % (src, name), "%s:%s" % (repo, tag))
            times.append(time.monotonic() - t0)
            model[repo][tag] = digests[name]
        median = statistics.median(times)
        layouts = {r: store.layout(r) for r in REPOS}
        span = median
        checks.note("median push %.1f ms; kills within %.1f ms" % (1000 * median, 1000 * span))

        kills = finished = repairs = runs = 0
        start = time.monotonic()
        while kills < want_kills and time.monotonic() - start < budget:
            repo = rng.choice(REPOS)
            if rng.random() < 0.1:
                op, name, tag = ("gc",), None, None
            else:
                name, tag = rng.choice(names), rng.choice(TAGS)
                op = ("push", "oci:%s:%s" % (src, name), "%s:%s" % (repo, tag))
            proc = store.popen(*op, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(rng.uniform(0, span))
            if proc.poll() is None:
                proc.kill()
            _, err = proc.communicate()
            what = "kill %d (%s)" % (kills + 1, " ".join(op[:1] + op[2:]))
            span *= 0.95 if proc.returncode == 0 else 1.03
            if proc.returncode == 0:
                finished += 1
                if name:
                    model[repo][tag] = digests[name]
            elif proc.returncode == -signal.SIGKILL:
                kills += 1
            else:
                checks.check(False, "%s exits 0 or is killed" % what,
                             "exit %d: %s" % (proc.returncode, err.decode()[-400:]))
                continue
            ok, p = store.fsck()
            if not ok:
                repairs += 1
                checks.check(False, "%s: fsck passes" % what,
                             describe(p) + " " + p.stdout.decode()[:600])
                store.run("fsck", "--repair")
            # The tags as a reader of the layout sees them (skopeo: oci:<layout>:<tag>).
            got = layout_refs(layouts[repo])
            for t, d in sorted(model[repo].items()):
                if t == tag and proc.returncode != 0:
                    allowed = {d, digests[name]}
                else:
                    allowed = {d}
                checks.check(got.get(t) in allowed, "%s: %s:%s resolves" % (what, repo, t),
                             "got %s, acknowledged %s" % (got.get(t), d))
            if tag and proc.returncode != 0:
                if tag not in model[repo]:
                    checks.check(got.get(tag) in (None, digests[name]),
                                 "%s: %s:%s absent or new" % (what, repo, tag), got.get(tag))
                if got.get(tag) == digests[name]:
                    model[repo][tag] = digests[name]  # it got through before the kill
            problems, _ = verify_layout(layouts[repo])
            checks.check(not problems, "%s: layout of %s complete" % (what, repo), problems[:4])
            runs += 1
            if runs % pull_every == 0 and model[repo]:
                t = rng.choice(sorted(model[repo]))
                pull_verified(checks, store, s, repo, t, model[repo][t])
            if checks.failed > 20:
                break
        took = time.monotonic() - start
        checks.note("%d kills, %d runs finished first, %d fsck failures, %.1fs, span at the end "
                    "%.1f ms" % (kills, finished, repairs, took, 1000 * span))
        checks.check(kills >= want_kills, "at least %d kills within %ds" % (want_kills, budget),
                     kills)
        check_consistent(store, checks, "at the end", model)
        for repo in REPOS:
            for t, d in sorted(model[repo].items()):
                pull_verified(checks, store, s, repo, t, d)
    checks.done()


if __name__ == "__main__":
    main()
