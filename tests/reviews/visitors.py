"""What the tests of the public reviews share: fresh limits per client, reading the page."""

import json

import pytest

from shopcms.reviews import helpful

PAGE = "/nl/products/mug-cafe"
REVIEWS = "/nl/products/mug-cafe/reviews"
#: The same pages in English, for the tests that read the section's own words.
EN_PAGE = "/en/products/mug-cafe"
EN_REVIEWS = "/en/products/mug-cafe/reviews"


@pytest.fixture(autouse=True)
def fresh_limits():
    """The votes' and reports' limits per client live in the process: each test starts
    with none counted (every test client has the same address).  Import it to use it."""
    for limit in (helpful.VOTES, helpful.REPORTS, helpful.REPORTED):
        limit.clear()
    yield
    for limit in (helpful.VOTES, helpful.REPORTS, helpful.REPORTED):
        limit.clear()


def section(page):
    return page.html.find(id="reviews")


def titles(page):
    """The titles of the reviews shown, in order."""
    return [
        h.find(class_="review-title").get_text(strip=True)
        for h in section(page).select(".review h3")
    ]


def json_ld(page):
    blocks = page.html.find_all("script", type="application/ld+json")
    assert len(blocks) == 1
    return json.loads(blocks[0].string)


def form(page, formid):
    return page.forms[formid]
