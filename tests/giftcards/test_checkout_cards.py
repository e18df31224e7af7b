"""Paying with a gift card at checkout: the review shows what it pays and what is left,
the order keeps it and asks only the rest, a card paying everything pays the order alone,
a card that cannot pay is refused in the visitor's language, and the amount the review
posts is only compared, never charged."""

from decimal import Decimal

import pytest

from shopcms.mail import send_queued
from tests.conftest import PASSWORD, login, make_site
from tests.giftcards.helpers import balance, make_card, text
from tests.orders.test_checkout import add_to_cart, checkout_form, fill, orders, place_form


def review_with(app, code, lang="nl", status=200, **extra):
    return fill(checkout_form(app, lang), gift_card=code, **extra).submit(status=status)


def place_reviewed(page, status=303, **overrides):
    form = place_form(page)
    form["accept_terms"] = True
    for name, value in overrides.items():
        form[name] = value
    return form.submit(status=status)


def test_a_card_pays_part_and_the_transfer_asks_only_the_rest(site, app, smtp):
    key, code = make_card(site, "20.00")
    add_to_cart(app, "mug-cafe", 2)  # 27.00 + 6.95 shipping = 33.95
    reviewed = review_with(app, code.lower())
    assert f"Cadeaubon •••• {code[-4:]}" in text(reviewed, ".gift-card-pays")
    assert text(reviewed, ".order-gift-card") == "− € 20,00"
    assert text(reviewed, ".order-due") == "€ 13,95"
    assert "€ 13,95" in text(reviewed, ".left-to-pay")
    confirmation = place_reviewed(reviewed).follow()
    (order,) = orders(site)
    assert order.total == Decimal("33.95") and order.due == Decimal("13.95")
    assert order.payment_method == "transfer" and order.state == "placed"
    assert order.gift_cards == ({"card": key, "last4": code[-4:], "amount": Decimal("20.00")},)
    assert balance(site, key) == Decimal("0.00")
    # The transfer asks the rest, as does its QR code's text.
    assert "€ 13,95" in text(confirmation, ".payment-instructions")
    assert text(confirmation, ".order-due") == "€ 13,95"
    assert f"Betaald met cadeaubon •••• {code[-4:]}" in text(confirmation, "tr.gift-card")
    # The order mail: the card, what is left, and a transfer of the rest.
    assert send_queued(site.registry).sent == 1
    (mail,) = smtp.wait_for(1)
    plain = mail.message.get_body(("plain",)).get_content().replace("\xa0", " ")
    assert f"Betaald met cadeaubon •••• {code[-4:]}: - € 20,00" in plain
    assert "Nog te betalen: € 13,95" in plain
    assert "Schrijf € 13,95 over" in plain


def test_a_card_paying_everything_pays_the_order_alone(site, app):
    key, code = make_card(site, "50.00")
    add_to_cart(app, "mug-cafe", 1)  # 13.50 + 6.95 = 20.45
    reviewed = review_with(app, code)
    assert reviewed.html.select_one(".gift-card-whole") is not None
    assert not reviewed.html.select(".left-to-pay")
    confirmation = place_reviewed(reviewed).follow()
    (order,) = orders(site)
    assert order.payment_method == "giftcard" and order.state == "paid"
    assert order.due == Decimal("0.00")
    assert order.workflow_history[-1].actor == "system:giftcard"
    assert balance(site, key) == Decimal("29.55")
    assert confirmation.html.select_one(".payment-instructions") is None


def test_an_unknown_code_is_refused_in_the_visitors_language_with_the_form_kept(site, app):
    add_to_cart(app, "mug-cafe", 1, "fr")
    page = review_with(app, "AAAA-BBBB-CCCC-DDDD", "fr", status=400)
    error = text(page, "#checkout-gift-card-error")
    assert "Nous ne connaissons pas ce code de carte cadeau" in error
    assert page.html.select_one("input[name=street]")["value"] == "Kerkstraat 1"
    assert orders(site) == []


def test_guessing_codes_at_checkout_is_stopped_and_a_customer_with_a_card_is_not(site, app):
    key, code = make_card(site, "50.00")
    add_to_cart(app, "mug-cafe", 1)  # 20.45
    # A customer who reviews their order again and again with their card is never stopped,
    # nor one who mistypes it a few times.
    for _ in range(12):
        reviewed = review_with(app, code)
    for n in range(10):
        review_with(app, f"AAAA-BBBB-CCCC-DDD{'ABCDEFGHJK'[n]}", status=400)
    # After ten unknown codes in ten minutes no code of this client is read any more, not
    # even a real one, and the answer says when to come back.
    stopped = review_with(app, code, status=429)
    assert stopped.headers["Retry-After"] == "600"
    assert "Wacht tien minuten" in text(stopped, "#checkout-gift-card-error")
    assert stopped.html.select_one("input[name=street]")["value"] == "Kerkstraat 1"
    # Placing from the review shown before is refused too: nothing placed, nothing spent.
    refused = place_reviewed(reviewed, status=409)
    assert "Wacht tien minuten" in text(refused, ".checkout-problem")
    assert orders(site) == [] and balance(site, key) == Decimal("50.00")


def test_an_expired_or_spent_card_is_refused(site, app):
    key, code = make_card(site, "10.00")
    with site.edit() as root:
        root["giftcards"][key].balance.move(None, "spent", Decimal("-10.00"), "2026-000002")
    add_to_cart(app, "mug-cafe", 1)
    page = review_with(app, code, status=400)
    assert "Deze cadeaubon is volledig opgebruikt." in page.text


def test_a_card_spent_meanwhile_places_nothing_and_asks_to_review_again(site, app):
    key, code = make_card(site, "50.00")
    add_to_cart(app, "mug-cafe", 1)
    reviewed = review_with(app, code)
    with site.edit() as root:  # a parallel checkout takes 40 euro of it
        root["giftcards"][key].balance.move(None, "spent", Decimal("-40.00"), "2026-000009")
    refused = place_reviewed(reviewed, status=409)
    assert "€ 10,00" in text(refused, ".checkout-problem")
    assert "bekijk ze opnieuw" in text(refused, ".checkout-problem")
    assert orders(site) == [] and balance(site, key) == Decimal("10.00")
    # Reviewed again, the card pays its 10 euro and the transfer the rest.
    again = review_with(app, code)
    place_reviewed(again)
    (order,) = orders(site)
    assert order.due == Decimal("10.45") and balance(site, key) == Decimal("0.00")


def test_tampering_with_the_posted_amount_charges_nothing_else(site, app):
    key, code = make_card(site, "50.00")
    add_to_cart(app, "mug-cafe", 2)  # 33.95
    reviewed = review_with(app, code)
    shown = place_form(reviewed)["gift_card_pays"].value
    assert shown == "33.95"
    for forged in ("50.00", "1.00", "-5", "nonsense", ""):
        place_reviewed(reviewed, status=409, gift_card_pays=forged)
        assert orders(site) == [] and balance(site, key) == Decimal("50.00")
    place_reviewed(reviewed, gift_card_pays=shown)
    (order,) = orders(site)
    assert order.gift_cards[0]["amount"] == Decimal("33.95")
    assert balance(site, key) == Decimal("16.05")


def test_a_cancelled_order_gives_the_card_its_amount_back(site, app):
    key, code = make_card(site, "20.00")
    add_to_cart(app, "mug-cafe", 2)
    place_reviewed(review_with(app, code))
    assert balance(site, key) == Decimal("0.00")
    with site.edit() as root:
        (order,) = root["orders"].values()
        order.transition(None, "cancel", actor="system:test")
    assert balance(site, key) == Decimal("20.00")


def test_the_customers_order_page_shows_the_card_and_what_was_left(site, app):
    site.add_account("an@example.be")
    login(app, "an@example.be", PASSWORD)
    _key, code = make_card(site, "20.00")
    add_to_cart(app, "mug-cafe", 2)
    place_reviewed(review_with(app, code))
    (order,) = orders(site)
    page = app.get(f"/nl/account/orders/{order.number}")
    assert f"Betaald met cadeaubon •••• {code[-4:]}" in text(page, "tr.gift-card")
    assert text(page, ".order-gift-card") == "− € 20,00"
    assert text(page, ".order-due") == "€ 13,95"


def test_the_gift_card_method_is_never_offered_nor_configurable(site, app, tmp_path):
    add_to_cart(app, "mug-cafe", 1)
    page = app.get("/nl/checkout")
    assert page.html.select("input[name=payment]")
    assert not page.html.select("input[name=payment][value=giftcard]")
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(ValueError, match="shopcms.payments: the gift card is not offered"):
        make_site(other, **{"shopcms.payments": "transfer giftcard"})
