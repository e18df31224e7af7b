"""Every form, walked as a visitor, a customer and an administrator meet it.

For each role the site is crawled (every page its links reach) and every form that has
fields to fill is sent with values no field accepts (an address that is not an email, text
far too long, a choice that is not offered, a quantity that is not a number, a date that
does not exist) and, if it posts, with its fields left empty (a search or a filter may be
empty).  A form that refuses must answer 400 with:

- an error summary (``role="alert"``) whose links lead to the fields in error,
- each of those fields marked ``aria-invalid="true"`` and described (``aria-describedby``)
  by an element that holds its message,
- ids that are unique on the page.

And a form with a required field must refuse it empty.  Forms without fields to fill (a
"remove" button, the logout) cannot be left empty: their hidden values are checked by their
own tests.
"""

import re
from collections import Counter

import pytest
from webtest.forms import Checkbox, File, Hidden, MultipleSelect, Radio, Select, Submit

from shopcms.privacy import ledger
from shopcms.privacy.purposes import ACCOUNT_DATA
from shopcms.web.clock import now
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login, start_session
from tests.crawl import crawl, webtest_fetch
from tests.factories import make_order

CUSTOMER = "walker@example.be"
#: Values no field accepts, by the kind of input.
BAD = {
    "email": "not-an-email",
    "number": "many",
    "date": "2026-02-31",
    "datetime-local": "someday",
    "tel": "call me",
    "password": "x",
}
TOO_LONG = "x" * 5000


def fields_to_fill(form):
    """The fields a person fills in (not hidden values, not buttons)."""
    return [
        field
        for fields in form.fields.values()
        for field in fields
        if not isinstance(field, Hidden | Submit | File) and field.name
    ]


def empty(form):
    for field in fields_to_fill(form):
        if isinstance(field, Checkbox):
            field.checked = False
        elif isinstance(field, Radio | Select | MultipleSelect):
            field.force_value("")
        else:
            field.value = ""


def bad(form):
    for field in fields_to_fill(form):
        kind = (field.attrs.get("type") or "").lower()
        if isinstance(field, Checkbox):
            field.checked = True
        elif isinstance(field, Radio | Select | MultipleSelect):
            field.force_value("not-an-offered-choice")
        else:
            field.value = BAD.get(kind, TOO_LONG)


def submit(form):
    buttons = [f for fields in form.fields.values() for f in fields if isinstance(f, Submit)]
    name = buttons[0].name if buttons else None
    return form.submit(name, status="*") if name else form.submit(status="*")


def check_refusal(response, where):
    """A refused form: 400, the summary's links lead to fields in error, each described."""
    assert response.status_int == 400, where
    html = response.html
    ids = [tag["id"] for tag in html.select("[id]")]
    assert [i for i, n in Counter(ids).items() if n > 1] == [], where
    summaries = html.select(".error-summary[role=alert]")
    assert summaries, where
    for link in (a for summary in summaries for a in summary.select("a[href^='#']")):
        field = html.select_one(link["href"])
        assert field is not None, (where, link["href"])
        assert field.get("aria-invalid") == "true", (where, link["href"])
        described = (field.get("aria-describedby") or "").split()
        messages = [html.select_one(f"#{i}") for i in described]
        assert any(m is not None and m.text.strip() for m in messages), (where, link["href"])


def walk(browser, starts):
    """Send every form of the pages reachable from ``starts`` empty and with bad values;
    returns ``{(action, fields): (empty status, bad status, required)}``."""
    pages = crawl(webtest_fetch(browser), starts, limit=300)
    seen = {}
    for address, status in sorted(pages.items()):
        if status != 200:
            continue
        page = browser.get(address, status="*")
        if not page.content_type.startswith("text/html"):
            continue
        # WebTest lists a form with an id twice (by index and by id).
        for form in {id(f): f for f in page.forms.values()}.values():
            if not fields_to_fill(form):
                continue
            # A search or filter (GET) may be left empty: only its bad values must refuse.
            spoils = (empty, bad) if (form.method or "GET").upper() == "POST" else (bad,)
            names = tuple(sorted(f.name for f in fields_to_fill(form)))
            # A form of one kind (the edit form of each product, one per cart line) is walked
            # once: its id without the item's number, and its fields.
            key = (re.sub(r"\d+", "N", form.id or form.action or address), names)
            if key in seen:
                continue
            required = any("required" in f.attrs for f in fields_to_fill(form))
            statuses = []
            for spoil in spoils:
                forms = browser.get(address, status="*").forms
                if form.id not in forms:
                    continue  # gone once answered (the cookie banner after a choice)
                fresh = forms[form.id]
                spoil(fresh)
                answer = submit(fresh)
                if answer.status_int == 400 and answer.content_type == "text/html":
                    check_refusal(answer, f"{address} {form.id} {spoil.__name__}")
                statuses.append(answer.status_int)
            if statuses:
                seen[key] = (statuses[0], statuses[-1], required)
    return seen


@pytest.fixture
def customer(site):
    """A customer with what makes their pages show every form: an order, an address."""
    with site.edit() as root:
        account = root["customers"].create(CUSTOMER, PASSWORD)
        ledger.record(
            account.preferences, root, ACCOUNT_DATA, True, "checkout", "nl", now(site.registry)
        )
        account.preferences.add_address("W. Alker", "Kouter 1", "9000", "Gent", "BE", True)
        make_order(root, customer=account.__name__, state="delivered")
    return CUSTOMER


def assert_walked(seen, at_least):
    assert len(seen) >= at_least, sorted(seen)
    for key, (empty_status, bad_status, required) in seen.items():
        if required:
            assert empty_status == 400, key  # a required field refuses to be left empty
        assert empty_status < 500 and bad_status < 500, key


def test_every_form_of_a_visitor(site):
    browser = Browser(site.wsgi)
    start_session(browser)  # a product in the cart: the cart and checkout show their forms
    seen = walk(browser, ["/nl/", "/nl/login", "/nl/register", "/nl/reset", "/nl/checkout"])
    assert_walked(seen, at_least=5)


def test_every_form_of_a_customer(site, customer):
    browser = Browser(site.wsgi)
    login(browser, customer, PASSWORD)
    seen = walk(browser, ["/nl/account/", "/nl/account/security", "/nl/account/privacy"])
    assert_walked(seen, at_least=4)


def test_every_form_of_an_administrator(site):
    browser = Browser(site.wsgi)
    login(browser, ADMIN_EMAIL, ADMIN_PASSWORD)
    seen = walk(browser, ["/nl/manage/"])
    assert_walked(seen, at_least=8)
