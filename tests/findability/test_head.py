"""The head of the public pages: meta description (editable, with a default), canonical
link, Open Graph and Twitter tags, hreflang that names only pages that answer, and the
schema.org JSON-LD of products and of the shop."""

import json

import pytest

from shopcms.findability.api import plain_text, summary
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, login
from tests.factories import make_order

BASE = "http://localhost"
SCHEMA = "https://schema.org/"


def meta(page, name=None, prop=None):
    tag = page.html.select_one(f'meta[name="{name}"]' if name else f'meta[property="{prop}"]')
    return tag["content"] if tag is not None else None


def canonical(page):
    link = page.html.select_one("link[rel=canonical]")
    return link["href"] if link is not None else None


def alternates(page):
    return {link["hreflang"]: link["href"] for link in page.html.select("link[hreflang]")}


def json_ld(page):
    blocks = page.html.select('script[type="application/ld+json"]')
    return [json.loads(block.string) for block in blocks]


@pytest.fixture
def admin(app):
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    return app


def test_every_product_page_has_a_complete_product_json_ld_and_a_canonical_link(site, app):
    products = site.read(
        lambda root: {
            name: (p.sku, str(p.price), p.in_stock, len(p.images))
            for name, p in root["products"].items()
            if p.published
        }
    )
    for name, (sku, price, in_stock, images) in products.items():
        page = app.get(f"/fr/products/{name}")
        address = f"{BASE}/fr/products/{name}"
        assert canonical(page) == address
        [data] = json_ld(page)
        assert data["@context"] == "https://schema.org" and data["@type"] == "Product"
        assert data["name"] == page.html.h1.get_text(strip=True)
        assert data["description"]
        assert data["sku"] == sku
        assert data["brand"] == {"@type": "Brand", "name": "Soft Cactus"}
        assert data["url"] == address
        offer = data["offers"]
        assert offer["@type"] == "Offer" and offer["url"] == address
        assert offer["price"] == price and offer["priceCurrency"] == "EUR"
        assert offer["availability"] == SCHEMA + ("InStock" if in_stock else "OutOfStock")
        assert len(data.get("image", [])) == images
        for image in data.get("image", []):
            assert image.startswith(f"{address}/image/")
            assert app.get(image.removeprefix(BASE)).content_type == "image/jpeg"


def test_a_product_out_of_stock_says_so_and_its_rating_is_there(site, app):
    with site.edit() as root:
        product = root["products"]["mug-cafe"]
        product.change_stock(0)
    [data] = json_ld(app.get("/nl/products/mug-cafe"))
    assert data["offers"]["availability"] == SCHEMA + "OutOfStock"


def test_no_text_can_end_the_json_ld_block(site, app):
    hostile = "Mok </script><script>alert(1)</script> & <!--"
    with site.edit() as root:
        product = root["products"]["mug-cafe"]
        product.set_texts("nl", hostile, "**Stevig** </script> & zo")
        product.changed()
    page = app.get("/nl/products/mug-cafe")
    raw = page.html.select_one('script[type="application/ld+json"]').string
    assert "<" not in raw and ">" not in raw and "&" not in raw
    [data] = json_ld(page)
    assert data["name"] == hostile
    assert not page.html.find_all("script", src=False, type=lambda t: t != "application/ld+json")


def test_the_home_page_describes_the_shop_as_an_organization(app):
    [data] = json_ld(app.get("/en/"))
    assert data["@type"] == "Organization"
    assert data["name"] == "Soft Cactus" and data["legalName"] == "onto object bvba"
    assert data["url"] == f"{BASE}/"
    assert app.get(data["logo"].removeprefix(BASE)).content_type == "image/png"
    assert data["contactPoint"]["email"] == data["email"] == "info@softcactus.be"


def test_a_product_has_open_graph_and_a_large_twitter_card(app):
    page = app.get("/fr/products/mug-cafe")
    title = page.html.h1.get_text(strip=True)
    assert meta(page, prop="og:title") == meta(page, name="twitter:title") == title
    assert meta(page, prop="og:type") == "product"
    assert meta(page, prop="og:url") == f"{BASE}/fr/products/mug-cafe"
    assert meta(page, prop="og:image").startswith(f"{BASE}/fr/products/mug-cafe/image/")
    assert meta(page, prop="og:locale") == "fr_BE"
    alternate = {tag["content"] for tag in page.html.select('meta[property="og:locale:alternate"]')}
    assert alternate == {"nl_BE", "en_GB"}
    assert meta(page, name="twitter:card") == "summary_large_image"
    assert meta(page, prop="og:description") == meta(page, name="description")


def test_a_page_without_an_image_shows_the_logo_in_a_summary_card(app):
    page = app.get("/nl/privacy")
    assert meta(page, prop="og:type") == "article"
    # The logo's static address (with its fingerprint where static files have one).
    logo = meta(page, prop="og:image")
    assert logo.partition("?")[0] == f"{BASE}/static/logo.png"
    assert app.get(logo.removeprefix(BASE)).content_type == "image/png"
    assert meta(page, name="twitter:card") == "summary"
    assert canonical(page) == f"{BASE}/nl/privacy"


def test_the_meta_description_defaults_to_the_start_of_the_text(site, app):
    html = site.read(lambda root: root["products"]["mug-cafe"].description_html["nl"])
    described = meta(app.get("/nl/products/mug-cafe"), name="description")
    assert described == summary(html)
    assert len(described) <= 155 and described.endswith("…")
    assert plain_text(html).startswith(described.removesuffix("…"))
    page = meta(app.get("/nl/pages/about"), name="description")
    assert page and len(page) <= 155
    # A page that says nothing about itself gets the shop's own description.
    assert meta(app.get("/nl/cart"), name="description")


def test_an_editor_writes_a_product_meta_description_per_language(site, admin):
    form = admin.get("/nl/manage/products/mug-cafe/edit").forms["product"]
    form.set("meta_description", "  Dé mok voor   koffie met cactus.  ", index=0)
    form.set("meta_description", "La tasse du café cactus.", index=1)
    form.submit("save", status=303)
    assert meta(admin.get("/nl/products/mug-cafe"), name="description") == (
        "Dé mok voor koffie met cactus."
    )
    assert meta(admin.get("/fr/products/mug-cafe"), name="description") == (
        "La tasse du café cactus."
    )
    # English has none of its own: the start of its description.
    english = site.read(lambda root: root["products"]["mug-cafe"].description_html["en"])
    assert meta(admin.get("/en/products/mug-cafe"), name="description") == summary(english)
    form = admin.get("/nl/manage/products/mug-cafe/edit").forms["product"]
    assert form.get("meta_description", index=1).value == "La tasse du café cactus."


def test_a_meta_description_is_refused_when_far_too_long(admin):
    form = admin.get("/nl/manage/products/mug-cafe/edit").forms["product"]
    form.set("meta_description", "x" * 301, index=0)
    assert form.submit("save", status=400).html.select_one("[role=alert]")


def test_an_editor_writes_a_page_meta_description_with_its_revision(site, admin):
    form = admin.get("/nl/manage/pages/about/edit?lang=nl").forms["revision"]
    form["description"] = "Wie wij zijn, in het kort."
    form.submit("save", status=303)
    # A draft is not public: visitors still see the description of the text in force.
    assert meta(admin.get("/nl/pages/about"), name="description") != "Wie wij zijn, in het kort."
    form = admin.get("/nl/manage/pages/about/edit?lang=nl").forms["revision"]
    assert form["description"].value == "Wie wij zijn, in het kort."
    form.submit("publish", status=303)
    assert meta(admin.get("/nl/pages/about"), name="description") == "Wie wij zijn, in het kort."
    # The next draft starts from it.
    form = admin.get("/nl/manage/pages/about/edit?lang=nl").forms["revision"]
    assert form["description"].value == "Wie wij zijn, in het kort."


def test_the_canonical_link_of_a_listing_keeps_only_its_category_and_page(app):
    page = app.get("/nl/products/", {"category": "cacti", "sort": "price", "utm_source": "x"})
    assert canonical(page) == f"{BASE}/nl/products/?category=cacti"
    assert alternates(page)["fr"] == f"{BASE}/fr/products/?category=cacti"
    assert canonical(app.get("/nl/products/", {"q": "cactus"})) == f"{BASE}/nl/products/"
    assert canonical(app.get("/nl/products/", {"category": "nonsense"})) == f"{BASE}/nl/products/"
    assert app.get("/nl/products/").html.select("a[href*='page=2']")  # two pages
    assert canonical(app.get("/nl/products/", {"page": "2"})) == f"{BASE}/nl/products/?page=2"
    # Past the last page the listing shows the last page (the seed's 51 products: the
    # third): that is its address.
    assert canonical(app.get("/nl/products/", {"page": "999"})) == f"{BASE}/nl/products/?page=3"
    # A tracking parameter on a product page is not part of its address.
    assert canonical(app.get("/nl/products/mug-cafe", {"fbclid": "1"})) == (
        f"{BASE}/nl/products/mug-cafe"
    )


def every_alternate_answers(app, page):
    for lang, href in alternates(page).items():
        app.get(href.removeprefix(BASE), status=200)
        assert lang


def test_a_versions_page_names_only_the_languages_whose_same_address_answers(admin):
    form = admin.get("/nl/manage/pages/privacy/edit?lang=nl").forms["revision"]
    form["title"] = "Privacyverklaring"
    form["body"] = "Een nieuwe versie."
    form.submit("publish", status=303)
    newest = admin.get("/nl/privacy/versions/2")
    assert set(alternates(newest)) == {"nl", "x-default"}
    every_alternate_answers(admin, newest)
    admin.get("/fr/privacy/versions/2", status=404)
    first = admin.get("/nl/privacy/versions/1")
    assert set(alternates(first)) == {"nl", "fr", "en", "x-default"}
    every_alternate_answers(admin, first)
    listing = admin.get("/nl/privacy/versions")
    every_alternate_answers(admin, listing)


def test_an_error_page_has_no_canonical_link_nor_alternates(app):
    page = app.get("/nl/no-such-page", status=404)
    assert canonical(page) is None and alternates(page) == {}
    assert meta(page, name="description") is None


def test_the_management_area_gets_no_public_tags(admin):
    page = admin.get("/nl/manage/products/")
    assert canonical(page) is None and meta(page, prop="og:title") is None


def test_the_home_page_points_x_default_at_the_language_choice(app):
    page = app.get("/fr/")
    assert canonical(page) == f"{BASE}/fr/"
    assert alternates(page)["x-default"] == f"{BASE}/"
    assert alternates(app.get("/fr/?utm_source=x"))["x-default"] == f"{BASE}/"
    assert alternates(app.get("/fr/pages/about"))["x-default"] == f"{BASE}/nl/pages/about"


def test_a_page_at_a_secret_address_repeats_it_in_no_public_tag(site, app):
    with site.edit() as root:
        order = make_order(root)
        path = f"/nl/order/{order.number}/{order.access_key}"
    page = app.get(path, status=200)
    assert canonical(page) is None and meta(page, prop="og:url") is None
