"""The newsletter's own mails about a subscription: confirm it, it is already active, it
has ended.  (Campaign mails are :mod:`shopcms.newsletter.campaign_mail`.)

The request stores an intent (``shopcms.mail.queue_intent``) naming the subscription by its
key, never composing the mail itself: the same work for a known and an unknown address.
The sender composes it (:data:`COMPOSERS`) in its own transaction, from the subscription as
it is *then*: a subscription that was erased or has ended in between gets nothing; a pending
one gets a new confirmation link (a fresh nonce: only the newest link works); an active one
a word that it is active, with its preferences link.  At most :data:`PER_HOUR` such mails go
to one address an hour (checked when composing, so every address is treated alike when
asking), so nobody can fill a stranger's mailbox through the footer form.

None of these mails asks the suppression list: they answer an act of the address's owner
(or of someone typing it, and then say how to ignore it).
"""

from datetime import timedelta

from babel.dates import format_timedelta
from pyramid.request import Request, apply_request_extensions

from shopcms.mail import compose, get_mailer, queue_intent
from shopcms.newsletter.resources import ACTIVE, PENDING
from shopcms.newsletter.tokens import CONFIRM_MAX_AGE, confirm_token, link_token
from shopcms.web.clock import now
from shopcms.web.i18n import _, languages
from shopcms.web.urls import public_url

#: Confirmation mails to one subscription in an hour, at most.
PER_HOUR = 3

CONFIRM, ALREADY, ENDED = "newsletter_confirm", "newsletter_already", "newsletter_ended"

SUBJECTS = {
    CONFIRM: _("Confirm your subscription to the Soft Cactus newsletter"),
    ALREADY: _("You are subscribed to the Soft Cactus newsletter"),
    ENDED: _("You are unsubscribed from the Soft Cactus newsletter"),
}


def queue_confirmation(request, site, subscription):
    """Queue the mail that answers a subscription request (see the module)."""
    queue_intent(
        site,
        CONFIRM,
        address=subscription.address,
        lang=subscription.lang,
        domain=get_mailer(request.registry).domain,
        base_url=public_url(request.registry, request),
        subscription=subscription.key,
    )


def queue_ended(registry, site, address, lang, base_url=None):
    """Queue the confirmation that ``address`` is unsubscribed (the subscription is gone:
    the intent holds the address and language only)."""
    queue_intent(
        site,
        ENDED,
        address=address,
        lang=lang if lang in languages(registry) else languages(registry)[0],
        domain=get_mailer(registry).domain,
        base_url=base_url or public_url(registry),
    )


def links_on(registry, base_url):
    """A request that makes a mail's links on ``base_url`` (the shop's address when the
    intent was queued)."""
    request = Request.blank("/", base_url=base_url)
    request.registry = registry
    apply_request_extensions(request)
    return request


def _recent(subscription, when):
    """Count a confirmation mail now; False when the hour's share is used."""
    sent = [t for t in getattr(subscription, "mailed", ()) if when - t < timedelta(hours=1)]
    if len(sent) >= PER_HOUR:
        return False
    subscription.mailed = (*sent, when)
    return True


def _compose(registry, intent, template, lang, values):
    base = intent["base_url"]
    return compose(
        registry,
        f"shopcms.newsletter:templates/mail/{template}",
        {"lang": lang, **values},
        lang=lang,
        to=intent["address"],
        subject=SUBJECTS[template],
        application_url=base,
    )


def compose_confirmation(registry, site, intent):
    """A pending subscription: its confirmation link; an active one: a word that it is."""
    subscription = site["newsletter"].subscriptions.get(intent.get("subscription"))
    when = now(registry)
    if subscription is None or subscription.state not in (PENDING, ACTIVE):
        return None
    if not _recent(subscription, when):
        return None
    lang = subscription.lang if subscription.lang in languages(registry) else intent["lang"]
    links = links_on(registry, intent["base_url"])
    secret = registry.settings["shopcms.secret"]
    preferences = links.link(
        site["newsletter"],
        "preferences",
        lang=lang,
        query={"token": link_token(secret, subscription)},
        absolute=True,
    )
    if subscription.state == ACTIVE:
        return _compose(registry, intent, ALREADY, lang, {"preferences": preferences})
    subscription.renew_nonce()  # only the newest link works
    link = links.link(
        site["newsletter"],
        "confirm",
        lang=lang,
        query={"token": confirm_token(secret, subscription, when)},
        absolute=True,
    )
    lifetime = format_timedelta(timedelta(seconds=CONFIRM_MAX_AGE), locale=lang)
    return _compose(registry, intent, CONFIRM, lang, {"link": link, "lifetime": lifetime})


def compose_ended(registry, site, intent):
    lang = intent["lang"]
    links = links_on(registry, intent["base_url"])
    values = {"subscribe": links.link(site["newsletter"], lang=lang, absolute=True)}
    return _compose(registry, intent, ENDED, lang, values)


COMPOSERS = {CONFIRM: compose_confirmation, ENDED: compose_ended}


def includeme(config):
    for kind, composer in COMPOSERS.items():
        config.add_mail_composer(kind, composer)
