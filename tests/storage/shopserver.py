"""One shopcms server process:
``python -m tests.storage.shopserver PORT_FILE THREADS SETTINGS [SERVER_OPTIONS]``.

Serves ``shopcms.main`` with the JSON ``SETTINGS`` under waitress as production does
(``shopcms.web.serving``) on 127.0.0.1, on a port the OS chooses, written to ``PORT_FILE``
once it listens.  ``SERVER_OPTIONS`` (JSON) are more waitress options, e.g. the trusted
proxy settings of production.ini (tests/production).  SIGTERM stops it: the server closes
and the database (its ZEO or RelStorage connections) is closed before the process exits.
"""

import json
import logging
import os
import signal
import sys

from shopcms import main as make_app
from shopcms.web.serving import create_server


def stop(signum, frame):
    raise SystemExit(0)


def serve(port_file, threads, settings, options=None):
    # Requests that wait for a free thread are expected in the races: no warning each.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    app = make_app({}, **settings)
    server = create_server(app, host="127.0.0.1", port=0, threads=threads, **(options or {}))
    signal.signal(signal.SIGTERM, stop)
    with open(port_file + ".part", "w") as out:
        out.write(str(server.effective_port))
    os.replace(port_file + ".part", port_file)
    try:
        server.run()
    finally:
        server.close()
        server.task_dispatcher.shutdown()
        app.registry._zodb_databases[""].close()


if __name__ == "__main__":
    options = json.loads(sys.argv[4]) if len(sys.argv) > 4 else None
    serve(sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), options)
