"""The home page is shared: its skeleton, filled for a visitor, is exactly the page rendered
in full for that visitor; only "Recommended for you" (a personal part) differs from one
visitor to the next in its content; validators for visitors without cookies; a GET writes
nothing."""

import re

import pytest

from shopcms.web.cookies import Category
from tests.conftest import Browser
from tests.pages.skeletons import filled_and_full, make_uncached_site
from tests.pages.visitors import VISITORS, consent_cookie, logged_in, make_visitor
from tests.products.test_recommendations import recommended, set_personalisation

MAIN = re.compile(r"<main\b.*?</main>", re.S)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = make_uncached_site(tmp_path_factory.mktemp("home"))
    yield site
    site.close()


@pytest.fixture(scope="module")
def visitors(site):
    return {name: make_visitor(site, name) for name in VISITORS}


def last_transaction(site):
    return site.registry._zodb_databases[""].lastTransaction()


def recommended_customer(site):
    """A customer who allowed personalisation (account and cookie) and looked at a plant:
    the home page recommends them others of its category."""
    site.add_account("fan@example.be")
    browser = Browser(site.wsgi)
    browser.set_cookie("cookie_consent", consent_cookie(site, Category.PERSONALISATION))
    browser.get("/nl/products/monstera-deliciosa")  # remembered as recently viewed
    logged_in(browser, "fan@example.be")
    set_personalisation(browser, True)
    browser.get("/nl/cart")  # its notice shown
    return browser


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_filled_skeleton_is_the_full_page_for_every_visitor(site, visitors, lang):
    contents = {}
    for name, browser in visitors.items():
        page = filled_and_full(site, browser, f"/{lang}/")
        assert page.filled == page.full, name
        assert ("home-recommended", ()) in page.holes
        contents[name] = MAIN.search(page.skeleton)[0]  # the content area, with its hole
    # The same for everybody but staff, who also see hidden products (the page cache
    # must keep their skeleton apart, or render them in full).
    assert len({text for name, text in contents.items() if name != "staff"}) == 1


def test_recommendations_are_a_part_filled_for_their_customer(site):
    browser = recommended_customer(site)
    before = last_transaction(site)
    page = filled_and_full(site, browser, "/nl/")
    assert page.filled == page.full
    assert recommended(browser.get("/nl/"))  # shown, from the houseplants
    assert last_transaction(site) == before  # computed for the page, never stored
    # The page's content is everybody's but for the part.
    anonymous = filled_and_full(site, Browser(site.wsgi), "/nl/")
    assert MAIN.search(page.skeleton)[0] == MAIN.search(anonymous.skeleton)[0]
    section = re.search(r"<section[^>]*id=\"recommended\".*?</section>", page.full, re.S)[0]
    assert MAIN.search(page.full)[0].replace(section, "") == MAIN.search(anonymous.full)[0]


def test_a_visitor_without_cookies_revalidates_and_nobody_else_does(site, visitors):
    app = Browser(site.wsgi)
    page = app.get("/fr/")
    etag = page.headers["ETag"]
    assert page.headers["Cache-Control"] == "no-cache"
    assert app.get("/fr/", headers={"If-None-Match": etag}, status=304).body == b""
    assert app.get("/nl/").headers["ETag"] != etag  # another language, another page
    for name in ("all cookies", "cart", "customer", "staff"):
        answer = visitors[name].get("/fr/", headers={"If-None-Match": etag})
        assert answer.status_int == 200 and "ETag" not in answer.headers, name


def test_the_validator_follows_what_the_page_shows(site):
    app = Browser(site.wsgi)
    etag = app.get("/en/").headers["ETag"]
    site.add_account("elsewhere@example.be")  # a commit the page does not show
    assert app.get("/en/").headers["ETag"] == etag
    cards = app.get("/en/").html.select("#new-arrivals .product-card a")
    # (A gift card, the seed's newest, is always available: its stock is not counted.)
    shown = next(a["href"] for a in cards if "/gift-card-" not in a["href"])
    with site.edit() as root:
        root["products"][shown.rsplit("/", 1)[1]].set_stock(0)  # "Out of stock" on its card
    changed = app.get("/en/", headers={"If-None-Match": etag}, status=200)
    assert changed.headers["ETag"] != etag


def test_showing_the_home_page_writes_nothing(site, visitors):
    before = last_transaction(site)
    for name, browser in visitors.items():
        for lang in ("nl", "fr"):
            page = browser.get(f"/{lang}/")
            if name == "anonymous":
                assert "Set-Cookie" not in page.headers  # no session starts
    assert last_transaction(site) == before
