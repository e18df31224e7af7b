"""Entering a code in the cart: each reason a code is refused, with its own message in
the visitor's language (400, the message next to the field, nothing kept), and no posted
value ever changes a discount."""

from datetime import timedelta
from decimal import Decimal

import pytest

from shopcms.web.clock import now
from tests.conftest import PASSWORD, login
from tests.orders.test_checkout import orders, place_form, review
from tests.promotions.helpers import (
    CACTUS,
    MUG,
    add_to_cart,
    code_error,
    enter_code,
    make_promotion,
)


def _later(site, **delta):
    return now(site.registry) + timedelta(**delta)


def _used_up(site):
    make_promotion(site, "LAST", total_uses=1)
    with site.edit() as root:
        root["promotions"]["last"].take_use("email:someone@example.be")
    return "LAST"


def _used_by_customer(site, app):
    account = site.add_account("klant@example.be")
    make_promotion(site, "ONCE", uses_per_customer=1)
    with site.edit() as root:
        root["promotions"]["once"].take_use(f"account:{account}")
    login(app, "klant@example.be", PASSWORD)
    return "ONCE"


def _combined(site, app):
    make_promotion(site, "FIRST")
    make_promotion(site, "SECOND", combinable=True)
    enter_code(app, "FIRST")
    return "SECOND"


SETUPS = {
    "unknown": lambda site, app: "NOPE",
    "not yet valid": lambda site, app: (
        make_promotion(site, "SOON", valid_from=_later(site, days=2)) or "SOON"
    ),
    "expired": lambda site, app: (
        make_promotion(site, "GONE", valid_until=_later(site, hours=-1)) or "GONE"
    ),
    "used up": lambda site, app: _used_up(site),
    "per customer": _used_by_customer,
    "minimum": lambda site, app: make_promotion(site, "BIG", minimum=Decimal("100")) or "BIG",
    "nothing applies": lambda site, app: (
        make_promotion(site, "POTS", scope="categories", targets=("pots",)) or "POTS"
    ),
    "not combinable": _combined,
}

MESSAGES = {
    "unknown": (
        "De code NOPE bestaat niet.",
        "Le code NOPE n'existe pas.",
        "The code NOPE does not exist.",
    ),
    "not yet valid": (
        "De code SOON is geldig vanaf ",
        "Le code SOON est valable à partir du ",
        "The code SOON is valid from ",
    ),
    "expired": (
        "De code GONE is verlopen op ",
        "Le code GONE a expiré le ",
        "The code GONE expired on ",
    ),
    "used up": (
        "De code LAST is opgebruikt.",
        "Le code LAST est épuisé.",
        "The code LAST is used up.",
    ),
    "per customer": (
        "U hebt de code ONCE al zo vaak gebruikt als toegestaan.",
        "Vous avez déjà utilisé le code ONCE autant de fois qu'il le permet.",
        "You have already used the code ONCE as often as it allows.",
    ),
    "minimum": (
        "De code BIG geldt vanaf een bestelling van € 100,00.",
        "Le code BIG est valable à partir d'une commande de 100,00 €.",
        "The code BIG is valid from an order of 100,00 €.",
    ),
    "nothing applies": (
        "De code POTS geldt voor geen enkel product in uw winkelmandje.",
        "Le code POTS ne s'applique à aucun produit de votre panier.",
        "The code POTS does not apply to any product in your cart.",
    ),
    "not combinable": (
        "De code SECOND kan niet samen met de code FIRST gebruikt worden.",
        "Le code SECOND ne peut pas être combiné avec le code FIRST.",
        "The code SECOND cannot be combined with the code FIRST.",
    ),
}


@pytest.mark.parametrize("reason", list(SETUPS))
def test_each_refusal_has_its_own_message_in_each_language(site, app, reason):
    add_to_cart(app, CACTUS, 2)
    code = SETUPS[reason](site, app)
    for lang, message in zip(("nl", "fr", "en"), MESSAGES[reason], strict=True):
        page = enter_code(app, code.lower(), lang=lang, status=400)
        error = code_error(page).replace("\xa0", " ").replace("\u202f", " ")
        assert error.startswith(message), (lang, error)
        # Nothing kept: the cart shows no discount for the refused code.
        assert code not in app.get(f"/{lang}/cart").html.select_one("table.cart").get_text()
    assert len(set(MESSAGES[reason])) == 3


def test_a_code_applies_in_any_case_and_can_be_removed(site, app):
    make_promotion(site)
    add_to_cart(app, CACTUS, 1)
    enter_code(app, "Cactus10").follow()
    page = app.get("/nl/cart")
    assert page.html.select_one(".cart-discount").get_text(strip=True) == "−\xa0€\xa01,85"
    page.forms["discount-remove-cactus10"].submit("remove", status=303)
    assert app.get("/nl/cart").html.select_one(".cart-discount") is None


def test_forged_fields_never_change_a_discount(site, app):
    """The code form and the checkout take only a code: an amount, a percentage or a
    discount posted beside it is not read, and a summary recomputes from the database."""
    make_promotion(site, scope="categories", targets=("cacti",), minimum=Decimal("30"))
    add_to_cart(app, CACTUS, 2)
    add_to_cart(app, MUG, 1)
    form = app.get("/nl/cart").forms["discount-code"]
    form["code"] = "CACTUS10"
    fields = list(form.submit_fields())
    forged = [*fields, ("value", "90"), ("discount", "45.00"), ("amount", "45.00"), ("apply", "")]
    app.post("/nl/cart-code", forged, status=303)
    assert app.get("/nl/cart").html.select_one(".cart-total").get_text(strip=True) == ("€\xa053,75")
    # Placing the order with forged discount fields beside the real ones changes nothing.
    form = place_form(review(app))
    form["accept_terms"] = True
    fields = list(form.submit_fields())
    forged = [*fields, ("discount", "50.00"), ("code", "OTHER"), ("total", "1.00")]
    app.post("/nl/checkout", forged, status=303)
    (order,) = orders(site)
    assert order.total == Decimal("53.75")
    assert order.discounts[0]["amount"] == Decimal("3.70")
