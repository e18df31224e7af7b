"""The contests' mail to an entrant: confirm your entry.

Contract: :func:`queue_confirmation` composes the mail in the entrant's language (the page
they entered on, ``Entry.lang``), whatever the language of whoever causes it, with the
signed confirmation link (``tokens.confirm_token`` with the site secret: valid
``tokens.MAX_AGE``, 7 days, used up when followed), and queues it in the outbox
(``shopcms.mail.send``) in the transaction that stores the entry: both commit or neither.

This mail answers the entrant's own request (it is transactional, like an order's mail):
it does not ask the newsletter's suppression list (``newsletter.api.may_mail`` is for
newsletter and contest-news mail), so an address that unsubscribed from the newsletter can
still enter a contest.
"""

from datetime import timedelta

from babel.dates import format_timedelta

from shopcms.contests import tokens
from shopcms.mail import compose, send
from shopcms.web.i18n import _, languages
from shopcms.web.urls import public_url

CONFIRM = "entry_confirm"
SUBJECTS = {CONFIRM: _("Confirm your entry to the Soft Cactus contest")}


def title_in(contest, lang):
    """The contest's title in ``lang``, else in the first language that has one."""
    text = contest.texts.get(lang)
    if text is not None and text.title:
        return text.title
    return next((text.title for text in contest.texts.values() if text.title), contest.__name__)


def queue_confirmation(request, contest, entry):
    """Queue the confirmation mail of ``entry`` (see the module); returns its Message-ID."""
    registry = request.registry
    lang = entry.lang if entry.lang in languages(registry) else languages(registry)[0]
    token = tokens.confirm_token(registry.settings["shopcms.secret"], contest, entry, request.now)
    lifetime = format_timedelta(timedelta(seconds=tokens.MAX_AGE), locale=lang)
    message = compose(
        registry,
        f"shopcms.contests:templates/mail/{CONFIRM}",
        {
            "lang": lang,
            "title": title_in(contest, lang),
            "name": entry.name,
            "link": request.link(
                contest, "confirm", lang=lang, query={"token": token}, absolute=True
            ),
            "rules_url": request.link(contest, "rules", lang=lang, absolute=True),
            "lifetime": lifetime,
        },
        lang=lang,
        to=(entry.name, entry.email),
        subject=SUBJECTS[CONFIRM],
        application_url=public_url(registry, request),
    )
    # The contest has a connection (it is stored); the new entry may not have one yet.
    return send(contest, message)
