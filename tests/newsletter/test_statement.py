"""The privacy statement's newsletter section, the record of processing and the contact page
say what the software does (issue 14, acceptance 8), in nl, fr and en.

Each test reads the published page through the site (``/{lang}/privacy``,
``/{lang}/pages/contact``, ``/{lang}/manage/privacy/purposes``), finds the claim in the
page's language, and checks it against the code: the model's contracts here, the export,
erasure and retention in ``test_privacy``; the mails, pages and commands of the other
parts of the newsletter in their own tests (the claims and their tests are listed in the
issue's closing note).
"""

import re
from datetime import timedelta

import pytest

from shopcms.newsletter import api, subscriptions, suppression, tokens
from shopcms.newsletter.inbound.subjects import SENTENCES
from shopcms.newsletter.mail import queue_confirmation
from shopcms.newsletter.resources import (
    ACTIVE,
    BOUNCED,
    ERASED,
    FOOTER,
    PENDING,
    SOURCES,
    UNSUBSCRIBED_BY_LINK,
    Campaign,
)
from shopcms.privacy.purposes import NEWSLETTER, PURPOSES, Basis
from shopcms.web.clock import now
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Browser, login
from tests.outbox import queued

SECRET = "test-secret-" + "x" * 40
LANGS = ("nl", "fr", "en")
HEADINGS = {
    "nl": "Nieuwsbrief en aanbiedingen",
    "fr": "Newsletter et offres",
    "en": "Newsletter and offers",
}
UNSUBSCRIBE_ADDRESS = "info@softcactus.be"  # shopcms.newsletter.unsubscribe_address's default

#: The words each claim is made with, per language.
CLAIMS = {
    "confirmation link": {
        "nl": "bevestigingslink",
        "fr": "lien de confirmation",
        "en": "confirmation link",
    },
    "7 days": {"nl": "7 dagen", "fr": "7 jours", "en": "7 days"},
    "one click": {"nl": "één klik", "fr": "un seul clic", "en": "one click"},
    "account page": {
        "nl": "pagina van uw account",
        "fr": "page de votre compte",
        "en": "account page",
    },
    "already waiting": {"nl": "al klaarstonden", "fr": "déjà prévu", "en": "already waiting"},
    # The mails asked for by entering a contest still go (tests/contests/test_statement.py).
    "contest mails asked for": {
        "nl": "wedstrijdmails die u vraagt",
        "fr": "e-mails de concours que vous demandez",
        "en": "contest mails you ask for",
    },
    "orders": {"nl": "bestellingen", "fr": "commandes", "en": "orders"},
    "reason and date": {
        "nl": "de reden en de datum",
        "fr": "le motif et la date",
        "en": "the reason and the date",
    },
    "hard bounce": {"nl": "harde bounce", "fr": "hard bounce", "en": "hard bounce"},
    "confirm again": {
        "nl": "bevestigt u opnieuw",
        "fr": "confirmez à nouveau",
        "en": "confirm again",
    },
    "keyed hash": {"nl": "sleutelhash", "fr": "hachage à clé", "en": "keyed hash"},
    "no pixel": {
        "nl": "geen trackingpixel",
        "fr": "aucun pixel de suivi",
        "en": "no tracking pixel",
    },
    "per link": {"nl": "alleen per link", "fr": "par lien uniquement", "en": "per link only"},
    "statement version": {
        "nl": "welke versie van deze privacyverklaring",
        "fr": "quelle version de la présente déclaration",
        "en": "which version of this privacy statement",
    },
}


def section(page, heading):
    """The text and links of the section under the ``h2`` titled ``heading``."""
    [title] = [h for h in page.html.select("h2") if h.get_text(strip=True) == heading]
    parts = []
    for sibling in title.find_next_siblings():
        if sibling.name == "h2":
            break
        parts.append(sibling)
    text = " ".join(part.get_text(" ", strip=True) for part in parts)
    return " ".join(text.split()), [a["href"] for part in parts for a in part.select("a")]


def quoted(text):
    """The sentences between quotes ("...", « ... ») in ``text``."""
    pairs = re.findall(r'"([^"]+)"|«\s*([^»]+?)\s*»', text)
    return {(straight or french).strip() for straight, french in pairs}


@pytest.fixture(scope="module")
def statements(tmp_path_factory):
    """``{lang: (newsletter section text, its links, contact page text)}`` as published."""
    from tests.conftest import make_site

    site = make_site(tmp_path_factory.mktemp("statement"))
    app = Browser(site.wsgi)
    found = {}
    for lang in LANGS:
        text, links = section(app.get(f"/{lang}/privacy"), HEADINGS[lang])
        contact = app.get(f"/{lang}/pages/contact").html.select_one("main").get_text(" ")
        found[lang] = (text, links, " ".join(contact.split()))
    site.close()
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_the_section_makes_every_claim_in_its_language(statements, lang):
    text, links, _contact = statements[lang]
    missing = [claim for claim, words in CLAIMS.items() if words[lang] not in text]
    assert missing == []
    assert f"/{lang}/pages/contact" in links
    assert UNSUBSCRIBE_ADDRESS in text
    # The subject to unsubscribe by mail: this language's sentence, word for word.
    assert SENTENCES[lang] in quoted(text)


@pytest.mark.parametrize("lang", LANGS)
def test_the_contact_page_gives_the_three_sentences_word_for_word(statements, lang):
    _text, _links, contact = statements[lang]
    sentences = quoted(contact)
    assert set(SENTENCES.values()) <= sentences
    assert UNSUBSCRIBE_ADDRESS in contact
    assert CLAIMS["one click"][lang] in contact
    assert CLAIMS["account page"][lang] in contact


def test_the_record_of_processing_says_what_the_statement_says(site):
    purpose = PURPOSES[NEWSLETTER]
    assert purpose.basis is Basis.CONSENT and purpose.needs_consent
    assert timedelta(seconds=tokens.CONFIRM_MAX_AGE) == timedelta(days=7)
    admin = Browser(site.wsgi)
    login(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    page = admin.get("/en/manage/privacy/purposes")
    row = " ".join(page.html.select_one("#purpose-newsletter").get_text(" ", strip=True).split())
    for words in (
        "confirmed your subscription with the link",
        "hard bounce",
        "language",
        "version of the privacy statement",
        "Until you unsubscribe",
        "the reason, the date and the record of the consent given and withdrawn",
        "keyed hash",
        "deleted after 7 days",
    ):
        assert words in row


@pytest.mark.parametrize("lang", LANGS)
def test_subscribing_takes_the_link_and_records_the_statement_read(site, lang):
    """Two steps; the data kept; the consent names the revision the page shows."""
    registry, when = site.registry, now(site.registry)

    class Request:
        application_url = "http://localhost"

    Request.registry = registry
    address = f"reader-{lang}@example.be"
    with site.edit() as root:
        newsletter = root["newsletter"]
        found = subscriptions.ask(newsletter, address, lang, FOOTER, when)
        queue_confirmation(Request, root, found)
        assert found.state == PENDING and newsletter.active_count.value == 0
    [(to, message)] = queued(site)
    assert to == address
    assert "/newsletter/confirm?token=" in message.get_body(("plain",)).get_content()
    with site.edit() as root:
        newsletter = root["newsletter"]
        found = subscriptions.find(newsletter, address)
        token = tokens.confirm_token(SECRET, found, when)
        life = timedelta(seconds=tokens.CONFIRM_MAX_AGE)
        subscriptions_ = newsletter.subscriptions
        last = when + life - timedelta(seconds=1)  # the link's last second
        assert tokens.read_confirm_token(SECRET, subscriptions_, token, last)
        late = when + life + timedelta(seconds=1)
        assert tokens.read_confirm_token(SECRET, subscriptions_, token, late) is None
        subscriptions.confirm(newsletter, found, when, lang, registry)
        assert found.state == ACTIVE and found.source in SOURCES
        assert (found.address, found.lang, found.created, found.confirmed) == (
            address,
            lang,
            when,
            when,
        )
        [consent] = found.consents
        statement = root["pages"]["privacy"].in_force(lang, when)
        assert (consent.policy_revision, consent.policy_hash) == (
            statement.id,
            statement.text_hash,
        )
    shown = Browser(site.wsgi).get(f"/{lang}/privacy").html.select_one("h1").get_text(strip=True)
    assert shown == statement.title


def test_after_unsubscribing_the_list_keeps_address_reason_date_and_consents(site):
    registry, when = site.registry, now(site.registry)
    with site.edit() as root:
        newsletter = root["newsletter"]
        found = subscriptions.ask(newsletter, "Ann@Example.be", "en", FOOTER, when)
        subscriptions.confirm(newsletter, found, when, "en", registry)
        later = when + timedelta(days=3)
        entry = subscriptions.unsubscribe(
            newsletter, found, UNSUBSCRIBED_BY_LINK, "newsletter-one-click", "en", later, registry
        )
        assert subscriptions.find(newsletter, "ann@example.be") is None
        assert (entry.address, entry.reason, entry.when) == (
            "ann@example.be",
            UNSUBSCRIBED_BY_LINK,
            later,
        )
        assert [event.granted for event in entry.consents] == [True, False]
        # No newsletter and no contest mail (contests ask ``may_mail``).
        assert api.may_mail(root, "ANN@example.be") is False
        # Subscribing again: a new confirmation, and only then off the list.
        again = subscriptions.ask(newsletter, "ann@example.be", "en", FOOTER, later)
        assert again.state == PENDING and not api.may_mail(root, "ann@example.be")
        subscriptions.confirm(newsletter, again, later, "en", registry)
        assert api.may_mail(root, "ann@example.be")
        # A hard bounce puts an address on the same list.
        subscriptions.unsubscribe_address(
            newsletter, "ann@example.be", BOUNCED, "newsletter-bounce", "en", later, registry
        )
        assert suppression.entry(newsletter, "ann@example.be").reason == BOUNCED
        assert not api.may_mail(root, "ann@example.be")
        # Erasure: only the keyed hash stays (the database scan is in test_privacy).
        subscriptions.erase(newsletter, "ann@example.be", later, registry)
        entry = suppression.entry(newsletter, "ann@example.be")
        assert (entry.address, entry.reason, entry.consents) == (None, ERASED, ())


def test_clicks_are_counted_per_link_never_per_person():
    campaign = Campaign("Spring")
    # The counter is keyed by the link's index and holds a number: nobody's identity.
    assert dict(campaign.clicks) == {}
    assert [name for name in vars(campaign) if "click" in name] == ["clicks"]
