#!/usr/bin/env python3
"""Writes refs.txt: 12,000 realistic image references (fixed seed, about 10% invalid) for the
reference-parsing benchmarks. Run again to regenerate the same file: python3 make_refs.py"""
import random

rng = random.Random(20261128)
official = ["ubuntu", "alpine", "nginx", "redis", "postgres", "python", "node", "golang", "debian",
            "busybox", "httpd", "mysql", "mongo", "rust", "openjdk", "traefik", "memcached",
            "rabbitmq", "elasticsearch", "haproxy", "centos", "fedora", "php", "ruby", "perl"]
orgs = ["bitnami", "grafana", "prom", "hashicorp", "jetstack", "fluent", "calico", "cilium",
        "argoproj", "library", "team-a", "marketing", "platform_eng", "ml.models", "acme"]
names = ["web", "api", "worker", "frontend", "backend", "db-migrate", "exporter", "agent",
         "controller", "sidecar", "campaign10-18", "cert-manager", "node_exporter", "app.v2"]
registries = ["docker.io", "ghcr.io", "quay.io", "gcr.io", "registry.k8s.io", "mcr.microsoft.com",
              "public.ecr.aws", "localhost:5000", "registry.example.com:443", "myregistry.azurecr.io",
              "123456789012.dkr.ecr.us-east-1.amazonaws.com", "harbor.corp.internal:8443",
              "index.docker.io", "localhost", "[::1]:5000"]
tags = ["latest", "1", "1.2", "1.2.3", "v2", "22.04", "3.19", "bookworm-slim", "alpine3.19",
        "sha-3f2a1c9", "2024-11-28", "nightly", "v1.30.2", "main", "pr-1234", "17-jdk",
        "RC1", "stable_2"]


def hexs(n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def digest():
    alg = rng.choices(["sha256", "sha512", "sha384"], weights=[90, 7, 3])[0]
    return alg + ":" + hexs({"sha256": 64, "sha384": 96, "sha512": 128}[alg])


def valid():
    kind = rng.random()
    if kind < 0.30:
        name = rng.choice(official)
    elif kind < 0.55:
        name = rng.choice(orgs) + "/" + rng.choice(names)
    else:
        parts = [rng.choice(orgs)] + [rng.choice(names) for _ in range(rng.randint(0, 2))]
        name = rng.choice(registries) + "/" + "/".join(parts)
    r = rng.random()
    if r < 0.55:
        name += ":" + rng.choice(tags)
    elif r < 0.75:
        name += "@" + digest()
    elif r < 0.85:
        name += ":" + rng.choice(tags) + "@" + digest()
    return name


def invalid():
    base = valid()
    k = rng.randrange(8)
    if k == 0:
        return base.replace(base[0], base[0].upper(), 1) if base[0].isalpha() else "UPPER/" + base
    if k == 1:
        return base + ":"
    if k == 2:
        return rng.choice(official) + "@sha256:" + hexs(rng.choice([32, 63, 65]))
    if k == 3:
        return rng.choice(official) + ":-bad"
    if k == 4:
        return rng.choice(orgs) + "//" + rng.choice(names)
    if k == 5:
        return rng.choice(official) + ":" + "t" * 129
    if k == 6:
        return rng.choice(official) + "@md5:" + hexs(32)
    return "_" + base


with open("refs.txt", "w") as f:
    for _ in range(12000):
        f.write((invalid() if rng.random() < 0.10 else valid()) + "\n")
