"""Shared by the promotions' tests: promotions made as the desk makes them, a cart filled
through the product pages' forms, a code entered through the cart's form."""

from datetime import timedelta
from decimal import Decimal

from shopcms.promotions.resources import Promotion
from shopcms.web.clock import now

CACTUS = "echinocactus-grusonii"  # 18.50, 6 %, category cacti
MUG = "mug-cafe"  # 13.50, 21 %, category gifts


def make_promotion(site, code="CACTUS10", **fields):
    """A promotion ``code`` (10 % on everything unless ``fields`` say otherwise), valid
    since yesterday."""
    values = {
        "names": {"nl": "Cactusweek", "fr": "Semaine du cactus", "en": "Cactus week"},
        "kind": "percent",
        "value": Decimal("10"),
        "valid_from": now(site.registry) - timedelta(days=1),
        **fields,
    }
    with site.edit() as root:
        promotion = Promotion(code)
        names = values.pop("names")
        promotion.names.update(names)
        for name, value in values.items():
            setattr(promotion, name, value)
        root["promotions"].add(code.lower(), promotion, registry=site.registry)


def add_to_cart(app, product, qty=1, lang="nl"):
    page = app.get(f"/{lang}/products/{product}")
    form = next(f for f in page.forms.values() if f.action.endswith("/cart"))
    form["qty"] = str(qty)
    form.submit(status=303)


def enter_code(app, code, lang="nl", status=303):
    """Post ``code`` through the cart page's form; the answer."""
    form = app.get(f"/{lang}/cart").forms["discount-code"]
    form["code"] = code
    return form.submit("apply", status=status)


def code_error(page):
    """The message next to the code field (its text, stripped)."""
    return page.html.select_one("#discount-code-code-error").get_text().strip()
