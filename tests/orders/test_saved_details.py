""" "Save my details for next time" at the checkout, and what the next checkout offers.

Without the box ticked nothing of the checkout is kept beyond the order itself: the tests
read the database.
"""

import pytest

from shopcms.privacy import ledger
from shopcms.privacy.account_data import withdraw_account_data
from shopcms.privacy.purposes import ACCOUNT_DATA
from shopcms.web.clock import now
from tests.conftest import PASSWORD, Browser, login
from tests.orders.test_checkout import field, fill_in, forms

DETAILS = {
    "name": "Anna Peeters",
    "phone": "+32 470 12 34 56",
    "delivery.street": "Kerkstraat 1",
    "delivery.postcode": "9000",
    "delivery.city": "Gent",
}


def customer(site, email):
    userid = site.add_account(email)
    app = Browser(site.wsgi)
    login(app, email, PASSWORD)
    return app, userid


def add_to_cart(app, lang="nl"):
    page = app.get(f"/{lang}/products/mug-cafe")
    [form] = [f for f in forms(page) if f.action == f"/{lang}/cart"]
    form.submit(status=303)


def checkout_page(app, lang="nl"):
    add_to_cart(app, lang)
    return app.get(f"/{lang}/checkout")


def checkout_form(page, lang="nl"):
    return [f for f in forms(page) if f.action == f"/{lang}/checkout"][0]


def place(app, keep=False, lang="nl", fill=DETAILS, **extra):
    """Check out one mug (by bank transfer unless ``payment`` says otherwise); the review."""
    form = fill_in(checkout_form(checkout_page(app, lang), lang), {**fill, **extra})
    if keep:
        form["keep_details"] = True
    review = form.submit(status=200)
    [place] = [f for f in forms(review) if f.get("step", default=None) is not None
               and f["step"].value == "place"]  # fmt: skip
    place["accept_terms"] = True
    place.submit(status=303)
    return review


def kept(site, userid):
    """What the account keeps: (addresses without ids, default street, phone, methods,
    consent events)."""

    def read(root):
        prefs = root["customers"][userid].preferences
        default = prefs.address(prefs.default_address)
        return (
            [{k: v for k, v in a.items() if k != "id"} for a in prefs.addresses],
            default["street"] if default else None,
            prefs.phone,
            list(prefs.payment_methods),
            list(prefs.consents),
        )

    return site.read(read)


def test_the_box_is_offered_only_to_customers_and_never_ticked(site, app):
    form = checkout_form(checkout_page(app))
    assert "keep_details" not in form.fields  # a guest has no account to keep them on
    anna, _userid = customer(site, "anna@example.be")
    form = checkout_form(checkout_page(anna))
    assert form["keep_details"].checked is False
    # Its label names what it is for; buying does not depend on it.
    box = form.html.select_one("input[name=keep_details]")
    assert "volgende keer" in form.html.select_one(f"label[for={box['id']}]").text


def test_saved_details_are_offered_at_the_next_checkout(site):
    anna, userid = customer(site, "anna@example.be")
    billing = {
        "separate_billing": True,
        "billing.street": "Veld 3",
        "billing.postcode": "9050",
        "billing.city": "Gent",
    }
    review = place(anna, keep=True, **billing)
    assert review.html.select_one(".keep-details") is not None

    addresses, default, phone, methods, consents = kept(site, userid)
    assert addresses == [
        {"name": "Anna Peeters", "street": "Kerkstraat 1", "postcode": "9000", "city": "Gent",
         "country": "BE"},
        {"name": "Anna Peeters", "street": "Veld 3", "postcode": "9050", "city": "Gent",
         "country": "BE"},
    ]  # fmt: skip
    assert default == "Kerkstraat 1"
    assert phone == DETAILS["phone"]
    assert methods == []  # paid by bank transfer: nothing to keep
    [event] = consents
    assert (event.purpose, event.granted, event.form, event.lang) == (
        ACCOUNT_DATA,
        True,
        "checkout",
        "nl",
    )
    assert event.policy_revision.startswith("privacy:nl:") and len(event.policy_hash) == 64

    # The next checkout is filled in with the default address and the phone, and offers the
    # other saved address; the box is not ticked again.
    form = checkout_form(checkout_page(anna))
    assert field(form, "delivery.street").value == "Kerkstraat 1"
    assert form["name"].value == "Anna Peeters"
    assert form["phone"].value == DETAILS["phone"]
    assert form["keep_details"].checked is False
    options = [o.text for o in form.html.select("select[name=saved_address] option")]
    assert any("Veld 3" in o for o in options) and any("Kerkstraat 1" in o for o in options)


def test_a_chosen_saved_address_replaces_the_typed_one(site):
    anna, userid = customer(site, "anna@example.be")
    place(anna, keep=True)
    place(anna, keep=True, **{"delivery.street": "Molenstraat 8", "delivery.postcode": "3000",
                              "delivery.city": "Leuven"})  # fmt: skip
    leuven = site.read(
        lambda root: next(
            a["id"]
            for a in root["customers"][userid].preferences.addresses
            if a["city"] == "Leuven"
        )
    )
    form = checkout_form(checkout_page(anna))
    form["saved_address"] = leuven
    field(form, "delivery.street").value = "Typed but not wanted 1"
    review = form.submit(status=200)
    assert "Molenstraat 8" in review.html.select_one(".address").text
    [place_form] = [f for f in forms(review) if f.get("step", default=None) is not None
                    and f["step"].value == "place"]  # fmt: skip
    place_form["accept_terms"] = True
    place_form.submit(status=303)
    orders = site.read(lambda root: [o.delivery for o in root["orders"].of_customer(userid)])
    assert orders[0] == {"street": "Molenstraat 8", "postcode": "3000", "city": "Leuven",
                         "country": "BE"}  # fmt: skip


def test_nothing_is_kept_without_the_box(site):
    bert, userid = customer(site, "bert@example.be")
    place(bert)
    assert kept(site, userid) == ([], None, "", [], [])
    [order] = site.read(lambda root: root["orders"].of_customer(userid))
    assert order.delivery["street"] == "Kerkstraat 1"  # the order itself keeps it
    form = checkout_form(checkout_page(bert))
    assert field(form, "delivery.street").value == ""
    assert form.html.select_one("select[name=saved_address]") is None


def test_a_guest_who_sends_the_box_anyway_leaves_nothing_but_the_order(site, app):
    anna, userid = customer(site, "anna@example.be")
    form = fill_in(checkout_form(checkout_page(app)), DETAILS)
    form["email"] = "anna@example.be"
    replaced = {"step": "place"}
    fields = [(name, replaced.get(name, value)) for name, value in form.submit_fields()]
    fields += [("keep_details", "true"), ("accept_terms", "true")]
    app.post("/nl/checkout", fields, status=303)
    assert kept(site, userid) == ([], None, "", [], [])
    assert site.read(lambda root: [o.customer for o in root["orders"].values()]) == [None]


def test_after_withdrawal_the_checkout_offers_nothing_and_keeps_nothing(site):
    anna, userid = customer(site, "anna@example.be")
    place(anna, keep=True)
    with site.edit() as root:
        prefs = root["customers"][userid].preferences
        withdraw_account_data(prefs, root, "nl", now(site.registry), "account-privacy")
    addresses, _default, phone, methods, consents = kept(site, userid)
    assert (addresses, phone, methods) == ([], "", [])
    assert [(e.granted, e.form) for e in consents] == [
        (True, "checkout"),
        (False, "account-privacy"),
    ]
    form = checkout_form(checkout_page(anna))
    assert field(form, "delivery.street").value == ""
    assert form.html.select_one("select[name=saved_address]") is None
    place(anna)  # without the box: still nothing kept
    assert kept(site, userid)[:4] == ([], None, "", [])


@pytest.mark.parametrize("value", ["ffffffffffff", "../x", "x" * 500])
def test_an_address_id_that_is_not_the_customers_is_refused(site, value):
    anna, _anna_id = customer(site, "anna@example.be")
    place(anna, keep=True)
    bert, bert_id = customer(site, "bert@example.be")
    place(bert, keep=True, **{"delivery.street": "Bertstraat 2"})
    bert_address = site.read(lambda root: root["customers"][bert_id].preferences.addresses[0]["id"])
    for forged in (value, bert_address):
        form = checkout_form(checkout_page(anna))
        form["saved_address"].force_value(forged)
        page = form.submit(status=400)
        assert "Bertstraat" not in page.text
    assert len(site.read(lambda root: root["orders"].of_customer(_anna_id))) == 1
    assert site.read(
        lambda root: ledger.given(root["customers"][_anna_id].preferences, ACCOUNT_DATA)
    )
