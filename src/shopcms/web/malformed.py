"""Malformed requests: answered 400 (or 405) in the visitor's language, before anything
decodes them, and a last guard so that no request ever ends in the server's bare 500.

WSGI hands the path, the query and the body over as bytes; WebOb and Pyramid decode them
as UTF-8 when asked, anywhere: in routing, in a view, in the error page itself.  Bytes that
are not UTF-8 (``/nl/%ff``, ``?q=%ff``, a form posting ``%ff``) then raised in the middle
of whatever asked.  :class:`MalformedRequestLayer`, in front of every other layer, checks
once:

- the path (``SCRIPT_NAME`` and ``PATH_INFO``) and the query string decode as UTF-8 once
  percent-decoded;
- a form body (``application/x-www-form-urlencoded``) does the same; it is read and put
  back for the application.  A multipart body is parsed by WebOb only: the tween below
  turns its decoding errors into the same answer;
- the method is one the shop answers (``GET``, ``HEAD``, ``POST``, ``OPTIONS``); others
  get 405 with ``Allow``.

A malformed request is not passed on as it came: the application (Pyramid's router, behind
no cache and no statistics) gets a clean ``GET`` of the language's home (``/fr/`` when the
path began with a language, else ``/``) marked with :data:`MALFORMED`, and the tween raises
:class:`MalformedRequest` for it before routing, which the error views answer with the
site's 400 page in the visitor's language (the path's, else the cookie's or the browser's).

Should anything still escape the application (an error view that could not answer), the
layer answers a minimal page itself and logs the error once; only the development check of
undeclared cookies (``shopcms.cookies.strict``) is let through, as it means to be.
"""

import io
import logging
import sys
from html import escape
from urllib.parse import unquote_to_bytes

from pyramid.httpexceptions import HTTPBadRequest, HTTPMethodNotAllowed
from pyramid.i18n import make_localizer
from pyramid.interfaces import IRoutesMapper, ITranslationDirectories
from pyramid.tweens import EXCVIEW

from shopcms.web.cookies import UndeclaredCookie
from shopcms.web.i18n import _, languages

log = logging.getLogger(__name__)

#: The environ key of a malformed request: ``(status, language or None)``.
MALFORMED = "shopcms.malformed"
METHODS = ("GET", "HEAD", "POST", "OPTIONS")
FORM = "application/x-www-form-urlencoded"
#: The largest form body checked here (larger ones are refused by the application anyway).
MAX_FORM_BYTES = 10 * 1024 * 1024

BAD_REQUEST = (
    _("The request could not be handled"),
    _(
        "The address or the form contained characters that are not valid. Check the "
        "address, or go back and send the form again."
    ),
)
BAD_METHOD = (_("The request could not be handled"), _("Something in the request was not right."))
BROKEN = (
    _("Something went wrong"),
    _("An unexpected error occurred. It has been logged; please try again later."),
)


def _utf8(raw):
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _wsgi_bytes(value):
    """A WSGI string (latin-1 by the spec) as the bytes the client sent."""
    return value.encode("latin-1", "replace")


def _form_text_ok(raw):
    """``raw`` (a query string or a form body, bytes) decodes once percent-decoded.

    Splitting on ``&`` and ``=`` cannot make valid UTF-8 invalid or the reverse (they are
    ASCII, never part of a multi-byte character), so the whole is checked at once.
    """
    return _utf8(unquote_to_bytes(raw.replace(b"+", b" ")))


def _read_form(environ):
    """The form body, put back for the application; None when there is none to check."""
    if environ.get("REQUEST_METHOD") != "POST":
        return None
    if not environ.get("CONTENT_TYPE", "").lower().startswith(FORM):
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= MAX_FORM_BYTES:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def problem(environ):
    """The status a malformed request gets (400 or 405), or None for a sound one."""
    if environ.get("REQUEST_METHOD", "GET") not in METHODS:
        return 405
    path = _wsgi_bytes(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
    if not _utf8(path) or not _form_text_ok(_wsgi_bytes(environ.get("QUERY_STRING", ""))):
        return 400
    body = _read_form(environ)
    if body is not None and not _form_text_ok(body):
        return 400
    return None


def _path_language(environ, available):
    first = environ.get("PATH_INFO", "").lstrip("/").split("/", 1)[0]
    return first if first in available else None


def clean_environ(environ, status, lang, path):
    """The request the application answers instead: a GET of ``path`` (a language's home),
    marked."""
    clean = {
        key: value
        for key, value in environ.items()
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH", "QUERY_STRING")
    }
    clean.update(
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "wsgi.input": io.BytesIO(b""),
            MALFORMED: (status, lang),
        }
    )
    return clean


class MalformedRequest(HTTPBadRequest):
    """The request's bytes are not text (see the module): the 400 page says so."""

    shopcms_message = BAD_REQUEST


class UnsupportedMethod(HTTPMethodNotAllowed):
    shopcms_message = BAD_METHOD

    def __init__(self):
        super().__init__(headers={"Allow": ", ".join(METHODS)})


class MalformedRequestLayer:
    """The WSGI layer of the module: in front of ``app``; ``router`` (Pyramid's, behind
    every other layer) answers the malformed requests."""

    def __init__(self, app, router):
        self.app = app
        self.router = router
        self.registry = router.registry
        self.home = router.registry.getUtility(IRoutesMapper).get_route("public")

    def __call__(self, environ, start_response):
        try:
            status = problem(environ)
            if status is None:
                return self.app(environ, start_response)
            lang = _path_language(environ, languages(self.registry))
            home = self.home.generate({"lang": lang, "traverse": ()}) if lang else "/"
            return self.router(clean_environ(environ, status, lang, home), start_response)
        except UndeclaredCookie:
            raise  # a development check (shopcms.cookies.strict): meant to stop the request
        except Exception:
            log.exception(
                "no answer for %s %r", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO")
            )
            return self.broken(environ, start_response)

    def broken(self, environ, start_response):
        """The last answer: a plain 500 page in the path's language (else the default)."""
        try:
            available = languages(self.registry)
            lang = _path_language(environ, available) or available[0]
            localizer = make_localizer(
                lang, self.registry.queryUtility(ITranslationDirectories) or []
            )
            title, text = (escape(localizer.translate(message)) for message in BROKEN)
        except Exception:  # not even the catalogs: the words in English
            lang = "en"
            title, text = (escape(message.interpolate()) for message in BROKEN)
        body = (
            f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{title}</title></head><body><main><p>500</p><h1>{title}</h1>"
            f"<p>{text}</p></main></body></html>\n"
        ).encode()
        headers = [
            ("Content-Type", "text/html; charset=UTF-8"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ]
        start_response("500 Internal Server Error", headers, sys.exc_info())
        return [body]


def malformed_tween(handler, registry):
    """Raise :class:`MalformedRequest` (405: :class:`UnsupportedMethod`) for a request the
    layer marked, in its language; and for a body WebOb cannot decode (multipart)."""

    def tween(request):
        marked = request.environ.get(MALFORMED)
        if marked is not None:
            status, lang = marked
            if lang is not None:
                # Read by the locale negotiator (web.i18n): the page is in the path's language.
                request.matchdict = {"lang": lang}
            raise UnsupportedMethod() if status == 405 else MalformedRequest()
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 (parsed here, where a failure has an answer)
            except (UnicodeDecodeError, ValueError):
                raise MalformedRequest() from None
        return handler(request)

    return tween


def wrap(app, router):
    """``app`` behind :class:`MalformedRequestLayer`."""
    return MalformedRequestLayer(app, router)


def includeme(config):
    config.add_tween("shopcms.web.malformed.malformed_tween", under=EXCVIEW)
