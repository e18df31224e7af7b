"""Confirming a subscription: ``/{lang}/newsletter/confirm?token=``.

The GET shows what is confirmed and one button (a GET never uses the token: link
scanners open it); the POST confirms (``subscriptions.confirm``, recorded as
``newsletter-confirm`` with the privacy statement in force in the page's language).  A link
that cannot be used gets a page that says why and what to do, never the button:

- not a token of ours (forged, altered, cut): 400;
- its subscription has ended or was erased: 410;
- older than ``tokens.CONFIRM_MAX_AGE``: 410;
- a newer confirmation mail was sent since (only the newest link works): 410;
- already confirmed (the link was followed): 200, "already confirmed", nothing changes.

The address carries a secret: no referrer leaves the page (``secret_address``).
"""

from datetime import timedelta

from babel.dates import format_timedelta
from pyramid.view import view_config

from shopcms.newsletter import subscriptions, tokens
from shopcms.newsletter.resources import ACTIVE, Newsletter
from shopcms.newsletter.schemas import ButtonSchema
from shopcms.newsletter.views.common import message_page
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import _
from shopcms.web.security import VIEW

TEMPLATE = "shopcms.newsletter:templates/confirm.pt"
FORM = "newsletter-confirm"

CONFIRM = {
    "context": Newsletter,
    "route_name": "public",
    "name": "confirm",
    "permission": VIEW,
    "secret_address": True,
    "renderer": TEMPLATE,
}


def _problem(request, problem):
    """The page of a link that cannot be used (see the module)."""
    again = request.link(None, "newsletter")
    if problem == "invalid":
        text = _(
            "This is not a valid confirmation link. Open the link in the mail exactly as it "
            "is (it may have been cut in two), or subscribe again: you get a new mail."
        )
        return message_page(request, _("This link does not work"), text, 400, again)
    if problem == "ended":
        text = _(
            "This subscription has ended. To get the newsletter again, subscribe again: you "
            "get a new mail to confirm."
        )
        return message_page(request, _("This subscription has ended"), text, 410, again)
    if problem == "expired":
        lifetime = format_timedelta(
            timedelta(seconds=tokens.CONFIRM_MAX_AGE), locale=request.locale_name
        )
        text = _(
            "A confirmation link works for ${lifetime}. Subscribe again: you get a new mail "
            "with a new link.",
            mapping={"lifetime": lifetime},
        )
        return message_page(request, _("This link has expired"), text, 410, again)
    text = _(
        "A newer confirmation mail was sent to this address: only the link in the latest "
        "mail works. Open that one, or subscribe again."
    )
    return message_page(request, _("This link was replaced by a newer one"), text, 410, again)


def _already(request, subscription):
    return message_page(
        request,
        _("Your subscription is already confirmed"),
        _("This address gets the Soft Cactus newsletter. Nothing has changed."),
        link=_preferences(request, subscription),
        link_title=_("Your newsletter page"),
    )


def _preferences(request, subscription):
    secret = request.registry.settings["shopcms.secret"]
    token = tokens.link_token(secret, subscription)
    return request.link(request.root["newsletter"], "preferences", query={"token": token})


def check(request):
    """``(subscription, None)`` for a link that confirms, else ``(subscription or None,
    problem)``: ``"already"`` or a problem of :func:`_problem`."""
    secret = request.registry.settings["shopcms.secret"]
    token = request.GET.get("token", "")
    claim = tokens.confirm_claim(secret, token)
    if claim is None:
        return None, "invalid"
    key, _nonce, issued = claim
    newsletter = request.root["newsletter"]
    subscription = newsletter.subscriptions.get(key)
    if subscription is None:
        return None, "ended"
    if subscription.state == ACTIVE:
        return subscription, "already"
    found = tokens.read_confirm_token(secret, newsletter.subscriptions, token, request.now)
    if found is None:
        expired = request.now.timestamp() - issued > tokens.CONFIRM_MAX_AGE
        return None, "expired" if expired else "replaced"
    return found, None


def confirm_form(request):
    token = request.GET.get("token", "")
    return make_form(
        request,
        ButtonSchema,
        (Button("confirm", _("Yes, send me the newsletter")),),
        FORM,
        request.link(request.root["newsletter"], "confirm", query={"token": token}),
    )


def _usable(request):
    subscription, problem = check(request)
    if problem == "already":
        return None, _already(request, subscription)
    if problem is not None:
        return None, _problem(request, problem)
    return subscription, None


@view_config(request_method="GET", **CONFIRM)
def confirm_page(context, request):
    subscription, answer = _usable(request)
    if answer is not None:
        return answer
    return {"address": subscription.address, "form": confirm_form(request).render()}


@view_config(request_method="POST", **CONFIRM)
def confirm(context, request):
    subscription, answer = _usable(request)
    if answer is not None:
        return answer
    form = confirm_form(request)
    appstruct, failed = validate(request, form)
    if appstruct is None:
        return {"address": subscription.address, "form": failed}
    subscriptions.confirm(
        context, subscription, request.now, request.locale_name, request.registry, form=FORM
    )
    return message_page(
        request,
        _("Thank you: you are subscribed"),
        _(
            "You get the Soft Cactus newsletter from now on. Every newsletter has a link to "
            "unsubscribe, and to your newsletter page, where you change its language."
        ),
        link=_preferences(request, subscription),
        link_title=_("Your newsletter page"),
    )
