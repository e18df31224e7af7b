"""The subscriber's page, ``/{lang}/newsletter/preferences?token=`` (the link in every
newsletter and in the confirmation's answer; no login).

It shows what we hold about the subscription (address, language, since when, where it was
asked for, every step and consent with the privacy statement revision in force then), a
form to change the language and a button to unsubscribe.  Both forms post back to the
page with the token in its address; unsubscribing here is recorded as
``newsletter-preferences`` and confirmed by mail.  A link whose subscription has ended
says so (410); a forged or altered one is refused (400).

The address carries a secret: no referrer leaves the page (``secret_address``).
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.newsletter import mail, subscriptions, tokens
from shopcms.newsletter.presentation import PLACE_TITLES, history
from shopcms.newsletter.resources import UNSUBSCRIBED_BY_LINK, Newsletter
from shopcms.newsletter.schemas import ButtonSchema, LanguageSchema
from shopcms.newsletter.views.common import message_page
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import LANGUAGE_NAMES, _
from shopcms.web.notices import notice
from shopcms.web.security import VIEW
from shopcms.web.urls import public_url

TEMPLATE = "shopcms.newsletter:templates/preferences.pt"
FORM = "newsletter-preferences"

PAGE = {
    "context": Newsletter,
    "route_name": "public",
    "name": "preferences",
    "permission": VIEW,
    "secret_address": True,
    "renderer": TEMPLATE,
}


def subscription_of(request, newsletter):
    """``(subscription, None)``, or ``(None, the page saying why the link fails)``."""
    secret = request.registry.settings["shopcms.secret"]
    token = request.GET.get("token", "")
    subscription = tokens.read_link_token(secret, newsletter.subscriptions, token)
    if subscription is not None:
        return subscription, None
    if tokens.genuine_link(secret, token) is not None:
        title = _("This subscription has ended")
        text = _(
            "This address is unsubscribed: it gets no newsletter. To get it again, "
            "subscribe again: you get a mail to confirm."
        )
        return None, message_page(request, title, text, 410)
    title = _("This link does not work")
    text = _(
        "This is not a valid link to your newsletter page. Open the link in a newsletter "
        "exactly as it is (it may have been cut in two)."
    )
    return None, message_page(request, title, text, 400)


def _here(request, newsletter):
    return request.link(newsletter, "preferences", query={"token": request.GET["token"]})


def language_form(request, newsletter):
    buttons = (Button("save", _("Save the language")),)
    return make_form(
        request, LanguageSchema, buttons, "newsletter-language", _here(request, newsletter)
    )


def unsubscribe_form(request, newsletter):
    buttons = (Button("unsubscribe", _("Unsubscribe")),)
    return make_form(
        request, ButtonSchema, buttons, "newsletter-unsubscribe", _here(request, newsletter)
    )


def _values(request, newsletter, subscription, language_html=None):
    return {
        "subscription": subscription,
        "language": LANGUAGE_NAMES.get(subscription.lang, subscription.lang),
        "source": PLACE_TITLES.get(subscription.source, subscription.source),
        "history": history(request, subscription),
        "language_form": language_html
        or language_form(request, newsletter).render({"language": subscription.lang}),
        "unsubscribe_form": unsubscribe_form(request, newsletter).render(),
        "privacy_url": request.link(None, "privacy"),
    }


@view_config(request_method="GET", **PAGE)
def preferences_page(context, request):
    subscription, answer = subscription_of(request, context)
    if answer is not None:
        return answer
    return _values(request, context, subscription)


@view_config(request_method="POST", **PAGE)
def preferences_post(context, request):
    subscription, answer = subscription_of(request, context)
    if answer is not None:
        return answer
    if "unsubscribe" in request.POST:
        return _unsubscribe(request, context, subscription)
    appstruct, failed = validate(request, language_form(request, context))
    if appstruct is None:
        return _values(request, context, subscription, failed)
    subscriptions.set_language(subscription, appstruct["language"], request.now)
    notice(request, _("Saved: the newsletter comes in this language from now on."))
    return HTTPSeeOther(location=_here(request, context))


def _unsubscribe(request, newsletter, subscription):
    appstruct, _failed = validate(request, unsubscribe_form(request, newsletter))
    if appstruct is None:
        return message_page(
            request, _("This is not possible"), _("Something in the request was not right."), 400
        )
    address, lang = subscription.address, subscription.lang
    subscriptions.unsubscribe(
        newsletter,
        subscription,
        UNSUBSCRIBED_BY_LINK,
        FORM,
        request.locale_name,
        request.now,
        request.registry,
    )
    mail.queue_ended(
        request.registry,
        request.root,
        address,
        lang,
        base_url=public_url(request.registry, request),
    )
    return message_page(
        request,
        _("You are unsubscribed"),
        _(
            "This address gets no more newsletters from Soft Cactus; a mail confirms it. "
            "Mails about your orders still reach you."
        ),
    )
