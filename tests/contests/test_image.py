"""The contest's image on its public page: shown with its text alternative, served only as
an image, in the page's language or else in the language that has one; never for a draft."""

import io
from dataclasses import replace

from PIL import Image

from shopcms.contests import editing
from shopcms.products.api import process_image
from tests.contests.helpers import make_contest


def jpeg_sizes(colour):
    out = io.BytesIO()
    Image.new("RGB", (60, 40), colour).save(out, "PNG")
    sizes, __ = process_image(out.getvalue())
    return sizes


def give_image(site, lang, colour, alt, name="needles"):
    with site.edit() as root:
        contest = root["contests"][name]
        editing.set_image(contest, lang, jpeg_sizes(colour))
        contest.texts[lang] = replace(contest.texts[lang], image_alt=alt)


def shown_image(app, path):
    img = app.get(path).html.select_one("img.contest-image")
    return img and (img["src"], img["alt"], img.get("lang"))


def colour_of(body):
    return Image.open(io.BytesIO(body)).convert("RGB").getpixel((5, 5))


def test_the_page_shows_the_image_of_its_language_with_its_alternative(site, app):
    make_contest(site)
    assert shown_image(app, "/nl/contests/needles") is None
    give_image(site, "nl", "green", "Een cactus vol naalden")
    give_image(site, "fr", "red", "Un cactus plein d'aiguilles")
    src, alt, lang = shown_image(app, "/fr/contests/needles")
    assert alt == "Un cactus plein d'aiguilles" and lang == "fr"
    served = app.get(src)
    assert served.content_type == "image/jpeg"
    assert served.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    red, green = (
        colour_of(served.body),
        colour_of(app.get(shown_image(app, "/nl/contests/needles")[0]).body),
    )
    assert red[0] > 200 > red[1] and green[1] > 100 > green[0]


def test_a_language_without_an_image_shows_another_languages_with_its_alternative(site, app):
    make_contest(site)
    give_image(site, "nl", "green", "Een cactus vol naalden")
    src, alt, lang = shown_image(app, "/en/contests/needles")
    assert (alt, lang) == ("Een cactus vol naalden", "nl")
    assert app.get(src).content_type == "image/jpeg"


def test_no_image_of_a_draft_or_of_a_size_that_does_not_exist(site, app):
    make_contest(site, state="draft")
    give_image(site, "nl", "green", "Een cactus")
    app.get("/nl/contests/needles/image", status=404)
    make_contest(site, name="open")
    give_image(site, "nl", "green", "Een cactus", name="open")
    app.get("/nl/contests/open/image?size=huge", status=404)
    assert app.get("/nl/contests/open/image?size=thumb").content_type == "image/jpeg"
