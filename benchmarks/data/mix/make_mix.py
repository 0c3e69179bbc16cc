#!/usr/bin/env python3
"""Writes the registry mix of bench_registry_mix and .ci/peer_bench: the small documents a
registry mostly serves, with a fixed seed. Run again to regenerate the same files:
    python3 make_mix.py          (in benchmarks/data/mix/)
  oci-manifest-NN.json     OCI image manifests, 1-3 layers, 500-800 bytes (buildkit's 2-space
                           indent; some with annotations)
  docker-manifest-NN.json  Docker schema 2 manifests, 1-3 layers, 500-800 bytes (3-space indent,
                           as docker push writes them)
  oci-index-NN.json        OCI image indexes, 2-6 entries, 500-2,000 bytes: platforms and, for
                           each of up to two images, an unknown/unknown attestation manifest
                           (buildkit's form)
  docker-list-NN.json      Docker manifest lists, 2-6 entries, 500-2,000 bytes, the last an
                           unknown/unknown one
  referrer-NN.json         OCI artifact manifests with artifactType, the empty config, one
                           layer and a subject (a signature or an SBOM pointing at an image)
Every document is valid under the OCI image-spec / Docker rules (bench_registry_mix refuses to
run otherwise)."""
import hashlib
import json
import os
import random

rng = random.Random(20261206)
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_EMPTY = "application/vnd.oci.empty.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
EMPTY_DIGEST = "sha256:" + hashlib.sha256(b"{}").hexdigest()
PLATFORMS = [{"architecture": "amd64", "os": "linux"},
             {"architecture": "arm64", "os": "linux", "variant": "v8"},
             {"architecture": "arm", "os": "linux", "variant": "v7"},
             {"architecture": "ppc64le", "os": "linux"},
             {"architecture": "s390x", "os": "linux"},
             {"architecture": "386", "os": "linux"},
             {"architecture": "riscv64", "os": "linux"},
             {"architecture": "arm", "os": "linux", "variant": "v6"}]
ARTIFACTS = ["application/vnd.dev.cosign.artifact.sig.v1+json", "application/spdx+json",
             "application/vnd.cyclonedx+json", "application/vnd.in-toto+json"]


def digest():
    return "sha256:" + "".join(rng.choice("0123456789abcdef") for _ in range(64))


def blob(media_type, lo, hi):
    return {"mediaType": media_type, "digest": digest(), "size": rng.randint(lo, hi)}


def oci_manifest():
    m = {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": blob(OCI_CONFIG, 600, 9000),
         "layers": [blob(OCI_LAYER, 200, 60_000_000) for _ in range(rng.randint(1, 3))]}
    if rng.random() < 0.4:
        m["annotations"] = {"org.opencontainers.image.created": "2026-%02d-%02dT10:%02d:00Z" % (
            rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 59))}
    return json.dumps(m, indent=2)


def docker_manifest():
    def d(media_type, lo, hi):  # docker writes size before digest
        return {"mediaType": media_type, "size": rng.randint(lo, hi), "digest": digest()}
    m = {"schemaVersion": 2, "mediaType": DOCKER_MANIFEST, "config": d(DOCKER_CONFIG, 600, 9000),
         "layers": [d(DOCKER_LAYER, 200, 60_000_000) for _ in range(rng.randint(1, 3))]}
    return json.dumps(m, indent=3)


def index(media_type, entry_type, attestations):
    n = rng.randint(2, 6)
    images = max(1, n - attestations)
    entries = []
    for p in rng.sample(PLATFORMS, images):
        entries.append({"mediaType": entry_type, "digest": digest(), "size": rng.randint(480, 1600),
                        "platform": p})
    for image in entries[:n - images]:
        entries.append({"mediaType": entry_type, "digest": digest(), "size": rng.randint(560, 900),
                        "annotations": {"vnd.docker.reference.digest": image["digest"],
                                        "vnd.docker.reference.type": "attestation-manifest"},
                        "platform": {"architecture": "unknown", "os": "unknown"}})
    doc = {"schemaVersion": 2, "mediaType": media_type, "manifests": entries}
    return json.dumps(doc, indent=2 if media_type == OCI_INDEX else 3)


def referrer():
    m = {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": rng.choice(ARTIFACTS),
         "config": {"mediaType": OCI_EMPTY, "digest": EMPTY_DIGEST, "size": 2},
         "layers": [blob("application/vnd.oci.image.layer.v1.tar", 300, 40_000)],
         "subject": blob(OCI_MANIFEST, 480, 1600),
         "annotations": {"org.opencontainers.image.created": "2026-12-%02dT08:00:00Z" % rng.randint(1, 28)}}
    return json.dumps(m, indent=2)


def write(name, text, lo, hi):
    data = (text + "\n").encode()
    assert lo <= len(data) <= hi, (name, len(data))
    with open(name, "wb") as f:
        f.write(data)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    os.chdir(here)
    for f in os.listdir("."):
        if f.endswith(".json"):
            os.remove(f)
    made = {"oci-manifest": 0, "docker-manifest": 0}
    while made["oci-manifest"] < 14 or made["docker-manifest"] < 10:
        for kind, make, want in (("oci-manifest", oci_manifest, 14),
                                 ("docker-manifest", docker_manifest, 10)):
            text = make()
            if made[kind] < want and 500 <= len(text) + 1 <= 800:
                write("%s-%02d.json" % (kind, made[kind]), text, 500, 800)
                made[kind] += 1
    def sized(make, lo, hi):  # draw until the document has the registry's size
        while True:
            text = make()
            if lo <= len(text) + 1 <= hi:
                return text
    for i in range(10):
        write("oci-index-%02d.json" % i, sized(
            lambda: index(OCI_INDEX, OCI_MANIFEST, rng.randint(1, 2)), 500, 2000), 500, 2000)
    for i in range(8):
        write("docker-list-%02d.json" % i, sized(
            lambda: index(DOCKER_LIST, DOCKER_MANIFEST, 1), 500, 2000), 500, 2000)
    for i in range(6):
        write("referrer-%02d.json" % i, referrer(), 500, 1000)


main()
