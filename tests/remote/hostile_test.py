#!/usr/bin/env python3
"""ocikit against a registry that misbehaves on purpose (tests/remote/hostile_server.py).

For every mode of the server: `ocikit copy docker://… oci:DIR` and `ocikit copy docker://…
store:REF` are refused (exit 1 or 2) with a message on stderr that names the problem, the layout
holds no image and no blob file whose bytes do not hash to its name, the store does not resolve
the reference and fsck passes; `ocikit store cat-manifest docker://…` of the manifest modes
prints nothing. The mode `good` is the control: the same commands work. `storage-redirect`
(Basic auth, blobs redirected to another origin) must work without sending the credentials to
that origin.
The resume modes cut the layer's body after RESUME_CUT bytes: `resume-range` (the Range request
answered 206) and `resume-ignore` (answered 200 with the whole body) must pull the exact bytes,
and the server's log must show `Range: bytes=RESUME_CUT-` after the cut GET; `resume-wrong-range`
(206 with a Content-Range that starts elsewhere) is one of the refused modes.
`upload-refused` is a push target whose every upload completion is answered 500: `ocikit copy
oci:… docker://…` (monolithic, and chunked with --chunk-size) fails at once, naming the blob and
the 500, each completing PUT sent once (it used to be retried with backoff: 3.9 s). A layout blob
whose bytes are not its digest, pushed there in chunks, is refused as a digest mismatch and its
upload session is cancelled (DELETE), never completed.
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
    "resume-wrong-range": r"range",
    "auth-garbage": r"authenticat|challenge|unauthori[sz]ed|401",
    "auth-garbage-scheme": r"authenticat|challenge|unauthori[sz]ed|401",
}
MANIFEST_MODES = [m for m in hostile_server.BAD_MODES
                  if not m.startswith(("blob-", "resume-")) and m != "slow"]
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


def layer_gets(seen, layer):
    """The GETs of a layer in a request log: [(target, range or None)]."""
    out = []
    for x in seen:
        if x.startswith("GET ") and x.split(" ")[1].endswith("/blobs/" + layer):
            m = re.search(r"\[range=([^\]]*)\]", x)
            out.append(m.group(1) if m else None)
    return out


def resume(checks, cli, h, s):
    """A broken layer download resumed with Range: exact bytes, Range from the right offset."""
    want = "bytes=%d-" % hostile_server.RESUME_CUT
    for mode in hostile_server.RESUME_MODES:
        img = h.image(mode)
        layer = img["layer"]
        before = len(h.requests())
        dst = s.path(mode)
        p, j = cli.copy(h.url(mode + ":v1"), "oci:%s:v1" % dst, "--plain-http")
        gets = layer_gets(h.requests()[before:], layer)
        if checks.check(p.returncode == 0, "%s: copy to a layout works" % mode, describe(p)):
            problems, _ = verify_layout(dst)
            checks.check(not problems, "%s: the layout is complete and verifies" % mode, problems)
            with open(os.path.join(dst, "blobs", "sha256", layer[7:]), "rb") as f:
                checks.check(f.read() == img["blobs"][layer], "%s: the layer's bytes are exact" %
                             mode)
            checks.equal((j or {}).get("digest"), img["digest"], "%s: digest" % mode)
        checks.equal(gets, [None, want], "%s: the layer was cut, then asked for with %s" %
                     (mode, want))
        before = len(h.requests())
        p = cli.store_verb("cat-blob", h.url("%s@%s" % (mode, layer)), "--plain-http")
        checks.check(p.returncode == 0 and p.stdout == img["blobs"][layer],
                     "%s: cat-blob prints the exact bytes" % mode, describe(p))
        checks.equal(layer_gets(h.requests()[before:], layer), [None, want],
                     "%s: cat-blob resumed with %s" % (mode, want))
        p, _ = cli.copy(h.url(mode + ":v1"), "store:hostile/%s:v1" % mode, "--plain-http")
        checks.check(p.returncode == 0, "%s: copy to the store works" % mode, describe(p))
    # The refused one asked from the right offset too.
    mode = "resume-wrong-range"
    before = len(h.requests())
    p = cli.store_verb("cat-blob", h.url("%s@%s" % (mode, h.image(mode)["layer"])),
                       "--plain-http")
    checks.check(p.returncode in (1, 2), "%s: cat-blob refused" % mode, describe(p))
    checks.check(len(p.stdout) <= hostile_server.RESUME_CUT,
                 "%s: cat-blob printed no byte of the wrong range" % mode, len(p.stdout))
    checks.equal(layer_gets(h.requests()[before:], h.image(mode)["layer"]), [None, want],
                 "%s: asked for %s once, not again" % (mode, want))


def refused_upload(checks, cli, h, layout):
    """A push whose upload completions are refused (500): one PUT each, reported at once."""
    for flags in ([], ["--chunk-size", "16384"]):
        what = "upload-refused%s" % (" (chunked)" if flags else "")
        before = len(h.requests())
        t0 = time.monotonic()
        p, _ = cli.copy("oci:%s:v1" % layout, h.url("upload-refused:v1"), "--plain-http", *flags)
        took = time.monotonic() - t0
        seen = h.requests()[before:]
        err = p.stderr.decode(errors="replace")
        checks.note("%s: exit %d in %.2f s" % (what, p.returncode, took))
        checks.check(p.returncode in (1, 2), "%s: the copy fails" % what, describe(p))
        checks.check(bool(re.search(r"blob sha256:[0-9a-f]{64}", err)) and "500" in err,
                     "%s: the error names the blob and the 500" % what, err[:500])
        puts = [x.split(" ")[1] for x in seen if x.startswith("PUT ") and "/uploads/" in x]
        checks.check(bool(puts) and len(puts) == len(set(puts)),
                     "%s: each upload completion sent once" % what, puts)
        checks.check(not [x for x in seen if x.startswith("PUT ") and "/manifests/" in x],
                     "%s: no manifest pushed" % what, seen)
        checks.check(took < 2.0, "%s: reported quickly (%.2f s < 2 s)" % (what, took))


def corrupt_upload(checks, cli, h, good_layout, scratch):
    """A layout blob whose bytes are not its digest, pushed in chunks: the mismatch is found
    while sending, the upload session is cancelled (DELETE) and never completed."""
    import shutil
    layout = scratch.path("corrupt")
    shutil.copytree(good_layout, layout)
    blobs = os.path.join(layout, "blobs", "sha256")
    largest = max(os.listdir(blobs), key=lambda n: os.path.getsize(os.path.join(blobs, n)))
    path = os.path.join(blobs, largest)
    data = bytearray(open(path, "rb").read())
    data[len(data) // 2] ^= 0xFF
    os.chmod(path, 0o644)
    with open(path, "wb") as f:
        f.write(bytes(data))
    before = len(h.requests())
    p, _ = cli.copy("oci:%s:v1" % layout, h.url("upload-refused:v1"), "--plain-http",
                    "--chunk-size", "4096", "--jobs", "1")
    seen = h.requests()[before:]
    err = p.stderr.decode(errors="replace")
    checks.check(p.returncode in (1, 2) and "store.digest_mismatch" in err and largest in err,
                 "corrupt chunked upload: refused as a digest mismatch naming the blob", err[:500])
    patched = {x.split(" ")[1] for x in seen if x.startswith("PATCH ")}
    deleted = {x.split(" ")[1] for x in seen if x.startswith("DELETE ")}
    completed = [x for x in seen if x.startswith("PUT ") and largest in x]
    checks.check(bool(patched) and patched <= deleted,
                 "corrupt chunked upload: its session is cancelled (DELETE)", seen)
    checks.check(not completed, "corrupt chunked upload: never completed", completed)


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
            resume(checks, cli, h, s)
            refused_upload(checks, cli, h, dst)
            corrupt_upload(checks, cli, h, dst, s)

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
