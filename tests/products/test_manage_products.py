"""The product desk: products, images, stock, visibility and categories (management)."""

import io
import re

import pytest
from PIL import Image
from webtest import Upload

from tests.conftest import PASSWORD, Browser, login

LANGS = ("nl", "fr", "en")
SEED_PRODUCT = "mammillaria-elongata"
SEED_CATEGORY = "cacti"


@pytest.fixture
def editor(site, app):
    site.add_account("editor@example.be", roles=("editor",))
    login(app, "editor@example.be", PASSWORD)
    return app


@pytest.fixture
def visitor(site):
    return Browser(site.wsgi)


def image_bytes(fmt="PNG", size=(64, 48), colour=(30, 140, 60)):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def product_form(app, name=None, lang="nl"):
    path = f"/{lang}/manage/products/{name}/edit" if name else f"/{lang}/manage/products/add"
    return app.get(path).forms["product"]


def fill(form, **fields):
    """Set the common fields, and per language ``titles``/``descriptions``/``attributes``."""
    for key in ("name", "sku", "price", "vat_rate", "stock"):
        if key in fields:
            form[key] = fields[key]
    if "published" in fields:
        form["published"] = fields["published"]
    if "categories" in fields:
        for checkbox in form.fields["checkbox"]:
            checkbox.checked = checkbox._value in fields["categories"]
    for index, lang in enumerate(LANGS):
        if lang in fields.get("titles", {}):
            form.set("title", fields["titles"][lang], index=index)
        if lang in fields.get("descriptions", {}):
            form.set("description", fields["descriptions"][lang], index=index)
        for key, values in fields.get("attributes", {}).items():
            if lang in values:
                form.set(key, values[lang], index=index)
    return form


def create_product(app, name="echeveria-blauw", **fields):
    values = {
        "name": name,
        "sku": "SC-9001",
        "price": "12.50",
        "vat_rate": "6",
        "stock": "7",
        "published": True,
        "titles": {"nl": "Blauwe echeveria", "fr": "Échévéria bleutée", "en": "Blue echeveria"},
        "descriptions": {
            "nl": "Een **stevige** rozet.",
            "fr": "Une rosette **robuste**.",
            "en": "A **sturdy** rosette.",
        },
        "attributes": {"height": {"nl": "10 cm", "fr": "10 cm", "en": "10 cm"}},
    }
    values.update(fields)
    return fill(product_form(app), **values).submit("add", status="*")


def upload(app, name, filename, data, content_type="image/png", lang="en", **alt):
    page = app.get(f"/{lang}/manage/products/{name}/images")
    form = page.forms["upload"]
    form["upload"] = Upload(filename, data, content_type)  # deform's file field
    for key, value in alt.items():
        form[key] = value
    return form.submit(status="*")


def stored(site, name, attribute):
    return site.read(lambda root: getattr(root["products"][name], attribute))


def card_titles(response):
    return [card.h3.get_text(strip=True) for card in response.html.select("article.product-card")]


def manage_names(app, query=""):
    page = app.get(f"/nl/manage/products/{query}")
    return [row["data-name"] for row in page.html.select("table.products tbody tr")]


# -- creating, showing, hiding ----------------------------------------------------------


def test_editor_creates_a_product_with_texts_and_an_image_and_hides_it(site, editor, visitor):
    response = create_product(editor, categories=["succulents"])
    assert response.status_int == 303
    assert response.location.endswith("/nl/manage/products/echeveria-blauw/images")
    product = site.read(
        lambda root: {
            "titles": dict(root["products"]["echeveria-blauw"].titles),
            "price": root["products"]["echeveria-blauw"].price,
            "pid": root["products"]["echeveria-blauw"].pid,
            "height": dict(root["products"]["echeveria-blauw"].attributes["height"]),
            "categories": root["products"]["echeveria-blauw"].categories,
        }
    )
    assert product["titles"] == {
        "nl": "Blauwe echeveria",
        "fr": "Échévéria bleutée",
        "en": "Blue echeveria",
    }
    assert str(product["price"]) == "12.50"
    assert product["pid"] is not None
    assert product["height"] == {"nl": "10 cm", "fr": "10 cm", "en": "10 cm"}
    assert product["categories"] == ("succulents",)

    added = upload(editor, "echeveria-blauw", "rozet.png", image_bytes(), alt_nl="Een rozet")
    assert added.status_int == 303
    assert stored(site, "echeveria-blauw", "images")[0].alt["nl"] == "Een rozet"

    # Public: listing, search in French (accents ignored), the page with its image.
    assert "Blauwe echeveria" in card_titles(visitor.get("/nl/products/"))
    assert "Échévéria bleutée" in card_titles(visitor.get("/fr/products/?q=echeveria"))
    assert "Échévéria bleutée" in card_titles(visitor.get("/fr/products/?q=BLEUT%C3%89E"))
    page = visitor.get("/nl/products/echeveria-blauw")
    assert "Een <strong>stevige</strong> rozet." in page.text
    image_id = stored(site, "echeveria-blauw", "images")[0].id
    src = f"/nl/products/echeveria-blauw/image/{image_id}/large"
    assert src in [img["src"] for img in page.html.select("img")]
    image = visitor.get(src)
    assert image.status_int == 200
    assert image.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(image.body)).format == "JPEG"

    # Hidden: no trace for visitors, still there for the editors.
    detail = editor.get("/nl/manage/products/echeveria-blauw/edit")
    detail.forms["visibility"].submit(status=303)
    assert stored(site, "echeveria-blauw", "published") is False
    assert "Blauwe echeveria" not in card_titles(visitor.get("/nl/products/"))
    assert "Échévéria bleutée" not in card_titles(visitor.get("/fr/products/?q=echeveria"))
    assert card_titles(visitor.get("/fr/products/?q=bleutee")) == []
    assert "Blauwe echeveria" not in visitor.get("/nl/products/?category=succulents").text
    visitor.get("/nl/products/echeveria-blauw", status=404)
    visitor.get(src, status=404)
    assert "echeveria-blauw" in manage_names(editor)
    assert manage_names(editor, "?q=bleutee") == []  # the search is in the UI language
    assert manage_names(editor, "?q=blauwe") == ["echeveria-blauw"]
    assert manage_names(editor, "?q=SC-9001") == ["echeveria-blauw"]
    row = editor.get("/nl/manage/products/").html.select_one('tr[data-name="echeveria-blauw"]')
    assert row.select_one(".badge.hidden-product") is not None
    assert editor.get(src).content_type == "image/jpeg"  # editors still see the thumbnails

    # And published again from the list.
    listing = editor.get("/nl/manage/products/")
    toggle = [
        f for f in listing.forms.values() if f.action.endswith("/echeveria-blauw/visibility")
    ][0]
    toggle.submit(status=303)
    assert "Blauwe echeveria" in card_titles(visitor.get("/nl/products/"))


def test_manage_list_shows_the_columns_and_pages_by_twenty_five(site, editor):
    from decimal import Decimal

    from shopcms.products.resources import Product

    with site.edit() as root:
        for number in range(60):
            product = Product(f"BULK-{number:03d}", Decimal("1.00"), Decimal("21"))
            product.set_texts("nl", f"Bulk {number:03d}", "")
            root["products"].add_product(f"bulk-{number:03d}", product, registry=site.registry)
    total = site.read(lambda root: len(root["products"]))
    first = editor.get("/nl/manage/products/")
    # "Showing 1–25 of 64 products" (the figures in the language's own plural form).
    assert re.findall(r"\d+", first.html.select_one("p.total").text) == ["1", "25", str(total)]
    assert len(first.html.select("table.products tbody tr")) == 25
    pages = first.html.select("nav.pagination a")
    assert [a.text for a in pages] == [str(n) for n in range(1, -(-total // 25) + 1)]
    second = editor.get("/nl/manage/products/?page=2")
    names = {row["data-name"] for row in first.html.select("table.products tbody tr")}
    names |= {row["data-name"] for row in second.html.select("table.products tbody tr")}
    assert len(names) == min(total, 50)

    row = editor.get("/nl/manage/products/?q=SC-1001").html.select_one(
        f'tr[data-name="{SEED_PRODUCT}"]'
    )
    text = row.get_text(" ", strip=True)
    assert "SC-1001" in text and "7,95" in text and "6" in row.select_one(".vat").text
    assert row.select_one(".stock").text == "22"
    assert "Cactussen" in row.select_one(".categories").text
    assert row.select_one("td.thumb img")["src"].endswith("/thumb")
    # Search through the UI language's text, nothing else.
    assert manage_names(editor, "?q=bulk+007") == ["bulk-007"]
    assert manage_names(editor, "?q=%22%29%28*") == []


def test_the_edit_form_round_trips_and_saves_changes(site, editor):
    before = site.read(lambda root: _snapshot(root["products"][SEED_PRODUCT]))
    form = product_form(editor, SEED_PRODUCT)
    assert form["price"].value == "7.95"
    assert form["vat_rate"].value == "6"
    form.submit("save", status=303)
    after = site.read(lambda root: _snapshot(root["products"][SEED_PRODUCT]))
    assert after == before

    form = fill(
        product_form(editor, SEED_PRODUCT),
        price="8,50",
        vat_rate="21",
        stock="3",
        categories=["cacti", "gifts"],
        titles={"en": "Lady finger cactus"},
        attributes={"colour": {"fr": "Jaune doré"}},
    )
    form.submit("save", status=303)
    product = site.read(lambda root: _snapshot(root["products"][SEED_PRODUCT]))
    assert product["price"] == "8.50" and product["vat"] == "21" and product["stock"] == 3
    assert product["categories"] == ("cacti", "gifts")
    assert product["titles"]["en"] == "Lady finger cactus"
    assert product["attributes"]["colour"] == {"fr": "Jaune doré"}
    assert "Lady finger cactus" in Browser(site.wsgi).get("/en/products/?q=lady").text


def test_saving_the_form_keeps_a_stock_change_made_meanwhile(site, editor):
    form = product_form(editor, SEED_PRODUCT)  # shows stock 22
    with site.edit() as root:
        root["products"][SEED_PRODUCT].stock = 20  # two sold meanwhile
    form.submit("save", status=303)
    assert stored(site, SEED_PRODUCT, "stock") == 20
    form = product_form(editor, SEED_PRODUCT)
    form["stock"] = "50"
    form.submit("save", status=303)
    assert stored(site, SEED_PRODUCT, "stock") == 50


def _snapshot(product):
    return {
        "sku": product.sku,
        "price": str(product.price),
        "vat": str(product.vat_rate),
        "stock": product.stock,
        "categories": product.categories,
        "published": product.published,
        "titles": dict(product.titles),
        "descriptions": dict(product.descriptions),
        "attributes": {key: dict(values) for key, values in product.attributes.items()},
        "images": len(product.images),
    }


@pytest.mark.parametrize("price", ["abc", "-1", "1.234", "NaN", "1e40", ""])
def test_an_invalid_price_is_refused_and_nothing_changes(site, editor, price):
    before = site.read(lambda root: _snapshot(root["products"][SEED_PRODUCT]))
    form = fill(product_form(editor, SEED_PRODUCT), price=price, sku="CHANGED", stock="1")
    response = form.submit("save", status=400)
    assert response.html.select_one("form#product .is-invalid, form#product .error, .alert-danger")
    assert response.html.select_one("input[name=sku]")["value"] == "CHANGED"  # input kept
    assert site.read(lambda root: _snapshot(root["products"][SEED_PRODUCT])) == before


def test_an_invalid_new_product_is_refused_and_nothing_is_added(site, editor):
    count = site.read(lambda root: (len(root["products"]), root["products"].last_pid))
    for fields in (
        {"price": "1.234"},
        {"stock": "-2"},
        {"name": "Bad Name"},
        {"name": "add"},
        {"name": SEED_PRODUCT},
        {"titles": {"nl": ""}},
        {"vat_rate": "21", "categories": []},
    ):
        if fields.get("vat_rate"):
            form = fill(product_form(editor), name="ok-name", sku="X", price="1", stock="1")
            form.set("title", "", index=0)
            form["vat_rate"].force_value("19")
            response = form.submit("add", status="*")
        else:
            response = create_product(editor, **fields)
        assert response.status_int == 400, fields
    assert site.read(lambda root: (len(root["products"]), root["products"].last_pid)) == count


def test_a_text_and_its_title_are_markup_free(site, editor, visitor):
    create_product(
        editor,
        titles={"nl": "<script>alert('x')</script> Cactus"},
        descriptions={"nl": "<img src=x onerror=alert(1)> [a](javascript:alert(1))"},
    ).follow()
    page = visitor.get("/nl/products/echeveria-blauw")
    main = page.html.select_one("main")
    assert main.find("script") is None and main.find("img", src="x") is None
    assert not [a for a in main.find_all("a") if "javascript" in a.get("href", "")]
    manage = editor.get("/nl/manage/products/")
    assert manage.html.select_one("main").find("script") is None


# -- images -----------------------------------------------------------------------------


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    ("filename", "data", "content_type", "message"),
    [
        ("x.svg", SVG, "image/svg+xml", "This file is not a JPEG, PNG or WebP image."),
        ("x.png", HTML, "image/png", "This file is not a JPEG, PNG or WebP image."),
        ("big.jpg", b"\xff\xd8\xff" + b"0" * (20 * 2**20), "image/jpeg", "at most 10 MB"),
        ("x.gif", None, "image/gif", "This file is not a JPEG, PNG or WebP image."),
    ],
)
def test_refused_uploads_get_400_with_a_message_and_store_nothing(
    site, editor, filename, data, content_type, message
):
    if data is None:
        data = image_bytes("GIF")
    response = upload(editor, SEED_PRODUCT, filename, data, content_type)
    assert response.status_int == 400
    alert = response.html.select_one("[role=alert]")
    assert message in alert.text
    assert response.html.select_one("form#upload") is not None  # the form is next to it
    assert list(stored(site, SEED_PRODUCT, "images"))[1:] == []  # only the seed image


def test_an_upload_needs_a_real_file_field(site, editor):
    url = f"/en/manage/products/{SEED_PRODUCT}/images"
    token = editor.get(url).forms["upload"]["csrf_token"].value
    response = editor.post(url, {"csrf_token": token, "image": "not a file"}, status=400)
    assert "Choose an image file" in response.html.select_one("[role=alert]").text
    editor.post(url, {"csrf_token": token}, status=400)
    assert len(stored(site, SEED_PRODUCT, "images")) == 1


def test_jpeg_and_webp_uploads_are_reencoded_and_can_be_removed(site, editor):
    for filename, fmt in (("a.jpg", "JPEG"), ("b.webp", "WEBP")):
        response = upload(editor, SEED_PRODUCT, filename, image_bytes(fmt), f"image/{fmt.lower()}")
        assert response.status_int == 303
    ids = [image.id for image in stored(site, SEED_PRODUCT, "images")]
    assert len(ids) == 3
    page = editor.get(f"/nl/manage/products/{SEED_PRODUCT}/images")
    remove = [
        f for f in page.forms.values() if "image_id" in f.fields and f["image_id"].value == ids[0]
    ][0]
    remove.submit(status=303)
    assert [image.id for image in stored(site, SEED_PRODUCT, "images")] == ids[1:]
    token = page.forms["upload"]["csrf_token"].value
    url = f"/nl/manage/products/{SEED_PRODUCT}/images"
    editor.post(url, {"csrf_token": token, "image_id": "0123abcd"}, status=404)
    editor.post(url, {"csrf_token": token, "image_id": "../x"}, status=400)


# -- stock ------------------------------------------------------------------------------


def test_stock_adjustments_and_the_floor_at_zero(site, editor):
    page = editor.get(f"/en/manage/products/{SEED_PRODUCT}/edit")
    token = page.forms["stock-adjust"]["csrf_token"].value
    url = f"/en/manage/products/{SEED_PRODUCT}/stock"
    form = page.forms["stock-adjust"]
    form["adjust"] = "-23"
    refused = form.submit(status=400)
    assert "below zero" in refused.text
    assert stored(site, SEED_PRODUCT, "stock") == 22

    form["adjust"] = "-2"
    form.submit(status=303)
    assert stored(site, SEED_PRODUCT, "stock") == 20
    editor.post(url, {"csrf_token": token, "adjust": "+5"}, status=303)
    assert stored(site, SEED_PRODUCT, "stock") == 25
    editor.post(url, {"csrf_token": token, "stock": "0"}, status=303)
    assert stored(site, SEED_PRODUCT, "stock") == 0
    for params in ({"stock": "-1"}, {"adjust": "x"}, {}, {"stock": "1", "adjust": "1"}):
        editor.post(url, {"csrf_token": token, **params}, status=400)
    assert stored(site, SEED_PRODUCT, "stock") == 0
    product = Browser(site.wsgi).get(f"/en/products/{SEED_PRODUCT}")
    assert product.html.select_one("p.stock.out") is not None


def test_visibility_accepts_only_true_or_false(site, editor):
    token = editor.get("/nl/manage/products/").html.select_one("input[name=csrf_token]")["value"]
    url = f"/nl/manage/products/{SEED_PRODUCT}/visibility"
    editor.post(url, {"csrf_token": token, "published": "yes"}, status=400)
    editor.post(url, {"csrf_token": token, "published": "false", "back": "//evil"}, status=400)
    assert stored(site, SEED_PRODUCT, "published") is True
    response = editor.post(url, {"csrf_token": token, "published": "false", "back": "list"})
    assert response.location.endswith("/nl/manage/products/")
    assert stored(site, SEED_PRODUCT, "published") is False


# -- categories -------------------------------------------------------------------------


def test_a_new_category_appears_in_the_public_facets(site, editor, visitor):
    page = editor.get("/nl/manage/categories/")
    assert page.html.select_one(f'tr[data-name="{SEED_CATEGORY}"]') is not None
    form = page.forms["add-category"]
    form["name"] = "zaden"
    form["nl"] = "Zaden"
    form["fr"] = "Graines"
    form["en"] = "Seeds"
    form["position"] = "9"
    form.submit("add", status=303)
    assert site.read(lambda root: dict(root["categories"]["zaden"].titles)) == {
        "nl": "Zaden",
        "fr": "Graines",
        "en": "Seeds",
    }
    facets = visitor.get("/fr/products/").html.select_one("nav.facets")
    assert "Graines" in facets.text
    create_product(editor, categories=["zaden"])
    facet = [
        li for li in visitor.get("/nl/products/").html.select("nav.facets li") if "Zaden" in li.text
    ][0]
    assert "(1)" in facet.text

    edit = editor.get("/nl/manage/categories/zaden/edit").forms["category"]
    edit["fr"] = "Semences"
    edit["en"] = ""
    edit.submit("save", status=303)
    assert site.read(lambda root: dict(root["categories"]["zaden"].titles)) == {
        "nl": "Zaden",
        "fr": "Semences",
    }
    assert "Semences" in visitor.get("/fr/products/").html.select_one("nav.facets").text


@pytest.mark.parametrize(
    "fields", [{"name": SEED_CATEGORY}, {"name": "Bad name"}, {"nl": ""}, {"position": "-1"}]
)
def test_bad_categories_are_refused(site, editor, fields):
    before = site.read(lambda root: list(root["categories"].keys()))
    form = editor.get("/nl/manage/categories/").forms["add-category"]
    values = {"name": "nieuw", "nl": "Nieuw", "position": "1", **fields}
    for key, value in values.items():
        form[key] = value
    form.submit("add", status=400)
    assert site.read(lambda root: list(root["categories"].keys())) == before


# -- who may ----------------------------------------------------------------------------


MANAGE_URLS = [
    ("GET", "/nl/manage/products/"),
    ("GET", "/nl/manage/products/?q=cactus"),
    ("GET", "/nl/manage/products/add"),
    ("POST", "/nl/manage/products/add"),
    ("GET", f"/nl/manage/products/{SEED_PRODUCT}/edit"),
    ("POST", f"/nl/manage/products/{SEED_PRODUCT}/edit"),
    ("GET", f"/nl/manage/products/{SEED_PRODUCT}/images"),
    ("POST", f"/nl/manage/products/{SEED_PRODUCT}/images"),
    ("POST", f"/nl/manage/products/{SEED_PRODUCT}/stock"),
    ("POST", f"/nl/manage/products/{SEED_PRODUCT}/visibility"),
    ("GET", "/nl/manage/categories/"),
    ("POST", "/nl/manage/categories/"),
    ("GET", f"/nl/manage/categories/{SEED_CATEGORY}/edit"),
    ("POST", f"/nl/manage/categories/{SEED_CATEGORY}/edit"),
    ("GET", "/fr/manage/products/"),
]


@pytest.mark.parametrize("who", ["anonymous", "customer", "moderator"])
def test_the_product_desk_is_forbidden_to_non_editors(site, who):
    app = Browser(site.wsgi)
    if who != "anonymous":
        site.add_account(f"{who}@example.be", roles=(who,))
        login(app, f"{who}@example.be", PASSWORD)
    token = app.get("/nl/login").html.select_one("input[name=csrf_token]")["value"]
    before = site.read(lambda root: _snapshot(root["products"][SEED_PRODUCT]))
    for method, url in MANAGE_URLS:
        if method == "GET":
            response = app.get(url, status="*")
        else:
            response = app.post(
                url,
                {
                    "csrf_token": token,
                    "name": "evil",
                    "sku": "EVIL",
                    "price": "0.01",
                    "vat_rate": "0",
                    "stock": "0",
                    "adjust": "-22",
                    "published": "false",
                    "image_id": "x",
                    "nl": "Evil",
                    "position": "0",
                },
                status="*",
            )
        assert response.status_int == 403, (who, method, url, response.status_int)
        if who == "anonymous" and method == "GET":
            assert response.html.select_one("form#login") is not None
    assert site.read(lambda root: _snapshot(root["products"][SEED_PRODUCT])) == before
    assert site.read(lambda root: "evil" not in root["products"])
    assert site.read(lambda root: "evil" not in root["categories"])


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_and_admins_reach_every_page(site, role):
    app = Browser(site.wsgi)
    site.add_account(f"{role}2@example.be", roles=(role,))
    login(app, f"{role}2@example.be", PASSWORD)
    for method, url in MANAGE_URLS:
        if method == "GET":
            response = app.get(url)
            assert response.status_int == 200, url
            assert response.headers["Cache-Control"] == "no-store"
    total = app.get("/en/manage/products/").html.select_one("p.total").get_text(" ", strip=True)
    assert re.fullmatch(r"Showing 1–25 of \d+ products", total)
