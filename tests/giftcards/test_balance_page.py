"""The public balance page ``/{lang}/giftcard``: whoever holds a code sees what the card
still holds, until when, and how it was spent (never the orders); a typo, an unknown code
and an expired card are each told in the visitor's language; the code is never in an
address, never written back into the page, and the page is not cached (its address holds
no secret); its POST writes nothing; a client that tries too many codes is stopped (429)."""

import logging
from datetime import timedelta
from decimal import Decimal

import pytest

from shopcms.giftcards.views import balance
from shopcms.web.clock import now
from shopcms.web.layout import format_money
from tests.giftcards.helpers import issue, spend


@pytest.fixture(autouse=True)
def _fresh_limit():
    balance.TRIES.clear()
    yield
    balance.TRIES.clear()


def money(amount, lang):
    return format_money(Decimal(amount), lang)


def ask(app, code, lang="nl", status=200):
    form = app.get(f"/{lang}/giftcard").forms["giftcard-balance"]
    form["code"] = code
    return form.submit("check", status=status)


def error_text(page):
    return page.html.select_one(".error-summary, [role=alert]").get_text(" ", strip=True)


def test_the_balance_value_expiry_and_movements_without_orders(site, app):
    code = issue(site, "50.00", order="2026-000101")
    spend(site, code, "20.00", "2026-000202")
    database = site.registry._zodb_databases[""]
    page = app.get("/en/giftcard")
    assert page.headers["Cache-Control"] == "no-store"
    before = database.lastTransaction()
    # Typed as a customer copies it from paper: lower case, spaces instead of dashes.
    answer = ask(app, code.lower().replace("-", " "), lang="en")
    assert database.lastTransaction() == before  # the POST wrote nothing
    assert answer.headers["Cache-Control"] == "no-store"
    # The address holds no secret: the site's policy sends other sites the origin only.
    assert answer.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    result = answer.html.select_one(".giftcard-result")
    assert f"•••• {code[-4:]}" in result.get_text()
    assert result.select_one(".giftcard-remaining").get_text(strip=True) == money("30", "en")
    assert result.select_one(".giftcard-value").get_text(strip=True) == money("50", "en")
    expires = result.select_one(".giftcard-expires").get_text(strip=True)
    assert expires.endswith(str(now(site.registry).year + 2)) and "December" in expires
    rows = [
        [cell.get_text(strip=True) for cell in row.select("td")]
        for row in result.select(".giftcard-movements tbody tr")
    ]
    assert [(row[1], row[2]) for row in rows] == [
        ("Spent", money("20", "en")),
        ("Issued", money("50", "en")),
    ]
    # Neither the code nor the orders are in the page; the form is empty again.
    body = answer.text
    assert code not in body and code.replace("-", "") not in body
    assert "2026-000101" not in body and "2026-000202" not in body
    assert answer.forms["giftcard-balance"]["code"].value == ""
    # The code went in the body of the POST, never in an address.
    assert code.lower() not in answer.request.url.lower()
    # Another card is asked for from the answer's own form.
    again = answer.forms["giftcard-balance"]
    again["code"] = code
    assert again.submit("check").html.select_one(".giftcard-remaining") is not None


def test_the_page_speaks_the_visitors_language(site, app):
    code = issue(site, "25.00")
    result = ask(app, code, lang="fr").html.select_one(".giftcard-result")
    assert result.select_one(".giftcard-remaining").get_text(strip=True) == money("25", "fr")
    assert "décembre" in result.select_one(".giftcard-expires").get_text()


def test_a_typo_and_an_unknown_code_are_told_apart(site, app):
    issue(site)
    page = ask(app, "K7QM-2D9X", lang="en", status=400)
    assert "This is not a gift card code" in error_text(page)
    assert page.html.select_one(".giftcard-result") is None
    page = ask(app, "K7QM-2D9X-F3TB-8WHN", lang="en", status=400)
    assert "We do not know this gift card code" in error_text(page)
    page = ask(app, "", lang="en", status=400)
    assert page.html.select_one(".giftcard-result") is None


def test_an_expired_card_still_shows_its_balance_and_says_it_expired(site, app):
    code = issue(site, "40.00", when=now(site.registry) - timedelta(days=3 * 366))
    page = ask(app, code, lang="en")
    result = page.html.select_one(".giftcard-result")
    assert result.select_one(".giftcard-remaining").get_text(strip=True) == money("40", "en")
    assert "This gift card expired on" in result.select_one(".giftcard-expired").get_text()


def test_too_many_tries_from_one_client_are_refused(site, app):
    code = issue(site)
    for _try in range(balance.LIMIT - 1):
        ask(app, "K7QM-2D9X-F3TB-8WHN", lang="en", status=400)
    ask(app, code, lang="en")  # the tenth try: still answered
    page = ask(app, code, lang="en", status=429)
    assert page.headers["Retry-After"] == str(balance.WINDOW)
    assert "too often" in error_text(page)
    assert page.html.select_one(".giftcard-result") is None


def test_every_pages_footer_leads_to_the_balance_page(app):
    for lang, title in (("nl", "Saldo van een cadeaubon"), ("fr", "Solde d’une carte cadeau")):
        footer = app.get(f"/{lang}/").html.select_one("footer")
        link = footer.select_one(f'a[href="/{lang}/giftcard"]')
        assert link is not None and link.get_text(strip=True) == title


def test_the_code_is_in_no_log(site, app, caplog):
    caplog.set_level(logging.DEBUG)
    code = issue(site)
    ask(app, code, lang="en")
    other = code[:-4] + ("1111" if code.endswith("0000") else "0000")
    ask(app, other, lang="en", status=400)  # unknown
    logged = caplog.text.upper()
    assert code not in logged and code.replace("-", "") not in logged
    assert code[:-4].replace("-", "") not in logged.replace("-", "")
