"""Product images as a browser of 2026 takes them: AVIF and WebP beside the JPEG in every
size, a ``<picture>`` with ``srcset``/``sizes``, ``width``/``height``, lazy loading below the
fold only, and a year's cache on URLs that change when the image does."""

import io
import re

import pytest
from PIL import Image

from shopcms import cli
from shopcms.products import images
from shopcms.tree.database import site_transaction
from tests.cli.test_cli_import_payments import write_ini
from tests.conftest import Browser
from tests.products.test_manage_products import SEED_PRODUCT, image_bytes, stored, upload

YEAR = "max-age=31536000"
FORMATS = {"avif": ("image/avif", "AVIF"), "webp": ("image/webp", "WEBP")}


@pytest.fixture
def editor(site):
    site.add_account("editor@example.be", roles=("editor",))
    app = Browser(site.wsgi)
    from tests.conftest import PASSWORD, login

    login(app, "editor@example.be", PASSWORD)
    return app


@pytest.fixture
def visitor(site):
    return Browser(site.wsgi)


def directives(response):
    return {part.strip() for part in response.headers["Cache-Control"].split(",")}


def test_this_pillow_writes_avif():
    # The formats depend on the Pillow build: this one (13) has libavif, so AVIF is made.
    assert list(images.VARIANT_FORMATS) == ["avif", "webp"]


def test_an_upload_is_stored_and_served_in_every_format_and_size(site, editor, visitor):
    response = upload(editor, SEED_PRODUCT, "big.png", image_bytes(size=(1600, 1000)))
    assert response.status_int == 303
    image = stored(site, SEED_PRODUCT, "images")[-1]
    base = f"/nl/products/{SEED_PRODUCT}/image/{image.id}"
    for size, width in (("large", 1200), ("thumb", 400)):
        jpeg = visitor.get(f"{base}/{size}")
        assert jpeg.content_type == "image/jpeg"
        assert Image.open(io.BytesIO(jpeg.body)).size == (width, width * 1000 // 1600)
        for suffix, (content_type, pillow_format) in FORMATS.items():
            served = visitor.get(f"{base}/{size}.{suffix}")
            assert served.content_type == content_type
            decoded = Image.open(io.BytesIO(served.body))
            assert decoded.format == pillow_format and decoded.width == width
            # A modern format is smaller than the JPEG of the same size.
            assert len(served.body) < len(jpeg.body)
            # The id is new at each upload: the URL is the image's fingerprint.
            assert directives(served) == {"public", YEAR, "immutable"}
            assert served.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert directives(visitor.get(f"{base}/large")) == {"public", YEAR, "immutable"}
    for wrong in ("large.gif", "huge.webp", "large.webp.avif", "large."):
        visitor.get(f"{base}/{wrong}", status=404)


def test_a_hidden_products_images_are_not_for_shared_caches(site, editor, visitor):
    with site.edit() as root:
        root["products"][SEED_PRODUCT].set_visibility(False)
    image = stored(site, SEED_PRODUCT, "images")[0]
    served = editor.get(f"/nl/products/{SEED_PRODUCT}/image/{image.id}/thumb.webp")
    assert directives(served) == {"private", YEAR, "immutable"}
    visitor.get(f"/nl/products/{SEED_PRODUCT}/image/{image.id}/thumb.webp", status=404)


def widths(srcset):
    """``{url: width}`` of a srcset; the widths must all differ."""
    pairs = [entry.rsplit(" ", 1) for entry in srcset.split(", ")]
    found = {url: int(width.removesuffix("w")) for url, width in pairs}
    assert len(set(found.values())) == len(found)
    return found


def test_the_product_page_offers_every_format_and_size_and_loads_only_the_first_at_once(
    site, editor, visitor
):
    upload(editor, SEED_PRODUCT, "second.png", image_bytes(size=(1600, 1000)), alt_nl="Zijkant")
    first, second = stored(site, SEED_PRODUCT, "images")
    page = visitor.get(f"/nl/products/{SEED_PRODUCT}")
    pictures = page.html.select(".gallery picture")
    assert len(pictures) == 2
    for picture, image in zip(pictures, (first, second), strict=True):
        sources = picture.select("source")
        assert [s["type"] for s in sources] == ["image/avif", "image/webp"]
        img = picture.img
        assert img["sizes"] == sources[0]["sizes"] == sources[1]["sizes"]
        jpegs = widths(img["srcset"])
        assert all(f"/image/{image.id}/" in url for url in jpegs)
        for source, suffix in zip(sources, (".avif", ".webp"), strict=True):
            assert sorted(widths(source["srcset"]).values()) == sorted(jpegs.values())
            assert all(url.endswith(suffix) for url in widths(source["srcset"]))
        # The large size's box, so the page does not move when the image arrives.
        assert (int(img["width"]), int(img["height"])) == images.scaled_size(image, "large")
        assert img["src"].endswith(f"/image/{image.id}/large")
    assert pictures[1].img["alt"] == "Zijkant"
    assert (int(pictures[1].img["width"]), int(pictures[1].img["height"])) == (1200, 750)
    assert widths(pictures[1].img["srcset"]) == {
        f"/nl/products/{SEED_PRODUCT}/image/{second.id}/thumb": 400,
        f"/nl/products/{SEED_PRODUCT}/image/{second.id}/large": 1200,
    }
    # The first image is the page's largest content: fetched at once; the next lazily.
    assert not pictures[0].img.has_attr("loading") and not pictures[0].img.has_attr("decoding")
    assert pictures[1].img["loading"] == "lazy" and pictures[1].img["decoding"] == "async"


def test_a_small_image_is_offered_once_per_width(site, editor, visitor):
    upload(editor, SEED_PRODUCT, "small.png", image_bytes(size=(300, 200)))
    small = stored(site, SEED_PRODUCT, "images")[-1]
    page = visitor.get(f"/nl/products/{SEED_PRODUCT}")
    img = page.html.select(".gallery picture")[-1].img
    assert list(widths(img["srcset"]).values()) == [300]
    assert (img["width"], img["height"]) == ("300", "200")
    assert img["src"].endswith(f"/image/{small.id}/large")


def test_the_first_row_of_cards_loads_at_once_the_others_lazily(visitor):
    page = visitor.get("/nl/products/")
    cards = page.html.select(".grid-products article.product-card")
    assert len(cards) > 4
    for number, card in enumerate(cards, 1):
        img = card.select_one("picture img")
        assert img["alt"] == ""  # the card's link is named by its title
        assert img["width"] and img["height"] and img["srcset"] and img["sizes"]
        assert img["src"].endswith("/thumb")
        assert [s["type"] for s in card.select("picture source")] == ["image/avif", "image/webp"]
        lazy = number > 4
        assert img.get("loading") == ("lazy" if lazy else None), number
        assert img.get("decoding") == ("async" if lazy else None), number


def test_images_stored_before_the_modern_formats_get_them_from_the_command(
    site, visitor, tmp_path, capsys
):
    # As an older version stored them: the JPEGs only.
    with site.edit() as root:
        product = root["products"][SEED_PRODUCT]
        for image in product.images:
            del image.variants
        product._p_changed = True
    assert stored(site, SEED_PRODUCT, "images")[0].variants == {}
    page = visitor.get(f"/nl/products/{SEED_PRODUCT}")
    picture = page.html.select_one(".gallery picture")
    assert picture.select("source") == [] and picture.img["srcset"]
    image_id = stored(site, SEED_PRODUCT, "images")[0].id
    visitor.get(f"/nl/products/{SEED_PRODUCT}/image/{image_id}/thumb.webp", status=404)
    site.close()

    ini = write_ini(tmp_path / "shop.ini", tmp_path)
    assert cli.main(["make-image-variants", ini]) == 0
    out = capsys.readouterr().out
    assert out == "made avif, webp for 1 image(s)\n"
    assert cli.main(["make-image-variants", ini, "--quiet"]) == 0  # nothing left to make
    assert capsys.readouterr() == ("", "")

    from pyramid.paster import get_app

    app = get_app(ini)
    try:
        with site_transaction(app.registry) as root:
            variants = root["products"][SEED_PRODUCT].images[0].variants
            assert set(variants) == {"avif", "webp"}
            with variants["webp"]["thumb"].open("r") as f:
                assert Image.open(f).format == "WEBP"
        page = Browser(app).get(f"/nl/products/{SEED_PRODUCT}")
        types = [s["type"] for s in page.html.select(".gallery picture source")]
        assert types == ["image/avif", "image/webp"]
        assert re.search(rf"/image/{image_id}/thumb\.webp 400w", page.text)
    finally:
        app.registry._zodb_databases[""].close()
