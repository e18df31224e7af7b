"""The listing by the reviews' ratings: the "4 stars and up" facet and the best rated first."""

from shopcms.products.api import set_rating

RATED = {"mug-cafe": (4.5, 2), "pot-creme": (4.0, 1), "lithops-mix": (3.9, 7)}


def rate(site):
    with site.edit() as root:
        for name, (average, count) in RATED.items():
            set_rating(root, root["products"][name].pid, average, count)


def card_links(page):
    return [
        a["href"].rstrip("/").rsplit("/", 1)[-1]
        for a in page.html.select(".results .product-card > a")
    ]


def test_four_stars_and_up(site, app):
    rate(site)
    listing = app.get("/en/products/")  # the facet is found by its English name
    facet = listing.html.find("a", string="4 stars and up")
    assert facet.find_next_sibling(class_="count").get_text() == "(2)"
    page = app.get(facet["href"])
    assert sorted(card_links(page)) == ["mug-cafe", "pot-creme"]
    assert page.html.find("a", string="4 stars and up")["aria-current"] == "true"
    # The category facets keep the rating filter.
    pots = next(a for a in page.html.select(".facets a") if "category=" in a["href"])
    assert "stars=4" in pots["href"]


def test_best_rated_first_and_unrated_last(site, app):
    rate(site)
    page = app.get("/nl/products/", {"sort": "rating"})
    names = card_links(page)
    assert names[:3] == ["mug-cafe", "pot-creme", "lithops-mix"]
    # "N producten"
    total = int(page.html.select_one(".results .total").get_text(strip=True).split()[0])
    assert len(names) == min(total, 24)
    later = [
        card_links(app.get("/nl/products/", {"sort": "rating", "page": str(page)}))
        for page in range(2, -(-total // 24) + 1)
    ]
    shown = names + [name for page in later for name in page]
    assert len(shown) == len(set(shown)) == total  # each product once, on some page


def test_cards_show_the_stars(site, app):
    rate(site)
    card = app.get("/nl/products/", {"sort": "rating"}).html.select_one(".product-card")
    rating = card.find(class_="rating").get_text(" ", strip=True)
    assert "4,5 van 5 sterren (recensies: 2)" in rating  # Dutch words, a decimal comma


def test_a_rating_change_changes_the_listing_validator(site, app):
    etag = app.get("/nl/products/").headers["ETag"]
    rate(site)
    app.get("/nl/products/", headers={"If-None-Match": etag}, status=200)
