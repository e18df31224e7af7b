"""The customer's account shows the gift cards it bought ("Your gift cards"): each by its
last four characters, its value, what remains and until when; never another account's
card, never a code; and the way to the public balance page."""

from decimal import Decimal

from shopcms.web.layout import format_money
from tests.conftest import PASSWORD, login
from tests.giftcards.helpers import issue, spend


def test_the_account_lists_its_own_cards_newest_first(site, app):
    mine = site.add_account("klant@example.be")
    other = site.add_account("ander@example.be")
    first = issue(site, "25.00", order="2026-000001", buyer=mine)
    second = issue(site, "50.00", order="2026-000002", buyer=mine)
    spend(site, second, "12.50", "2026-000009")
    theirs = issue(site, "100.00", order="2026-000003", buyer=other)
    issue(site, "75.00", order="2026-000004", buyer=None)  # a guest's
    login(app, "klant@example.be", PASSWORD, lang="en")
    overview = app.get("/en/account/")
    page = overview.click(href="/en/account/gift-cards", index=0)
    assert page.headers["Cache-Control"] == "no-store"
    rows = page.html.select("table.account-gift-cards tbody tr")
    assert [row["data-last4"] for row in rows] == [second[-4:], first[-4:]]
    cells = {
        cls: rows[0].select_one(f".{cls}").get_text(strip=True) for cls in ("value", "remaining")
    }
    assert cells == {
        "value": format_money(Decimal("50"), "en"),
        "remaining": format_money(Decimal("37.50"), "en"),
    }
    assert rows[0].select_one("th").get_text(strip=True) == f"•••• {second[-4:]}"
    assert rows[0].select_one(".expires time")["datetime"]
    text = page.text
    assert theirs[-4:] not in [row["data-last4"] for row in rows]
    assert first not in text and second not in text
    # The way to the public balance page, for a card received as a present.
    assert page.html.select_one('a[href="/en/giftcard"]') is not None
    assert page.html.select_one('.account-nav a[aria-current="page"]')["href"] == (
        "/en/account/gift-cards"
    )


def test_an_account_without_cards_is_told_so(site, app):
    site.add_account("klant@example.be")
    login(app, "klant@example.be", PASSWORD, lang="en")
    page = app.get("/en/account/gift-cards")
    assert page.html.select_one("table.account-gift-cards") is None
    assert "You have not bought any gift cards." in page.html.get_text()
    app.get("/en/account/gift-cards/anything", status=404)


def test_a_visitor_must_log_in(site, app):
    issue(site, "25.00", buyer=site.add_account("klant@example.be"))
    page = app.get("/en/account/gift-cards", status=403)
    assert page.forms["login"]
    assert page.html.select_one(".account-gift-cards") is None
