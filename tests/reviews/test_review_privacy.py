"""Reviews and the privacy rights (issue 13, acceptance 6): the export lists every review
of the person, erasure deletes them or (when asked) keeps the published ones without any
trace of their author, guests' reviews go with the guest's erasure, and the daily
retention deletes closed reviews after 30 days."""

import dataclasses
import json
import re
import secrets
from datetime import timedelta

import pytest

from shopcms import cli
from shopcms.mail import send_queued
from shopcms.privacy.erasure import purge_history
from shopcms.reviews import HELPFUL_COOKIE
from shopcms.reviews.privacy import CLOSED_KEPT
from shopcms.reviews.resources import customer_key, guest_key
from shopcms.tree.database import get_database
from shopcms.web.clock import now
from tests.cli.test_cli_import_payments import write_ini
from tests.cli.test_cli_retention import make_site_again
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login, make_site
from tests.factories import make_order
from tests.privacy.markers import found_in_database
from tests.reviews.factory import plant

#: Three products, so that one author can have three reviews (one per product).
PRODUCTS = ("mug-cafe", "ceramic-pot-sage", "aloe-vera")


@dataclasses.dataclass
class Author:
    userid: str
    email: str
    name: str
    kept_text: str  # the published review's text (it may stay; nothing of the author in it)

    @property
    def markers(self):
        first, last = self.name.split()
        return [self.email, self.userid, first, last, customer_key(self.userid)]


def pid(root, name="mug-cafe"):
    return root["products"][name].pid


def aggregates(site, name="mug-cafe"):
    def read(root):
        folder = root["reviews"].of_product(pid(root, name))
        product = root["products"][name]
        return folder.aggregates.count, folder.aggregates.average, product.rating_count

    return site.read(read)


def author_with_reviews(site, rating=4):
    """A customer with a published review of the mug (``rating``), a pending one and a
    rejected one, each with unique markers for their name and address."""
    tag = secrets.token_hex(5)
    email = f"zqmail{tag}@example.be"
    author = Author(
        site.add_account(email), email, f"Zqfirst{tag} Zqlast{tag}", f"Zqkept{tag} " * 4
    )
    with site.edit() as root:
        for name, state in zip(PRODUCTS, ("published", "pending", "rejected"), strict=True):
            plant(
                root,
                site.registry,
                pid(root, name),
                rating=rating,
                state=state,
                author=author.userid,
                name=author.name,
                email=email,
                text=author.kept_text if state == "published" else f"Zqother{tag} " * 4,
            )
    return author


def other_review(site, rating):
    with site.edit() as root:
        plant(
            root,
            site.registry,
            pid(root),
            rating=rating,
            state="published",
            author="someone-else",
            email="other@example.be",
        )


FIELDS = "text title rating workflow_state shown_name email author author_key display"


def reviews_of(site, name="mug-cafe"):
    """The reviews of product ``name`` as they are stored (their fields read, not loaded)."""

    def read(root):
        reviews = root["reviews"].of_product(pid(root, name)).values()
        return [
            dataclasses.make_dataclass("Stored", FIELDS.split())(
                *(getattr(review, field) for field in FIELDS.split())
            )
            for review in reviews
        ]

    return site.read(read)


def logged_in(site, email, lang="nl"):
    app = Browser(site.wsgi)
    login(app, email, PASSWORD, lang=lang)
    return app


def staff(site):
    app = Browser(site.wsgi)
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    return app


def find_on_desk(app, email):
    form = app.get("/nl/manage/privacy/").forms["find"]
    form["email"] = email
    return form.submit("find", status=200)


# -- the export ---------------------------------------------------------------------------


def test_the_export_lists_the_reviews_in_every_state(site):
    author = author_with_reviews(site)
    with site.edit() as root:
        plant(root, site.registry, pid(root, "mug-cafe"), state="published", author="other")
    app = logged_in(site, author.email)

    data = json.loads(app.get("/nl/account/export.json").text)
    reviews = data["reviews"]
    assert sorted(r["state"] for r in reviews) == ["pending", "published", "rejected"]
    for review in reviews:
        assert review["name_shown"] == author.name and review["email"] == author.email
        assert review["rating"] == 4 and review["history"][0]["to"] == "pending"
        assert review["written"].startswith("20")  # ISO 8601

    # The readable page: one card per review, its state and dates in the page's language.
    page = app.get("/nl/account/export")
    section = page.html.select_one("#export-reviews")
    cards = section.select("article")
    assert len(cards) == 3
    text = section.get_text(" ", strip=True)
    assert "Gepubliceerd" in text  # the state's title, not its name
    assert not {"pending", "published", "rejected"} & set(text.split())
    assert author.kept_text.strip() in text and author.name in text
    assert re.search(r"\d{4}-\d\d-\d\dT", text) is None  # dates formatted, not ISO
    assert "state_title" not in text and "name_display" not in text  # labelled, not keys


# -- erasure --------------------------------------------------------------------------------


def test_erasure_keeping_reviews_leaves_the_text_and_no_trace_of_the_author(site, smtp):
    author = author_with_reviews(site, rating=4)
    other_review(site, rating=2)
    assert aggregates(site) == (2, 3.0, 2)
    earlier = send_queued(site.registry).sent
    smtp.wait_for(earlier)

    app = logged_in(site, author.email)
    form = app.get("/nl/account/delete").forms["delete"]
    assert form["keep_reviews"].checked is False  # never ticked in advance
    form["keep_reviews"] = True
    form["password"] = PASSWORD
    form.submit("delete", status=200)

    # The published review stays, with its rating and text, and without any name.
    [kept] = [r for r in reviews_of(site) if r.text == author.kept_text]
    assert (kept.workflow_state, kept.rating, kept.shown_name, kept.email) == (
        "published",
        4,
        None,
        None,
    )
    assert (kept.author, kept.author_key, kept.display) == (None, None, "anonymous")
    assert aggregates(site) == (2, 3.0, 2)  # it still counts
    # The pending and the rejected ones are deleted all the same.
    assert reviews_of(site, "ceramic-pot-sage") == reviews_of(site, "aloe-vera") == []
    assert site.read(lambda root: customer_key(author.userid) in root["reviews"].by_author) is (
        False
    )

    product_page = Browser(site.wsgi).get("/nl/products/mug-cafe")
    assert [m for m in author.markers if m in product_page.text] == []

    # After the confirmation left and the database was packed: nothing of them in the file.
    send_queued(site.registry)
    smtp.wait_for(earlier + 1)
    purge_history(get_database(site.registry))
    assert found_in_database(site, author.markers) == []
    assert found_in_database(site, [author.kept_text]) == [author.kept_text]


def test_erasure_deletes_the_reviews_and_the_average_follows(site, smtp):
    author = author_with_reviews(site, rating=1)
    other_review(site, rating=5)
    assert aggregates(site) == (2, 3.0, 2)

    desk = staff(site)
    erase_page = find_on_desk(desk, author.email).click(href="/erase")
    form = erase_page.forms["erase"]
    assert form["keep_reviews"].checked is False
    form["note"] = "request by mail of 2026-12-01"
    form.submit("erase", status=303)

    assert [r.rating for r in reviews_of(site)] == [5]
    assert aggregates(site) == (1, 5.0, 1)
    assert site.read(lambda root: root["products"]["mug-cafe"].rating) == 5.0
    assert reviews_of(site, "ceramic-pot-sage") == reviews_of(site, "aloe-vera") == []
    page = Browser(site.wsgi).get("/nl/products/mug-cafe")
    assert [m for m in author.markers if m in page.text] == []


def test_the_command_line_keeps_the_reviews_when_asked(tmp_path, capsys):
    site = make_site(tmp_path)
    try:
        author = author_with_reviews(site)
    finally:
        site.close()
    ini = write_ini(tmp_path / "shop.ini", tmp_path)

    args = ["erase-customer", ini, author.email, "--yes", "--keep-reviews"]
    assert cli.main(args) == 0
    assert "2 review(s) deleted, 1 kept without any name" in capsys.readouterr().out

    site = make_site_again(tmp_path)
    try:
        [kept] = reviews_of(site)
        assert (kept.text, kept.shown_name, kept.email) == (author.kept_text, None, None)
        assert reviews_of(site, "ceramic-pot-sage") == reviews_of(site, "aloe-vera") == []
    finally:
        site.close()


# -- guests ----------------------------------------------------------------------------------


def test_a_guests_erasure_removes_the_reviews_written_through_their_orders(site, smtp):
    guest = f"zqguest{secrets.token_hex(4)}@example.be"
    with site.edit() as root:
        number = make_order(root, contact={"email": guest}, state="delivered").number
        elsewhere = make_order(root, state="delivered").number  # another guest
        for name, state in (("mug-cafe", "published"), ("aloe-vera", "pending")):
            plant(
                root,
                site.registry,
                pid(root, name),
                rating=2,
                state=state,
                order=number,
                name="Zqguestname Zqsurname",
                email=guest,
            )
        plant(root, site.registry, pid(root), rating=5, state="published", order=elsewhere)
    assert aggregates(site) == (2, 3.5, 2)

    desk = staff(site)
    exported = find_on_desk(desk, guest).forms["guest-export"].submit(status=200)
    reviews = json.loads(exported.text)["reviews"]
    assert sorted(r["state"] for r in reviews) == ["pending", "published"]

    form = find_on_desk(desk, guest).forms["guest-erase"]
    form["note"] = "request by mail of 2026-12-01"
    form.submit("erase", status=303)

    assert [r.rating for r in reviews_of(site)] == [5]  # the other guest's stays
    assert reviews_of(site, "aloe-vera") == []
    assert aggregates(site) == (1, 5.0, 1)
    assert site.read(lambda root: guest_key(number) in root["reviews"].by_author) is False


def test_a_guest_may_ask_to_keep_their_published_review_without_a_name(site, smtp):
    guest = f"zqguest{secrets.token_hex(4)}@example.be"
    with site.edit() as root:
        number = make_order(root, contact={"email": guest}, state="delivered").number
        plant(
            root,
            site.registry,
            pid(root),
            state="published",
            order=number,
            name="Zqguestname Zqsurname",
            email=guest,
            text="Zqguesttext " * 4,
        )
    form = find_on_desk(staff(site), guest).forms["guest-erase"]
    assert form["keep_reviews"].checked is False
    form["keep_reviews"] = True
    form["note"] = "request by mail of 2026-12-01"
    form.submit("erase", status=303)

    [kept] = reviews_of(site)
    assert (kept.text, kept.shown_name, kept.email, kept.author_key) == (
        "Zqguesttext " * 4,
        None,
        None,
        None,
    )
    assert aggregates(site) == (1, 4.0, 1)


# -- retention -------------------------------------------------------------------------------


def test_retention_deletes_closed_reviews_after_30_days(tmp_path, capsys):
    site = make_site(tmp_path)
    try:
        with site.edit() as root:
            today = now(site.registry)
            planted = {}
            for name, (state, age) in {
                "old-rejected": ("rejected", 31),
                "old-withdrawn": ("withdrawn", 40),
                "old-spam": ("spam", 31),
                "young-rejected": ("rejected", 29),
                "old-published": ("published", 400),
                "old-pending": ("pending", 400),
            }.items():
                review = plant(root, site.registry, pid(root), state=state, author=name, title=name)
                # Its last transition (or its creation) that many days ago.
                last = review.workflow_history[-1]
                review.workflow_history[-1] = dataclasses.replace(
                    last, when=today - timedelta(days=age)
                )
                planted[name] = review.author_key
    finally:
        site.close()
    ini = write_ini(tmp_path / "shop.ini", tmp_path)

    assert cli.main(["retention", ini]) == 0
    out = capsys.readouterr().out
    assert "reviews: 3 withdrawn, rejected or spam review(s) older than 30 days deleted" in out

    site = make_site_again(tmp_path)
    try:
        titles = sorted(r.title for r in reviews_of(site))
        assert titles == ["old-pending", "old-published", "young-rejected"]
        written = site.read(lambda root: dict(root["reviews"].by_author))
        assert sorted(key for key in written) == sorted(
            planted[t] for t in ("old-pending", "old-published", "young-rejected")
        )
        assert aggregates(site) == (1, 4.0, 1)
    finally:
        site.close()


# -- what the statements say ------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "heading", "necessary"),
    [
        ("nl", "Recensies", "Noodzakelijk"),
        ("fr", "Avis", "nécessaire"),
        ("en", "Reviews", "Strictly necessary"),
    ],
)
def test_the_privacy_statement_and_cookie_table_describe_reviews(app, lang, heading, necessary):
    page = app.get(f"/{lang}/privacy")
    [title] = [h for h in page.html.select("h2") if h.get_text(strip=True) == heading]
    section = []
    for sibling in title.find_next_siblings():
        if sibling.name == "h2":
            break
        section.append(sibling)
    text = " ".join(part.get_text(" ", strip=True) for part in section)
    links = [a["href"] for part in section for a in part.select("a")]
    assert f"/{lang}/review-terms" in links
    assert "30" in text  # the days a closed review is kept (reviews.privacy.CLOSED_KEPT)
    assert timedelta(days=30) == CLOSED_KEPT

    cookies = app.get(f"/{lang}/cookies")
    rows = {
        tr.td.get_text(strip=True): tr.get_text(" ", strip=True)
        for tr in cookies.html.select("table.cookie-table tbody tr")
    }
    assert HELPFUL_COOKIE in rows
    assert necessary.casefold() in rows[HELPFUL_COOKIE].casefold()
