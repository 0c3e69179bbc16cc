#!/usr/bin/env python3
"""remote:registry_cases: the Catch2 cases tagged [.registry] of remote_registry_test, run against
docker-registry (Debian's distribution 2.8) on 127.0.0.1 with its own storage and deletes on,
started here and stopped at the end.

    registry_cases_test.py TEST_BINARY
"""
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    with tempfile.TemporaryDirectory(prefix="ocikit-registry-") as tmp:
        port = free_port()
        cfg = os.path.join(tmp, "cfg.yml")
        with open(cfg, "w") as f:
            f.write("version: 0.1\nlog: {level: error}\n"
                    f"storage: {{filesystem: {{rootdirectory: {tmp}/data}}, delete: {{enabled: true}}}}\n"
                    f"http: {{addr: 127.0.0.1:{port}}}\n")
        log = open(os.path.join(tmp, "registry.log"), "w")
        server = subprocess.Popen(["docker-registry", "serve", cfg], stdout=log, stderr=log)
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise SystemExit("docker-registry did not start")
            env = dict(os.environ, OCIKIT_TEST_REGISTRY=f"127.0.0.1:{port}")
            r = subprocess.run([sys.argv[1], "[.registry]"], env=env, timeout=240)
            if r.returncode:
                log.flush()
                with open(os.path.join(tmp, "registry.log")) as f:
                    sys.stderr.write("--- registry log ---\n" + f.read()[-4000:])
            return r.returncode
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    sys.exit(main())
