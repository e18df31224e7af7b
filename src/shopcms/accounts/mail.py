"""The mails of account security: verify an address, reset a password, notices.

The request never composes them: it stores an *intent* in the outbox
(``shopcms.mail.queue_intent``: kind, address, language, the shop's address for links, an
account id where the page already has the account) and answers.  The mail sender composes
the mail later with the composers below (declared in :func:`includeme`), in its own
transaction: it looks the address up, issues the token and writes the mail, or composes
nothing when there is no account to write to (the intent, with the address it held, is then
removed).  So the reset, registration and "send the link again" answers do the same work
for a known and an unknown address, and take the same time (issue 12, D8).

Links carry a token (``shopcms.web.tokens``) in their query string and are absolute, on
the shop's public address (``shopcms.public_url``, else the address of the request that
asked).  A mail asked for by the person reading the page (verification, reset, a new
address) is written in the page's language; a notice to an account's owner, who may not be
the one who caused it, in the owner's preferred language.

Each address receives at most :data:`PER_HOUR` of these mails an hour (counted in memory,
per process, when the intent is stored, for every address alike, under a keyed hash of the
address: ``shopcms.web.limits``): the forms answer the same whatever the address, so
without a cap anyone could fill a stranger's mailbox.  Intents over the cap are not
stored; the form's answer does not change.
"""

from datetime import timedelta

from babel.dates import format_timedelta
from pyramid.request import Request, apply_request_extensions

from shopcms.accounts.resources import normalise_email
from shopcms.mail import compose, get_mailer, queue_intent
from shopcms.web.clock import now
from shopcms.web.i18n import _, languages
from shopcms.web.limits import Throttle, keyed
from shopcms.web.tokens import CHANGE_EMAIL, MAX_AGE, RESET_PASSWORD, VERIFY_EMAIL, issue
from shopcms.web.urls import public_url

PER_HOUR = 5
#: The most addresses the limit remembers (the least recently asked for are dropped).
ADDRESSES = 100_000

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


# -- in the request: intents only -----------------------------------------------------------


def _intend(request, kind, address, lang=None, **ids):
    """Store the intent ``kind`` for ``address``; False if the address had its share."""
    registry = request.registry
    address = normalise_email(address)
    key = keyed(registry, "shopcms.accounts.mail", address)
    if not registry.shopcms_account_mail_throttle.allow(key, now=now(registry).timestamp()):
        return False
    queue_intent(
        request.root,
        kind,
        address=address,
        lang=lang or request.locale_name,
        domain=get_mailer(registry).domain,
        base_url=public_url(registry, request),
        **ids,
    )
    return True


def ask_verification(request, email, lang=None):
    """The verification link to ``email``, if it has an active account still waiting."""
    return _intend(request, "verify_email", email, lang)


def ask_reset(request, email, lang=None):
    """The link to choose a new password to ``email``, if it has an active account."""
    return _intend(request, "reset_password", email, lang)


def registered(request, email):
    """Someone registered ``email``: its new account's verification link, or, when the
    address already had a verified account, a word to its owner."""
    return _intend(request, "register", email)


def ask_email_change(request, account, new_email, lang=None):
    """The link that moves ``account`` to ``new_email`` (or, when that address has an
    account, a word to its owner)."""
    return _intend(request, "change_email", new_email, lang, account=account.__name__)


def email_changed(request, account, old_email):
    """Tell ``old_email`` that ``account`` now uses another address."""
    return _intend(request, "email_changed", old_email, account=account.__name__)


# -- in the sender: composing ----------------------------------------------------------------


def owner_language(registry, account, fallback):
    """The account's preferred language if the site still has it, else ``fallback``."""
    lang = account.preferences.language
    return lang if lang in languages(registry) else fallback


def _links(registry, base_url):
    """A request that makes the mails' links on ``base_url``."""
    request = Request.blank("/", base_url=base_url)
    request.registry = registry
    apply_request_extensions(request)
    return request


def _lifetime(purpose, lang):
    """How long a link of ``purpose`` works, in words of ``lang`` ("1 uur", "3 jours")."""
    return format_timedelta(timedelta(seconds=MAX_AGE[purpose]), locale=lang)


def _token_link(registry, links, account, purpose, lang, data=None):
    """An absolute link to the page that uses a new token of ``purpose`` (a write)."""
    token = issue(registry.settings["shopcms.secret"], account, purpose, now(registry), data)
    return links.link(None, *LINK_PAGES[purpose], lang=lang, query={"token": token}, absolute=True)


def _mail(registry, intent, template, address, lang, values):
    base = intent["base_url"]
    return compose(
        registry,
        f"shopcms.accounts:templates/mail/{template}",
        {"base_url": base, "lang": lang, **values},
        lang=lang,
        to=address,
        subject=SUBJECTS[template],
        application_url=base,
    )


def _linked(registry, intent, account, template, purpose, lang, data=None, **values):
    """The mail ``template`` to ``account`` (or ``data``'s address) with a token link."""
    links = _links(registry, intent["base_url"])
    values = {
        "link": _token_link(registry, links, account, purpose, lang, data),
        "lifetime": _lifetime(purpose, lang),
        **values,
    }
    return _mail(registry, intent, template, data or account.email, lang, values)


def _register_exists(registry, intent, account):
    lang = owner_language(registry, account, intent["lang"])
    links = _links(registry, intent["base_url"])
    values = {
        "login_url": links.link(None, "login", lang=lang, absolute=True),
        "reset_url": links.link(None, "reset", lang=lang, absolute=True),
    }
    return _mail(registry, intent, "register_exists", account.email, lang, values)


def compose_verification(registry, site, intent):
    account = site["customers"].find(intent["address"])
    if account is None or not account.active or account.email_verified:
        return None
    return _linked(registry, intent, account, "verify_email", VERIFY_EMAIL, intent["lang"])


def compose_reset(registry, site, intent):
    account = site["customers"].find(intent["address"])
    if account is None or not account.active:
        return None
    return _linked(registry, intent, account, "reset_password", RESET_PASSWORD, intent["lang"])


def compose_registration(registry, site, intent):
    """A new (unverified) account gets its link; a verified one a word to its owner.

    An account still unverified gets the link again even if this registration was not its
    first: the link goes only to that mailbox, and the reset link verifies it as well.
    """
    account = site["customers"].find(intent["address"])
    if account is None or not account.active:
        return None
    if not account.email_verified:
        return compose_verification(registry, site, intent)
    return _register_exists(registry, intent, account)


def compose_email_change(registry, site, intent):
    customers = site["customers"]
    account = customers.get(intent["account"])
    if account is None or account.email == intent["address"]:
        return None
    other = customers.find(intent["address"])
    if other is not None:
        return _register_exists(registry, intent, other)
    new = intent["address"]
    return _linked(
        registry, intent, account, "change_email", CHANGE_EMAIL, intent["lang"], new, new_email=new
    )


def compose_email_changed(registry, site, intent):
    account = site["customers"].get(intent["account"])
    if account is None:
        return None
    lang = owner_language(registry, account, intent["lang"])
    links = _links(registry, intent["base_url"])
    values = {
        "new_email": account.email,
        "contact_url": links.link(None, "pages", "contact", lang=lang, absolute=True),
    }
    return _mail(registry, intent, "email_changed", intent["address"], lang, values)


COMPOSERS = {
    "verify_email": compose_verification,
    "reset_password": compose_reset,
    "register": compose_registration,
    "change_email": compose_email_change,
    "email_changed": compose_email_changed,
}


def includeme(config):
    # One limit per application, made before any request can ask for it.
    config.registry.shopcms_account_mail_throttle = Throttle(PER_HOUR, 3600, clients=ADDRESSES)
    for kind, composer in COMPOSERS.items():
        config.add_mail_composer(kind, composer)
