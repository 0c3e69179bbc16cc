#!/usr/bin/env python3
"""`ocikit store list-metadata docker://…` against a registry with Azure's /acr/v1/ API
(tests/remote/acr_server.py, a stand-in that serves it as Azure's REST reference documents it,
behind ACR's Bearer challenge).

  - list-metadata reads /acr/v1/<repo>/_manifests, follows its Link pages, and prints every
    manifest, the untagged one too, with createdTime / lastUpdateTime / timestamp, imageSize,
    os / architecture, media types and changeableAttributes as the server gave them, newest
    first (--orderby time_asc: oldest first; --untagged: the untagged one alone); it does not
    walk the tags (no tags/list request) and the token it asked for has metadata_read;
  - an unknown repository is exit 1, nothing printed;
  - the rest goes through v2 on the same server: tags, cat-manifest (exact bytes), copy to a
    layout.
(The docker-registry path, which has no /acr/v1/, is checked by registry_test.py.)
    usage: acr_test.py OCIKIT_BINARY
"""

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixtures import FakeAcr, Ocikit  # noqa: E402
from storelib import Checks, Scratch, describe, verify_layout  # noqa: E402

import acr_server  # noqa: E402

PLAIN = "--plain-http"


def expected(data, order="time_desc", untagged=False):
    """The list-metadata entries the server's manifests make, in the order asked."""
    out = []
    for m in data["manifests"]:
        if untagged and m["tags"]:
            continue
        out.append({"digest": m["digest"], "tags": sorted(m["tags"]),
                    "timestamp": m["lastUpdateTime"], "createdTime": m["createdTime"],
                    "lastUpdateTime": m["lastUpdateTime"], "imageSize": m["imageSize"],
                    "mediaType": m["mediaType"], "configMediaType": m["configMediaType"],
                    "architecture": m["architecture"], "os": m["os"],
                    "changeableAttributes": m["changeableAttributes"]})
    out.sort(key=lambda e: (e["timestamp"], e["digest"]), reverse=(order == "time_desc"))
    return out


def subset(got, want):
    """got's entries restricted to the keys of want's (the output may say more)."""
    return [{k: g.get(k) for k in w} for g, w in zip(got, want)]


def main():
    checks = Checks("remote:acr")
    with Scratch("remote-acr") as s:
        cli = Ocikit(sys.argv[1], s)
        acr = FakeAcr(s).start()
        try:
            data = acr.data
            before = len(acr.requests())
            p = cli.store_verb("list-metadata", acr.url(acr_server.REPO), PLAIN,
                               "--format", "json")
            seen = acr.requests()[before:]
            got = cli.json(p) if p.returncode == 0 else None
            want = expected(data)
            if checks.check(isinstance(got, list), "list-metadata works", describe(p)):
                checks.equal(len(got), len(data["manifests"]),
                             "list-metadata: every manifest, the untagged one too")
                checks.equal([g.get("digest") for g in got], [w["digest"] for w in want],
                             "list-metadata: newest first")
                checks.equal(subset(got, want), want,
                             "list-metadata: tags, times, sizes, types, attributes as served")
            pages = [x for x in seen if x.startswith("GET /acr/v1/%s/_manifests" %
                                                     acr_server.REPO)]
            checks.check(any("last=" in x for x in pages),
                         "list-metadata followed the Link to the next page", seen)
            checks.check(not [x for x in seen if "/tags/list" in x or "/manifests/" in x],
                         "list-metadata did not walk tags and manifests", seen)
            tokens = [x for x in seen if x.startswith("TOKEN ")]
            checks.check(any("repository:%s:metadata_read" % acr_server.REPO in x
                             for x in tokens),
                         "the token asked for carries the challenge's metadata_read scope", tokens)
            checks.check(not [x for x in seen if "acr-token" in x],
                         "no token in the request lines")
            checks.check("acr-token" not in cli.output(p), "no token in the output")

            p = cli.store_verb("list-metadata", acr.url(acr_server.REPO), PLAIN, "--format",
                               "json", "--orderby", "time_asc")
            asc = expected(data, "time_asc")
            checks.equal([g.get("digest") for g in (cli.json(p) or [])],
                         [w["digest"] for w in asc], "list-metadata --orderby time_asc")
            p = cli.store_verb("list-metadata", acr.url(acr_server.REPO), PLAIN, "--format",
                               "json", "--untagged")
            untagged = expected(data, untagged=True)
            got = cli.json(p) or []
            checks.equal(subset(got, untagged), untagged, "list-metadata --untagged")
            p = cli.store_verb("list-metadata", acr.url(acr_server.REPO), PLAIN)
            text = p.stdout.decode(errors="replace")
            checks.check(p.returncode == 0 and "<untagged>" in text and
                         want[0]["timestamp"] in text,
                         "list-metadata text: the untagged one and timestamps", text[:800])

            p = cli.store_verb("list-metadata", acr.url("nosuch"), PLAIN, "--format", "json")
            checks.check(p.returncode == 1 and p.stdout == b"",
                         "list-metadata of an unknown repository: exit 1, nothing printed",
                         describe(p))

            # The rest is v2 on the same server.
            p = cli.store_verb("tags", acr.url(acr_server.REPO), PLAIN, "--format", "text")
            checks.equal(p.stdout.decode().split(), sorted(data["tags"]), "tags through v2")
            v1 = data["by_digest"][data["tags"]["v1"]]
            p = cli.store_verb("cat-manifest", acr.url(acr_server.REPO + ":v1"), PLAIN)
            checks.equal(p.stdout, v1["bytes"], "cat-manifest through v2: exact bytes")
            dst = s.path("layout")
            p, j = cli.copy(acr.url(acr_server.REPO + ":v2"), "oci:%s:v2" % dst, PLAIN)
            if checks.check(p.returncode == 0, "copy from it to a layout", describe(p)):
                problems, _ = verify_layout(dst)
                checks.check(not problems, "the layout is complete", problems)
                checks.equal((j or {}).get("digest"), data["tags"]["v2"], "copy: digest")
        finally:
            acr.stop()
    checks.done()


if __name__ == "__main__":
    main()
