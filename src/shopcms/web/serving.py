"""The HTTP server: waitress, answering the page cache's quick pages on its event loop.

Waitress reads and writes every socket in one thread, its event loop, and hands each
request to one of its worker threads (``threads``) and the answer back.  For a page the
shared-page cache answers from a skeleton (``shopcms.web.pagecache``: a tenth of a
millisecond of Python for most visitors), that hand-off costs more than the
answer: two threads woken, the GIL passed back and forth.  Measured on this project's
machines, a Pyramid hello-world answered on the loop serves about twice the requests per
second of the same served by waitress's threads (``bench/README.md``).

So the loop answers those requests itself, and gives everything else to the threads as
waitress does:

- answered on the loop: a ``GET`` or ``HEAD`` whose page the cache holds now, for a visitor
  without credentials whose session, if they have one, the skeleton accepts by what the
  session alone tells (:meth:`SharedPageCache.answers_quickly`, ``personal.serves_at_sight``:
  not expired, not due for reissue, no notice waiting, and no login or a login that was
  not staff's).  The session is decoded for the look, and again by the fill.  Such a fill
  reads the visitor's cookies and session, and the database for a login's account and
  for the cards of recently viewed products not remembered (after a change), through the
  loop's own connection: records its cache mostly holds already;
- on the threads: renderings, POSTs, staff, sessions the skeleton refuses, health probes,
  anything the cache does not hold.  An account made staff after it logged in is refused
  by the fill (it reads the roles) and rendered on the loop: correct, slower for them.

The request goes through the same application (every layer, the proxy headers' translation
included) either way, so the answer is the same; only the thread differs.  A page a change
drops between the look and the answer is rendered on the loop: correct, slower for that one
request.  Pipelined requests keep their order: waitress serves a connection's requests one
after the other whichever thread it is on.

Use it as waitress: ``use = egg:shopcms`` in the ``[server:main]`` of an ini file (every
waitress setting applies), or :func:`create_server` in place of waitress's.
"""

import logging
import threading
from collections import deque

from waitress.channel import HTTPChannel
from waitress.proxy_headers import MalformedProxyHeader, parse_proxy_headers
from waitress.server import BaseWSGIServer
from waitress.server import create_server as waitress_server
from waitress.task import ThreadedTaskDispatcher, WSGITask

#: Where the environ made on the loop waits for the task that serves the request.
_ENVIRON = "shopcms_environ"


class Task(WSGITask):
    """Waitress's task, using the environ the loop already made for its request."""

    def get_environment(self):
        if self.environ is None:
            self.environ = self.request.__dict__.pop(_ENVIRON, None)
        return super().get_environment()


class Channel(HTTPChannel):
    """Waitress's channel: after reading, it answers on the loop the requests the
    dispatcher kept for it (:class:`Dispatcher`)."""

    task_class = Task

    def handle_read(self):
        dispatcher = self.server.task_dispatcher
        dispatcher.loop = threading.get_ident()
        super().handle_read()
        dispatcher.answer_waiting()


class Dispatcher(ThreadedTaskDispatcher):
    """Waitress's worker threads, except for the requests :meth:`quick` finds the page
    cache answers at once: those are answered by the loop that read them."""

    def __init__(self, cache):
        super().__init__()
        self.cache = cache
        self.loop = None  # the event loop's thread (ident), set as it reads
        self.waiting = deque()

    def add_task(self, channel):
        # Called by the loop as it reads a request (the channel's lock is held: the
        # request is answered once the read is over), and by a thread that answered a
        # request when the next one of its connection is waiting.
        if threading.get_ident() == self.loop and self.quick(channel):
            self.waiting.append(channel)
        else:
            super().add_task(channel)

    def answer_waiting(self):
        while self.waiting:
            self.waiting.popleft().service()

    def quick(self, channel):
        """Whether the cache answers the channel's first request without the application
        (see the module).  Makes the request's environ once, for whichever thread serves
        it; the proxy headers are translated on a copy, as the server's middleware will
        translate the environ itself."""
        request = channel.requests[0]
        if self.cache is None or request.error or request.command not in ("GET", "HEAD"):
            return False
        environ = Task(channel, request).get_environment()
        request.__dict__[_ENVIRON] = environ
        adj = channel.server.adj
        if adj.trusted_proxy and adj.trusted_proxy in ("*", environ["REMOTE_ADDR"]):
            environ = dict(environ)
            try:
                parse_proxy_headers(environ, adj.trusted_proxy_count, adj.trusted_proxy_headers)
            except MalformedProxyHeader:
                return False  # (the threads answer the middleware's 400)
        return self.cache.answers_quickly(environ)


def create_server(application, **settings):
    """A waitress server (``settings``: waitress's) for ``application``, a shopcms
    application (``shopcms.main``) or any WSGI application; the loop answers the quick
    pages of the application's page cache, if it has one."""
    registry = getattr(application, "registry", None)
    dispatcher = Dispatcher(getattr(registry, "shopcms_page_cache", None))
    server = waitress_server(application, _dispatcher=dispatcher, **settings)
    # (Given a dispatcher, waitress leaves starting its threads to the caller.)
    dispatcher.set_thread_count(server.adj.threads)
    # One server, or several (one per address listened to) in the map they share.
    sockets = getattr(server, "map", None) or {None: server}
    for each in sockets.values():
        if isinstance(each, BaseWSGIServer):
            each.channel_class = Channel
    return server


def serve(application, _quiet=False, **settings):
    """Serve ``application`` until the process stops, as ``waitress.serve`` does."""
    if not _quiet:
        logging.basicConfig()  # (does nothing if logging is set up)
    server = create_server(application, **settings)
    if not _quiet:
        server.print_listen("Serving on http://{}:{}")
    server.run()


def serve_paste(application, global_conf=None, **settings):
    """The ``paste.server_runner`` entry point (``use = egg:shopcms``)."""
    serve(application, **settings)
    return 0
