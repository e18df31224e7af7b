"""A real waitress server running a test site in a thread, on 127.0.0.1 (port from the OS):
the production server, ``shopcms.web.serving`` (waitress, answering the page cache's quick
pages on its event loop)."""

import contextlib
import threading

from waitress import wasyncore

from shopcms.web.serving import create_server


@contextlib.contextmanager
def serving(wsgi, threads=8, **adjustments):
    """Serve ``wsgi`` while the block runs; yields the base URL ``http://127.0.0.1:PORT``.
    ``adjustments`` are waitress's other settings (``trusted_proxy`` …)."""
    server = create_server(wsgi, host="127.0.0.1", port=0, threads=threads, **adjustments)
    stopping = threading.Event()

    def run():
        try:
            server.run()
        except OSError:
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, name="shopcms-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        server.close()
        wasyncore.close_all(server._map)  # open keep-alive connections end the loop too
        server.task_dispatcher.shutdown()
        thread.join(timeout=5)
