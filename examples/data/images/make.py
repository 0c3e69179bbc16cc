#!/usr/bin/env python3
"""Builds the sample images of the store demo as one OCI image layout (examples/data/images/oci).

Deterministic (fixed times, gzip without a timestamp), tiny layers, no network, standard library
only. Run it again to rebuild: `python3 examples/data/images/make.py`.

Images (org.opencontainers.image.ref.name in index.json):
  app-1.0    linux/amd64: the shared base layer + an app layer
  app-1.1    linux/amd64: the same base layer + a newer app layer (push it to the tag of app-1.0
             to leave an untagged manifest)
  tools-1.0  linux/amd64: the same base layer + a tools layer (shares the base with app)
  multi-1.0  an image index: linux/amd64 and linux/arm64/v8 images
  (unnamed)  a signature: an artifact manifest whose subject is the multi-1.0 index
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "oci")
CREATED = "2026-01-01T00:00:00Z"


def compact(obj):
    return json.dumps(obj, separators=(",", ":"), sort_keys=False).encode()


class Layout:
    def __init__(self, path):
        if os.path.exists(path):
            shutil.rmtree(path)
        os.makedirs(os.path.join(path, "blobs", "sha256"))
        self.path = path
        self.entries = []
        with open(os.path.join(path, "oci-layout"), "wb") as f:
            f.write(compact({"imageLayoutVersion": "1.0.0"}))

    def blob(self, media_type, content, **extra):
        digest = "sha256:" + hashlib.sha256(content).hexdigest()
        with open(os.path.join(self.path, "blobs", "sha256", digest[7:]), "wb") as f:
            f.write(content)
        d = {"mediaType": media_type, "digest": digest, "size": len(content)}
        d.update(extra)
        return d

    def add(self, desc, name=None):
        entry = dict(desc)
        if name:
            entry["annotations"] = {"org.opencontainers.image.ref.name": name}
        self.entries.append(entry)

    def close(self):
        index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                 "manifests": self.entries}
        with open(os.path.join(self.path, "index.json"), "wb") as f:
            f.write(compact(index))


def tar_of(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, text in files:
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            info.mode = 0o644
            info.uname = info.gname = "root"
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def layer(layout, files):
    raw = tar_of(files)
    desc = layout.blob("application/vnd.oci.image.layer.v1.tar+gzip", gzip.compress(raw, mtime=0))
    return desc, "sha256:" + hashlib.sha256(raw).hexdigest()


def image(layout, layers, arch="amd64", variant=None, labels=None):
    config = {"created": CREATED, "architecture": arch, "os": "linux",
              "config": {"Labels": labels or {}},
              "rootfs": {"type": "layers", "diff_ids": [diff for _, diff in layers]}}
    if variant:
        config["variant"] = variant
    cfg = layout.blob("application/vnd.oci.image.config.v1+json", compact(config))
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": cfg, "layers": [d for d, _ in layers]}
    return layout.blob("application/vnd.oci.image.manifest.v1+json", compact(manifest))


def main():
    lay = Layout(OUT)
    base = layer(lay, [("etc/os-release", "NAME=sample-base\nVERSION=1\n"),
                       ("bin/hello", "#!/bin/sh\necho hello from the base layer\n")])
    app1 = layer(lay, [("app/app.sh", "#!/bin/sh\necho app 1.0\n")])
    app2 = layer(lay, [("app/app.sh", "#!/bin/sh\necho app 1.1\n")])
    tools = layer(lay, [("usr/bin/tool", "#!/bin/sh\necho tools 1.0\n")])
    lay.add(image(lay, [base, app1], labels={"version": "1.0"}), "app-1.0")
    lay.add(image(lay, [base, app2], labels={"version": "1.1"}), "app-1.1")
    lay.add(image(lay, [base, tools], labels={"version": "1.0"}), "tools-1.0")

    amd64 = image(lay, [layer(lay, [("arch.txt", "amd64\n")])], arch="amd64")
    arm64 = image(lay, [layer(lay, [("arch.txt", "arm64\n")])], arch="arm64", variant="v8")
    amd64["platform"] = {"architecture": "amd64", "os": "linux"}
    arm64["platform"] = {"architecture": "arm64", "os": "linux", "variant": "v8"}
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [amd64, arm64]}
    index_desc = lay.blob("application/vnd.oci.image.index.v1+json", compact(index))
    lay.add(index_desc, "multi-1.0")

    empty = lay.blob("application/vnd.oci.empty.v1+json", b"{}", data="e30=")
    signature = lay.blob("application/vnd.example.signature.v1",
                         b"sample signature of " + index_desc["digest"].encode() + b"\n")
    sig_manifest = {"schemaVersion": 2,
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "artifactType": "application/vnd.example.signature.v1",
                    "config": empty, "layers": [signature],
                    "subject": {k: index_desc[k] for k in ("mediaType", "digest", "size")},
                    "annotations": {"org.opencontainers.image.created": CREATED}}
    sig = lay.blob("application/vnd.oci.image.manifest.v1+json", compact(sig_manifest),
                   artifactType="application/vnd.example.signature.v1")
    lay.add(sig)
    lay.close()


if __name__ == "__main__":
    main()
