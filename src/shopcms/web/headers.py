"""Security headers on every response.

The Content-Security-Policy allows no inline script and nothing from another origin (the
site fetches nothing from the internet at run time).  HSTS is sent only when ``shopcms.hsts``
is true (production, behind TLS).  Which pages caches may keep is ``shopcms.web.sharing``'s
business.

A view whose address carries a secret (a mailed token, an order's key) declares
``secret_address=True``: its page is sent with ``Referrer-Policy: no-referrer``, so the next
page (or another site) never learns the address.  Browsers then send ``Origin: null`` with
the page's forms, against which the stateless CSRF token cannot be checked, so such a page's
forms carry the session's token (a session is started for it).
"""

from pyramid.events import NewResponse
from pyramid.settings import asbool

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}

HSTS = "max-age=31536000; includeSubDomains"


def secret_address(view, info):
    """View deriver of the ``secret_address`` option (see the module)."""
    if not info.options.get("secret_address"):
        return view

    def derived(context, request):
        request.response.headers["Referrer-Policy"] = "no-referrer"
        request.registry.shopcms_csrf.sessions.get_csrf_token(request)
        return view(context, request)

    return derived


secret_address.options = ("secret_address",)


def allow_form_action(registry, origin):
    """Let this site's forms lead to ``origin`` too (a payment provider's page).

    Browsers apply ``form-action`` to the redirect that follows a form's POST as well, and
    the checkout's POST redirects to the provider's hosted payment page.
    """
    registry.shopcms_csp = getattr(registry, "shopcms_csp", CSP).replace(
        "form-action 'self'", f"form-action 'self' {origin}", 1
    )


def add_security_headers(event):
    request, response = event.request, event.response
    headers = {**HEADERS, "Content-Security-Policy": getattr(request.registry, "shopcms_csp", CSP)}
    for name, value in headers.items():
        response.headers.setdefault(name, value)
    if request.registry.shopcms_hsts:
        response.headers["Strict-Transport-Security"] = HSTS


def includeme(config):
    config.registry.shopcms_hsts = asbool(config.get_settings().get("shopcms.hsts", False))
    config.add_subscriber(add_security_headers, NewResponse)
    config.add_view_deriver(secret_address)
