"""One process counting page views and flushing them to a shared statistics database:
``python -m tests.storage.statsflusher SETTINGS NAME GO ROUNDS VISITORS``.

Starts ``shopcms.main`` with the JSON ``SETTINGS`` (both databases on the ZEO server),
writes ``GO.NAME.ready`` and waits for the file ``GO`` (so that every process starts
flushing at the same moment), then ``ROUNDS`` times: a page view of kind ``round-R`` (the
same new value in every process) and one of kind ``NAME-R`` (this process's own) for each
of ``VISITORS`` visitors, and a flush.  Closing the database flushes what is left.  Prints
one JSON line: the flushes that had to start again after a conflict.
"""

import json
import sys
import time
from pathlib import Path

from shopcms import main
from shopcms.statistics import get_recorder, store


def run(settings, name, go, rounds, visitors):
    app = main({}, **settings)
    recorder = get_recorder(app.registry)
    recorder.maintain = False
    retried = []
    apply = store.apply

    def counting_apply(db, counts, **kw):
        attempts = apply(db, counts, **kw)
        if attempts > 1:
            retried.append(attempts)
        return attempts

    store.apply = counting_apply
    Path(f"{go}.{name}.ready").touch()
    while not Path(go).exists():
        time.sleep(0.005)
    for round_ in range(rounds):
        for visitor in range(visitors):
            environ = {
                "REMOTE_ADDR": f"198.18.{visitor}.1",
                "HTTP_USER_AGENT": f"Mozilla/5.0 (X11; Linux x86_64; rv:{100 + visitor}.0) "
                f"Gecko/20100101 Firefox/{100 + visitor}.0",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "wsgi.url_scheme": "http",
            }
            recorder.page_view(environ, f"round-{round_}")
            recorder.page_view(environ, f"{name}-{round_}")
        recorder.flush()
    app.registry._zodb_databases[""].close()
    # The parent test reads this line: the process's report, on its standard output.
    sys.stdout.write(json.dumps({"retried": retried}) + "\n")


if __name__ == "__main__":
    settings, name, go, rounds, visitors = sys.argv[1:]
    run(json.loads(settings), name, go, int(rounds), int(visitors))
