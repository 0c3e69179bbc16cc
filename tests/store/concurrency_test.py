#!/usr/bin/env python3
"""Concurrency: several processes push overlapping content (layers shared between images) to
overlapping tags of two repositories while gc runs again and again, for a bounded time.

Round 1 (pushes and plain `gc`): every push succeeds (a push is never refused because a gc ran),
every tag resolves to a digest that was pushed to it, and to one a last writer could have left
(no push to that tag started after it ended), every acknowledged manifest is still there
(untagged or not) with all its blobs, fsck passes.
Round 2 (pushes, tag moves, deletes of tags and `gc --untagged`): every tag resolves to a digest
that was pushed or tagged to it, nothing any listed manifest references is missing, fsck passes.
    usage: concurrency_test.py OCIKIT_BINARY [SECONDS_PER_ROUND]
"""

import collections
import json
import os
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from storelib import (Checks, Image, Index, Scratch, Store, describe, random_layer,  # noqa: E402
                      seeded, verify_layout, write_layout)

REPOS = ["conc/a", "conc/b"]
TAGS = ["t0", "t1", "t2"]
PUSHERS = 3


# One operation: kind is push, tag, untag or gc; digest is what the tag was set to (None for
# untag and gc); start and end are monotonic times; rc the exit status.
Event = collections.namedtuple("Event", "kind repo tag digest start end rc err")


class Log:
    def __init__(self):
        self.lock = threading.Lock()
        self.events = []

    def add(self, *event):
        with self.lock:
            self.events.append(Event(*event))


def pusher(store, src, names, digests, log, rng, until, extra_ops):
    while time.monotonic() < until:
        repo, tag = rng.choice(REPOS), rng.choice(TAGS)
        r = rng.random()
        if extra_ops and r < 0.15:
            # Move another tag to what this tag points at (a tag change, not a push).
            other = rng.choice(TAGS)
            t0 = time.monotonic()
            res = store.run("resolve", "%s:%s" % (repo, tag), "--format", "json")
            if res.returncode != 0:
                continue
            digest = json.loads(res.stdout)["digest"]
            p = store.run("tag", "%s@%s" % (repo, digest), other)
            log.add("tag", repo, other, digest, t0, time.monotonic(), p.returncode, p.stderr)
            continue
        if extra_ops and r < 0.25:
            t0 = time.monotonic()
            p = store.run("untag", "%s:%s" % (repo, tag))
            log.add("untag", repo, tag, None, t0, time.monotonic(), p.returncode, p.stderr)
            continue
        name = rng.choice(names)
        t0 = time.monotonic()
        p = store.run("push", "oci:%s:%s" % (src, name), "%s:%s" % (repo, tag))
        log.add("push", repo, tag, digests[name], t0, time.monotonic(), p.returncode, p.stderr)


def collector(store, log, until, untagged, counts):
    n = 0
    while time.monotonic() < until:
        args = ["gc"] + (["--untagged"] if untagged and n % 2 else [])
        p = store.run(*args)
        counts.append(p.returncode)
        if p.returncode != 0:
            log.add("gc", None, None, None, 0, 0, p.returncode, p.stderr)
        n += 1


def run_round(checks, store, src, names, digests, rng, seconds, extra_ops):
    log = Log()
    until = time.monotonic() + seconds
    gcs = []
    threads = [threading.Thread(target=pusher,
                                args=(store, src, names, digests, log,
                                      type(rng)(rng.random()), until, extra_ops))
               for _ in range(PUSHERS)]
    threads.append(threading.Thread(target=collector, args=(store, log, until, extra_ops, gcs)))
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
        checks.check(not t.is_alive(), "a worker ends in time")
    pushes = [e for e in log.events if e.kind != "gc"]
    # Refusals that are right: untag of a tag that is not there, tag of a manifest that a
    # `gc --untagged` removed after it was resolved.
    bad = [e for e in log.events if e.rc != 0 and not (e.kind in ("untag", "tag") and e.rc == 1)]
    for e in bad[:5]:
        checks.check(False, "%s %s:%s succeeds while gc runs" % (e.kind, e.repo, e.tag),
                     "exit %d: %s" % (e.rc, e.err.decode()[-300:]))
    checks.equal(len(bad), 0, "operations refused or failed while gc ran")
    checks.note("%d pushes and tag changes, %d gc runs, %d failed" %
                (len(pushes), len(gcs), len(bad)))
    checks.check(len(pushes) >= 10 and len(gcs) >= 2, "enough work overlapped",
                 (len(pushes), len(gcs)))
    return pushes


def check_round(checks, store, pushes, strict, what):
    ok, p = store.fsck()
    checks.check(ok, "%s: fsck passes" % what, describe(p) + " " + p.stdout.decode()[:600])
    listed = {}
    for repo in REPOS:
        meta = store.metadata(repo)
        listed[repo] = meta
        problems, _ = verify_layout(store.layout(repo))
        checks.check(not problems, "%s: nothing %s references is missing" % (what, repo),
                     problems[:5])
        tags = {t: d for d, ts in meta.items() for t in ts}
        for tag, digest in sorted(tags.items()):
            writes = [e for e in pushes if e.repo == repo and e.tag == tag and e.rc == 0 and
                      e.digest]
            pushed = {e.digest for e in writes}
            checks.check(digest in pushed, "%s: %s:%s is a digest pushed to it" % (what, repo, tag),
                         digest)
            if strict:
                # Some write of this digest could be the last one: no write began after it ended.
                last = [e for e in writes if e.digest == digest and
                        not any(o.start > e.end for o in writes)]
                checks.check(bool(last), "%s: %s:%s is a last writer's" % (what, repo, tag),
                             digest)
        if strict:
            for tag in TAGS:
                writes = [e for e in pushes if e.repo == repo and e.tag == tag and e.rc == 0]
                checks.check(not writes or tag in tags, "%s: %s:%s was pushed and is there" %
                             (what, repo, tag))
            acked = {e.digest for e in pushes if e.repo == repo and e.rc == 0}
            lost = acked - set(meta)
            checks.check(not lost, "%s: no acknowledged manifest of %s lost" % (what, repo),
                         sorted(lost)[:3])


def main():
    checks = Checks("store:concurrency")
    rng = seeded(checks.name)
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 8.0
    with Scratch("concurrency") as s:
        store = Store(sys.argv[1], s.path("store"))
        store.ok("init")
        pool = [random_layer(rng, "pool%d" % i, 64 * 1024) for i in range(6)]
        entries, images = [], []
        for i in range(16):
            img = Image(rng.sample(pool, rng.randint(1, 3)) + [random_layer(rng, "u%d" % i)],
                        label="c%d" % i)
            images.append(img)
            entries.append(("i%d" % i, img))
        for i in range(3):
            entries.append(("x%d" % i, Index(rng.sample(images, 2), annotations={"n": str(i)})))
        src = write_layout(s.path("src"), entries)
        digests = {n: o.digest for n, o in entries}
        names = sorted(digests)

        pushes = run_round(checks, store, src, names, digests, rng, seconds, False)
        check_round(checks, store, pushes, True, "round 1")
        more = run_round(checks, store, src, names, digests, rng, seconds, True)
        check_round(checks, store, pushes + more, False, "round 2")
    checks.done()


if __name__ == "__main__":
    main()
