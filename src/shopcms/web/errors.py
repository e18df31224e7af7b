"""Error pages (400, 403, 404, 429, 500, 503) in the site layout and the visitor's language.

No traceback ever reaches a browser: unexpected exceptions are logged with their traceback
and answered with the generic 500 page.  An anonymous visitor who meets a 403 gets the login
form in its place, and comes back to the page afterwards: the capability that logs visitors
in declares that form with ``config.set_login_in_place(renderer, values)``, where
``values(request, came_from)`` gives the template's values.
"""

import logging

from pyramid.exceptions import BadCSRFOrigin, BadCSRFToken
from pyramid.httpexceptions import HTTPClientError
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
}


def error_page(request, status, title=None, text=None):
    request.response.status = status
    default_title, default_text = MESSAGES.get(status, MESSAGES[400])
    return {"status": status, "title": title or default_title, "text": text or default_text}


def refusal(request, message, status=400):
    """The error page saying why a request cannot be honoured (from any view)."""
    request.override_renderer = ERROR_TEMPLATE
    return error_page(request, status, _("This is not possible"), message)


@notfound_view_config(renderer=ERROR_TEMPLATE)
def not_found(request):
    return error_page(request, 404)


@forbidden_view_config(renderer=ERROR_TEMPLATE)
def forbidden(request):
    """403 in the management area (an anonymous visitor gets the login form in place, still
    403, and comes back to the page after logging in); 404 on the public site."""
    if request.matched_route is not None and request.matched_route.name == "public":
        # Visitors are not told that something they may not see exists (a hidden product).
        return error_page(request, 404)
    login = getattr(request.registry, "shopcms_login_in_place", None)
    if request.authenticated_userid is None and login is not None:
        renderer, values = login
        request.override_renderer = renderer
        request.response.status = 403
        came_from = request.path_qs if request.method == "GET" else ""
        return {**values(request, came_from), "error": _("Log in to see this page.")}
    return error_page(request, 403)


@exception_view_config(BadCSRFToken, renderer=ERROR_TEMPLATE)
@exception_view_config(BadCSRFOrigin, renderer=ERROR_TEMPLATE)
def bad_csrf(request):
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


@exception_view_config(HTTPClientError, renderer=ERROR_TEMPLATE)
def client_error(exc, request):
    return error_page(request, exc.code)


@exception_view_config(TransientError, renderer=ERROR_TEMPLATE)
def busy(exc, request):
    """A conflict that outlived every retry (pyramid_retry): nothing was saved; say so.

    pyramid_retry renders this view on every attempt and throws the page away while it
    retries: only the last attempt's is sent, and only that one is worth a log line.
    """
    if is_last_attempt(request):
        log.warning("gave up after retries on %s %s: %s", request.method, request.path, exc)
    request.response.headers["Retry-After"] = "5"
    return error_page(
        request,
        503,
        _("The shop is very busy"),
        _("Nothing was saved. Please wait a moment and send the form again."),
    )


@exception_view_config(Exception, renderer=ERROR_TEMPLATE)
def server_error(exc, request):
    log.exception("unexpected error on %s %s", request.method, request.path)
    return error_page(request, 500)


def set_login_in_place(config, renderer, values):
    """Config directive: the login form an anonymous visitor meets instead of a 403."""
    config.registry.shopcms_login_in_place = (renderer, values)


def includeme(config):
    config.add_directive("set_login_in_place", set_login_in_place)
    config.scan(__name__)
