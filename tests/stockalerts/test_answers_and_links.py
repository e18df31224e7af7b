"""The answer says nothing about the address; the confirmation link is single-use, expires,
cannot be forged, and its GET writes nothing."""

from datetime import timedelta

from shopcms.tree.database import get_database
from tests.conftest import Browser
from tests.outbox import queued
from tests.stockalerts.helpers import (
    OUT,
    ask,
    confirm,
    confirmation_link,
    customer,
    notice,
    stored,
)


def links(site):
    """``{address: confirmation link}`` of the confirmation mails waiting in the outbox."""
    return {to: confirmation_link(message) for to, message in queued(site)}


def test_the_same_answer_for_a_new_a_subscribed_and_a_customers_address(site):
    first = ask(Browser(site.wsgi), "known@example.be")
    confirm(links(site)["known@example.be"], site=site)
    logged_in = customer(site, "klant@example.be")

    answers = [
        ask(Browser(site.wsgi), "new@example.be"),  # a new address
        ask(Browser(site.wsgi), "Known@Example.be"),  # subscribed already (another spelling)
        ask(Browser(site.wsgi), "klant@example.be"),  # a customer's, typed by a guest
        ask(logged_in, "klant@example.be"),  # the customer's own, logged in
    ]
    assert {notice(page) for page in [first, *answers]} == {notice(first)}
    assert {page.request.path for page in answers} == {f"/nl/products/{OUT}"}
    # One alert per product and address; the logged-in customer's confirmed at once.
    assert stored(site) == {
        "known@example.be": True,
        "new@example.be": False,
        "klant@example.be": True,
    }


def test_a_confirmation_link_works_once_and_its_get_writes_nothing(site):
    ask(Browser(site.wsgi), "once@example.be", lang="fr")
    link = links(site)["once@example.be"]
    database = get_database(site.registry)
    before = database.lastTransaction()
    page = Browser(site.wsgi).get(link, status=200)
    assert "once@example.be" in page.text and "stock-alert-confirm" in page.forms
    assert database.lastTransaction() == before
    assert stored(site) == {"once@example.be": False}

    answer = page.forms["stock-alert-confirm"].submit("confirm", status=200)
    assert "Votre alerte est confirmée" in answer.text
    assert stored(site) == {"once@example.be": True}

    again = Browser(site.wsgi).get(link, status=410)
    assert "Ce lien a déjà été utilisé" in again.text
    assert "stock-alert-confirm" not in again.forms
    page.forms["stock-alert-confirm"].submit("confirm", status=410)


def test_an_expired_or_forged_link_is_refused_in_the_pages_language(site):
    ask(Browser(site.wsgi), "late@example.be", lang="en")
    link = links(site)["late@example.be"]
    forged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    assert "not a valid confirmation link" in Browser(site.wsgi).get(forged, status=400).text

    clock = site.registry.shopcms_clock
    site.registry.shopcms_clock = lambda: clock() + timedelta(days=7, minutes=1)
    try:
        expired = Browser(site.wsgi).get(link.replace("/en/", "/nl/"), status=410)
    finally:
        site.registry.shopcms_clock = clock
    assert "Deze link is verlopen" in expired.text
    assert stored(site) == {"late@example.be": False}
