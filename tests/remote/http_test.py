#!/usr/bin/env python3
"""remote:http and remote:auth: the Catch2 cases tagged [.server] of remote_http_test and
remote_auth_test, run against tests/remote/http_server.py (plain HTTP and TLS with a
self-signed certificate made here by `openssl req`), both on 127.0.0.1 and stopped at the end.

    http_test.py TEST_BINARY [TEST_BINARY...]
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def start(args, tmp, name):
    log = open(os.path.join(tmp, name + ".log"), "w")
    p = subprocess.Popen([sys.executable, os.path.join(HERE, "http_server.py")] + args,
                         stdout=subprocess.PIPE, stderr=log, text=True)
    line = p.stdout.readline()
    if not line.startswith("PORT "):
        p.kill()
        raise SystemExit(f"the {name} server did not start: {line!r}")
    return p, int(line.split()[1])


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    servers = []
    with tempfile.TemporaryDirectory(prefix="ocikit-http-") as tmp:
        try:
            cert = os.path.join(tmp, "cert.pem")
            key = os.path.join(tmp, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                            "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                            "-days", "2", "-subj", "/CN=localhost",
                            "-addext", "subjectAltName=DNS:localhost"],
                           check=True, capture_output=True)
            plain, port = start([], tmp, "http")
            servers.append(plain)
            tls, tls_port = start(["--tls", cert, key], tmp, "https")
            servers.append(tls)
            env = dict(os.environ,
                       OCIKIT_TEST_HTTP=f"http://127.0.0.1:{port}",
                       OCIKIT_TEST_HTTP_OTHER=f"http://localhost:{port}",
                       OCIKIT_TEST_HTTPS_NAME=f"https://localhost:{tls_port}",
                       OCIKIT_TEST_HTTPS_IP=f"https://127.0.0.1:{tls_port}",
                       OCIKIT_TEST_CA=cert)
            failed = 0
            for binary in sys.argv[1:]:
                r = subprocess.run([binary, "[.server]"], env=env, timeout=240)
                failed |= r.returncode
            if failed:
                for name in ("http", "https"):
                    with open(os.path.join(tmp, name + ".log")) as f:
                        sys.stderr.write(f"--- {name} server log ---\n" + f.read()[-4000:])
            return 1 if failed else 0
        finally:
            for p in servers:
                p.kill()
                p.wait()


if __name__ == "__main__":
    sys.exit(main())
