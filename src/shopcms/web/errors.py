"""Error pages (400, 403, 404, 429, 500, 503) in the site layout and the visitor's language.

No traceback ever reaches a browser: unexpected exceptions are logged with their traceback
and answered with the generic 500 page.  An anonymous visitor who meets a 403 gets the login
form in its place, and comes back to the page afterwards: the capability that logs visitors
in declares that form with ``config.set_login_in_place(renderer, values)``, where
``values(request, came_from)`` gives the template's values.

The error views cannot fail themselves: each renders its page explicitly, and if anything
goes wrong on the way (the view, the layout, the template) it answers :func:`minimal_page`,
a plain page with the same status and message, in the visitor's language when that is
known.  (Pyramid would otherwise re-raise the original exception to the server, whose bare
500 says nothing, and log every failure again.)
"""

import functools
import logging
from html import escape

from pyramid.exceptions import BadCSRFOrigin, BadCSRFToken
from pyramid.httpexceptions import HTTPClientError
from pyramid.renderers import render_to_response
from pyramid.response import Response
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config
from pyramid_retry import is_last_attempt
from transaction.interfaces import TransientError

from shopcms.web.i18n import _

log = logging.getLogger(__name__)

ERROR_TEMPLATE = "shopcms.web:templates/error.pt"

MESSAGES = {
    400: (_("The request could not be handled"), _("Something in the request was not right.")),
    403: (_("Access denied"), _("You do not have permission to see this page.")),
    404: (
        _("Page not found"),
        _("The page you are looking for does not exist or has moved."),
    ),
    500: (
        _("Something went wrong"),
        _("An unexpected error occurred. It has been logged; please try again later."),
    ),
    503: (
        _("The shop is very busy"),
        _("Nothing was saved. Please wait a moment and send the form again."),
    ),
}


def error_page(request, status, title=None, text=None):
    """The values of the error page (``ERROR_TEMPLATE``) with ``status`` set."""
    request.response.status = status
    default_title, default_text = MESSAGES.get(status, MESSAGES[400])
    return {"status": status, "title": title or default_title, "text": text or default_text}


def refusal(request, message, status=400):
    """The error page saying why a request cannot be honoured (from any view)."""
    request.override_renderer = ERROR_TEMPLATE
    return error_page(request, status, _("This is not possible"), message)


def _translate(request, message):
    try:
        return request.localizer.translate(message)
    except Exception:
        return message.interpolate() if hasattr(message, "interpolate") else str(message)


def minimal_page(request, status, title, text):
    """A plain page for ``status`` saying ``title`` and ``text``, without the layout: what
    an error view answers when its own page cannot be made."""
    try:
        lang = request.locale_name
    except Exception:
        lang = "en"
    title, text = (escape(_translate(request, message)) for message in (title, text))
    body = (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><main><p>{status}</p><h1>{title}</h1>"
        f"<p>{text}</p></main></body></html>\n"
    )
    return Response(body, status=status, content_type="text/html", charset="utf-8")


def safe(view):
    """An error view that always answers: what ``view`` returns (the values of ``renderer``,
    the error page by default, or a response) rendered, else :func:`minimal_page`."""

    @functools.wraps(view)
    def wrapper(context, request):
        status = getattr(context, "code", 503 if isinstance(context, TransientError) else 500)
        try:
            values = view(context, request)
            if isinstance(values, Response):
                return values
            status = values["status"]
            return render_to_response(
                ERROR_TEMPLATE, values, request=request, response=request.response
            )
        except Exception:
            # The first failure (the one this view answers) was logged already, if at all.
            log.exception("the error page for %s could not be rendered", status)
            title, text = MESSAGES.get(status, MESSAGES[400] if status < 500 else MESSAGES[500])
            return minimal_page(request, status, title, text)

    return wrapper


@notfound_view_config()
@safe
def not_found(context, request):
    return error_page(request, 404)


@forbidden_view_config()
@safe
def forbidden(context, request):
    """403 in the management area (an anonymous visitor gets the login form in place, still
    403, and comes back to the page after logging in); 404 on the public site."""
    if request.matched_route is not None and request.matched_route.name == "public":
        # Visitors are not told that something they may not see exists (a hidden product).
        return error_page(request, 404)
    if request.authenticated_userid is None:
        response = login_in_place(request)
        if response is not None:
            return response
    return error_page(request, 403)


def login_in_place(request, message=None):
    """The login form (403) instead of a page that needs a logged-in visitor, coming back
    to it after the login; None when no capability declared one.  The forbidden view's
    answer, and that of a public page only customers use (writing a review), which a
    forbidden public page cannot give: it answers 404 there."""
    login = getattr(request.registry, "shopcms_login_in_place", None)
    if login is None:
        return None
    renderer, values = login
    request.response.status = 403
    came_from = request.path_qs if request.method == "GET" else ""
    values = {**values(request, came_from), "error": message or _("Log in to see this page.")}
    return render_to_response(renderer, values, request=request, response=request.response)


@exception_view_config(BadCSRFToken)
@exception_view_config(BadCSRFOrigin)
@safe
def bad_csrf(context, request):
    if not request.cookies:
        # No cookie at all came back: the browser refuses them, so no form can be checked.
        return error_page(
            request,
            400,
            _("This needs cookies"),
            _(
                "Your browser does not accept cookies from this site. Browsing and searching "
                "work without them, but the cart, the wishlist, the comparison and every form "
                "need the strictly necessary session cookie, which only protects what you "
                "send. Allow cookies for this site to use them."
            ),
        )
    return error_page(
        request,
        400,
        _("This form has expired"),
        _(
            "For your security the form could not be accepted: it was sent from an old page "
            "or from another site. Go back, reload the page and try again."
        ),
    )


@exception_view_config(HTTPClientError)
@safe
def client_error(exc, request):
    """Any 4xx raised: its page; an exception with ``shopcms_message`` (a title and a
    text) says that instead of the status's general words."""
    if "Allow" in exc.headers:
        request.response.headers["Allow"] = exc.headers["Allow"]
    return error_page(request, exc.code, *getattr(exc, "shopcms_message", ()))


@exception_view_config(TransientError)
@safe
def busy(exc, request):
    """A conflict that outlived every retry (pyramid_retry): nothing was saved; say so.

    pyramid_retry renders this view on every attempt and throws the page away while it
    retries: only the last attempt's is sent, and only that one is worth a log line.
    """
    if is_last_attempt(request):
        log.warning("gave up after retries on %s %s: %s", request.method, request.path, exc)
    request.response.headers["Retry-After"] = "5"
    return error_page(request, 503)


@exception_view_config(Exception)
@safe
def server_error(exc, request):
    log.exception("unexpected error on %s %s", request.method, request.path)
    return error_page(request, 500)


def set_login_in_place(config, renderer, values):
    """Config directive: the login form an anonymous visitor meets instead of a 403."""
    config.registry.shopcms_login_in_place = (renderer, values)


def includeme(config):
    config.add_directive("set_login_in_place", set_login_in_place)
    config.scan(__name__)
