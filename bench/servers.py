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


#: shopcms under waitress: argv[3] is the settings as JSON.  With ``--count-renders`` (and
#: ``pyramid.includes = bench.stack_view``) a WSGI layer outside the whole stack counts the
#: GETs per path and query (``requests``), and ``bench.stack_view`` those that reached
#: Pyramid's router (``renders``): ``GET /bench-renders`` answers both as JSON and starts
#: counting anew.  ``mixed.py`` tells by them which pages rendered again after a change.
SHOP = textwrap.dedent(
    """
    import collections
    import json
    import logging
    import sys
    import threading
    from shopcms.web.serving import serve
    from shopcms import main

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)

    app = main_app = main({}, **json.loads(sys.argv[3]))

    def counting(app):
        from bench.stack_view import LOCK, RENDERS

        requests, lock = collections.Counter(), threading.Lock()

        def layer(environ, start_response):
            if environ.get("PATH_INFO") == "/bench-renders":
                with lock, LOCK:
                    body = json.dumps({"renders": RENDERS, "requests": requests}).encode()
                    RENDERS.clear()
                    requests.clear()
                start_response("200 OK", [("Content-Type", "application/json")])
                return [body]
            if environ.get("REQUEST_METHOD") == "GET":
                key = environ.get("PATH_INFO", "")
                if environ.get("QUERY_STRING"):
                    key += "?" + environ["QUERY_STRING"]
                with lock:
                    requests[key] += 1
            return app(environ, start_response)

        return layer

    if "--count-renders" in sys.argv[4:]:
        # (The registry: shopcms.web.serving finds the page cache through it.)
        app = counting(app)
        app.registry = main_app.registry
    serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=int(sys.argv[2]), _quiet=True)
    """
)


def cpu_seconds(pid):
    """User + system CPU time of process ``pid`` (all its threads), in seconds."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state): utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
