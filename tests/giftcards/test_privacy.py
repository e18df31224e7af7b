"""The gift cards and the privacy rights (issue 19): the cards an account bought are in its
export and, after its erasure, name no buyer but still hold their money; the privacy
statement and the record of processing say so, in nl, fr and en."""

import json
from decimal import Decimal

import pytest

from shopcms.giftcards import api, codes
from shopcms.privacy.purposes import GIFT_CARDS, PURPOSES, Basis
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login
from tests.giftcards.helpers import CARD_25, CARD_50, buy, pay
from tests.newsletter.test_statement import section

SECRET = "test-secret-" + "x" * 40  # tests.conftest.app_settings


def customer_with_cards(site):
    site.add_account("eva@example.be")
    app = Browser(site.wsgi)
    login(app, "eva@example.be", PASSWORD)
    order = buy(site, app, {CARD_25: 1, CARD_50: 1})
    pay(site, order.number)
    return app, order.number


def test_an_accounts_cards_are_in_its_export_without_their_codes(site):
    app, number = customer_with_cards(site)
    exported = json.loads(app.get("/nl/account/export.json").text)["gift_cards_bought"]
    code = codes.derive(SECRET, number, 0)
    assert [(card["last4"], card["value"], card["remaining"]) for card in exported] == [
        (codes.derive(SECRET, number, 1)[-4:], "50.00", "50.00"),
        (code[-4:], "25.00", "25.00"),
    ]
    assert all(card["order"] == number and card["expires"] for card in exported)
    assert code not in app.get("/nl/account/export.json").text
    assert code[-4:] in app.get("/nl/account/export").text


def test_an_erasure_forgets_the_buyer_and_keeps_the_money(site):
    app, number = customer_with_cards(site)
    # (Its order of cards alone was delivered by their mail: it keeps no account.)
    form = app.get("/nl/account/delete").forms["delete"]
    form["password"] = PASSWORD
    form.submit("delete", status=200)

    def read(root):
        folder = root["giftcards"]
        cards = api.issued_for(root, number)
        return [(c.buyer, c.remaining) for c in cards], len(folder.by_buyer)

    cards, buyers = site.read(read)
    assert cards == [(None, Decimal("25.00")), (None, Decimal("50.00"))] and buyers == 0
    found = site.read(lambda root: api.find(root, codes.derive(SECRET, number, 0)) is not None)
    assert found  # whoever holds the code can still spend it


HEADINGS = {"nl": "Cadeaubonnen", "fr": "Cartes cadeaux", "en": "Gift cards"}
CLAIMS = {
    "nl": (
        "welk account hem kocht",
        "welke bestelling",
        "De code zelf bewaren we niet",
        "een geheime sleutel die niet in de databank staat",
        "zolang hij gebruikt kan worden",
        "10 jaar",
        "noemt de bon zijn koper niet meer",
    ),
    "fr": (
        "le compte qui l'a achetée",
        "la commande",
        "Le code lui-même, nous ne le gardons pas",
        "une clé secrète qui n'est pas dans la base de données",
        "tant qu'elle peut être utilisée",
        "10 ans",
        "la carte ne nomme plus son acheteur",
    ),
    "en": (
        "which account bought it",
        "with which order",
        "We do not keep the code itself",
        "a secret key that is not in the database",
        "for as long as it can be spent",
        "10 years",
        "the card no longer names its buyer",
    ),
}


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_statement_says_what_a_card_keeps_in_its_language(app, lang):
    text, _links = section(app.get(f"/{lang}/privacy"), HEADINGS[lang])
    assert [claim for claim in CLAIMS[lang] if claim not in text] == []


def test_the_record_of_processing_lists_the_gift_cards(site):
    assert PURPOSES[GIFT_CARDS].basis is Basis.CONTRACT
    admin = Browser(site.wsgi)
    login(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    card = admin.get("/en/manage/privacy/purposes").html.select_one(f"#purpose-{GIFT_CARDS}")
    row = " ".join(card.get_text(" ", strip=True).split())
    for words in ("The account and the order that bought the card", "never keep the code"):
        assert words in row
