"""The guest's review link, end to end with a real SMTP server: the order desk marks the
order delivered, the delivered mail holds one link per product, the guest follows one and
writes anonymously; a link works once, for 60 days, and only for a product of its order.
The orders are Dutch: their mails, and the pages their links open, speak Dutch."""

import re

import pytest

from shopcms.mail import send_queued
from shopcms.reviews.links import make_token
from shopcms.reviews.resources import guest_key
from shopcms.web.clock import now
from tests.conftest import PASSWORD, Browser, login
from tests.factories import make_order

TEXT = "Mooie mok, stevig en de koffie blijft lang warm. Zeker een aanrader."
GUEST = {"name": "Piet Janssens", "email": "piet@example.be"}
LINK = re.compile(r"https?://[^/\s]+(/nl/reviews/write/[^\s]+)")


@pytest.fixture
def desk(site):
    site.add_account("desk@example.be", roles=("orders",))
    desk = Browser(site.wsgi)
    login(desk, "desk@example.be", PASSWORD)
    return desk


def shipped_order(site, items=(("mug-cafe", 1), ("care-booklet", 2)), customer=None):
    with site.edit() as root:
        return make_order(
            root, items=items, contact=GUEST, state="shipped", customer=customer
        ).number


def deliver_at_the_desk(desk, number):
    page = desk.get(f"/nl/manage/orders/{number}")
    page.forms["transition-deliver"].submit(status=303)


def plain(received):
    return received.message.get_body(("plain",)).get_content()


def html(received):
    return received.message.get_body(("html",)).get_content()


def delivered_mail(site, smtp, number):
    """The delivered mail of the (Dutch) order ``number``."""
    sent = send_queued(site.registry).sent
    mails = smtp.wait_for(sent)
    [mail] = [m for m in mails if m.message["Subject"].endswith(" is geleverd")]
    assert mail.message["Subject"] == f"Uw bestelling {number} is geleverd"
    return mail


def pids(site, *names):
    return site.read(lambda root: [root["products"][name].pid for name in names])


def guest_review(site, number, pid):
    return site.read(lambda root: root["reviews"].written_by(guest_key(number)).get(pid))


def test_a_guest_follows_the_delivered_mail_and_writes_anonymously(site, smtp, desk):
    number = shipped_order(site)
    deliver_at_the_desk(desk, number)
    mail = delivered_mail(site, smtp, number)
    links = LINK.findall(plain(mail))
    assert len(links) == 2  # one per product of the order
    assert html(mail).count("/nl/reviews/write/") == 2
    assert "Schrijf een recensie over" in plain(mail)

    guest = Browser(site.wsgi)
    page = guest.get(links[0])
    assert page.headers["Referrer-Policy"] == "no-referrer"
    # The name previewed is the order's contact name.
    labels = page.html.select("#item-review-display label")
    assert labels[1].get_text(strip=True) == "Voornaam en initiaal: Piet J."
    form = page.forms["review"]
    form["review-rating"] = "5"
    form["text"] = TEXT
    form["review-language"] = "nl"
    form["review-display"] = "anonymous"
    thanks = form.submit("send", status=200)
    assert "Bedankt voor uw recensie" in thanks.text

    mug, booklet = pids(site, "mug-cafe", "care-booklet")
    review = guest_review(site, number, mug)
    assert review.workflow_state == "pending"
    assert (review.author, review.shown_name, review.display) == (None, None, "anonymous")
    assert (review.email, review.verified) == (GUEST["email"], True)
    assert review.mail_language == "nl"

    # The same link again: a clear page, no form; its POST writes nothing either.
    used = guest.get(links[0], status=410)
    assert "Deze link werd al gebruikt" in used.text
    assert "review" not in used.forms
    form.submit("send", status=410)
    assert len(site.read(lambda root: root["reviews"].written_by(guest_key(number)))) == 1

    # The other product's link still works; the received mail reached the guest.
    assert "review" in guest.get(links[1]).forms
    sent = send_queued(site.registry).sent
    assert sent == 1
    received = smtp.wait_for(2)[-1]  # after the delivered mail
    assert received.message["To"] == GUEST["email"]
    assert TEXT in plain(received)
    assert guest_review(site, number, booklet) is None


def test_a_get_of_the_link_writes_nothing(site, smtp, desk):
    number = shipped_order(site, items=(("mug-cafe", 1),))
    deliver_at_the_desk(desk, number)
    [link] = LINK.findall(plain(delivered_mail(site, smtp, number)))
    guest = Browser(site.wsgi)
    guest.get(link)
    guest.get(link)
    assert site.read(lambda root: dict(root["reviews"].by_author)) == {}


def test_an_expired_link_is_refused(site, smtp, desk):
    number = shipped_order(site, items=(("mug-cafe", 1),))
    deliver_at_the_desk(desk, number)
    [link] = LINK.findall(plain(delivered_mail(site, smtp, number)))
    guest = Browser(site.wsgi)
    form = guest.get(link).forms["review"]
    site.registry.shopcms_clock.advance(days=61)
    page = guest.get(link, status=410)
    assert "Deze link is verlopen" in page.text
    form["review-rating"] = "4"
    form["text"] = TEXT
    form.submit("send", status=410)  # a form opened in time does not outlive the link
    assert site.read(lambda root: dict(root["reviews"].by_author)) == {}


def test_a_link_for_a_product_not_in_the_order_or_forged_is_refused(site):
    number = shipped_order(site, items=(("mug-cafe", 1),))
    other = shipped_order(site, items=(("care-booklet", 1),))
    secret = site.registry.settings["shopcms.secret"]
    mug, booklet = pids(site, "mug-cafe", "care-booklet")
    moment = now(site.registry)
    guest = Browser(site.wsgi)
    # Signed by the shop, but for a product the order does not hold.
    guest.get(f"/en/reviews/write/{make_token(secret, number, booklet, moment)}", status=404)
    # A token of another order, whose product this order does not hold either.
    guest.get(f"/en/reviews/write/{make_token(secret, other, mug, moment)}", status=404)
    # An order that does not exist.
    guest.get(f"/en/reviews/write/{make_token(secret, '2026-999999', mug, moment)}", status=404)
    # Signed with another secret, altered, or no token at all.
    forged = make_token("not-the-secret-" + "y" * 40, number, mug, moment)
    page = guest.get(f"/en/reviews/write/{forged}", status=404)
    assert "This link cannot be used" in page.text
    genuine = make_token(secret, number, mug, moment)
    guest.get(f"/en/reviews/write/{genuine[:-2]}xx", status=404)
    guest.get("/en/reviews/write/", status=404)
    guest.get(f"/en/reviews/write/{genuine}/more", status=404)
    # The genuine one works, once.
    assert "review" in guest.get(f"/en/reviews/write/{genuine}").forms


def test_a_guest_link_has_the_daily_limit(site):
    names = site.read(lambda root: sorted(root["products"].keys()))[:6]
    number = shipped_order(site, items=[(name, 1) for name in names])
    with site.edit() as root:
        root["orders"][number].transition(None, "deliver", actor="system:test")
    secret = site.registry.settings["shopcms.secret"]
    guest = Browser(site.wsgi)
    for position, pid in enumerate(pids(site, *names)):
        token = make_token(secret, number, pid, now(site.registry))
        form = guest.get(f"/en/reviews/write/{token}").forms["review"]
        form["review-rating"] = "3"
        form["text"] = TEXT
        form["review-language"] = "nl"
        form["review-display"] = "anonymous"
        if position < 5:
            form.submit("send", status=200)
        else:
            refused = form.submit("send", status=400)
            assert "as many reviews as one may in a day" in refused.text


def test_a_customer_order_links_to_the_review_page_of_each_product(site, smtp, desk):
    userid = site.add_account(GUEST["email"])
    number = shipped_order(site, customer=userid)
    deliver_at_the_desk(desk, number)
    text = plain(delivered_mail(site, smtp, number))
    assert "/reviews/write/" not in text
    assert "http://localhost/nl/products/mug-cafe/review" in text
    assert "http://localhost/nl/products/care-booklet/review" in text
