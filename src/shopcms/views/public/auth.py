"""Login and logout.

The answer for an unknown email is the same as for a wrong password (same message, status
and, through a dummy hash check, time).  Failures are throttled per account and per client
address (:mod:`shopcms.throttle`).
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.security import NO_PERMISSION_REQUIRED, forget, remember
from pyramid.view import view_config

from ...forms import make_form, validate
from ...headers import mark_private
from ...i18n import _
from ...passwords import verify_password
from ...resources.customers import normalise_email
from ...resources.site import Site
from ...schemas.auth import LoginSchema
from ...shop import lists

LOGIN_BUTTONS = (("login", _("Log in")),)


def safe_came_from(request, came_from):
    """A local path to return to after login, or None.  Never another site."""
    if came_from and came_from.startswith("/") and not came_from.startswith(("//", "/\\")):
        return came_from
    return None


def _login_form(request):
    action = f"/{request.locale_name}/login"
    return make_form(request, LoginSchema, LOGIN_BUTTONS, action=action, formid="login")


def login_page(request, came_from=""):
    """The login form's template values (also shown in place of a page that needs a login)."""
    mark_private(request)
    came_from = safe_came_from(request, came_from) or ""
    return {"form": _login_form(request).render({"came_from": came_from}), "error": None}


@view_config(
    context=Site,
    route_name="public",
    name="login",
    request_method="GET",
    permission=NO_PERMISSION_REQUIRED,
    renderer="shopcms:templates/login.pt",
)
def login_form(context, request):
    return login_page(request, request.GET.get("came_from", ""))


@view_config(
    context=Site,
    route_name="public",
    name="login",
    request_method="POST",
    permission=NO_PERMISSION_REQUIRED,
    renderer="shopcms:templates/login.pt",
)
def login(context, request):
    mark_private(request)
    form = _login_form(request)
    appstruct, html = validate(request, form)
    if appstruct is None:
        return {"form": html, "error": None}

    email = normalise_email(appstruct["email"])
    address = request.client_addr or "unknown"
    throttle = request.registry.shopcms_login_throttle
    wait = throttle.wait_seconds(email, address)
    redisplay = form.render({"email": appstruct["email"], "came_from": appstruct["came_from"]})
    if wait:
        request.response.status = 429
        request.response.headers["Retry-After"] = str(wait)
        minutes = max(1, (wait + 59) // 60)
        return {
            "form": redisplay,
            "error": _(
                "Too many failed attempts. For your security, logging in is paused: "
                "please try again in ${minutes} minute(s).",
                mapping={"minutes": minutes},
            ),
        }

    account = context["customers"].find(email)
    if account is not None and account.active:
        ok = account.check_password(appstruct["password"])
    else:
        verify_password(None, appstruct["password"])  # same cost as a real check
        ok = False
    if not ok:
        throttle.failed(email, address)
        request.response.status = 400
        return {"form": redisplay, "error": _("The email address or password is not correct.")}

    throttle.succeeded(email)
    remember(request, account.__name__)
    lists.merge_at_login(request, account)
    target = safe_came_from(request, appstruct["came_from"])
    if target is None:
        lang = request.locale_name
        # request.identity was computed before login: decide from the account itself.
        target = f"/{lang}/manage/" if account.is_staff else f"/{lang}/"
    return HTTPSeeOther(location=target)


@view_config(
    context=Site,
    route_name="public",
    name="logout",
    request_method="POST",
    permission=NO_PERMISSION_REQUIRED,
)
def logout(context, request):
    forget(request)
    return HTTPSeeOther(location=f"/{request.locale_name}/")
