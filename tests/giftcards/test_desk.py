"""The gift cards desk ``/{lang}/manage/giftcards/``: the order desk sees the cards newest
first, 50 a page, each with the order that bought it; finds one card by its full code
(a POST: never in an address) with its movements and their orders; a customer and an
editor may not reach it; a GET writes nothing."""

from datetime import timedelta
from decimal import Decimal

from shopcms.giftcards import desk
from shopcms.web.clock import now
from shopcms.web.layout import format_money
from tests.conftest import PASSWORD, login
from tests.giftcards.helpers import issue, spend


def staff(site, app, roles=("orders",), lang="en"):
    site.add_account("balie@example.be", roles=roles)
    login(app, "balie@example.be", PASSWORD, lang=lang)


def test_the_order_desk_lists_the_cards_newest_first_in_pages(site, app):
    start = now(site.registry) - timedelta(days=60)
    codes = [
        issue(site, "25.00", when=start + timedelta(hours=n), order=f"2026-{n + 1:06d}")
        for n in range(desk.PER_PAGE + 2)
    ]
    staff(site, app)
    database = site.registry._zodb_databases[""]
    before = database.lastTransaction()
    page = app.get("/en/manage/giftcards/")
    assert database.lastTransaction() == before
    assert page.headers["Cache-Control"] == "no-store"
    rows = page.html.select("table.giftcards tbody tr")
    assert len(rows) == desk.PER_PAGE
    # Newest first: the last card issued heads the list, with its order's desk page.
    newest = rows[0]
    assert newest["data-last4"] == codes[-1][-4:]
    assert newest.select_one("th").get_text(strip=True) == f"•••• {codes[-1][-4:]}"
    link = newest.select_one(".order a")
    assert link["href"].endswith(f"/en/manage/orders/{2026}-{desk.PER_PAGE + 2:06d}")
    assert newest.select_one(".remaining").get_text(strip=True) == format_money(Decimal("25"), "en")
    second = app.get("/en/manage/giftcards/?page=2").html.select("table.giftcards tbody tr")
    assert [row["data-last4"] for row in second] == [codes[1][-4:], codes[0][-4:]]
    # No code is on the desk's pages: only the last four characters.
    assert not any(code in page.text for code in codes)
    # A page number that is not one shows the first page.
    assert len(app.get("/en/manage/giftcards/?page=x").html.select("tbody tr")) == desk.PER_PAGE


def test_a_card_is_found_by_its_full_code_with_its_orders(site, app):
    code = issue(site, "50.00", order="2026-000101")
    spend(site, code, "20.00", "2026-000202")
    issue(site, "10.00", order="2026-000303")
    staff(site, app)
    form = app.get("/en/manage/giftcards/").forms["giftcard-search"]
    assert form.method.upper() == "POST"
    form["code"] = code.lower()
    page = form.submit("search")
    assert code.lower() not in page.request.url.lower()
    found = page.html.select_one(".giftcard-found")
    assert f"•••• {code[-4:]}" in found.get_text()
    assert found.select_one(".giftcard-remaining").get_text(strip=True) == format_money(
        Decimal("30"), "en"
    )
    orders = [row.select_one(".order").get_text(strip=True) for row in found.select("tbody tr")]
    assert orders == ["2026-000202", "–"]
    assert found.select_one("tbody .order a")["href"].endswith("/en/manage/orders/2026-000202")
    assert code not in page.text
    # Unknown and malformed codes are told, in the staff member's language.
    form = page.forms["giftcard-search"]
    form["code"] = "K7QM-2D9X-F3TB-8WHN"
    page = form.submit("search", status=400)
    assert "We do not know this gift card code" in page.html.get_text()
    form = page.forms["giftcard-search"]
    form["code"] = "abc"
    assert "This is not a gift card code" in form.submit("search", status=400).html.get_text()


def test_customers_and_editors_may_not_reach_the_desk(site, app):
    issue(site)
    site.add_account("klant@example.be")
    login(app, "klant@example.be", PASSWORD)
    app.get("/nl/manage/giftcards/", status=403)
    app.post("/nl/manage/giftcards/search", {"code": "x"}, status=(400, 403))
    app.reset()
    app.get("/nl/manage/giftcards/", status=(403, 303))
    editor = app.__class__(site.wsgi)
    site.add_account("redacteur@example.be", roles=("editor",))
    login(editor, "redacteur@example.be", PASSWORD)
    editor.get("/nl/manage/giftcards/", status=403)
    sidebar = editor.get("/nl/manage/").html.get_text()
    assert "Cadeaubon" not in sidebar and "Gift cards" not in sidebar


def test_the_desk_is_in_the_order_desks_sidebar(site, app):
    staff(site, app)
    page = app.get("/en/manage/")
    assert page.html.select_one('a[href="/en/manage/giftcards/"]') is not None
    assert "No gift cards yet." in app.get("/en/manage/giftcards/").html.get_text()
