"""Personal parts of shared pages: what differs from one visitor to the next.

A shared page (``shared=True`` on its view, ``shopcms.web.sharing``) is the same for every
visitor except for a few small parts: the cart count, the account's links, the cookie banner,
the state of the wishlist and compare buttons, the recently viewed products, the CSRF token
of its forms.  Each such part is declared once, by the capability that owns it::

    config.add_personal_part("cart-count", render)      # render(request, **args) -> markup
    config.add_personal_effect("recently-viewed", apply)  # apply(request, response, **args)

and a template shows it with ``${structure: ui.personal("cart-count", lang=ui.lang)}``; a
view that changes a cookie on a GET (the recently viewed list) calls
``personal.effect(request, "recently-viewed", pid=...)``.

Contract of a part's ``render(request, **args)``:

- it returns escaped markup (a ``str``), the same for two requests that carry the same
  cookies (and session) with the same ``args``;
- it reads the visitor only through ``request.cookies``, ``request.session``,
  ``request.identity`` (and what hangs from it: the account), ``request.registry`` and
  ``request.localizer`` / ``request.locale_name``; never ``request.context``, the matched
  route, the view's values or the page's URL: whatever the page knows goes into ``args``
  (plain values: str, int, float, bool, None, tuples of them), fixed when the page renders;
- it writes nothing, neither to the database nor to the response.

An effect's ``apply(request, response, **args)`` follows the same rules, and may set headers
(cookies) on ``response``, as the page's own response would get them.

Two ways of rendering a page use the same declarations:

- **full** (any request): :func:`part` calls the part at once with the request, and
  :func:`effect` applies the effect to ``request.response``;
- **skeleton** (the request's environ has :data:`SKELETON`): :func:`part` writes a hole
  (:func:`hole`) in the page and :func:`effect` records the effect; the CSRF token is written
  as :data:`CSRF_MARK`.  The page cache (``shopcms.web.pagecache``) keeps the skeleton and,
  for each visitor, fills the holes by calling the same parts with a request made for that
  visitor (:func:`visitor_request`), without going through the application.  So a visitor
  is shown exactly what the full rendering would show them.

A skeleton also remembers the page's language (:data:`LANG`, the language of its first
part or effect): the visitor's request is given it, as the full rendering negotiates it
from the URL.
"""

import contextlib
import threading
import time
from html import escape

import transaction
from pyramid.decorator import reify
from pyramid.interfaces import IRequestExtensions
from pyramid.request import Request
from pyramid.threadlocal import manager

from shopcms.web import csrf
from shopcms.web.cookies import parsed as parsed_cookies
from shopcms.web.marks import CSRF_MARK, SKELETON  # noqa: F401 (this module's names too)
from shopcms.web.security import SESSION_STAFF, SESSION_USER, STAFF_ROLES

#: In the environ of a skeleton rendering: ``[(name, args), ...]`` of its holes, in order.
HOLES = "shopcms.personal.holes"
#: In the environ of a skeleton rendering: ``[(name, args), ...]`` of its effects.
EFFECTS = "shopcms.personal.effects"
#: A hole is ``HOLE_START + index + HOLE_END``: NUL never occurs in a page's text.
HOLE_START, HOLE_END = "\x00part:", "\x00"
#: A piece of a skeleton that is a CSRF mark (:func:`parse`; the others: literal bytes,
#: hole numbers).
CSRF = -1
#: In the environ of a skeleton rendering: the language its parts were rendered in.
LANG = "shopcms.personal.lang"
#: A CSRF mark in a part's bytes (a filling request writes them, :class:`VisitorRequest`).
_MARK = CSRF_MARK.encode()


def in_skeleton(request):
    """True while ``request`` renders a skeleton (its personal parts as holes)."""
    return bool(request.environ.get(SKELETON))


def hole(index):
    return f"{HOLE_START}{index}{HOLE_END}"


def _frozen(args):
    return tuple(sorted(args.items()))


def part(request, name, **args):
    """The personal part ``name`` for this request: rendered, or a hole in a skeleton.
    Markup: a template writes it with ``structure``."""
    render = request.registry.shopcms_personal_parts[name]
    if in_skeleton(request):
        request.environ.setdefault(LANG, request.locale_name)
        holes = request.environ.setdefault(HOLES, [])
        holes.append((name, _frozen(args)))
        return hole(len(holes) - 1)
    return render(request, **args)


def effect(request, name, **args):
    """Apply the personal effect ``name`` to this request's response (or record it)."""
    apply = request.registry.shopcms_personal_effects[name]
    if in_skeleton(request):
        request.environ.setdefault(LANG, request.locale_name)
        request.environ.setdefault(EFFECTS, []).append((name, _frozen(args)))
        return
    apply(request, request.response, **args)


def parse(body):
    """The pieces of a skeleton: literal bytes at even places, a hole's number or
    :data:`CSRF` at odd ones.  None when the body holds a NUL that is no mark."""
    chunks = body.split(b"\x00")
    if len(chunks) % 2 == 0:
        return None
    pieces = [chunks[0]]
    for i in range(1, len(chunks), 2):
        mark = chunks[i]
        if mark == b"csrf":
            pieces.append(CSRF)
        elif mark.startswith(b"part:") and mark[5:].isdigit():
            pieces.append(int(mark[5:]))
        else:
            return None
        pieces.append(chunks[i + 1])
    return pieces


def join(pieces, parts, token):
    """The page: ``pieces`` with their holes' ``parts`` (bytes), and at each CSRF mark, of
    the pieces or of the parts (a filling request writes marks too, see
    :class:`VisitorRequest`), ``token`` masked anew for each mark (``shopcms.web.csrf``: a
    secret never repeats).  ``token`` None: the page has no mark."""
    count = pieces.count(CSRF) + sum(part.count(_MARK) for part in parts)
    raw = None if token is None else (csrf.unmask(token) or token)
    marks = iter(()) if raw is None else iter(csrf.masks(raw, count))
    out = []
    for i, piece in enumerate(pieces):
        if not i % 2:
            out.append(piece)
        elif piece == CSRF:
            out.append(escape(next(marks), quote=True).encode())
        elif _MARK in parts[piece]:
            chunks = parts[piece].split(_MARK)
            for chunk in chunks[:-1]:
                out += (chunk, escape(next(marks), quote=True).encode())
            out.append(chunks[-1])
        else:
            out.append(parts[piece])
    return b"".join(out)


def inlined(pieces, parts):
    """``pieces`` with their holes' ``parts`` put in and the CSRF marks (of both) left, as
    :func:`parse` gives them: the pieces of a page whose parts are everyone's it is given
    to.  None if a part holds a NUL that is no mark."""
    body = []
    for i, piece in enumerate(pieces):
        if not i % 2:
            body.append(piece)
        else:
            body.append(_MARK if piece == CSRF else parts[piece])
    return parse(b"".join(body))


def has_marks(pieces, parts):
    """Whether the page of ``pieces`` and ``parts`` needs a CSRF token (:func:`join`)."""
    return CSRF in pieces or any(_MARK in part for part in parts)


def refusal(request):
    """Why a skeleton cannot serve this visitor, or None: an invalid session cookie, one
    expired or due to be reissued (the full rendering would send it anew), flash messages
    waiting, a staff member (their pages show more than parts)."""
    reason = session_refusal(request)
    if reason is not None:
        return reason
    account = request.identity
    if account is not None and set(account.roles) & set(STAFF_ROLES):
        return "staff"
    return None


def session_refusal(request):
    """:func:`refusal`'s reasons that the session alone tells (it reads no account)."""
    if not request.cookies:
        return None
    name = request.registry.settings["shopcms.session.cookie_name"]
    if name not in request.cookies:
        return None
    session = request.session
    if session.new:
        return "session-invalid"
    age = time.time() - session.renewed
    if session._timeout is not None and age > session._timeout:
        return "session-expired"
    if session._reissue_time is not None and age > session._reissue_time:
        return "session-reissue"
    if any(k.startswith("_f_") and v for k, v in dict.items(session)):
        return "flash"
    return None


def serves_at_sight(registry, environ):
    """Whether a skeleton serves the visitor of ``environ``, who has a session cookie, as
    far as the session tells: :func:`session_refusal` accepts it, and it is no login or
    the login of an account that was not staff when it logged in (``SESSION_STAFF``; the
    fill still reads the account's roles).  Decodes the session on a visitor request
    made for the look; reads no database."""
    request = visitor_request(registry, environ, None)
    try:
        session = request.session
        # dict.get: the session's own get would mark it used (renewed).
        if dict.get(session, SESSION_USER) is not None and dict.get(session, SESSION_STAFF, True):
            return False  # staff, or a login from before the hint was kept
        return session_refusal(request) is None
    finally:
        request.close()


def render_part(request, name, args):
    """The part ``name`` with ``args`` as a hole recorded them (``((key, value), ...)``)."""
    return request.registry.shopcms_personal_parts[name](request, **dict(args))


def apply_effect(request, response, name, args):
    """The effect ``name`` with ``args`` as a skeleton recorded them, applied to ``response``."""
    request.registry.shopcms_personal_effects[name](request, response, **dict(args))


_readers = threading.local()


def _reader(db):
    """This thread's connection to ``db`` for filling holes, in a new transaction (so it
    sees every commit so far); the caller aborts it when done.  Kept from one visitor to
    the next: opening a connection from the pool and closing it cost more than the parts
    that read through it."""
    kept = getattr(_readers, "kept", None)
    if kept is None or kept[0] is not db:
        if kept is not None:
            with contextlib.suppress(Exception):
                kept[1].close()
        # Not explicit: closing the database aborts its connections' transactions, and
        # this one is between two visitors most of the time.
        manager_ = transaction.TransactionManager()
        conn = db.open(transaction_manager=manager_)
        _readers.kept = (db, conn)
    conn = _readers.kept[1]
    conn.transaction_manager.begin()  # (a new view of the database: every commit so far)
    return conn


class VisitorRequest(Request):
    """The request a skeleton's holes are filled with: the visitor's environ, the
    application's request methods, no router, no view, no transaction manager of
    pyramid_tm.  The database is opened only when a part reaches for the Site (the
    identity of a logged-in visitor), read-only, and closed by :meth:`close`.

    Its CSRF token is the mark (``get_csrf_token``): :func:`join` masks the parts' tokens
    with the page's, from one read of the random source."""

    matched_route = None
    matchdict = None
    context = None
    view_name = ""
    writes_csrf_marks = True
    # The environ does not change while parts are filled, and parts ask for links often:
    # made once (webob makes them from the environ at each access).
    host_url = reify(Request.host_url.fget)
    application_url = reify(Request.application_url.fget)

    @reify
    def cookies(self):
        # Parsed once, a plain mapping: webob parses and checks the header at each access,
        # and a page's parts ask a dozen times.  Parts only read cookies (the contract).
        return parsed_cookies(self.environ)

    @reify
    def root(self):
        conn = _reader(self.registry._zodb_databases[""])
        # pyramid_zodbconn's get_connection(request) finds this connection.
        self._primary_zodb_conn = conn
        self.add_finished_callback(lambda request: conn.transaction_manager.abort())
        # The Site's key in the database's root, named by shopcms.tree (which imports web).
        return conn.root()[self.registry.shopcms_site_key]

    def close(self):
        """Run the finished callbacks (the database connection) and forget the threadlocals."""
        try:
            if self.finished_callbacks:
                self._process_finished_callbacks()
        finally:
            manager.pop()


def _with_extensions(registry):
    """:class:`VisitorRequest` with the application's request methods and properties
    (``config.add_request_method``) in its class: what ``apply_request_extensions`` gives
    each request, without making a class per request."""
    extensions = registry.queryUtility(IRequestExtensions)
    if extensions is None:
        return VisitorRequest
    return type(
        "ApplicationVisitorRequest",
        (VisitorRequest,),
        {
            **extensions.methods,
            **extensions.descriptors,
        },
    )


def visitor_request(registry, environ, lang):
    """A :class:`VisitorRequest` for ``environ`` in ``lang``, pushed as the current request
    (templates and forms find it there); the caller must :meth:`~VisitorRequest.close` it."""
    cls = getattr(registry, "_shopcms_visitor_request", None)
    if cls is None:
        cls = registry._shopcms_visitor_request = _with_extensions(registry)
    request = cls(environ)
    request.registry = registry
    db = getattr(registry, "_zodb_databases", {}).get("")
    if db is not None:
        # Read before the connection (if a part opens it) starts its view: what a part
        # remembers per process under this transaction is at least that recent
        # (shopcms.privacy.cookie_policy.in_force_ids).
        request.__dict__["shopcms_seen_tid"] = db.lastTransaction()
    if lang is not None:
        # Reified by Pyramid: the page's language, as the URL gave it to the full rendering.
        request.__dict__["locale_name"] = lang
    manager.push({"registry": registry, "request": request})
    return request


def add_personal_part(config, name, render):
    """Config directive: the personal part ``name`` is ``render(request, **args)``."""
    parts = config.registry.shopcms_personal_parts
    if name in parts:
        raise ValueError(f"the personal part {name!r} is declared twice")
    parts[name] = render


def add_personal_effect(config, name, apply):
    """Config directive: the personal effect ``name`` is ``apply(request, response, **args)``."""
    effects = config.registry.shopcms_personal_effects
    if name in effects:
        raise ValueError(f"the personal effect {name!r} is declared twice")
    effects[name] = apply


def includeme(config):
    config.registry.shopcms_personal_parts = {}
    config.registry.shopcms_personal_effects = {}
    config.add_directive("add_personal_part", add_personal_part)
    config.add_directive("add_personal_effect", add_personal_effect)
