"""The reviews on the product page and their own page, as the public sees them."""

import json
import re

from tests.reviews.factory import plant, product

PAGE = "/nl/products/mug-cafe"
REVIEWS = "/nl/products/mug-cafe/reviews"
STATES = ("pending", "published", "rejected", "hidden", "spam", "withdrawn")


def section(page):
    return page.html.find(id="reviews")


def shown_titles(page):
    return [h.get_text(" ", strip=True).split(" stars ")[-1] for h in section(page).select(".review h3")]


def json_ld(page):
    blocks = page.html.find_all("script", type="application/ld+json")
    assert len(blocks) == 1
    return json.loads(blocks[0].string)


def test_only_published_reviews_are_shown(site, app):
    with site.edit() as root:
        pid = product(root).pid
        for state in STATES:
            plant(root, site.registry, pid, state=state, author=state, title=f"T-{state}")
    page = app.get(PAGE)
    text = section(page).get_text(" ", strip=True)
    assert "T-published" in text
    for state in STATES:
        if state != "published":
            assert f"T-{state}" not in text
    print(section(page).prettify()[:6000])
