"""Security headers on every response.

The Content-Security-Policy allows no inline script and nothing from another origin (the
site fetches nothing from the internet at run time).  Private pages (management, account,
login) are never stored by caches.  HSTS is sent only when ``shopcms.hsts`` is true
(production, behind TLS).
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


def mark_private(request):
    """Call from a view whose answer is personal: it will carry ``Cache-Control: no-store``."""
    request.shopcms_private = True


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
    if getattr(request, "shopcms_private", False) or request.authenticated_userid is not None:
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("ETag", None)
        response.headers.pop("Last-Modified", None)


def includeme(config):
    config.registry.shopcms_hsts = asbool(config.get_settings().get("shopcms.hsts", False))
    config.add_subscriber(add_security_headers, NewResponse)
