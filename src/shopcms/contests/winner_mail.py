"""The prize notice: the mail each winner gets when the judges confirm the winners.

Contract: it is transactional (the entrant asked to take part and must learn they won), so
it is sent whatever the newsletter's suppression list says; it goes out in the language the
winner entered in (``Entry.lang``, else the site's first), whoever confirms; it is queued in
the outbox (``shopcms.mail.send``) in the transaction that confirms the winners: both commit
or neither.  It names the contest, the prize and the postal address the prize goes to, and
says the public page will show only first name, initial and town.
"""

from shopcms.mail import compose, send
from shopcms.web.i18n import _, languages
from shopcms.web.urls import linking_request, public_url

SUBJECT = _("You won: ${title}")


def mail_language(registry, entry):
    """The winner's language: the one they entered in, else the site's first."""
    configured = languages(registry)
    return entry.lang if entry.lang in configured else configured[0]


def queue(registry, contest, entry, request=None):
    """Queue the prize notice to the winner ``entry`` of ``contest``; returns its Message-ID."""
    lang = mail_language(registry, entry)
    text = contest.texts.get(lang) or next(iter(contest.texts.values()))
    links = linking_request(registry, request)
    message = compose(
        registry,
        "shopcms.contests:templates/mail/winner",
        {
            "entry": entry,
            "lang": lang,
            "title": text.title,
            "prizes": text.prizes,
            "contest_url": links.link(contest, lang=lang, absolute=True),
        },
        lang=lang,
        to=(entry.name, entry.email),
        subject=_(SUBJECT, mapping={"title": text.title}),
        application_url=public_url(registry, request),
    )
    return send(contest, message)
