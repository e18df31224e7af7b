"""Shared pages: their skeletons kept in memory, filled in for each visitor before Pyramid.

A page declared shared (``shared=True``, ``shopcms.web.sharing``) is the same for every
visitor except for its personal parts (``shopcms.web.personal``: the cart count, the account
links, the cookie banner, the CSRF tokens...).  :class:`SharedPageCache`, a WSGI layer around
the whole application, renders such a page once as a *skeleton* (its parts as holes, its
tokens as marks), keeps it, and answers every later visitor it can serve by filling the holes
with that visitor's parts (``shopcms.web.personal.visitor_request``): no router, no view, no
transaction manager; the database only when a part needs the visitor's account.

Who is served from a skeleton (anyone else goes to the application unchanged, and the
reason is counted in :attr:`SharedPageCache.declined`):

- a ``GET`` or ``HEAD`` without ``Authorization``;
- whose session cookie, if any, is valid, not expired, not due to be reissued (the full
  rendering would send it anew) and holds no flash message;
- who is not staff (staff pages show more than parts: they are always rendered in full).

What keeps it correct:

- only ``200`` answers of views declared shared that set no cookie are kept; a skeleton is
  rendered as for a visitor without cookies (whatever the visitor who missed carries);
- an entry is dropped as soon as a record it was rendered from changes
  (``shopcms.web.dependencies``: the oids a rendering read, and ``watch(db).poll()`` on each
  look-up); an entry whose records are not known lives only until the next change, and
  "everything may have changed" empties the cache;
- an entry also expires after ``max_age`` seconds, or sooner at the moment its page said it
  changes by itself (:data:`CHANGES_AT`: a version scheduled to take effect);
- the cache is bounded in bytes (least recently used first out) and per process;
- the key holds the scheme and host the visitor used, since pages carry absolute links;
- while the database cannot be reached the cache is bypassed (``shopcms.web.outage``).

Answers: a visitor without cookies gets the entry's validators (ETag, and 304 when the
browser holds the page); a visitor with cookies gets ``Cache-Control: no-store`` and none
(as from the full rendering, ``shopcms.web.sharing``), plus the cookies the page's effects
set (the recently viewed products).

Settings: ``shopcms.page_cache.megabytes`` (default 128; 0 turns the cache off) and
``shopcms.page_cache.max_age`` (seconds, default 300).
"""

import logging
import threading
import time
from collections import Counter, OrderedDict

from pyramid.response import Response
from webob.etag import ETagMatcher

from shopcms.web import csrf, dependencies, personal, skeletons
from shopcms.web.sharing import ENVIRON_KEY
from shopcms.web.skeletons import Entry, content_etag

log = logging.getLogger(__name__)
__all__ = ["CHANGES_AT", "Entry", "SharedPageCache", "content_etag", "wrap"]

#: The page's kind, named while rendering (``shopcms.statistics.recorder``), kept with the
#: entry and put back in the environ of every hit for the statistics layer in front.
PAGE_KIND = "shopcms.page_kind"
#: Set in the environ of a request the cache answered (the metrics in front name it so).
CACHE_HIT = "shopcms.page_cache.hit"
#: In the environ: when the page changes by itself (aware UTC; ``shopcms.pages``).
CHANGES_AT = "shopcms.page_changes_at"
DROPPED_ON_304 = {"content-length", "content-type"}
#: Headers of a skeleton's answer not kept (made anew for each answer).
NOT_KEPT = {"content-length", "set-cookie"}
#: Headers a visitor with cookies is not given (``shopcms.web.sharing``).
VALIDATORS = {"etag", "last-modified", "cache-control"}
#: Request headers a skeleton is rendered without: it is rendered for nobody in particular.
PERSONAL_HEADERS = ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_IF_NONE_MATCH")
#: What the environ of a skeleton rendering gets that the visitor's must not.
_SKELETON_KEYS = (
    personal.SKELETON,
    personal.HOLES,
    personal.EFFECTS,
    personal.LANG,
    dependencies.DEPENDENCIES,
)


class Declined(Exception):
    """This visitor is not served from the skeleton; ``args[0]`` says why."""


class SharedPageCache:
    """WSGI middleware serving shared pages from skeletons (see the module's docstring)."""

    def __init__(self, app, watcher, max_bytes, max_age, registry=None):
        self.app = app
        self.registry = registry if registry is not None else getattr(app, "registry", None)
        self.watcher = watcher
        self.max_bytes = max_bytes
        self.max_age = max_age
        self.size = 0
        # Look-ups that found a valid page, and those that did not (shopcms.operations).
        self.hits = self.misses = 0
        #: Why visitors went to the application instead: reason -> count.
        self.declined = Counter()
        self._pages = OrderedDict()
        self._private = OrderedDict()  # keys whose page is not shared -> expiry
        self._index = dependencies.DependencyIndex()
        self._unknown = set()  # keys whose dependencies are not known
        self._changes = 0  # polls that found changes
        self._recent = []  # (changes, oids or EVERYTHING) of the last polls with changes
        self._stateless = None  # (hour, the stateless CSRF token of that hour)
        settings = getattr(self.registry, "settings", None) or {}
        self.session_cookie = settings.get("shopcms.session.cookie_name", "session") + "="
        self._lock = threading.Lock()

    # -- the WSGI layer ---------------------------------------------------------------

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if self.max_bytes <= 0 or method not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        if environ.get("HTTP_AUTHORIZATION"):
            self.declined["credentials"] += 1
            return self.app(environ, start_response)
        key = skeletons.page_key(environ)
        try:
            changes = self.invalidate()
        except Exception:
            # The database is unreachable (shopcms.web.outage): no page can be known to be
            # current.  The application answers (its 503 page) and nothing is kept.
            log.warning("page cache bypassed: the database's changes are unknown")
            return self.app(environ, start_response)
        entry = self.get(key)
        if entry is not None:
            return self._answer(entry, environ, start_response, method)
        if method == "HEAD" or self._is_private(key):
            return self.app(environ, start_response)
        return self._render(key, changes, environ, start_response)

    def answers_quickly(self, environ):
        """Whether a kept skeleton would answer this GET without the application, for a
        visitor whose session, if any, it does not refuse (``shopcms.web.serving``).  Only
        looks; may be True of a page a change drops a moment later (it then renders)."""
        if self.max_bytes <= 0 or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return False
        if environ.get("HTTP_AUTHORIZATION"):
            return False
        entry = self._pages.get(skeletons.page_key(environ))  # (one dict read: atomic)
        if entry is None or not self._current(entry):
            return False
        return self.session_cookie not in environ.get(
            "HTTP_COOKIE", ""
        ) or personal.serves_at_sight(self.registry, environ)

    # -- the entries ------------------------------------------------------------------

    def invalidate(self):
        """Drop the entries whose records changed since the last look-up; the number of
        polls that found changes (a rendering compares it when it stores its page)."""
        changed = self.watcher.poll()
        with self._lock:
            if changed is dependencies.EVERYTHING or changed:
                self._changes += 1
                self._recent = [*self._recent[-63:], (self._changes, changed)]
                if changed is dependencies.EVERYTHING:
                    self._clear()
                else:
                    for key in self._index.affected(changed) | self._unknown:
                        self._drop(key)
            return self._changes

    def get(self, key):
        with self._lock:
            entry = self._pages.get(key)
            if entry is not None and self._current(entry):
                self._pages.move_to_end(key)
                self.hits += 1
                return entry
            if entry is not None:
                self._drop(key)
            self.misses += 1
            return None

    def _current(self, entry):
        """Not expired, and its page did not change by itself (a scheduled version)."""
        return entry.expires >= time.monotonic() and not skeletons.changed_by_itself(
            entry, self.registry
        )

    def put(self, key, entry, oids=None, since=None):
        """Keep ``entry`` rendered from the records ``oids`` (None: not known), unless one
        of them changed after the poll number ``since``."""
        if entry.size > self.max_bytes:
            return
        with self._lock:
            for number, changed in self._recent:
                if since is None or number <= since:
                    continue
                if changed is dependencies.EVERYTHING or oids is None or oids & changed:
                    return
            if key in self._pages:
                self._drop(key)
            self._pages[key] = entry
            self.size += entry.size
            if oids is None:
                self._unknown.add(key)
            else:
                self._index.add(key, oids)
            while self.size > self.max_bytes:
                self._drop(next(iter(self._pages)))

    def clear(self):
        with self._lock:
            self._clear()

    def _clear(self):
        self._pages.clear()
        self._private.clear()
        self._index.clear()
        self._unknown.clear()
        self.size = 0

    def __len__(self):
        return len(self._pages)

    def _drop(self, key):
        entry = self._pages.pop(key, None)
        if entry is not None:
            self.size -= entry.size
        self._index.discard(key)
        self._unknown.discard(key)

    def _is_private(self, key):
        with self._lock:
            expires = self._private.get(key)
            if expires is not None and expires < time.monotonic():
                del self._private[key]
                return False
            return expires is not None

    def _remember_private(self, key):
        with self._lock:
            self._private[key] = time.monotonic() + self.max_age
            while len(self._private) > 10000:
                self._private.popitem(last=False)

    # -- answers ----------------------------------------------------------------------

    def _answer(self, entry, environ, start_response, method, hit=True):
        """Fill ``entry`` for this visitor and answer, or let the application answer."""
        try:
            body, cookies = self.fill(entry, environ)
        except Declined as refusal:
            self.declined[refusal.args[0]] += 1
            return self.app(environ, start_response)
        except Exception:
            # The database went away while a part read it, or a part failed: the
            # application answers (its 503 page, or the error in its own words).
            log.exception("page cache: a skeleton could not be filled")
            self.declined["error"] += 1
            return self.app(environ, start_response)
        environ[PAGE_KIND] = entry.kind
        # (A miss answered from the skeleton it just rendered keeps its route's name.)
        environ[CACHE_HIT] = hit
        stateless = not environ.get("HTTP_COOKIE")
        if stateless:
            headers = list(entry.headers)
            if entry.etag.endswith('"'):
                etag = entry.etag
            else:
                # The computed validator (content_etag) and the stateless token's hour.
                etag = f'{entry.etag}.{int(time.time() // 3600)}"'
                headers += [("ETag", etag), ("Cache-Control", "no-cache")]
            condition = environ.get("HTTP_IF_NONE_MATCH")
            opaque = etag.removeprefix("W/").strip('"')
            if condition and opaque in ETagMatcher.parse(condition, strong=False):
                headers = [(k, v) for k, v in headers if k.lower() not in DROPPED_ON_304]
                start_response("304 Not Modified", headers)
                return []
        else:
            headers = [(k, v) for k, v in entry.headers if k.lower() not in VALIDATORS]
            headers.append(("Cache-Control", "no-store"))
        headers.append(("Content-Length", str(len(body))))
        headers.extend(("Set-Cookie", value) for value in cookies)
        start_response(entry.status, headers)
        return [] if method == "HEAD" else [body]

    def fill(self, entry, environ):
        """The page of ``entry`` for the visitor of ``environ`` and the cookies its effects
        set; raises :class:`Declined` for a visitor the skeleton cannot serve."""
        pieces = entry.pieces
        if len(pieces) == 1:
            if not entry.effects:
                return pieces[0], ()
        elif entry.anonymous is not None and not environ.get("HTTP_COOKIE"):
            # A visitor without cookies: everyone's parts and the stateless token (what
            # get_csrf_token gives a request without cookies, shopcms.web.csrf).
            token = self._stateless_token()
            return personal.join(entry.anonymous, (), token), ()
        return self._fill_for(entry, environ)

    def _stateless_token(self):
        hour = int(time.time() // 3600)
        memo = self._stateless
        if memo is None or memo[0] != hour:
            memo = self._stateless = (hour, self.registry.shopcms_csrf.stateless_token())
        return memo[1]

    def _fill_for(self, entry, environ):
        request = personal.visitor_request(self.registry, environ, entry.lang)
        try:
            refusal = personal.refusal(request)
            if refusal:
                raise Declined(refusal)
            parts = [
                personal.render_part(request, name, args).encode() for name, args in entry.holes
            ]
            # The raw token: join masks it anew at each mark (masking it here first, as
            # get_csrf_token does, would only be undone there).
            marked = personal.has_marks(entry.pieces, parts)
            token = csrf.raw_token(request) if marked else None
            body = personal.join(entry.pieces, parts, token)
            cookies = ()
            if entry.effects or request.response_callbacks:
                response = Response()
                for name, args in entry.effects:
                    personal.apply_effect(request, response, name, args)
                request._process_response_callbacks(response)
                cookies = response.headers.getall("Set-Cookie")
            if not request.cookies and not cookies:
                # Everyone without cookies gets these parts and, as the effects set no
                # cookie for this visitor, for any such visitor (parts and effects read
                # only the visitor's cookies and session: the contract of web.personal).
                entry.anonymous = personal.inlined(entry.pieces, parts)
            return body, cookies
        finally:
            request.close()

    def _render(self, key, changes, environ, start_response):
        """A miss: render the skeleton, keep it if the page is shared, answer the visitor."""
        skeleton = {k: v for k, v in environ.items() if k not in PERSONAL_HEADERS}
        skeleton[personal.SKELETON] = True
        seen = {}

        def remember(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return lambda data: None  # (a legacy write(): nothing writes through it)

        result = self.app(skeleton, remember)
        status, headers = seen.get("status", ""), seen.get("headers", [])
        kept = (
            skeleton.get(ENVIRON_KEY)
            and status.startswith("200")
            and not any(k.lower() == "set-cookie" for k, _v in headers)
        )
        if not kept:
            # Not a shared page: the visitor gets the page rendered for them (the next
            # visitors of this address too, for max_age: no skeleton is tried first).
            _close(result)
            self._remember_private(key)
            return self.app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            _close(result)
        pieces = personal.parse(body)
        if pieces is None:
            log.error("a page holds a NUL that is no mark of a part: not kept")
            self._remember_private(key)
            return self.app(environ, start_response)
        for name, value in skeleton.items():
            if name not in environ and name not in _SKELETON_KEYS:
                environ[name] = value
        entry = Entry(
            skeletons.expiry(self.max_age, skeleton.get(CHANGES_AT), self.registry),
            status,
            [(k, v) for k, v in headers if k.lower() not in NOT_KEPT],
            pieces,
            tuple(skeleton.get(personal.HOLES, ())),
            tuple(skeleton.get(personal.EFFECTS, ())),
            skeleton.get(personal.LANG),
            skeleton.get(PAGE_KIND),
        )
        entry.changes_at = skeleton.get(CHANGES_AT)
        self.put(key, entry, skeleton.get(dependencies.DEPENDENCIES), since=changes)
        return self._answer(entry, environ, start_response, "GET", hit=False)


def _close(result):
    getattr(result, "close", lambda: None)()


def wrap(app, settings):
    """``app`` behind the shared-page cache configured in ``settings``."""
    db = app.registry._zodb_databases[""]
    cache = app.registry.shopcms_page_cache = SharedPageCache(
        app,
        watcher=dependencies.watch(db),
        max_bytes=int(float(settings.get("shopcms.page_cache.megabytes", 128)) * 2**20),
        max_age=float(settings.get("shopcms.page_cache.max_age", 300)),
    )
    return cache
