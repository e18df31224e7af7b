"""What the benchmarks share: a bare Pyramid hello-world and starting a server process.

Every server listens on 127.0.0.1 only, on a port the OS chooses.
"""

import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The baseline: Pyramid's smallest app, served by waitress like shopcms.
HELLO = textwrap.dedent(
    """
    import logging
    import sys
    from pyramid.config import Configurator
    from pyramid.response import Response
    from waitress import serve

    # 16 connections on 8 threads queue by design: no warning per request.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)

    def hello(request):
        return Response("<html><body>Hello</body></html>", content_type="text/html")

    with Configurator() as config:
        config.add_route("hello", "/")
        config.add_view(hello, route_name="hello")
    serve(config.make_wsgi_app(), host="127.0.0.1", port=int(sys.argv[1]),
          threads=int(sys.argv[2]), _quiet=True)
    """
)


def out(line=""):
    """One line of a benchmark's report on standard output, flushed (reports are read as
    they come)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(code, threads, *extra, python=None):
    """Start ``code`` (argv: port, threads, *extra) under ``python`` (default: this one).

    ``bench/`` is on the server's path (the peers' modules, ``bench.stack_view``'s
    siblings); returns (process, port) once it accepts connections.
    """
    port = free_port()
    path = [str(ROOT / "bench"), os.environ.get("PYTHONPATH", "")]
    proc = subprocess.Popen(
        [python or sys.executable, "-c", code, str(port), str(threads), *extra],
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "ignore", "PYTHONPATH": os.pathsep.join(path)},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited at start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")
