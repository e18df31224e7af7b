"""The reviews on the product page and on their own page, as the public sees them."""

from shopcms.reviews import moderation
from shopcms.reviews.workflow import REVIEW_WORKFLOW
from shopcms.web.clock import now
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, login
from tests.reviews.factory import plant, product
from tests.reviews.visitors import (
    EN_PAGE,
    EN_REVIEWS,
    PAGE,
    REVIEWS,
    fresh_limits,
    json_ld,
    section,
    titles,
)

__all__ = ["fresh_limits"]

STATES = ("pending", "published", "rejected", "hidden", "spam", "withdrawn")


def plant_many(site, count, **kw):
    """``count`` published reviews of the mug, titled R00, R01, ... (oldest first)."""
    with site.edit() as root:
        pid = product(root).pid
        return [
            plant(
                root, site.registry, pid, state="published", author=f"a{n}", title=f"R{n:02}", **kw
            )
            for n in range(count)
        ]


def test_only_published_reviews_are_shown(site, app):
    with site.edit() as root:
        pid = product(root).pid
        for state in STATES:
            plant(root, site.registry, pid, state=state, author=state, title=f"T-{state}")
    page = app.get(EN_PAGE)
    assert titles(page) == ["T-published"]
    text = section(page).get_text(" ", strip=True)
    assert all(f"T-{state}" not in text for state in STATES if state != "published")
    assert "1 review" in text and "1 reviews" not in text
    assert titles(app.get(REVIEWS)) == ["T-published"]


def test_figures_come_from_the_aggregates(site, app):
    with site.edit() as root:
        pid = product(root).pid
        for n, rating in enumerate((5, 5, 4, 1)):
            plant(root, site.registry, pid, state="published", author=f"p{n}", rating=rating)
        plant(root, site.registry, pid, state="pending", author="q", rating=1)
    page = app.get(PAGE)  # in Dutch: the average has a decimal comma
    summary = section(page).find(class_="rating-average").get_text(" ", strip=True)
    assert "3,8" in summary and "4 recensies" in summary and "3,8 van 5 sterren" in summary
    rows = [
        [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
        for row in section(page).select(".rating-distribution tr")
    ]
    assert [(row[0], row[2]) for row in rows] == [
        ("5 van 5 sterren", "2"),
        ("4 van 5 sterren", "1"),
        ("3 van 5 sterren", "0"),
        ("2 van 5 sterren", "0"),
        ("1 van 5 sterren", "1"),
    ]


def test_no_reviews_yet(app):
    page = app.get(EN_PAGE)
    text = section(page).get_text(" ", strip=True)
    assert "No reviews yet." in text
    links = {a.get_text(strip=True): a["href"] for a in section(page).find_all("a")}
    assert links == {
        "Write a review": "/en/login?came_from=/en/products/mug-cafe/review",
        "How we handle reviews": "/en/review-terms",
    }
    app.get(links["How we handle reviews"], status=200)
    login_page = app.get(links["Write a review"], status=200)
    assert login_page.forms["login"]["came_from"].value == "/en/products/mug-cafe/review"
    assert "verified purchase" in text and "read by us before it is published" in text
    assert "aggregateRating" not in json_ld(page)


def test_a_review_as_shown(site, app):
    with site.edit() as root:
        pid = product(root).pid
        review = plant(
            root,
            site.registry,
            pid,
            state="published",
            author="v",
            rating=3,
            language="fr",
            text="Première ligne\nhttps://example.com/spam",
            verified=True,
            display="anonymous",
        )
        moderation.reply(review, "Merci!\nÀ bientôt", "admin", now(site.registry), site.registry)
    item = section(app.get(EN_PAGE)).find(class_="review")
    text = item.get_text(" ", strip=True)
    assert "3 out of 5 stars" in text and "Anonymous" in text and "Verified purchase" in text
    assert "Written in Français" in text and item.article["lang"] == "fr"
    body = item.find(class_="review-text")
    assert body.find_all("br") and body.find("a") is None
    assert "https://example.com/spam" in body.get_text()
    assert "Reply from the shop" in text and "À bientôt" in text


def test_pages_of_ten_newest_first(site, app):
    plant_many(site, 25)
    page = app.get(PAGE)
    assert titles(page) == [f"R{n:02}" for n in range(24, 14, -1)]
    pages = section(page).select("nav.pagination a")
    assert [a.get_text(strip=True) for a in pages] == ["1", "2", "3"]
    third = app.get(pages[2]["href"])
    assert titles(third) == [f"R{n:02}" for n in range(4, -1, -1)]
    assert third.request.path_qs == "/nl/products/mug-cafe/reviews?page=3"


def test_filters_by_rating_and_language(site, app):
    with site.edit() as root:
        pid = product(root).pid
        for n, (rating, lang) in enumerate(((5, "nl"), (5, "fr"), (2, "fr"), (2, "en"))):
            plant(
                root,
                site.registry,
                pid,
                state="published",
                author=f"f{n}",
                rating=rating,
                language=lang,
                title=f"{rating}{lang}",
            )
    assert sorted(titles(app.get(REVIEWS, {"rating": "5"}))) == ["5fr", "5nl"]
    assert titles(app.get(REVIEWS, {"lang": "fr"})) == ["2fr", "5fr"]
    assert titles(app.get(REVIEWS, {"lang": "fr", "rating": "2"})) == ["2fr"]
    page = app.get(PAGE)
    # By default all languages; the links name each language with its count.
    assert sorted(titles(page)) == ["2en", "2fr", "5fr", "5nl"]
    nav = section(page).find(class_="reviews-filters").get_text(" ", strip=True)
    assert "Français (2)" in nav and "English (1)" in nav


def test_sort_by_most_helpful(site, app):
    reviews = plant_many(site, 3)
    with site.edit() as root:
        folder = root["reviews"].of_product(product(root).pid)
        for review, votes in zip(reviews, (2, 0, 5), strict=True):
            for _n in range(votes):
                moderation.vote_helpful(folder[review.__name__], site.registry)
    page = app.get(EN_REVIEWS, {"sort": "helpful"})
    assert titles(page) == ["R02", "R00", "R01"]
    assert "5 people found this review helpful" in section(page).get_text(" ", strip=True)


def test_bad_filters_answer_400(app):
    for query in (
        {"page": "x"},
        {"page": "0"},
        {"rating": "6"},
        {"rating": "<script>"},
        {"lang": "de"},
        {"sort": "oldest"},
    ):
        page = app.get(EN_REVIEWS, query, status=400)
        assert "These reviews cannot be shown so" in page.text
    # Past the last page: the last page.
    app.get(REVIEWS, {"page": "9"}, status=200)


def test_an_approval_changes_the_page_validators(site, app):
    with site.edit() as root:
        pending = plant(root, site.registry, product(root).pid, author="w", title="Waiting")
        key = pending.__name__
    first = app.get(PAGE)
    etag = first.headers["ETag"]
    app.get(PAGE, headers={"If-None-Match": etag}, status=304)
    reviews_etag = app.get(REVIEWS).headers["ETag"]
    with site.edit() as root:
        review = root["reviews"].of_product(product(root).pid)[key]
        REVIEW_WORKFLOW.transition(review, None, "approve", actor="system:test")
    fresh = app.get(PAGE, headers={"If-None-Match": etag}, status=200)
    assert titles(fresh) == ["Waiting"]
    app.get(REVIEWS, headers={"If-None-Match": reviews_etag}, status=200)


def test_a_reply_changes_the_page_validators(site, app):
    [review] = plant_many(site, 1)
    etag = app.get(PAGE).headers["ETag"]
    with site.edit() as root:
        stored = root["reviews"].of_product(product(root).pid)[review.__name__]
        moderation.reply(stored, "Thanks", "admin", now(site.registry), site.registry)
    page = app.get(PAGE, headers={"If-None-Match": etag}, status=200)
    assert "Thanks" in section(page).get_text()


def test_the_page_with_many_reviews_loads_only_one_page(site, app):
    plant_many(site, 30)
    page = app.get(EN_PAGE)
    assert len(titles(page)) == 10
    assert "30 reviews" in section(page).get_text(" ", strip=True)


def test_a_customer_is_linked_to_the_form(site, app):
    site.add_account("writer@example.be")
    login(app, "writer@example.be", PASSWORD)
    page = app.get(EN_PAGE)
    write = section(page).find("a", string="Write a review")
    assert write["href"] == "/en/products/mug-cafe/review"
    app.get(write["href"], status=200)


def test_staff_are_not_offered_the_form(app):
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert section(app.get(EN_PAGE)).find("a", string="Write a review") is None


def test_no_link_leads_to_a_missing_page(site, app):
    # As if neither the writing form's view nor the review terms' were registered (the
    # section looks once per application).
    site.registry.shopcms_reviews_views = {"review": False, "review-terms": False}
    assert section(app.get(PAGE)).find("a") is None
