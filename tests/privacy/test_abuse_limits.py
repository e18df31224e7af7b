"""The privacy statement on the limits against abuse (``web.limits``): the counts per
connection are kept under a keyed hash of the address, only in memory, and forgotten once
their window (at most a day) is over.  ``tests/web/test_limits.py`` shows the hash and the
forgetting; the checkout's and balance page's tests show the gift card limits at work."""

import gc
import importlib

import pytest

from shopcms.pages.content import read_page_file
from shopcms.privacy.purposes import ABUSE_LIMITS, PURPOSES, Basis
from shopcms.web.limits import Throttle
from tests.conftest import DEFAULT_CONTENT

SAYS = {
    "nl": ("sleutelhash", "nooit het adres zelf", "alleen in hun geheugen", "hoogstens een dag"),
    "fr": ("hachage à clé", "jamais l'adresse elle-même", "dans leur mémoire", "un jour au plus"),
    "en": ("keyed hash", "never the address itself", "only in their memory", "one day at most"),
}
#: ... and that account mails are counted per e-mail address (``accounts.mail``; the
#: password reset's tests show the count under a keyed hash).
MAILS = {
    "nl": "accountmails (een bevestigings- of wachtwoordlink) voor een e-mailadres",
    "fr": "e-mails de compte (un lien de confirmation ou de nouveau mot de passe)",
    "en": "account e-mails (a confirmation or password reset link)",
}
#: The modules that keep a limit per connection (the statement names what each counts).
LIMITED = (
    "shopcms.giftcards.api",
    "shopcms.giftcards.views.balance",
    "shopcms.reviews.helpful",
    "shopcms.contests.guard",
)


@pytest.mark.parametrize("lang", sorted(SAYS))
def test_the_statement_says_how_the_limits_keep_their_counts(lang):
    _title, body, _digest = read_page_file(DEFAULT_CONTENT / "pages" / "privacy" / f"{lang}.md")
    assert all(words in body for words in SAYS[lang])
    assert MAILS[lang] in body


def test_no_limit_remembers_a_connection_longer_than_a_day():
    for name in LIMITED:
        importlib.import_module(name)
    throttles = [o for o in gc.get_objects() if isinstance(o, Throttle)]
    assert len(throttles) >= 6  # the gift cards' two, the reviews' three, the contests'
    assert max(throttle.seconds for throttle in throttles) <= 24 * 3600


def test_the_record_of_processing_declares_the_limits():
    purpose = PURPOSES[ABUSE_LIMITS]
    assert purpose.basis is Basis.LEGITIMATE
    assert "keyed hash" in purpose.data and "never the address itself" in purpose.data
    assert "one day at most" in purpose.retention
