"""Shared helpers of the store test scripts (tests/store/*_test.py).

Everything a test needs besides the ocikit binary is made here: OCI image layouts with real
gzip'ed tar layers (so that umoci can unpack them), an independent verifier of a layout (every
descriptor reachable from index.json present with the right size and sha256), tree listings with
checksums, free loopback ports, and a wrapper that runs `ocikit store VERB` on one store.

Only the Python standard library is used. Each test makes one `Scratch` (a temporary directory
removed on exit) and reports with `Checks`: a failing check prints one line naming what failed,
and the script exits 1 at the end when any failed.
"""

import gzip
import hashlib
import io
import json
import os
import random
import shutil
import socket
import stat
import subprocess
import sys
import tarfile
import tempfile
import time

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_EMPTY = "application/vnd.oci.empty.v1+json"
REF_NAME = "org.opencontainers.image.ref.name"


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def canonical(obj):
    """The exact bytes we push for a JSON document (compact, keys in insertion order)."""
    return json.dumps(obj, separators=(",", ":")).encode()


# ---------------------------------------------------------------------------------------------
# Reporting


def _short(value):
    """repr of a value for a failure line; long bytes as their length and digest."""
    if isinstance(value, (bytes, bytearray)) and len(value) > 120:
        return "<%d bytes %s>" % (len(value), sha256(bytes(value)))
    return repr(value)


class Checks:
    """Counts checks; `fail` prints a line, `done` prints the summary and exits."""

    def __init__(self, name):
        self.name = name
        self.count = 0
        self.failed = 0
        self.started = time.monotonic()

    def check(self, ok, what, detail=""):
        self.count += 1
        if not ok:
            self.failed += 1
            line = "FAIL %s: %s" % (self.name, what)
            if detail:
                line += " (" + str(detail).strip()[:2000] + ")"
            print(line, flush=True)
        return ok

    def equal(self, got, want, what):
        return self.check(got == want, what, "got %s, expected %s" % (_short(got), _short(want)))

    def note(self, text):
        print("%s: %s" % (self.name, text), flush=True)

    def done(self):
        self.check(self.count > 1, "the test checked something")
        took = time.monotonic() - self.started
        print("%s: %d checks, %d failed, %.1fs" % (self.name, self.count, self.failed, took))
        sys.exit(1 if self.failed else 0)


def die(text):
    """A test that cannot go on (its setup failed): exit 1 with the reason."""
    print("FAIL: " + text, flush=True)
    sys.exit(1)


class Scratch:
    """A temporary directory for one test, removed when the test ends (also on an exception)."""

    def __init__(self, prefix):
        self.root = tempfile.mkdtemp(prefix="ocikit-%s-" % prefix)

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        # Files written read-only by a store (or a rootless unpack) must still go.
        for d, dirs, _ in os.walk(self.root):
            for x in dirs:
                try:
                    os.chmod(os.path.join(d, x), 0o700)
                except OSError:
                    pass
        shutil.rmtree(self.root, ignore_errors=True)
        return False


# ---------------------------------------------------------------------------------------------
# Running programs


def run(argv, timeout=120, env=None, input=None, cwd=None):
    """Runs argv, returns the CompletedProcess (stdout and stderr as bytes); a timeout is a failure
    with exit status 124 and the output so far."""
    try:
        return subprocess.run(argv, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout, env=env, cwd=cwd)
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(argv, 124, e.stdout or b"",
                                           (e.stderr or b"") + b"\n[timed out]")


def describe(proc):
    """One line about a finished process, for failure messages."""
    err = proc.stderr.decode(errors="replace").strip().replace("\n", " | ")
    return "exit %d: %s: %s" % (proc.returncode, " ".join(map(str, proc.args)), err[:600])


def tool(argv, timeout=300):
    """Runs a tool of the test setup (skopeo, umoci, ...): its failure ends the test."""
    p = run(argv, timeout=timeout)
    if p.returncode != 0:
        die("setup step failed: " + describe(p))
    return p


class Store:
    """`ocikit store VERB ...` on one store directory (given through $OCIKIT_STORE)."""

    def __init__(self, exe, root):
        self.exe = exe
        self.root = root
        self.env = dict(os.environ, OCIKIT_STORE=root)
        self.env.pop("OCIKIT_FAULT_POINT", None)

    def argv(self, *args):
        return [self.exe, "store"] + [str(a) for a in args]

    def run(self, *args, input=None, timeout=120, env=None):
        e = self.env if env is None else dict(self.env, **env)
        return run(self.argv(*args), timeout=timeout, env=e, input=input)

    def popen(self, *args, env=None, **kw):
        e = self.env if env is None else dict(self.env, **env)
        return subprocess.Popen(self.argv(*args), env=e, **kw)

    def ok(self, *args, input=None, timeout=120):
        """Runs a verb that must succeed; ends the test when it does not."""
        p = self.run(*args, input=input, timeout=timeout)
        if p.returncode != 0:
            die("ocikit store step failed: " + describe(p))
        return p

    def json(self, *args, timeout=120):
        """Runs a verb with --format json that must succeed and returns its parsed output."""
        p = self.ok(*(list(args) + ["--format", "json"]), timeout=timeout)
        try:
            return json.loads(p.stdout)
        except ValueError as e:
            die("not JSON from %s: %s: %r" % (" ".join(p.args), e, p.stdout[:300]))

    def layout(self, repo):
        return self.ok("layout", repo).stdout.decode().strip()

    def resolve(self, ref):
        """(digest, mediaType, size) of ref, or None when it does not resolve (exit 1)."""
        p = self.run("resolve", ref, "--format", "json")
        if p.returncode == 1:
            return None
        if p.returncode != 0:
            die("resolve %s: %s" % (ref, describe(p)))
        j = json.loads(p.stdout)
        return j["digest"], j.get("mediaType"), j.get("size")

    def repos(self):
        j = self.json("repos")
        if isinstance(j, dict):
            j = j.get("repositories") or []
        return sorted(x if isinstance(x, str) else x.get("name") for x in j)

    def metadata(self, repo):
        """list-metadata as {digest: [tags]}; untagged manifests included. A repository that is
        not there (exit 1) has none."""
        p = self.run("list-metadata", repo, "--format", "json")
        if p.returncode == 1:
            return {}
        if p.returncode != 0:
            die("list-metadata %s: %s" % (repo, describe(p)))
        j = json.loads(p.stdout)
        return {m["digest"]: sorted(m.get("tags") or []) for m in j}

    def tag_map(self, repo):
        """{tag: digest} of a repository, from list-metadata."""
        out = {}
        for d, tags in self.metadata(repo).items():
            for t in tags:
                out[t] = d
        return out

    def fsck(self, *extra):
        """(ok, output) of fsck --format json."""
        p = self.run("fsck", "--format", "json", *extra)
        return p.returncode == 0, p


def gc_count(value):
    """A gc JSON field: a count, or a list of what was (or would be) deleted."""
    if isinstance(value, list):
        return len(value)
    return int(value or 0)


# ---------------------------------------------------------------------------------------------
# Making images


def tar_gz_layer(files, seed_name="layer"):
    """A gzip'ed tar of {path: bytes} with fixed times; returns (compressed, diff_id)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tf:
        dirs = set()
        for path in sorted(files):
            parts = path.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                d = "/".join(parts[:i])
                if d not in dirs:
                    dirs.add(d)
                    ti = tarfile.TarInfo(d)
                    ti.type = tarfile.DIRTYPE
                    ti.mode = 0o755
                    ti.mtime = 1700000000
                    tf.addfile(ti)
            ti = tarfile.TarInfo(path)
            ti.size = len(files[path])
            ti.mode = 0o644
            ti.mtime = 1700000000
            tf.addfile(ti, io.BytesIO(files[path]))
    tar = raw.getvalue()
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", mtime=0, compresslevel=1, filename="") as g:
        g.write(tar)
    return gz.getvalue(), sha256(tar)


class Layer:
    def __init__(self, data, diff_id):
        self.data = data
        self.diff_id = diff_id
        self.digest = sha256(data)

    def descriptor(self):
        return {"mediaType": OCI_LAYER_GZIP, "digest": self.digest, "size": len(self.data)}


def random_layer(rng, name, size=2048, files=2):
    """A layer of `files` files of random bytes (incompressible: the blob is about `size`)."""
    content = {}
    for i in range(files):
        content["%s/f%d.bin" % (name, i)] = rng.randbytes(max(1, size // files))
    return Layer(*tar_gz_layer(content))


class Image:
    """One image: its config, layers and manifest bytes (exactly what gets pushed)."""

    def __init__(self, layers, arch="amd64", os_name="linux", label="", annotations=None,
                 subject=None, artifact_type=None):
        self.layers = list(layers)
        cfg = {
            "architecture": arch,
            "os": os_name,
            "config": {"Labels": {"test": label}} if label else {},
            "rootfs": {"type": "layers", "diff_ids": [l.diff_id for l in self.layers]},
        }
        self.config = canonical(cfg)
        m = {"schemaVersion": 2, "mediaType": OCI_MANIFEST}
        if artifact_type:
            m["artifactType"] = artifact_type
        m["config"] = {"mediaType": OCI_CONFIG, "digest": sha256(self.config),
                       "size": len(self.config)}
        m["layers"] = [l.descriptor() for l in self.layers]
        if subject:
            m["subject"] = subject
        if annotations:
            m["annotations"] = annotations
        self.manifest = canonical(m)
        self.digest = sha256(self.manifest)
        self.media_type = OCI_MANIFEST
        self.platform = {"architecture": arch, "os": os_name}

    def descriptor(self, with_platform=False):
        d = {"mediaType": OCI_MANIFEST, "digest": self.digest, "size": len(self.manifest)}
        if with_platform:
            d["platform"] = self.platform
        return d

    def blobs(self):
        """Every blob of the image, manifest included: {digest: bytes}."""
        out = {sha256(self.config): self.config, self.digest: self.manifest}
        for l in self.layers:
            out[l.digest] = l.data
        return out

    def referenced(self):
        """Digests the manifest references (config and layers)."""
        return {sha256(self.config)} | {l.digest for l in self.layers}


class Index:
    """A multi-platform image index over images."""

    def __init__(self, images, annotations=None):
        self.images = list(images)
        doc = {"schemaVersion": 2, "mediaType": OCI_INDEX,
               "manifests": [i.descriptor(with_platform=True) for i in self.images]}
        if annotations:
            doc["annotations"] = annotations
        self.manifest = canonical(doc)
        self.digest = sha256(self.manifest)
        self.media_type = OCI_INDEX

    def descriptor(self, with_platform=False):
        return {"mediaType": OCI_INDEX, "digest": self.digest, "size": len(self.manifest)}

    def blobs(self):
        out = {self.digest: self.manifest}
        for i in self.images:
            out.update(i.blobs())
        return out

    def referenced(self):
        return {i.digest for i in self.images}


def signature(subject_image, rng):
    """An artifact manifest whose subject is the image: a referrer (a 'signature')."""
    empty = b"{}"
    payload = Layer(rng.randbytes(64), sha256(b""))
    m = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
         "artifactType": "application/vnd.example.signature.v1",
         "config": {"mediaType": OCI_EMPTY, "digest": sha256(empty), "size": 2},
         "layers": [{"mediaType": "application/vnd.example.signature.v1+bin",
                     "digest": payload.digest, "size": len(payload.data)}],
         "subject": subject_image.descriptor()}
    art = Image([], label="sig")
    art.config = empty
    art.layers = [payload]
    art.manifest = canonical(m)
    art.digest = sha256(art.manifest)
    return art


def write_layout(directory, entries, index_extra=None):
    """Writes an OCI image layout: entries is a list of (ref_name or None, Image or Index).
    Duplicate entries are written as given (skopeo makes such layouts)."""
    os.makedirs(os.path.join(directory, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(directory, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    manifests = []
    for name, obj in entries:
        for d, data in obj.blobs().items():
            p = os.path.join(directory, "blobs", "sha256", d.split(":", 1)[1])
            if not os.path.exists(p):
                with open(p, "wb") as f:
                    f.write(data)
        desc = obj.descriptor()
        if name is not None:
            desc["annotations"] = {REF_NAME: name}
        manifests.append(desc)
    idx = {"schemaVersion": 2, "manifests": manifests}
    if index_extra:
        idx.update(index_extra)
    with open(os.path.join(directory, "index.json"), "wb") as f:
        f.write(canonical(idx))
    return directory


# ---------------------------------------------------------------------------------------------
# Reading and checking layouts and trees


def blob_path(layout, digest):
    alg, hexpart = digest.split(":", 1)
    return os.path.join(layout, "blobs", alg, hexpart)


def read_index(layout):
    with open(os.path.join(layout, "index.json"), "rb") as f:
        return json.load(f)


def layout_refs(layout):
    """{ref.name: digest} of a layout's index.json (the last entry of a name wins)."""
    out = {}
    for d in read_index(layout).get("manifests") or []:
        name = (d.get("annotations") or {}).get(REF_NAME)
        if name is not None:
            out[name] = d["digest"]
    return out


def verify_layout(layout, roots=None):
    """Problems (a list of strings) of a layout: every descriptor reachable from index.json (or
    from `roots`, descriptors) must be present with its size and sha256. A `subject` may be
    missing. Returns (problems, reached) with reached the set of digests visited."""
    problems = []
    reached = set()
    if roots is None:
        try:
            roots = read_index(layout).get("manifests") or []
        except (OSError, ValueError) as e:
            return ["index.json unreadable: %s" % e], reached
    pending = list(roots)
    while pending:
        desc = pending.pop()
        d = desc["digest"]
        if d in reached:
            continue
        reached.add(d)
        p = blob_path(layout, d)
        try:
            st = os.stat(p)
        except OSError:
            problems.append("missing blob %s" % d)
            continue
        if st.st_size != desc["size"]:
            problems.append("blob %s has %d bytes, descriptor says %d" % (d, st.st_size,
                                                                          desc["size"]))
            continue
        if sha256_file(p) != d:
            problems.append("blob %s does not hash to its name" % d)
            continue
        mt = desc.get("mediaType", "")
        if mt in (OCI_MANIFEST, OCI_INDEX) or mt.endswith("manifest.v2+json") or \
                mt.endswith("manifest.list.v2+json"):
            with open(p, "rb") as f:
                doc = json.load(f)
            if "config" in doc:
                pending.append(doc["config"])
            pending.extend(doc.get("layers") or [])
            pending.extend(doc.get("manifests") or [])
    return problems, reached


def tree_listing(root, skip=None):
    """{relative path: (kind, mode, sha256 or link target or '')} of everything under root.
    `skip(relpath)` leaves out entries (for lock files a design may create on first use)."""
    out = {}
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for n in sorted(dirs + files):
            p = os.path.join(d, n)
            rel = os.path.relpath(p, root)
            if skip and skip(rel):
                continue
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", 0, os.readlink(p))
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", stat.S_IMODE(st.st_mode), "")
            else:
                out[rel] = ("file", stat.S_IMODE(st.st_mode), sha256_file(p), st.st_nlink)
    return out


def listing_diff(before, after):
    """A short text naming what differs between two tree listings ('' when equal)."""
    lines = []
    for k in sorted(set(before) | set(after)):
        if k not in after:
            lines.append("removed " + k)
        elif k not in before:
            lines.append("added " + k)
        elif before[k] != after[k]:
            lines.append("changed %s: %r -> %r" % (k, before[k], after[k]))
    return "; ".join(lines[:12]) + (" ..." if len(lines) > 12 else "")


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, seconds=20):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def seeded(name):
    """A random generator seeded from $OCIKIT_TEST_SEED (printed, so a failure can be replayed)
    or from the time."""
    seed = int(os.environ.get("OCIKIT_TEST_SEED") or time.time_ns() % 1000000007)
    print("%s: seed %d (OCIKIT_TEST_SEED=%d replays it)" % (name, seed, seed), flush=True)
    return random.Random(seed)


# ---------------------------------------------------------------------------------------------
# A sample store


class Sample:
    """What `populate` pushed: {repo: {tag: digest}}, every manifest pushed per repository, the
    objects by digest, and the referrer of the index."""

    def __init__(self):
        self.tags = {}
        self.manifests = {}
        self.objects = {}
        self.referrer = None


def populate(store, scratch, rng, layer_size=4096):
    """Pushes a small registry: namespaces (team/app and team/app/web are unrelated
    repositories), a base layer shared by three repositories, a tag pushed twice (its first
    manifest left untagged), a second tag made with `tag`, and a multi-platform index with a
    signature referrer pushed with push-blob and push-manifest by digest."""
    base = random_layer(rng, "base", layer_size)
    img_base = Image([base], label="base")
    app1 = Image([base, random_layer(rng, "app1", layer_size)], label="app1")
    app2 = Image([base, random_layer(rng, "app2", layer_size)], label="app2")
    web = Image([base, random_layer(rng, "web", layer_size)], label="web")
    amd = Image([random_layer(rng, "amd", layer_size)], arch="amd64", label="multi")
    arm = Image([random_layer(rng, "arm", layer_size)], arch="arm64", label="multi")
    multi = Index([amd, arm])
    sig = signature(amd, rng)
    src = write_layout(scratch.path("sample-src"), [
        ("base", img_base), ("app1", app1), ("app2", app2), ("web", web), ("multi", multi)])
    s = Sample()
    for o in (img_base, app1, app2, web, amd, arm, multi, sig):
        s.objects[o.digest] = o

    def push(name, ref, obj):
        store.ok("push", "oci:%s:%s" % (src, name), ref)
        repo, tag = ref.rsplit(":", 1)
        s.tags.setdefault(repo, {})[tag] = obj.digest
        s.manifests.setdefault(repo, set()).add(obj.digest)

    store.ok("init")
    push("base", "library/base:1", img_base)
    push("app1", "team/app:v1", app1)
    push("app2", "team/app:v1", app2)
    store.ok("tag", "team/app:v1", "stable")
    s.tags["team/app"]["stable"] = app2.digest
    push("web", "team/app/web:1", web)
    push("multi", "tools/multi:1.0", multi)
    s.manifests["tools/multi"] |= {amd.digest, arm.digest}
    for d, data in sig.blobs().items():
        if d == sig.digest:
            continue
        f = scratch.path("sig-blob")
        with open(f, "wb") as out:
            out.write(data)
        store.ok("push-blob", "tools/multi", f)
    f = scratch.path("sig-manifest")
    with open(f, "wb") as out:
        out.write(sig.manifest)
    store.ok("push-manifest", "tools/multi@" + sig.digest, f)
    s.manifests["tools/multi"].add(sig.digest)
    s.referrer = sig
    return s


def check_consistent(store, checks, what, expect_tags=None):
    """fsck passes, and every repository's layout holds all it references (checked here, not by
    ocikit). With expect_tags ({repo: {tag: digest}}) also: each of those tags resolves so."""
    ok, p = store.fsck()
    checks.check(ok, "%s: fsck passes" % what, describe(p) + " " + p.stdout.decode()[:800])
    for repo in store.repos():
        problems, _ = verify_layout(store.layout(repo))
        checks.check(not problems, "%s: layout of %s complete" % (what, repo), problems[:5])
    for repo, tags in (expect_tags or {}).items():
        got = store.tag_map(repo)
        for tag, digest in tags.items():
            checks.equal(got.get(tag), digest, "%s: %s:%s" % (what, repo, tag))
