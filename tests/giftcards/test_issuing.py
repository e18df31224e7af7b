"""Issuing the cards an order bought (issue 19): one card per unit once the order is paid,
its code derived from the shop's secret, never twice; one mail with the codes and a
printable PDF, through the suite's real SMTP server."""

from datetime import timedelta
from decimal import Decimal

import pypdfium2

from shopcms.giftcards import api, codes, issuing, validity
from shopcms.mail import send_queued
from shopcms.mail.outbox import get_outbox
from shopcms.web.clock import now
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login
from tests.giftcards.helpers import CARD_25, CARD_50, PLANT, buy, issued, pay

SECRET = "test-secret-" + "x" * 40  # tests.conftest.app_settings


def intents(root):
    """The mail intents waiting in the outbox."""
    outbox = get_outbox(root)
    found = list(outbox.mails()) if outbox is not None else []
    return [mail.intent for mail in found if getattr(mail, "intent", None)]


def test_a_paid_order_issues_one_card_per_unit_of_each_gift_card_line(site, app):
    site.add_account("koper@example.be")
    login(app, "koper@example.be", PASSWORD, lang="fr")
    order = buy(site, app, {CARD_25: 2, PLANT: 1, CARD_50: 1}, lang="fr")
    assert issued(site, order.number) == []  # not before it is paid
    pay(site, order.number)
    buyer = site.read(lambda root: root["customers"].find("koper@example.be").__name__)
    assert issued(site, order.number) == [
        (Decimal("25.00"), 0, buyer, "fr"),
        (Decimal("25.00"), 1, buyer, "fr"),
        (Decimal("50.00"), 2, buyer, "fr"),
    ]

    def read(root):
        cards = api.issued_for(root, order.number)
        found = [api.find(root, codes.derive(SECRET, order.number, i)) for i in range(3)]
        return cards == found, [card.remaining for card in cards], cards[0].expires

    same, remaining, expires = site.read(read)
    assert same and remaining == [Decimal("25.00"), Decimal("25.00"), Decimal("50.00")]
    assert expires == validity.expires(site.registry, now(site.registry))
    assert expires - now(site.registry) > timedelta(days=2 * 365)


def test_an_order_paid_again_never_issues_again(site, app):
    order = buy(site, app, {CARD_50: 1})
    pay(site, order.number)

    def replay(root):
        paid = root["orders"][order.number]
        return issuing.issue_for_order(root, site.registry, paid, now(site.registry))

    assert site.read(replay) == []
    assert len(issued(site, order.number)) == 1
    assert site.read(lambda root: len(root["giftcards"])) == 1
    assert [intent["kind"] for intent in site.read(intents)].count("giftcards_sold") == 1


def test_an_order_without_gift_cards_issues_none(site, app):
    order = buy(site, app, {PLANT: 1})
    pay(site, order.number)
    assert issued(site, order.number) == []
    assert site.read(lambda root: len(root["giftcards"])) == 0


def pdf_text(data):
    document = pypdfium2.PdfDocument(data)
    return [page.get_textpage().get_text_range() for page in document]


def test_one_mail_brings_the_codes_and_a_printable_card_per_page(site, app, smtp):
    order = buy(site, app, {CARD_25: 1, CARD_50: 1}, lang="en")
    pay(site, order.number)
    send_queued(site.registry)
    received = smtp.wait_for(3)  # the order placed, the payment received, the cards
    mails = [m for m in received if "gift card" in m.message["Subject"]]
    assert len(mails) == 1 and len(smtp.received) == 3
    (mail,) = mails
    message = mail.message
    assert mail.rcpt_tos == ("jan@example.be",) and message["Content-Language"] == "en"
    assert message["Subject"] == "Your Soft Cactus gift card"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    code_25, code_50 = (codes.derive(SECRET, order.number, i) for i in range(2))
    for code in (code_25, code_50):
        assert code in text and code in html
    # The codes in the mail pay: the gift cards' api finds them, at their value.
    values = site.read(lambda root: [api.find(root, c).value for c in (code_25, code_50)])
    assert values == [Decimal("25.00"), Decimal("50.00")]
    assert "25,00\xa0€" in text and "enter the code at checkout" in text  # (en_BE)
    # The balance page's address (the shop's public one: paid by a script, not a request).
    assert "http://127.0.0.1:6543/en/giftcard\r\n" in text
    assert 'href="http://127.0.0.1:6543/en/giftcard"' in html

    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == f"gift-cards-{order.number}.pdf"
    data = attachment.get_content()
    assert data.startswith(b"%PDF")
    pages = pdf_text(data)
    assert len(pages) == 2  # one card per page
    assert code_25 in pages[0] and "25,00" in pages[0] and "Soft Cactus" in pages[0]
    assert code_50 in pages[1] and "/en/giftcard" in pages[1]


def test_the_outbox_never_holds_a_code(site, app):
    order = buy(site, app, {CARD_50: 1})
    pay(site, order.number)
    code = codes.derive(SECRET, order.number, 0)

    stored = site.read(intents)
    assert stored and not any(code in repr(intent) for intent in stored)


def test_a_paid_order_of_gift_cards_alone_no_longer_holds_up_an_erasure(site, app):
    """Its cards were delivered by mail once paid: no address is needed any more, so the
    customer may have their account erased; an order with a plant still waits for its
    parcel."""
    from shopcms.privacy.erasure import ErasureRefused, check_erasable

    site.add_account("koper@example.be")
    login(app, "koper@example.be", PASSWORD, lang="nl")
    cards_only = buy(site, app, {CARD_25: 1})

    def in_the_way(root):
        """The orders that hold up the erasure (none: it may go)."""
        try:
            check_erasable(root, root["customers"].find("koper@example.be"))
        except ErasureRefused as refused:
            return refused.orders
        return ()

    assert site.read(in_the_way) == (cards_only.number,)  # placed: not paid yet
    pay(site, cards_only.number)
    assert site.read(in_the_way) == ()
    with_plant = buy(site, app, {CARD_25: 1, PLANT: 1})
    pay(site, with_plant.number)
    assert site.read(in_the_way) == (with_plant.number,)


def test_an_order_of_gift_cards_alone_is_delivered_by_their_mail(site, app, smtp):
    """Nothing is shipped: once paid, the order is delivered by the mail with the codes,
    which is the only mail of the hand-over; an order with a plant waits for its parcel."""
    cards_only = buy(site, app, {CARD_25: 1, CARD_50: 1}, lang="en")
    with_plant = buy(site, app, {CARD_25: 1, PLANT: 1}, lang="en")
    for order in (cards_only, with_plant):
        pay(site, order.number)

    def state(number):
        order = site.read(lambda root: root["orders"][number])
        return order.state, [(e.transition, e.actor) for e in order.workflow_history][1:]

    assert state(cards_only.number) == (
        "delivered",
        [("pay", "system:test"), ("hand-over", "system:giftcards")],
    )
    assert state(with_plant.number) == ("paid", [("pay", "system:test")])
    send_queued(site.registry)
    # For each order: placed, payment received, the cards; no "delivered" mail.
    subjects = sorted(mail.message["Subject"] for mail in smtp.wait_for(6))
    assert len(smtp.received) == 6
    for number in (cards_only.number, with_plant.number):
        assert sum(number in subject for subject in subjects) == 2, subjects
    assert subjects.count("Your Soft Cactus gift card") == 2
    assert not any("delivered" in subject.lower() for subject in subjects), subjects

    # The desk offers no "Mark shipped" for it, and names who delivered it.
    desk = Browser(site.wsgi)
    login(desk, ADMIN_EMAIL, ADMIN_PASSWORD, lang="en")
    page = desk.get(f"/en/manage/orders/{cards_only.number}")
    assert "transition-ship" not in page.forms and "transition-hand-over" not in page.forms
    assert "The gift card mail (automatic)" in page.text
    assert "transition-ship" in desk.get(f"/en/manage/orders/{with_plant.number}").forms


def test_the_evolve_step_delivers_the_orders_of_cards_alone_paid_before(site, app, monkeypatch):
    """Generation 18: what was paid before the hand-over existed is handed over as it would
    be now; the order desk then lists it as delivered, no longer as paid."""
    from shopcms.giftcards.evolve import cards_alone_delivered

    with monkeypatch.context() as before:
        before.setattr(issuing, "hand_over", lambda order: False)  # the code of before
        cards_only = buy(site, app, {CARD_50: 1})
        with_plant = buy(site, app, {CARD_25: 1, PLANT: 1})
        unpaid = buy(site, app, {CARD_25: 1})
        for order in (cards_only, with_plant):
            pay(site, order.number)
    desk = Browser(site.wsgi)
    login(desk, ADMIN_EMAIL, ADMIN_PASSWORD, lang="en")

    def listed(state):
        page = desk.get(f"/en/manage/orders/?state={state}").text
        return [o.number for o in (cards_only, with_plant, unpaid) if o.number in page]

    assert listed("paid") == [cards_only.number, with_plant.number]
    with site.edit() as root:
        cards_alone_delivered(root, site.registry)

    def history(number):
        order = site.read(lambda root: root["orders"][number])
        return order.state, [e.transition for e in order.workflow_history][-1]

    assert history(cards_only.number) == ("delivered", "hand-over")
    assert history(with_plant.number) == ("paid", "pay")
    assert history(unpaid.number)[0] == "placed"
    assert listed("paid") == [with_plant.number]
    assert listed("delivered") == [cards_only.number]
