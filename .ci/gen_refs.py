#!/usr/bin/env python3
"""Generates the input set of the reference differential test (.ci/differential).

Writes about 20,000 image references, one per line ('\\n' separated, no line contains '\\n'), to
stdout or to the file named by --out. The set is deterministic (fixed seed): realistic references
(Docker Hub short names, namespaces, registries with ports, tags, digests of sha256/sha384/sha512)
and adversarial ones (uppercase in every part, every separator run, empty parts, tags of
127/128/129 bytes, paths near 255 bytes with and without `library/`, broken digests, two '@',
IPv6 hosts, bare 64-hex IDs, bytes outside ASCII, spaces, the empty string).

Usage: gen_refs.py [--out FILE] [--count N] [--seed S]
"""

import argparse
import random
import sys

HEX = "0123456789abcdef"
DIGEST_SIZES = {"sha256": 64, "sha384": 96, "sha512": 128}

HUB_NAMES = [
    "ubuntu", "debian", "alpine", "busybox", "nginx", "redis", "postgres", "mysql", "mariadb",
    "mongo", "node", "python", "golang", "rust", "openjdk", "eclipse-temurin", "httpd", "traefik",
    "registry", "hello-world", "memcached", "rabbitmq", "elasticsearch", "grafana", "consul",
    "vault", "php", "ruby", "perl", "haproxy", "caddy", "docker", "centos", "fedora", "amazonlinux",
    "influxdb", "telegraf", "nextcloud", "wordpress", "ghost", "sonarqube", "jenkins", "cassandra",
]
NAMESPACES = [
    "bitnami", "library", "grafana", "prom", "hashicorp", "jetbrains", "circleci", "cimg",
    "linuxserver", "portainer", "rancher", "jupyter", "nvidia", "tensorflow", "pytorch",
    "my-org", "my_org", "team.a", "a__b", "x-y--z", "kubernetesui",
]
REGISTRIES = [
    "docker.io", "index.docker.io", "ghcr.io", "quay.io", "gcr.io", "us-docker.pkg.dev",
    "europe-west1-docker.pkg.dev", "registry.k8s.io", "k8s.gcr.io", "mcr.microsoft.com",
    "public.ecr.aws", "123456789012.dkr.ecr.us-east-1.amazonaws.com", "myregistry.azurecr.io",
    "registry.gitlab.com", "harbor.example.com", "localhost", "localhost:5000", "localhost:8080",
    "registry.example.com:443", "10.0.0.1:5000", "192.168.1.20", "127.0.0.1:5000",
    "registry-1.docker.io", "nvcr.io", "cgr.dev", "Registry.Example.COM", "EXAMPLE.com:5000",
    "a", "a.b", "a-b.c", "xn--bcher-kva.example", "reg:1", "r:65536", "r:0",
]
TAGS = [
    "latest", "stable", "1", "1.25", "1.25.3", "1.25-alpine", "3.12.1-slim-bookworm", "24.04",
    "v1.2.3", "v1.2.3-rc.1", "sha-abc1234", "2024-01-01", "_private", "UPPER", "Mixed_Case.1",
    "noble-20240429", "8u402-b06-jdk", "0", "__", "a.-_", "9-", "x" * 20,
]


def hexstr(rng, n, alphabet=HEX):
    return "".join(rng.choice(alphabet) for _ in range(n))


def digest(rng, alg=None):
    alg = alg or rng.choice(list(DIGEST_SIZES))
    return alg + ":" + hexstr(rng, DIGEST_SIZES[alg])


def component(rng, lo=1, hi=12):
    """A valid path component: [a-z0-9]+ (separator [a-z0-9]+)*."""
    parts = [hexstr(rng, rng.randint(lo, hi), "abcdefghijklmnopqrstuvwxyz0123456789")]
    for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
        parts.append(rng.choice([".", "_", "__", "-", "--", "---"]))
        parts.append(hexstr(rng, rng.randint(1, 6), "abcdefghijklmnopqrstuvwxyz0123456789"))
    return "".join(parts)


def suffix(rng, tag_p=0.5, digest_p=0.25):
    s = ""
    if rng.random() < tag_p:
        s += ":" + rng.choice(TAGS)
    if rng.random() < digest_p:
        s += "@" + digest(rng)
    return s


# ---- realistic -----------------------------------------------------------------------------


def hub_short(rng):
    return rng.choice(HUB_NAMES) + suffix(rng)


def hub_namespaced(rng):
    return rng.choice(NAMESPACES) + "/" + rng.choice(HUB_NAMES + [component(rng)]) + suffix(rng)


def with_registry(rng):
    depth = rng.choice([1, 1, 2, 2, 3, 4])
    path = "/".join(
        rng.choice(NAMESPACES + HUB_NAMES) if rng.random() < 0.5 else component(rng)
        for _ in range(depth))
    return rng.choice(REGISTRIES) + "/" + path + suffix(rng)


def digested(rng):
    base = rng.choice([hub_short, hub_namespaced, with_registry])(rng).split("@")[0]
    return base + "@" + digest(rng)


def identifier_like(rng):
    alg = rng.choice(list(DIGEST_SIZES))
    choice = rng.randrange(6)
    if choice == 0:
        return hexstr(rng, 64)
    if choice == 1:
        return digest(rng, alg)
    if choice == 2:
        return hexstr(rng, rng.choice([63, 65, 32, 12]))
    if choice == 3:
        return hexstr(rng, 64).upper()
    if choice == 4:
        return "sha256:" + hexstr(rng, 64) + ":" + rng.choice(TAGS)
    return alg + ":" + hexstr(rng, DIGEST_SIZES[alg] + rng.choice([-1, 1]))


# ---- adversarial ---------------------------------------------------------------------------


def uppercase_somewhere(rng):
    ref = rng.choice([with_registry, hub_namespaced, hub_short, digested])(rng)
    letters = [i for i, c in enumerate(ref) if "a" <= c <= "z"]
    if not letters:
        return ref.upper()
    chars = list(ref)
    for i in rng.sample(letters, min(len(letters), rng.choice([1, 1, 2, 5]))):
        chars[i] = chars[i].upper()
    return "".join(chars)


def uppercase_part(rng):
    """Uppercase in exactly one named part: domain, first component, later component, tag,
    algorithm, hex."""
    dom = rng.choice(["example.com", "localhost:5000", "quay.io", "foo", "docker.io", ""])
    comps = [component(rng) for _ in range(rng.choice([1, 2, 3]))]
    tag = rng.choice(TAGS)
    dg = digest(rng, "sha256")
    which = rng.randrange(6)
    if which == 0:
        dom = dom.upper() if dom else "FOO"
    elif which == 1:
        comps[0] = comps[0].capitalize()
    elif which == 2:
        comps[-1] = comps[-1].upper()
    elif which == 3:
        tag = tag.upper()
    elif which == 4:
        dg = "SHA256" + dg[6:]
    else:
        dg = "sha256:" + dg[7:].upper()
    s = (dom + "/" if dom else "") + "/".join(comps)
    if rng.random() < 0.6:
        s += ":" + tag
    if which >= 4 or rng.random() < 0.3:
        s += "@" + dg
    return s


def separators(rng):
    sep = rng.choice(["_", "__", "___", "-", "--", "---", ".", "..", "/", "//", "._", "_.", "-_",
                      "+", ":", "@"])
    a, b = component(rng, 1, 5), component(rng, 1, 5)
    form = rng.randrange(8)
    if form == 0:
        s = a + sep + b
    elif form == 1:
        s = sep + a
    elif form == 2:
        s = a + sep
    elif form == 3:
        s = rng.choice(REGISTRIES) + "/" + a + sep + b
    elif form == 4:
        s = a + sep + b + "/" + component(rng)
    elif form == 5:
        s = rng.choice(["example.com", "localhost"]) + sep + a + "/" + b
    elif form == 6:
        s = a + "/" + sep + b
    else:
        s = "a" + sep + "b" + rng.choice(["", ":tag", "@" + digest(rng)])
    return s + (suffix(rng, 0.3, 0.1) if rng.random() < 0.3 else "")


def empty_parts(rng):
    return rng.choice([
        "", ":", "@", "/", ":tag", "@" + digest(rng), "foo:", "foo@", "foo:@", "foo/", "/foo",
        "foo//bar", "example.com/", "example.com//foo", "example.com:/foo", ":5000/foo",
        "foo:tag@", "foo@sha256:", "foo@:" + hexstr(rng, 64), "localhost:/foo", ".", "..", "-",
        "_", "foo:tag:tag", "foo/bar:", "[]/foo", "[]:5000/foo", "foo@sha256", "@@",
    ])


def tag_lengths(rng):
    n = rng.choice([1, 2, 126, 127, 128, 129, 130, 200])
    first = rng.choice("aZ9_")
    rest = hexstr(rng, n - 1, "abcXYZ019_.-")
    name = rng.choice(["foo", "example.com/foo", "localhost:5000/a/b", "library/x", "A"])
    return name + ":" + first + rest + (("@" + digest(rng)) if rng.random() < 0.2 else "")


def long_paths(rng):
    """Paths near 255 bytes, with and without a domain and with the implied `library/`."""
    target = rng.choice([246, 247, 248, 249, 250, 254, 255, 256, 257, 300])
    form = rng.randrange(6)
    if form == 0:  # one component: normalisation adds docker.io/library/
        path = "a" * target
    elif form == 1:  # two components, Docker Hub implied
        path = "b" * 5 + "/" + "c" * (target - 6)
    elif form == 2:
        path = "/".join(["d" * 9] * (target // 10)) + "e" * (target % 10)
        path = path.strip("/")
    elif form == 3:
        path = "library/" + "f" * (target - 8)
    elif form == 4:
        path = component(rng, 3, 3) + "-" * (target - 6) + "zz"
    else:
        path = "g" * (target - 10) + "__h.i-j" + "k" * 3
    dom = rng.choice(["", "", "docker.io/", "index.docker.io/", "localhost/", "example.com/",
                      "registry.example.com:5000/", "x" * 30 + ".io/", "[::1]:5000/"])
    return dom + path + (suffix(rng, 0.3, 0.2) if rng.random() < 0.5 else "")


def bad_digests(rng):
    name = rng.choice(["foo", "example.com/foo", "library/foo:1", "localhost:5000/a:tag"])
    alg = rng.choice(list(DIGEST_SIZES))
    n = DIGEST_SIZES[alg]
    d = rng.choice([
        alg + ":" + hexstr(rng, n - 1), alg + ":" + hexstr(rng, n + 1), alg + ":" + hexstr(rng, 31),
        alg + ":" + hexstr(rng, 32), alg + ":" + hexstr(rng, 64), alg + ":" + hexstr(rng, n).upper(),
        alg.upper() + ":" + hexstr(rng, n), "md5:" + hexstr(rng, 32), "foo:" + hexstr(rng, 40),
        "sha256+b64:" + hexstr(rng, 64), "a.b_c-d+e:" + hexstr(rng, 64), "sha256:" + "g" * 64,
        "sha256:" + hexstr(rng, 63) + "G", "blake3:" + hexstr(rng, 64), "Sha256:" + hexstr(rng, 64),
        "sha256:" + hexstr(rng, 64) + "@" + digest(rng), "9sha:" + hexstr(rng, 64),
        "sha256.:" + hexstr(rng, 64), alg + "::" + hexstr(rng, n), alg + ":" + hexstr(rng, 200),
    ])
    return name + "@" + d


def ipv6_hosts(rng):
    host = rng.choice(["[::1]", "[::1]:5000", "[fe80::1]", "[2001:db8::1]:443", "[FE80::ABCD]",
                       "[::]", "[]", "[::1", "::1]", "[::g]", "[fe80::1%eth0]", "[::ffff:1.2.3.4]",
                       "[::1]:", "[::1]:abc", "::1", "[::1]5000"])
    return host + rng.choice(["/foo", "/foo/bar:tag", "/foo@" + digest(rng), "", ":tag", "/Foo"])


def odd_bytes(rng):
    """One odd byte or character; \\udcXX is the raw byte XX (not UTF-8) via surrogateescape."""
    base = rng.choice([hub_short, with_registry, hub_namespaced])(rng)
    pos = rng.randrange(len(base) + 1)
    ins = rng.choice([" ", "\t", "\r", "\x00", "\x7f", "\x1b", "é", "ü", "日本", "\u212a",
                      "\u0130", "\udcff", "\udc80", "\udcc3", "~", "!", "$", "%20", "#", "?", "\\", "'",
                      "\"", "+", "=", ","])
    return base[:pos] + ins + base[pos:]


def two_at(rng):
    return rng.choice([hub_short, with_registry])(rng).split("@")[0] + "@" + digest(rng) + "@" + \
        rng.choice([digest(rng), "", "x"])


def random_soup(rng):
    alphabet = "abcz019AZ.-_/:@[]"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))


REALISTIC = [(hub_short, 20), (hub_namespaced, 15), (with_registry, 25), (digested, 10),
             (identifier_like, 5)]
ADVERSARIAL = [(uppercase_somewhere, 8), (uppercase_part, 8), (separators, 10), (empty_parts, 3),
               (tag_lengths, 6), (long_paths, 8), (bad_digests, 8), (ipv6_hosts, 4),
               (odd_bytes, 6), (two_at, 2), (random_soup, 10)]


def generate(count, seed):
    rng = random.Random(seed)
    fixed = ["", "ubuntu", "docker.io/library/ubuntu:latest", "a" * 64, "sha256:" + "a" * 64,
             "Foo/bar", "[::1]:5000/foo", "localhost:5000", "test.com:5000", "a" * 247,
             "a" * 248, "a" * 255, "a" * 256, "foo:" + "t" * 128, "foo:" + "t" * 129]
    seen = set()
    out = []
    for s in fixed:
        seen.add(s)
        out.append(s)
    gens = [g for g, w in REALISTIC + ADVERSARIAL for _ in range(w)]
    attempts = 0
    while len(out) < count and attempts < count * 20:
        attempts += 1
        s = rng.choice(gens)(rng)
        if "\n" in s or s in seen:
            continue
        seen.add(s)
        out.append(s)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="-")
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args()
    data = b"".join(s.encode("utf-8", "surrogateescape") + b"\n"
                    for s in generate(args.count, args.seed))
    if args.out == "-":
        sys.stdout.buffer.write(data)
    else:
        with open(args.out, "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
