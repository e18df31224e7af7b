"""The product page's schema.org data, and hostile texts in reviews: inert everywhere."""

import re

from shopcms.reviews import moderation
from shopcms.web.clock import now
from tests.reviews.factory import plant, product
from tests.reviews.visitors import PAGE, fresh_limits, json_ld, section

__all__ = ["fresh_limits"]

PAYLOADS = (
    "</script><script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "<!-- <svg onload=alert(3)> & &amp;",
)


def test_json_ld_describes_the_product_and_its_published_reviews(site, app):
    with site.edit() as root:
        pid = product(root).pid
        plant(root, site.registry, pid, state="published", author="a", rating=5, title="Top")
        plant(
            root,
            site.registry,
            pid,
            state="published",
            author="b",
            rating=2,
            title="Meh",
            language="fr",
            display="anonymous",
        )
        plant(root, site.registry, pid, state="pending", author="c", rating=1, title="Hidden")
        plant(root, site.registry, pid, state="hidden", author="d", rating=1, title="Gone")
    data = json_ld(app.get(PAGE))
    assert data["@type"] == "Product" and data["name"] == "Mok Café Cactus"
    assert data["offers"]["priceCurrency"] == "EUR"
    assert data["aggregateRating"]["ratingValue"] == 3.5
    assert data["aggregateRating"]["reviewCount"] == 2
    reviews = {review["name"]: review for review in data["review"]}
    assert set(reviews) == {"Top", "Meh"}
    assert reviews["Top"]["author"]["name"] == "Anna de Smet"
    assert reviews["Meh"]["author"]["name"] == "Anoniem"  # the Dutch page's word
    assert reviews["Meh"]["inLanguage"] == "fr"
    assert reviews["Top"]["reviewRating"]["ratingValue"] == 5
    assert reviews["Top"]["reviewBody"].startswith("A sturdy mug")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", reviews["Top"]["datePublished"])


def test_hostile_texts_are_inert_on_the_page_and_in_the_json(site, app):
    with site.edit() as root:
        pid = product(root).pid
        for n, payload in enumerate(PAYLOADS):
            review = plant(
                root,
                site.registry,
                pid,
                state="published",
                author=f"x{n}",
                title=payload,
                text=f"Text {payload}\nline two",
                name=f"Eve {payload}",
            )
            moderation.reply(review, f"Reply {payload}", "admin", now(site.registry), site.registry)
    page = app.get(PAGE)
    body = page.text
    for payload in PAYLOADS:
        assert payload not in body
    assert "alert(" in body  # the texts are there, escaped
    assert not page.html.find_all("img", src="x")
    scripts = page.html.find_all("script", type="application/ld+json")
    raw = scripts[0].string
    assert "<" not in raw and ">" not in raw and "&" not in raw
    data = json_ld(page)
    assert {review["name"] for review in data["review"]} == set(PAYLOADS)
    shown = section(page).get_text()
    assert all(payload in shown for payload in PAYLOADS)
    # A report's reason is never shown; posting one leaves the page intact.
    key = next(iter(site.read(lambda root: list(root["reviews"].of_product(pid).keys()))))
    form = page.forms[f"report-{key}"]
    form["reason"] = PAYLOADS[0]
    form.submit(status=303)
    assert PAYLOADS[0] not in app.get(PAGE).text


def test_the_product_page_security_policy_allows_no_inline_script(app):
    page = app.get(PAGE)
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    # The one inline script is a data block (not executed, so the policy leaves it be).
    inline = [s for s in page.html.find_all("script") if not s.get("src")]
    assert [s["type"] for s in inline] == ["application/ld+json"]
