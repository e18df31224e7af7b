"""The mails of account security: verify an address, reset a password, notices.

Links carry a token (``shopcms.web.tokens``) in their query string and are absolute, on
the shop's public address (``request.link(..., absolute=True)``, ``shopcms.public_url``).
A mail asked for by the person reading the page (verification, reset, a new address) is
written in the page's language; a notice to an account's owner, who may not be the one who
caused it, in the owner's preferred language.  Mails join the request's transaction
(``mail.send``): a rejected or replayed request sends nothing.

Each address receives at most :data:`PER_HOUR` of these mails an hour (counted in memory,
per process): the forms that send them answer the same whatever the address, so without a
cap anyone could fill a stranger's mailbox.  Mails over the cap are dropped silently; the
form's answer does not change.
"""

from datetime import timedelta

from babel.dates import format_timedelta

from shopcms.accounts.resources import normalise_email
from shopcms.accounts.throttle import Throttle
from shopcms.mail import compose, send
from shopcms.web.i18n import _, languages
from shopcms.web.tokens import CHANGE_EMAIL, MAX_AGE, RESET_PASSWORD, VERIFY_EMAIL, issue
from shopcms.web.urls import public_url

PER_HOUR = 5

SUBJECTS = {
    "verify_email": _("Confirm your email address for Soft Cactus"),
    "register_exists": _("You already have an account at Soft Cactus"),
    "reset_password": _("Choose a new password for Soft Cactus"),
    "change_email": _("Confirm your new email address for Soft Cactus"),
    "email_changed": _("The email address of your Soft Cactus account was changed"),
}

#: The page each token's link opens (below the language).
LINK_PAGES = {
    VERIFY_EMAIL: ("verify",),
    RESET_PASSWORD: ("reset", "password"),
    CHANGE_EMAIL: ("verify", "email"),
}


def _throttle(registry):
    throttle = getattr(registry, "shopcms_account_mail_throttle", None)
    if throttle is None:
        throttle = registry.shopcms_account_mail_throttle = Throttle(PER_HOUR, 3600)
    return throttle


def _secret(registry):
    return registry.settings["shopcms.secret"]


def owner_language(request, account):
    """The account's preferred language if the site still has it, else the page's."""
    lang = account.preferences.language
    return lang if lang in languages(request.registry) else request.locale_name


def token_link(request, account, purpose, lang, data=None):
    """An absolute link to the page that uses a new token of ``purpose`` (a write)."""
    token = issue(_secret(request.registry), account, purpose, request.now, data=data)
    return request.link(
        None, *LINK_PAGES[purpose], lang=lang, query={"token": token}, absolute=True
    )


def _mail(request, template, address, lang, values):
    """Queue ``template`` to ``address``; False if the address had its share this hour."""
    registry = request.registry
    throttle = _throttle(registry)
    key = normalise_email(address)
    if throttle.blocked(key):
        return False
    throttle.failure(key)  # counts one more mail
    base = public_url(registry, request)
    message = compose(
        registry,
        f"shopcms.accounts:templates/mail/{template}",
        {"base_url": base, "lang": lang, **values},
        lang=lang,
        to=address,
        subject=SUBJECTS[template],
        application_url=base,
    )
    send(registry, message, request.tm)
    return True


def _lifetime(purpose, lang):
    """How long a link of ``purpose`` works, in words of ``lang`` ("1 uur", "3 jours")."""
    return format_timedelta(timedelta(seconds=MAX_AGE[purpose]), locale=lang)


def send_verification(request, account, lang=None):
    """Mail the account's address a link that verifies it (and logs in)."""
    lang = lang or request.locale_name
    return _mail(
        request,
        "verify_email",
        account.email,
        lang,
        {
            "link": token_link(request, account, VERIFY_EMAIL, lang),
            "lifetime": _lifetime(VERIFY_EMAIL, lang),
        },
    )


def send_register_exists(request, account):
    """Tell the owner that someone tried to register (or move an account to) their address."""
    lang = owner_language(request, account)
    return _mail(
        request,
        "register_exists",
        account.email,
        lang,
        {
            "login_url": request.link(None, "login", lang=lang, absolute=True),
            "reset_url": request.link(None, "reset", lang=lang, absolute=True),
        },
    )


def send_reset(request, account, lang=None):
    """Mail the account's address a link to choose a new password."""
    lang = lang or request.locale_name
    return _mail(
        request,
        "reset_password",
        account.email,
        lang,
        {
            "link": token_link(request, account, RESET_PASSWORD, lang),
            "lifetime": _lifetime(RESET_PASSWORD, lang),
        },
    )


def send_change_email(request, account, new_email, lang=None):
    """Mail ``new_email`` a link that moves the account to it (the token holds it)."""
    lang = lang or request.locale_name
    return _mail(
        request,
        "change_email",
        new_email,
        lang,
        {
            "link": token_link(request, account, CHANGE_EMAIL, lang, data=new_email),
            "lifetime": _lifetime(CHANGE_EMAIL, lang),
            "new_email": new_email,
        },
    )


def send_email_changed(request, account, old_email):
    """Tell the old address that the account now uses another one."""
    lang = owner_language(request, account)
    return _mail(
        request,
        "email_changed",
        old_email,
        lang,
        {
            "new_email": account.email,
            "contact_url": request.link(None, "pages", "contact", lang=lang, absolute=True),
        },
    )
