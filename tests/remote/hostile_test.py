#!/usr/bin/env python3
"""ocikit against a registry that misbehaves on purpose (tests/remote/hostile_server.py).

For every mode of the server: `ocikit copy docker://… oci:DIR` and `ocikit copy docker://…
store:REF` are refused (exit 1 or 2) with a message on stderr that names the problem, the layout
holds no image and no blob file whose bytes do not hash to its name, the store does not resolve
the reference and fsck passes; `ocikit store cat-manifest docker://…` of the manifest modes
prints nothing. The mode `good` is the control: the same commands work. `storage-redirect`
(Basic auth, blobs redirected to another origin) must work without sending the credentials to
that origin.
`slow` needs a short timeout: it runs when `ocikit copy --help` names one (--timeout SECONDS,
or $OCIKIT_HTTP_TIMEOUT); otherwise it is skipped, and says so.
    usage: hostile_test.py OCIKIT_BINARY
"""

import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixtures import Hostile, Ocikit, hostile_ref, layout_clean  # noqa: E402
from storelib import Checks, Scratch, describe, verify_layout  # noqa: E402

import hostile_server  # noqa: E402

# What stderr must mention, per mode (case-insensitive).
WHY = {
    "manifest-digest-header": r"digest",
    "manifest-digest-bytes": r"digest",
    "manifest-wrong-type": r"media.?type|content-type",
    "manifest-truncated": r"truncat|end of (file|stream)|eof|short|closed|incomplete|protocol",
    "manifest-huge": r"too large|too big|limit|exceed|size",
    "manifest-huge-length": r"too large|too big|limit|exceed|size",
    "blob-wrong-bytes": r"digest|mismatch|verif",
    "blob-truncated": r"truncat|end of (file|stream)|eof|short|closed|incomplete|protocol",
    "blob-huge-length": r"size|length|too large|mismatch|exceed",
    "blob-overlong": r"size|length|too large|mismatch|exceed|digest",
    "header-malformed": r"header|malformed|protocol|parse|invalid|bad",
    "status-malformed": r"status|malformed|protocol|parse|invalid|bad",
    "redirect-loop": r"redirect",
    "redirect-30": r"redirect",
    "slow": r"time.?out|timed out",
    "auth-garbage": r"authenticat|challenge|unauthori[sz]ed|401",
    "auth-garbage-scheme": r"authenticat|challenge|unauthori[sz]ed|401",
}
MANIFEST_MODES = [m for m in hostile_server.BAD_MODES
                  if not m.startswith("blob-") and m != "slow"]
SLOW_SECONDS = 3  # the server's drip interval; the client's timeout is set to 1 s


def timeout_knob(cli):
    h = cli.help("copy")
    if "--timeout" in h:
        return ["--timeout", "1"], None
    if "OCIKIT_HTTP_TIMEOUT" in h:
        return [], {"OCIKIT_HTTP_TIMEOUT": "1"}
    return None


def storage_redirect(checks, cli, h, s):
    """Blobs redirected to another origin: fetched there without the registry's credentials."""
    authfile = s.path("storage-auth.json")
    with open(authfile, "w") as f:
        json.dump({"auths": {h.host: {"auth": hostile_server.STORAGE_AUTH}}}, f)
    before = len(h.requests())
    dst = s.path("storage-redirect")
    p, j = cli.copy(h.url("storage-redirect:v1"), "oci:%s:v1" % dst, "--plain-http",
                    "--authfile", authfile)
    seen = h.requests()[before:]
    if checks.check(p.returncode == 0, "storage-redirect: copy works", describe(p)):
        problems, _ = verify_layout(dst)
        checks.check(not problems, "storage-redirect: the layout is complete", problems)
    storage = [x for x in seen if x.split(" ")[1].startswith("/storage/")]
    checks.check(len(storage) >= 2, "storage-redirect: blobs fetched from the other origin",
                 seen)
    checks.check(not [x for x in storage if "[authorization]" in x],
                 "storage-redirect: no Authorization sent to the other origin", storage)
    checks.check(any("[authorization]" in x for x in seen if "/v2/storage-redirect/" in x),
                 "storage-redirect: the registry itself got the credentials", seen)
    secret = hostile_server.STORAGE_USER[1]
    checks.check(secret not in cli.output(p) and hostile_server.STORAGE_AUTH not in
                 cli.output(p), "storage-redirect: no secret in the output")


def main():
    checks = Checks("remote:hostile")
    with Scratch("remote-hostile") as s:
        cli = Ocikit(sys.argv[1], s)
        h = Hostile(s, slow_seconds=SLOW_SECONDS).start()
        try:
            good = h.image("good")
            dst = s.path("good")
            p, j = cli.copy(h.url("good:v1"), "oci:%s:v1" % dst, "--plain-http")
            if checks.check(p.returncode == 0, "good: copy to a layout works", describe(p)):
                problems, _ = verify_layout(dst)
                checks.check(not problems, "good: the layout is complete", problems)
                checks.equal((j or {}).get("digest"), good["digest"], "good: digest")
            p, _ = cli.copy(h.url("good:v1"), "store:hostile/good:v1", "--plain-http")
            checks.check(p.returncode == 0, "good: copy to the store works", describe(p))
            p = cli.store_verb("cat-manifest", h.url("good:v1"), "--plain-http")
            checks.equal(p.stdout, good["manifest"], "good: cat-manifest")

            storage_redirect(checks, cli, h, s)

            knob = timeout_knob(cli)
            for mode in hostile_server.BAD_MODES:
                flags, env = ["--plain-http"], None
                if mode == "slow":
                    if knob is None:
                        checks.note("SKIPPED slow: `ocikit copy --help` names no timeout "
                                    "(--timeout or OCIKIT_HTTP_TIMEOUT); the default is minutes")
                        continue
                    flags += knob[0]
                    env = knob[1]
                ref = hostile_ref(h, mode)
                before = len(h.requests())
                why = re.compile(WHY[mode], re.I)
                layout = s.path("layout-" + mode)
                t0 = time.monotonic()
                p, _ = cli.copy(ref, "oci:%s:v1" % layout, *flags, timeout=180, env=env)
                took = time.monotonic() - t0
                err = p.stderr.decode(errors="replace").strip()
                seen = h.requests()[before:]
                detail = "%s; requests: %s" % (describe(p), seen[:12])
                checks.check(p.returncode in (1, 2), "%s: copy to a layout refused (exit 1/2)" %
                             mode, detail)
                checks.check(bool(why.search(err)), "%s: stderr names the problem (%s)" %
                             (mode, WHY[mode]), err[:500])
                checks.check(not layout_clean(layout), "%s: nothing in the layout" % mode,
                             layout_clean(layout))
                checks.note("%s: exit %d in %.1fs after %d requests: %s" %
                            (mode, p.returncode, took, len(seen), err.splitlines()[-1:]))
                store_ref = "hostile/%s:v1" % mode
                p, _ = cli.copy(ref, "store:" + store_ref, *flags, timeout=180, env=env)
                checks.check(p.returncode in (1, 2), "%s: copy to the store refused" % mode,
                             describe(p))
                r = cli.store_verb("resolve", store_ref)
                checks.equal(r.returncode, 1, "%s: the store does not resolve %s" %
                             (mode, store_ref))
                if mode in MANIFEST_MODES:
                    p = cli.store_verb("cat-manifest", ref, *flags, env=env)
                    checks.check(p.returncode in (1, 2) and p.stdout == b"",
                                 "%s: cat-manifest refused, prints nothing" % mode, describe(p))
            p = cli.store_verb("fsck", "--verify-blobs", "--format", "json")
            checks.check(p.returncode == 0, "the store is consistent after every refusal",
                         describe(p) + " " + p.stdout.decode(errors="replace")[:500])
        finally:
            h.stop()
    checks.done()


if __name__ == "__main__":
    main()
