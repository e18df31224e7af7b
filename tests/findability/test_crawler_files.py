"""/robots.txt and /favicon.ico, at the site's root, for crawlers and browsers."""

import io

from PIL import Image


def test_robots_txt_points_to_the_sitemap_and_keeps_the_private_areas_out(app):
    response = app.get("/robots.txt", status=200)
    assert response.content_type == "text/plain"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    disallowed = {line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow")}
    assert disallowed == {
        "/manage",
        "/account",
        *(f"/{lang}/{area}" for lang in ("nl", "fr", "en") for area in ("manage", "account")),
    }
    assert "Allow: /" in lines
    assert response.cache_control.max_age == 3600


def test_robots_txt_names_the_public_address(tmp_path):
    from tests.conftest import Browser, make_site

    site = make_site(tmp_path, **{"shopcms.public_url": "https://www.softcactus.be/"})
    try:
        text = Browser(site.wsgi).get("/robots.txt").text
        assert "Sitemap: https://www.softcactus.be/sitemap.xml" in text.splitlines()
    finally:
        site.close()


def test_favicon_ico_is_a_real_icon_kept_long(app):
    response = app.get("/favicon.ico", status=200)
    assert response.content_type == "image/x-icon"
    icon = Image.open(io.BytesIO(response.body))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32), (48, 48)} <= icon.info["sizes"]
    icon.size = (32, 32)
    icon.load()
    # The cactus's green square, as favicon.svg draws it.
    assert icon.convert("RGB").getpixel((3, 16)) == (0x2F, 0x6B, 0x4F)
    assert response.cache_control.max_age >= 30 * 24 * 3600
    assert app.get(
        "/favicon.ico", headers={"If-Modified-Since": response.headers["Last-Modified"]}, status=304
    )
