"""The product desk's list: sorting by its column headers, search, paging, and the bulk
actions (publish, hide, delete) in one POST."""

import re
from decimal import Decimal

import pytest

from shopcms.products.resources import Product
from tests.conftest import PASSWORD, Browser, login


@pytest.fixture
def editor(site):
    app = Browser(site.wsgi)
    site.add_account("list-editor@example.be", roles=("editor",))
    login(app, "list-editor@example.be", PASSWORD)
    return app


def names(page):
    return [row["data-name"] for row in page.html.select("table.products tbody tr")]


def add_products(site, count, stock=lambda n: n):
    with site.edit() as root:
        for n in range(count):
            product = Product(f"ZZ-{n:03d}", Decimal(100 + n), Decimal("21"), stock=stock(n))
            product.set_texts("nl", f"Zz test {n:03d}", "")
            root["products"].add_product(f"zz-{n:03d}", product, registry=site.registry)


def stored(site, attribute):
    return site.read(
        lambda root: {name: getattr(p, attribute) for name, p in root["products"].items()}
    )


def test_the_headers_sort_with_aria_sort_and_toggle_the_direction(site, editor):
    page = editor.get("/nl/manage/products/")
    headers = {th.a.text: th for th in page.html.select("table.products thead th") if th.a}
    assert len(headers) == 4
    sorted_by = [th for th in headers.values() if th.get("aria-sort")]
    assert len(sorted_by) == 1 and sorted_by[0]["aria-sort"] == "ascending"

    prices = stored(site, "price")
    by_price = editor.get("/nl/manage/products/?sort=price&dir=asc")
    shown = names(by_price)
    assert [prices[n] for n in shown] == sorted(prices[n] for n in shown)
    assert by_price.html.select_one("th[aria-sort]")["aria-sort"] == "ascending"
    # The price header now links to the other direction.
    link = by_price.html.select_one("th[aria-sort] a")["href"]
    assert "dir=desc" in link
    descending = editor.get(link)
    assert descending.html.select_one("th[aria-sort]")["aria-sort"] == "descending"
    assert [prices[n] for n in names(descending)] == sorted(prices.values(), reverse=True)[:25]

    stocks = stored(site, "stock")
    by_stock = names(editor.get("/nl/manage/products/?sort=stock&dir=desc"))
    assert [stocks[n] for n in by_stock] == sorted(stocks.values(), reverse=True)[:25]
    # Nonsense sorts fall back to the name, never a 500.
    assert editor.get("/nl/manage/products/?sort=%00&dir=x&page=abc").status_int == 200


def test_paging_keeps_the_sort_and_says_what_is_shown(site, editor):
    add_products(site, 30)
    total = site.read(lambda root: len(root["products"]))
    first = editor.get("/nl/manage/products/?sort=stock&dir=asc")
    assert re.findall(r"\d+", first.html.select_one("#products-showing").text) == [
        "1",
        "25",
        str(total),
    ]
    second_link = first.html.select("nav.pagination a")[1]["href"]
    assert "sort=stock" in second_link
    second = editor.get(second_link)
    shown = re.findall(r"\d+", second.html.select_one("#products-showing").text)
    assert shown == ["26", str(min(total, 50)), str(total)]
    stocks = stored(site, "stock")
    both = names(first) + names(second)
    assert [stocks[n] for n in both] == sorted(stocks.values())[:50]


def test_search_finds_by_text_and_code(site, editor):
    add_products(site, 3)
    assert names(editor.get("/nl/manage/products/?q=ZZ-001")) == ["zz-001"]
    assert sorted(names(editor.get("/nl/manage/products/?q=zz+test"))) == [
        "zz-000",
        "zz-001",
        "zz-002",
    ]


def bulk_form(app, query=""):
    """The list's bulk form, with the page it is on (``form.page``)."""
    page = app.get(f"/nl/manage/products/{query}")
    form = page.forms["bulk"]
    form.page = page
    return form


def tick(app, form, *chosen):
    """The bulk form's POST with the boxes of ``chosen`` ticked: what the browser sends.
    The boxes and the hidden fields that belong to the form (``form="bulk"``) live outside
    it, which WebTest does not follow."""
    fields = list(form.submit_fields())
    outside = form.page.html.select("input[form=bulk][type=hidden]")
    fields += [(i["name"], i["value"]) for i in outside]
    return fields + [("products", name) for name in chosen]


def test_hide_then_the_product_leaves_the_public_listing(site, editor):
    add_products(site, 2)
    visitor = Browser(site.wsgi)
    assert "Zz test 000" in visitor.get("/nl/products/?q=zz").text
    form = bulk_form(editor, "?q=zz")
    buttons = form.page.html.select("#bulk button")
    assert {b["name"]: b["class"] for b in buttons} == {
        "publish": ["btn", "primary"],
        "hide": ["btn", "secondary"],
        "delete": ["btn", "danger"],
    }
    boxes = {i["value"] for i in form.page.html.select("input[form=bulk][type=checkbox]")}
    assert {"zz-000", "zz-001"} <= boxes
    fields = tick(editor, form, "zz-000", "zz-001") + [("hide", "")]
    back = editor.post(form.action, fields, status=303)
    assert back.location.endswith("/nl/manage/products/?q=zz")
    assert stored(site, "published")["zz-000"] is False
    assert stored(site, "published")["zz-001"] is False
    listing = visitor.get("/nl/products/?q=zz")
    assert "Zz test 000" not in listing.text and "Zz test 001" not in listing.text
    notice = back.follow().html.select_one(".notice.info")
    assert notice is not None and "2" in notice.text

    fields = tick(editor, bulk_form(editor, "?q=zz"), "zz-001") + [("publish", "")]
    editor.post(form.action, fields, status=303)
    assert stored(site, "published")["zz-001"] is True
    assert "Zz test 001" in visitor.get("/nl/products/?q=zz").text


def test_bulk_without_the_csrf_token_is_refused_and_changes_nothing(site, editor):
    add_products(site, 1)
    fields = [("products", "zz-000"), ("hide", "")]
    editor.post("/nl/manage/products/bulk", fields, status=400)
    assert stored(site, "published")["zz-000"] is True


def test_bulk_with_nothing_ticked_or_no_action_says_so(site, editor):
    form = bulk_form(editor)
    page = editor.post(form.action, tick(editor, form) + [("hide", "")], status=400)
    # The list again, the message at the head of the bulk form's error summary.
    summary = page.html.select_one("form#bulk .error-summary[role=alert]")
    assert summary is not None and summary.text.strip()
    assert page.html.select("table.products tbody tr")
    editor.post(form.action, tick(editor, form, "zz-none"), status=400)


def test_delete_asks_first_and_deletes_only_when_confirmed(site, editor):
    add_products(site, 2)
    form = bulk_form(editor, "?q=zz")
    fields = tick(editor, form, "zz-000", "zz-001") + [("delete", "")]
    confirm = editor.post(form.action, fields, status=200)
    assert set(stored(site, "sku")) >= {"zz-000", "zz-001"}  # nothing deleted yet
    listed = [li.get_text(" ", strip=True) for li in confirm.html.select("ul.bulk-chosen li")]
    assert len(listed) == 2 and "Zz test 000" in listed[0]
    # The confirmation's own form, with the boxes' values as hidden fields (form="bulk").
    hidden = [(i["name"], i["value"]) for i in confirm.html.select("input[form=bulk]")]
    token = confirm.forms["bulk"]["csrf_token"].value
    done = editor.post(
        confirm.forms["bulk"].action,
        [("csrf_token", token), *hidden, ("delete", "")],
        status=303,
    )
    remaining = stored(site, "sku")
    assert "zz-000" not in remaining and "zz-001" not in remaining
    assert "zz-000" not in names(done.follow())
    assert Browser(site.wsgi).get("/nl/products/zz-000", status=404)
