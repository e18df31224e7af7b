"""The checkout's schemas bound once per option set (``orders.forms``): what differs per
visitor (the CSRF token) is never shared, and the kept schema holds no request; a guest's
first form is rendered once for all guests, their tokens put in."""

import re
from unittest.mock import patch

import pytest

from shopcms.orders import forms as checkout_forms
from shopcms.orders.forms import CheckoutForm
from shopcms.orders.schemas import CheckoutSchema
from tests.conftest import PASSWORD, Browser, login
from tests.orders.test_checkout import add_to_cart, checkout_form, fill, orders


def test_two_visitors_share_the_bound_schema_but_not_their_tokens(site):
    checkout_forms._kept.clear()
    first, second = Browser(site.wsgi), Browser(site.wsgi)
    for browser in (first, second):
        add_to_cart(browser, "mug-cafe", 1)
    form_a, form_b = checkout_form(first), checkout_form(second)
    kept = [key for key in checkout_forms._kept if key[0] is CheckoutSchema]
    assert len(kept) == 1  # the same options, language and site: one binding
    assert form_a["csrf_token"].value and form_b["csrf_token"].value
    assert form_a["csrf_token"].value != form_b["csrf_token"].value
    schema = checkout_forms._kept[kept[0]]
    assert not schema["csrf_token"].default  # nobody's token
    assert all(
        not hasattr(node.bindings["request"], "session") for node in checkout_forms._nodes(schema)
    )
    # Each visitor's own token is accepted: both place their orders.
    for form in (form_a, form_b):
        review = fill(form).submit(status=200)
        place = next(f for f in review.forms.values() if f.id == "place-order")
        place["accept_terms"] = True
        place.submit(status=303)
    assert len(orders(site)) == 2


#: A form's own tokens: the CSRF token (masked anew in every answer) and the one-time token.
TOKENS = re.compile(r'(name="(?:csrf_token|token)" value=")[^"]*(")')


def checkout_form_html(browser, lang):
    page = browser.get(f"/{lang}/checkout")
    start = page.text.index('id="checkout" method="POST"')
    return page.text[start : page.text.index("</form>", start)]


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_a_guests_first_form_is_the_form_rendered_for_them_but_for_the_tokens(site, lang):
    checkout_forms._first.clear()
    first, second = Browser(site.wsgi), Browser(site.wsgi)
    for browser in (first, second):
        add_to_cart(browser, "mug-cafe", 1, lang=lang)
    kept = [checkout_form_html(browser, lang) for browser in (first, second)]
    assert len(checkout_forms._first) == 1  # rendered once for both
    with patch.object(CheckoutForm, "render_first", lambda form, values: form.render(values)):
        rendered = checkout_form_html(first, lang)  # the form rendered in full
    assert TOKENS.sub(r"\1\2", kept[0]) == TOKENS.sub(r"\1\2", rendered)
    tokens = [dict(TOKENS_BY_NAME.findall(html)) for html in kept]
    assert tokens[0]["token"] != tokens[1]["token"]  # each visitor's own one-time token
    assert all(t["token"] and t["csrf_token"] for t in tokens)
    assert checkout_forms.TOKEN_MARK not in kept[0] + kept[1]


def test_a_customers_form_holds_their_details_and_is_never_kept(site):
    site.add_account("an@example.be")
    browser = Browser(site.wsgi)
    login(browser, "an@example.be", PASSWORD)
    add_to_cart(browser, "mug-cafe", 1)
    checkout_forms._first.clear()
    assert 'value="an@example.be"' in checkout_form_html(browser, "nl")
    assert checkout_forms._first == {}


TOKENS_BY_NAME = re.compile(r'name="(csrf_token|token)" value="([^"]*)"')
