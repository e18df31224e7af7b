"""Writing a review as a customer: /{lang}/products/<slug>/review.

The login in place, the form (its previews of the name, its refusals), one review per
product (edit sends it back to moderation, withdraw), the daily limit, the "received" mail
through a real SMTP server, and what the author wrote escaped on the page."""

import re

from shopcms.mail import send_queued
from shopcms.reviews.resources import customer_key
from shopcms.reviews.workflow import REVIEW_WORKFLOW
from tests.conftest import PASSWORD, Browser, login
from tests.factories import make_order
from tests.reviews.factory import plant

TEXT = "Een stevige mok die de koffie lang warm houdt. Aanrader!"
EMAIL = "anna@example.be"
NAME = "Anna de Smet"


def customer(site, email=EMAIL, name=NAME, delivered=("mug-cafe",)):
    """An account that received ``delivered`` (an order under ``name``), logged in."""
    userid = site.add_account(email)
    if delivered:
        with site.edit() as root:
            make_order(
                root,
                customer=userid,
                items=[(item, 1) for item in delivered],
                contact={"name": name, "email": email},
                state="delivered",
            )
    app = Browser(site.wsgi)
    login(app, email, PASSWORD)
    return app, userid


def review_form(page):
    return page.forms["review"]


def fill(form, rating="4", title="Warm", text=TEXT, language="nl", display="initials"):
    # Radio buttons are renamed to their field's id (deform's peppercorn rename).
    if rating is not None:
        form["review-rating"] = rating
    form["title"] = title
    form["text"] = text
    form["review-language"] = language
    form["review-display"] = display
    return form


def the_review(site, userid, pid=None):
    def read(root):
        product = pid if pid is not None else root["products"]["mug-cafe"].pid
        return root["reviews"].written_by(customer_key(userid)).get(product)

    return site.read(read)


def display_labels(page):
    return [label.get_text(strip=True) for label in page.html.select("#item-review-display label")]


def summary(page):
    """The messages of the form's error summary."""
    box = page.html.select_one('[role="alert"]')
    return box.get_text(" ", strip=True) if box is not None else ""


def plain(received):
    return received.message.get_body(("plain",)).get_content()


def html(received):
    return received.message.get_body(("html",)).get_content()


def test_a_visitor_meets_the_login_form_and_comes_back_to_the_review_form(site):
    app = Browser(site.wsgi)
    page = app.get("/en/products/mug-cafe/review", status=403)
    assert "Log in to write a review." in page.text
    form = page.forms["login"]
    assert form["came_from"].value == "/en/products/mug-cafe/review"
    site.add_account(EMAIL)
    form["email"], form["password"] = EMAIL, PASSWORD
    back = form.submit("login", status=303)
    assert back.location.endswith("/en/products/mug-cafe/review")
    assert "review" in back.follow().forms
    # An unpublished or unknown product has no review page, logged in or not.
    app.get("/en/products/no-such-thing/review", status=404)


def test_a_customer_writes_a_review_in_dutch_with_initials_and_is_mailed(site, smtp):
    app, userid = customer(site)
    page = app.get("/nl/products/mug-cafe/review")
    # The choices of the name preview what each would show of the customer's name.
    labels = display_labels(page)
    assert labels == [
        "Volledige naam: Anna de Smet",
        "Voornaam en initiaal: Anna S.",
        "Initialen: A. d. S.",
        "Anoniem",
    ]
    # The ratings and the names are groups of radio buttons, each in a fieldset.
    assert page.html.select_one("fieldset#item-review-rating legend")
    assert page.html.select_one("fieldset#item-review-display legend")
    assert page.html.select_one('a[href="/nl/review-terms"]')
    assert review_form(page)["review-language"].value == "nl"  # the page's language by default

    done = fill(review_form(page)).submit("send", status=303)
    assert done.location.endswith("/nl/products/mug-cafe/review")
    after = done.follow()
    assert after.html.select_one("#review-state").get_text(strip=True)
    review = the_review(site, userid)
    assert review.workflow_state == "pending"
    assert (review.rating, review.title, review.text) == (4, "Warm", TEXT)
    assert (review.language, review.display, review.shown_name) == ("nl", "initials", "A. d. S.")
    assert review.verified is True  # a delivered order of the account holds the mug
    assert review.mail_language == "nl"
    assert review.email == EMAIL

    # The order's mails were queued with it; the review's "received" mail follows them.
    sent = send_queued(site.registry).sent
    mail = next(m for m in smtp.wait_for(sent) if TEXT in plain(m))
    assert mail.message["To"] == EMAIL
    assert 'lang="nl"' in html(mail)
    assert "http://localhost/nl/review-terms" in plain(mail)
    assert "4" in plain(mail) and "Warm" in plain(mail)


def test_without_a_known_name_the_review_is_anonymous(site):
    app, userid = customer(site, delivered=())
    page = app.get("/en/products/mug-cafe/review")
    labels = display_labels(page)
    assert labels == ["Anonymous"]
    form = fill(review_form(page), language="en", display="anonymous")
    form.submit("send", status=303)
    review = the_review(site, userid)
    assert (review.shown_name, review.verified) == (None, False)
    # A display that was not offered is refused, not taken.
    form = fill(review_form(app.get("/en/products/care-booklet/review")), display="anonymous")
    form["review-display"].force_value("full")  # not offered without a name
    refused = form.submit("send", status=400)
    assert "How your name is shown" in summary(refused)


def test_form_errors_answer_400_with_messages_and_write_nothing(site):
    app, userid = customer(site)
    form = review_form(app.get("/en/products/mug-cafe/review"))
    fill(form, rating=None, text="Too short", title="T" * 121, language="en")
    page = form.submit("send", status=400)
    text = summary(page)
    assert "Choose a rating from 1 to 5 stars." in text
    assert "Write at least 20 characters (you wrote 9)." in text
    assert "Keep the title to 120 characters." in text
    # HTML is refused with a message that says reviews are plain text.
    form = fill(review_form(page), text="<b>Great</b> mug, I really love it a lot.")
    page = form.submit("send", status=400)
    assert "Reviews are plain text" in summary(page)
    form = fill(review_form(page), title="<script>alert(1)</script>")
    assert "Reviews are plain text" in summary(form.submit("send", status=400))
    # Text that merely has a "<" in it is text.
    form = fill(review_form(page), text="Better than the blue one: a < b, and I <3 it.")
    form.submit("send", status=303)
    assert the_review(site, userid).text == "Better than the blue one: a < b, and I <3 it."


def test_tampered_values_are_a_400_never_a_500(site):
    app, userid = customer(site)
    page = app.get("/en/products/care-booklet/review")
    token = page.html.select_one('#review input[name="csrf_token"]')["value"]
    url = "/en/products/care-booklet/review"
    base = {"csrf_token": token, "title": "", "text": TEXT, "language": "en", "send": "send"}
    for bad in (
        {"rating": "abc", "display": "anonymous"},
        {"rating": "9", "display": "anonymous"},
        {"rating": "3", "display": "everyone"},
        {"rating": "3", "display": "anonymous", "language": "de"},
        {"rating": "3", "display": "anonymous", "text": "x\x00" * 20},
        {"rating": "3", "display": "anonymous", "text": "y" * 5001},
    ):
        app.post(url, {**base, **bad}, status=400)
    app.post(url, {**base, "rating": "3", "display": "anonymous", "csrf_token": "x"}, status=400)
    assert site.read(lambda root: dict(root["reviews"].by_author)) == {}


def test_editing_sends_the_review_back_to_moderation_and_withdraw_takes_it_away(site, smtp):
    app, userid = customer(site)
    form = fill(review_form(app.get("/en/products/mug-cafe/review")), language="en")
    form.submit("send", status=303)
    with site.edit() as root:
        review = root["reviews"].written_by(customer_key(userid))[root["products"]["mug-cafe"].pid]
        REVIEW_WORKFLOW.transition(review, None, "approve", actor="system:test")
    page = app.get("/en/products/mug-cafe/review")
    assert page.html.select_one("#review-state").get_text(strip=True) == "Published"
    form = review_form(page)
    assert (form["review-rating"].value, form["title"].value) == ("4", "Warm")  # it holds it
    form["review-rating"] = "2"
    form["text"] = "After a month the glaze cracked. Not what I hoped for."
    form.submit("send", status=303)
    review = the_review(site, userid)
    assert (review.workflow_state, review.rating) == ("pending", 2)
    assert [e.transition for e in review.workflow_history] == [None, "approve", "edit"]

    page = app.get("/en/products/mug-cafe/review")
    page.forms["withdraw-review"].submit(status=303)
    assert the_review(site, userid).workflow_state == "withdrawn"
    # Withdrawn: the page offers an empty form again; writing anew makes a new review.
    page = app.get("/en/products/mug-cafe/review")
    assert page.html.select_one("#review-state") is None
    assert "withdraw-review" not in page.forms
    # A withdraw posted again has nothing to withdraw.
    token = page.html.select_one('#review input[name="csrf_token"]')["value"]
    app.post("/en/products/mug-cafe/review/withdraw", {"csrf_token": token}, status=409)
    fill(review_form(page), language="en").submit("send", status=303)
    assert the_review(site, userid).workflow_state == "pending"
    # The withdrawn review went with it: one review of the mug is left, the new one.
    count = site.read(
        lambda root: len(root["reviews"].of_product(root["products"]["mug-cafe"].pid))
    )
    assert count == 1

    sent = send_queued(site.registry).sent
    subjects = [m.message["Subject"] for m in smtp.wait_for(sent)]
    # received, published, received again (the edit), received (the new one): never for
    # the withdrawal.
    assert subjects.count("We received your review") == 3
    assert subjects.count("Your review is published") == 1


def test_a_review_marked_as_spam_can_no_longer_be_changed(site):
    app, userid = customer(site)
    fill(review_form(app.get("/en/products/mug-cafe/review")), language="en").submit(
        "send", status=303
    )
    with site.edit() as root:
        review = root["reviews"].written_by(customer_key(userid))[root["products"]["mug-cafe"].pid]
        REVIEW_WORKFLOW.transition(review, None, "spam", actor="system:test")
    page = app.get("/en/products/mug-cafe/review")
    assert "can no longer be changed" in page.text
    assert "review" not in page.forms


def test_the_sixth_review_in_a_day_is_refused(site):
    names = site.read(lambda root: sorted(root["products"].keys()))[:6]
    app, userid = customer(site)
    for name in names[:5]:
        form = fill(review_form(app.get(f"/en/products/{name}/review")), language="en")
        form.submit("send", status=303)
    form = fill(review_form(app.get(f"/en/products/{names[5]}/review")), language="en")
    refused = form.submit("send", status=400)
    assert "as many reviews as one may in a day" in summary(refused)
    assert len(site.read(lambda root: root["reviews"].written_by(customer_key(userid)))) == 5


def test_what_the_author_wrote_is_escaped_on_the_page(site):
    app, userid = customer(site)
    payload = '"><svg onload=alert(1)> javascript:alert(2) {{7*7}} ${7*7}'
    with site.edit() as root:
        plant(
            root,
            site.registry,
            root["products"]["mug-cafe"].pid,
            author=userid,
            title=payload,
            text=payload + " " + TEXT,
        )
    page = app.get("/en/products/mug-cafe/review")
    # (The page's own icons are SVG: only the author's element must not be one.)
    assert "<svg onload" not in page.text
    assert "&lt;svg onload=alert(1)&gt;" in page.text
    assert not page.html.select("svg[onload]")
    # In the form too, which holds the review to change.
    assert review_form(page)["title"].value == payload
    assert (
        re.search(r"\{\{7\*7\}\}", page.text)
        and "49" not in page.html.select_one(".your-review").get_text()
    )
