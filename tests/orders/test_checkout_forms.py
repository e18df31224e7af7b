"""The checkout's schemas bound once per option set (``orders.forms``): what differs per
visitor (the CSRF token) is never shared, and the kept schema holds no request."""

from shopcms.orders import forms as checkout_forms
from shopcms.orders.schemas import CheckoutSchema
from tests.conftest import Browser
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
