"""Shared pages: answered from memory for visitors who carry no state.

A visitor without any cookie sees exactly what every other such visitor sees for the same
URL: no cart count, no recently viewed products, no notices, no session.  A view whose page
has that property declares it (``shared=True``, ``shopcms.web.sharing``); its answer is then
kept by :class:`SharedPageCache`,
a WSGI layer around the whole application, and served to the next visitor without cookies
before Pyramid, the transaction manager or the database are involved at all.

What keeps it correct:

- only ``GET`` requests without ``Cookie`` or ``Authorization`` headers are looked up or
  stored, and only ``200`` answers of views declared shared that set no cookie;
- an entry is valid only while the database's last transaction id is the one it was rendered
  under: any commit (in this process, or in another one when ZEO delivers invalidations or
  a RelStorage poll finds it) makes every entry stale at once, so a change is visible on the
  next request;
- an entry also expires after ``max_age`` seconds (the hourly CSRF token, see
  ``shopcms.web.csrf``);
- the cache is bounded in bytes (least recently used first out) and per process;
- the key holds the scheme and host the visitor used (behind the proxy: its
  ``X-Forwarded-Proto`` and ``X-Forwarded-Host``), since pages carry absolute links;
- while the database cannot be reached the cache is bypassed, so the application's 503 page
  (``shopcms.web.outage``) answers, never an error of this layer.

Settings: ``shopcms.page_cache.megabytes`` (default 128; 0 turns the cache off) and
``shopcms.page_cache.max_age`` (seconds, default 300).
"""

import contextlib
import logging
import threading
import time
from collections import OrderedDict

from webob.etag import ETagMatcher
from ZODB.interfaces import IMVCCStorage

from shopcms.web.sharing import ENVIRON_KEY

#: The page's kind, named while rendering (``shopcms.statistics.recorder``), kept with the
#: entry and put back in the environ of every hit for the statistics layer in front.
log = logging.getLogger(__name__)

PAGE_KIND = "shopcms.page_kind"
#: Set in the environ of a request the cache answered (the metrics in front name it so).
CACHE_HIT = "shopcms.page_cache.hit"
DROPPED_ON_304 = {"content-length", "content-type"}


class Entry:
    __slots__ = ("version", "expires", "status", "headers", "body", "etag", "kind")

    def __init__(self, version, expires, status, headers, body, kind=None):
        self.version, self.expires = version, expires
        self.status, self.headers, self.body = status, headers, body
        self.kind = kind
        self.etag = next((v for k, v in headers if k.lower() == "etag"), None)


class SharedPageCache:
    """WSGI middleware serving shared pages from memory (see the module's docstring)."""

    def __init__(self, app, version, max_bytes, max_age):
        self.app = app
        self.registry = getattr(app, "registry", None)
        self.version = version  # () -> the database's last transaction id
        self.max_bytes = max_bytes
        self.max_age = max_age
        self.size = 0
        # Look-ups that found a valid page, and those that did not (shopcms.operations).
        self.hits = self.misses = 0
        self._pages = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        if (
            self.max_bytes <= 0
            or environ.get("REQUEST_METHOD") != "GET"
            or environ.get("HTTP_COOKIE")
            or environ.get("HTTP_AUTHORIZATION")
        ):
            return self.app(environ, start_response)
        key = (
            environ.get("wsgi.url_scheme"),
            environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
        )
        try:
            version = self.version()
        except Exception:
            # The database is unreachable (shopcms.web.outage): no page can be known to be
            # current.  The application answers (its 503 page) and nothing is kept.
            log.warning("page cache bypassed: the database's last transaction is unknown")
            return self.app(environ, start_response)
        entry = self.get(key, version)
        if entry is not None:
            return self._serve(entry, environ, start_response)
        return self._render(key, version, environ, start_response)

    def get(self, key, version):
        with self._lock:
            entry = self._pages.get(key)
            if entry is None:
                self.misses += 1
                return None
            if entry.version != version or entry.expires < time.monotonic():
                self._drop(key)
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key, entry):
        if len(entry.body) > self.max_bytes:
            return
        with self._lock:
            if key in self._pages:
                self._drop(key)
            self._pages[key] = entry
            self.size += len(entry.body)
            while self.size > self.max_bytes:
                self._drop(next(iter(self._pages)))

    def clear(self):
        with self._lock:
            self._pages.clear()
            self.size = 0

    def __len__(self):
        return len(self._pages)

    def _drop(self, key):
        self.size -= len(self._pages.pop(key).body)

    def _serve(self, entry, environ, start_response):
        environ[PAGE_KIND] = entry.kind
        environ[CACHE_HIT] = True
        condition = environ.get("HTTP_IF_NONE_MATCH")
        if (
            condition
            and entry.etag
            and entry.etag.strip('"') in ETagMatcher.parse(condition, strong=False)
        ):
            headers = [(k, v) for k, v in entry.headers if k.lower() not in DROPPED_ON_304]
            start_response("304 Not Modified", headers)
            return []
        start_response(entry.status, entry.headers)
        return [entry.body]

    def _render(self, key, version, environ, start_response):
        seen = {}

        def remember(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = self.app(environ, remember)
        if not (
            environ.get(ENVIRON_KEY)
            and seen.get("status", "").startswith("200")
            and not any(k.lower() == "set-cookie" for k, _v in seen["headers"])
        ):
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        entry = Entry(
            version,
            time.monotonic() + self.max_age,
            seen["status"],
            list(seen["headers"]),
            data,
            environ.get(PAGE_KIND),
        )
        self.put(key, entry)
        return [data]


def polled_last_transaction(storage):
    """The last transaction id of an ``IMVCCStorage`` (RelStorage), polled on every call.

    Such a storage learns of other processes' commits only when an instance of it polls,
    and its ``lastTransaction`` stays where the last poll left it: one instance of its own
    (made on first use, closed with the storage) polls for the cache.
    """
    lock = threading.Lock()
    instance = None

    def last_transaction():
        nonlocal instance
        with lock:
            if instance is None:
                instance = storage.new_instance()
            try:
                instance.sync()
                instance.poll_invalidations()
                return instance.lastTransaction()
            except Exception:
                # The database went away: a new instance (new connections) next time.
                broken, instance = instance, None
                with contextlib.suppress(Exception):
                    broken.release()
                raise

    return last_transaction


def wrap(app, settings):
    """``app`` behind the shared-page cache configured in ``settings``."""
    db = app.registry._zodb_databases[""]
    polled = IMVCCStorage.providedBy(db.storage)
    cache = app.registry.shopcms_page_cache = SharedPageCache(
        app,
        version=polled_last_transaction(db.storage) if polled else db.lastTransaction,
        max_bytes=int(float(settings.get("shopcms.page_cache.megabytes", 128)) * 2**20),
        max_age=float(settings.get("shopcms.page_cache.max_age", 300)),
    )
    return cache
