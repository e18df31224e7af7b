"""Every view declares a permission and none opts out of the CSRF check (but one webhook)."""

from pyramid.httpexceptions import default_exceptionresponse_view
from pyramid.interfaces import IDefaultCSRFOptions
from pyramid.security import NO_PERMISSION_REQUIRED

# Views that are meant to be reachable by anyone at all (logging in must be possible), and
# an invoice's file, which checks in the view who asks: the customer or staff by the
# document's ACL, or a guest with the order's key (invoicing.downloads.may_download;
# tests/invoicing/test_downloads.py proves a stranger gets 404).
OPEN_BY_DESIGN = {"login_form", "login", "logout", "public_file"}


def _is_exception_view(view):
    context = view["context"]
    return (
        view["exception_only"]
        or view["callable"] is default_exceptionresponse_view
        or (isinstance(context, type) and issubclass(context, BaseException))
    )


def _views(site):
    """The application's views, without the exception views that render error pages."""
    for intr in site.registry.introspector.get_category("views"):
        view = intr["introspectable"]
        if not _is_exception_view(view) and not view["route_name"].startswith("__static"):
            yield intr, view


def test_every_view_has_an_explicit_permission(site):
    missing = []
    for intr, view in _views(site):
        name = getattr(view["callable"], "__name__", repr(view["callable"]))
        permissions = [r["value"] for r in intr["related"] if r.category_name == "permissions"]
        if not permissions:
            missing.append((name, view["route_name"], view["name"]))
        elif permissions[0] == NO_PERMISSION_REQUIRED:
            assert name in OPEN_BY_DESIGN, f"{name} is open to everybody"
    assert missing == []


# Mollie's payment webhook: a third party posts it, it carries no session (so no token), and
# it trusts nothing in its request but the payment id, whose status it asks Mollie for.
# The RFC 8058 one-click unsubscribe: a mail program posts it without cookies; the signed
# token in its address is the proof, and it can only end the subscription it names.
CSRF_EXEMPT = {("mollie_webhook", "mollie-webhook"), ("unsubscribe", "unsubscribe")}


def test_csrf_is_required_by_default_and_no_view_opts_out(site):
    assert site.registry.getUtility(IDefaultCSRFOptions).require_csrf is True
    opted_out = {
        (getattr(view["callable"], "__name__", repr(view["callable"])), view["name"])
        for _intr, view in _views(site)
        if view["require_csrf"] is False
    }
    assert opted_out == CSRF_EXEMPT
