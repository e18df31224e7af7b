"""The form "Tell me when it is back" on the page of a product out of stock, in every
language; none on a product in stock; bad input refused with nothing stored."""

import pytest

from tests.conftest import Browser
from tests.stockalerts.helpers import IN, OUT, ask, stored

TITLES = {"nl": "Laat me weten", "fr": "Prévenez-moi", "en": "Tell me when it is back"}


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_form_is_on_an_out_of_stock_product_in_its_language(app, lang):
    page = app.get(f"/{lang}/products/{OUT}")
    section = page.html.select_one("section.stock-alert")
    assert section is not None and section["lang"] == lang
    assert section.h2.get_text().startswith(TITLES[lang])
    form = page.forms["stock-alert"]
    assert form.action.endswith(f"/{lang}/products/{OUT}/stock-alert")
    assert form["email"].value == ""
    assert "stock-alert" not in app.get(f"/{lang}/products/{IN}").forms


def test_bad_input_is_refused_in_the_language_and_nothing_is_stored(site, app):
    refused = ask(app, "not an address", lang="fr", status=400)
    assert "adresse e-mail valide" in refused.text
    assert refused.forms["stock-alert"]["email"].value == "not an address"
    # A product in stock: the form is not shown, and its address refuses.
    form = Browser(site.wsgi).get(f"/en/products/{OUT}").forms["stock-alert"]
    form.action = form.action.replace(OUT, IN)
    form["email"] = "someone@example.be"
    answer = form.submit("notify", status=400)
    assert "This product is in stock" in answer.text
    assert stored(site) == {} and stored(site, IN) == {}


def test_a_hidden_product_refuses_an_alert_and_nothing_is_stored(site, app):
    form = app.get(f"/nl/products/{OUT}").forms["stock-alert"]
    with site.edit() as root:
        root["products"][OUT].publish(False)
    form["email"] = "someone@example.be"
    answer = form.submit("notify", status=404)  # for a visitor, the product is not there
    assert "someone@example.be" not in answer.text
    assert stored(site) == {}
