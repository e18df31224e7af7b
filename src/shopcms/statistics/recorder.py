"""Recording: a WSGI layer in front of everything, and the flusher of one process.

:class:`StatisticsMiddleware` is the outermost WSGI layer (in front of the shared-page
cache, so pages answered from memory are counted too).  After the answer, it counts one
page view when all of these hold:

- the request is a ``GET`` answered ``2xx`` or ``304``;
- the answer is a page: Pyramid names its kind while rendering (:func:`page_kind`, put in
  ``environ[PAGE_KIND]``), and the shared-page cache replays the kind it stored with the
  page; static files, product images and error pages have none;
- the visitor may be counted (:meth:`Recorder.refused`, see the package's docstring).

A page kind never holds an identifier that could point at a person: ``home``, the view
name on the site (``login``, ``cart``, ``order``, ``privacy``...), ``account`` and
``manage`` for whole areas, ``product:NAME``, ``category:NAME``, ``page:NAME`` (public
names), other content by its type.  Query strings and sub-paths (order numbers, tokens)
are never looked at.

Per visit (``shopcms.statistics.visits``) the first page also counts the browser and device
class (``shopcms.statistics.useragents``), the connection and the referring site:

- connection: ``"<HTTP version> <TLS|no TLS> <via proxy|direct>"``: the version is the
  request's, or the one a trusted proxy reports in the header named by
  ``shopcms.statistics.protocol_header`` (nginx: ``proxy_set_header X-Forwarded-Protocol
  $server_protocol``); TLS is ``wsgi.url_scheme`` (waitress sets it from the trusted
  proxy's ``X-Forwarded-Proto``); "via proxy" means the request carried the trusted proxy's
  ``X-Forwarded-For`` / ``X-Forwarded-Proto`` (waitress removes them from anyone else);
- referrer: the host name of an external ``Referer`` of the first page (``www.google.be``),
  never its path or query; a numeric address counts as ``other``.

:class:`Recorder` is the state of one process: the :class:`~.visits.Tally`, and a daemon
thread (started by the first page counted) that flushes the counts every
``shopcms.statistics.flush_interval`` seconds, or sooner once
``shopcms.statistics.flush_events`` page views wait.  A request writes nothing to ZODB, but
the first page counted on a day by a process, which reads the day's secret (or makes it, in
the statistics database: ``shopcms.statistics.days``).
"""

import atexit
import logging
import threading
import weakref
from urllib.parse import urlsplit

from pyramid.settings import asbool

from shopcms.privacy.consent import statistics_refused
from shopcms.statistics import store
from shopcms.statistics.days import SharedDays
from shopcms.statistics.useragents import classify
from shopcms.statistics.visits import BROWSERS, CONNECTIONS, DEVICES, REFERRERS, Tally, visit_key
from shopcms.web import clock
from shopcms.web.pagecache import PAGE_KIND

log = logging.getLogger(__name__)

MAX_VALUE = 100
PROTOCOLS = {"HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/2.0", "HTTP/3", "HTTP/3.0"}
#: Waitress keeps these only when the trusted proxy sent them (clear_untrusted_proxy_headers).
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_FORWARDED")
PUBLIC_CONTENT = ("product", "category", "page", "policy")


def page_kind(request):
    """The kind of page ``request`` shows (see the module), or None when it is not a page."""
    route = request.matched_route
    if route is None or route.name.startswith("__"):  # no route; a static view
        return None
    if route.name in ("manage", "manage_slash", "manage_redirect"):
        return "manage"
    if route.name == "account":
        return "account"
    if route.name != "public":
        return "home" if route.name == "root" else route.name
    from shopcms.tree.site import Site

    context = getattr(request, "context", None)
    # No view_name when traversal never ran (the database unreachable: a 503 page).
    view = getattr(request, "view_name", None) or ""
    if isinstance(context, Site):
        return view or "home"
    content_type = getattr(context, "content_type", None) or "other"
    if content_type == "product" and view == "image":
        return None
    kind = content_type
    if content_type in PUBLIC_CONTENT and getattr(context, "__name__", None):
        kind = f"{content_type}:{context.__name__}"
    return (f"{kind}/{view}" if view else kind)[:MAX_VALUE]


def remember_page_kind(event):
    """NewResponse subscriber: name the page for the statistics layer in front."""
    try:
        event.request.environ[PAGE_KIND] = page_kind(event.request)
    except Exception:  # never let statistics break a page
        log.exception("could not name the page kind")


def connection_type(environ, protocol_header=None):
    protocol = None
    if protocol_header:
        protocol = environ.get(protocol_header)
    if protocol not in PROTOCOLS:
        protocol = environ.get("SERVER_PROTOCOL", "")
    protocol = protocol.removesuffix(".0") if protocol in ("HTTP/2.0", "HTTP/3.0") else protocol
    if protocol not in PROTOCOLS:
        protocol = "other"
    tls = "TLS" if environ.get("wsgi.url_scheme") == "https" else "no TLS"
    proxied = any(key in environ for key in PROXY_HEADERS)
    return f"{protocol} {tls} {'via proxy' if proxied else 'direct'}"


def _hostname(value):
    try:
        return (urlsplit(value).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def referring_site(environ, own_hosts=()):
    """The host name of an external ``Referer`` (None: none, or this site's own)."""
    referer = environ.get("HTTP_REFERER")
    if not referer:
        return None
    host = _hostname(referer.strip())
    if not host:
        return None
    here = environ.get("HTTP_X_FORWARDED_HOST") or environ.get("HTTP_HOST") or ""
    if host == _hostname("//" + here.split(",")[0].strip()) or host in own_hosts:
        return None
    if host.replace(".", "").isdigit() or ":" in host:  # a numeric address
        return "other"
    if len(host) > MAX_VALUE or not all(c.isalnum() or c in ".-_" for c in host):
        return "other"
    return host


class Recorder:
    """The statistics of one process (see the module): counts pages, flushes them."""

    def __init__(self, registry, db, settings):
        get = settings.get
        self.registry = registry
        self.db = db
        self.interval = float(get("shopcms.statistics.flush_interval", 60))
        self.max_events = int(get("shopcms.statistics.flush_events", 1000))
        self.tally = Tally(
            timeout=float(get("shopcms.statistics.visit_timeout", 1800)), shared=True
        )
        # The day's secret and the visits already counted, shared by every process.
        self.days = SharedDays(db)
        self._forgotten = None
        header = (get("shopcms.statistics.protocol_header") or "").strip()
        self.protocol_header = "HTTP_" + header.upper().replace("-", "_") if header else None
        public = get("shopcms.public_url") or ""
        self.own_hosts = frozenset(filter(None, [_hostname(public)]))
        self.respect_refusal = asbool(get("shopcms.statistics.respect_refusal", True))
        self.count_undecided = asbool(get("shopcms.statistics.count_undecided", False))
        self.maintain = False  # set by includeme: this process keeps the database tidy
        self._flush_lock = threading.Lock()
        self._thread = None
        self._thread_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._atexit = None
        self._maintained = None
        self.closed = False
        # Since when flushes fail (an aware datetime), and the last error: the statistics
        # page and /readyz show them; a flush that commits clears them.
        self.failing_since = None
        self.last_error = None

    # -- counting (request threads) --------------------------------------------------------

    def today(self):
        """``(now as seconds since the epoch, ISO date in the site's time zone)``."""
        now = clock.now(self.registry)
        return now.timestamp(), now.astimezone(clock.site_timezone(self.registry)).date()

    def refused(self, environ):
        """Must this request's visitor not be counted?  (See the package's docstring.)"""
        if not self.respect_refusal:
            return False
        return statistics_refused(
            environ,
            self.registry.settings,
            now=clock.now(self.registry),
            count_undecided=self.count_undecided,
        )

    def page_view(self, environ, kind):
        """Count one page view of kind ``kind`` for the visitor of ``environ``."""
        if self.closed:
            return
        seconds, day = self.today()
        day = day.isoformat()
        user_agent = environ.get("HTTP_USER_AGENT", "")
        key = visit_key(self.days.for_day(day), environ.get("REMOTE_ADDR"), user_agent)

        def describe():
            agent = classify(user_agent[:1000])
            return {
                BROWSERS: agent.browser,
                DEVICES: agent.device,
                CONNECTIONS: connection_type(environ, self.protocol_header),
                REFERRERS: referring_site(environ, self.own_hosts),
            }

        self.tally.page_view(key, day, seconds, kind, describe)
        self.start()
        if self.tally.events >= self.max_events:
            self._wake.set()

    # -- flushing --------------------------------------------------------------------------

    def flush(self, everything=False):
        """End the visits that are over (``everything``: all) and commit the waiting counts
        in one transaction on the statistics database.  Returns True if it committed.

        The counts are given back to the buffer if the commit fails, to be tried again.
        """
        with self._flush_lock:
            seconds, day = self.today()
            self.tally.end_visits(day.isoformat(), seconds, everything=everything)
            counts = None
            try:
                # Every step below reads or writes the statistics database: a failure of
                # any of them is the same "cannot be saved" (shown, logged once).
                claimed = self._claim_new_visits()
                self._forget_old_days(day.isoformat())
                counts = self.tally.take()
                if counts:
                    store.apply(self.db, counts)
            except BaseException as error:
                if counts:
                    self.tally.give_back(counts)
                if self.failing_since is None:
                    self.failing_since = clock.now(self.registry)
                self.last_error = f"{type(error).__name__}: {error}"
                raise
            if counts or claimed:
                self.failing_since = self.last_error = None
            return bool(counts)

    def _claim_new_visits(self):
        """Count the new visits no other process counted (``shopcms.statistics.days``).
        Returns whether there were any (and the database was asked)."""
        visits = self.tally.take_new()
        if not visits:
            return False
        try:
            parts = [(visit.day, visit.key, visit.first) for visit in visits]
            claimed = self.days.claim(parts, self.tally.timeout)
        except BaseException:
            self.tally.settle(visits, None)  # kept for the next flush
            raise
        self.tally.settle(visits, claimed)
        return True

    def _forget_old_days(self, day):
        """Once a day: the secrets and visit keys of the days before are deleted."""
        if self._forgotten != day:
            self.days.forget_before(day)
            self._forgotten = day

    def start(self):
        """Start the flusher thread once (the first counted page does)."""
        if self._thread is not None or self.closed:
            return
        with self._thread_lock:
            if self._thread is None and not self.closed:
                self._stop.clear()
                self._thread = threading.Thread(
                    target=self._run, name="shopcms-statistics", daemon=True
                )
                self._thread.start()
                # A final flush when the interpreter exits (a weak reference: a registry
                # that is gone needs none).
                self._atexit = _flush_at_exit(weakref.ref(self))
                atexit.register(self._atexit)

    def _run(self):
        while not self._stop.is_set():
            woken = self._wake.wait(self.interval)
            self._wake.clear()
            if self._stop.is_set():
                break
            if woken and self.tally.events < self.max_events:
                # Page views that came in while the last flush was taking the waiting
                # ones set the event again: those were taken, so this is no reason to
                # write a nearly empty transaction.
                continue
            was_failing = self.failing_since is not None
            try:
                self.flush()
            except Exception:
                # Once with the traceback; then quietly until it works again (a storage
                # that is down would otherwise fill the log every interval).
                if was_failing:
                    log.debug("the statistics still cannot be saved", exc_info=True)
                else:
                    log.exception("the statistics could not be saved; trying again later")
            else:
                if was_failing and self.failing_since is None:
                    log.warning("the statistics are saved again")
            if self.maintain:
                self._maintain()

    def _maintain(self):
        """Once a day: roll up old days and pack the statistics database."""
        from shopcms.statistics.retention import maintain_statistics

        _seconds, day = self.today()
        if day == self._maintained:
            return
        try:
            maintain_statistics(self.db, day)
            self._maintained = day
        except Exception:
            log.exception("the statistics database could not be tidied; trying again later")

    def close(self, timeout=10):
        """Stop the thread and flush everything, every visit ended (the process stops)."""
        if self.closed:
            return
        self.closed = True
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._atexit is not None:
            atexit.unregister(self._atexit)
            self._atexit = None
        try:
            self.flush(everything=True)
        except Exception:
            log.exception("the last statistics could not be saved")


class _flush_at_exit:
    def __init__(self, ref):
        self.ref = ref

    def __call__(self):
        recorder = self.ref()
        if recorder is not None:
            recorder.close()


class StatisticsMiddleware:
    """The WSGI layer that counts page views (see the module)."""

    def __init__(self, app, recorder):
        self.app = app
        self.registry = getattr(app, "registry", None)
        self.recorder = recorder

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET":
            return self.app(environ, start_response)
        status = []

        def remember(code, headers, exc_info=None):
            status.append(code)
            return start_response(code, headers, exc_info)

        body = self.app(environ, remember)
        kind = environ.get(PAGE_KIND)
        if kind and status and (status[-1][:1] == "2" or status[-1][:3] == "304"):
            try:
                if not self.recorder.refused(environ):
                    self.recorder.page_view(environ, kind)
            except Exception:  # never let statistics break a page
                log.exception("a page view could not be counted")
        return body
