"""Giving a gift card back: an order paid with a discount code AND a gift card, refunded in
full at the desk, gives the code's use and the card's balance back, and its credit note
shows both; a partial refund pays the money back first, then the card; an order the card
paid alone is refunded on the card without an IBAN."""

from decimal import Decimal

from shopcms.invoicing import api as invoicing
from shopcms.invoicing import pdf, ubl
from shopcms.mail import send_queued
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Browser, login
from tests.giftcards.helpers import balance, make_card, text
from tests.giftcards.test_checkout_cards import place_reviewed
from tests.orders import refunding
from tests.orders.test_checkout import add_to_cart, orders, review
from tests.promotions.test_checkout_codes import cactus_cart

ACCOUNT = ("Jan Peeters", "NL91 ABNA 0417 1643 00")


def paid_order(site, app, code):
    """The cactus cart (53.75 with CACTUS10) placed with the card ``code`` and paid."""
    cactus_cart(site, app)
    place_reviewed(review(app, gift_card=code))
    (order,) = orders(site)
    with site.edit() as root:
        root["orders"][order.number].transition(None, "pay", actor="system:test")
    return order.number


def admin_of(site):
    admin = Browser(site.wsgi)
    login(admin, ADMIN_EMAIL, ADMIN_PASSWORD, lang="en")
    return admin


def used(site):
    return site.read(lambda root: root["promotions"]["cactus10"].used)


def test_a_full_refund_gives_the_code_and_the_card_back_and_the_credit_note_shows_both(
    site, app, smtp
):
    from peppol import check_rules, validate_xsd

    key, code = make_card(site, "20.00")
    number = paid_order(site, app, code)
    last4 = code[-4:]
    assert used(site) == 1 and balance(site, key) == Decimal("0.00")
    with site.edit() as root:
        invoice = invoicing.invoice_of(root, number).document
    # The invoice: paid with the card, the rest by transfer.
    assert invoice.gift_cards == ((last4, Decimal("20.00")),)
    assert invoice.paid_otherwise == Decimal("33.75")
    shown = pdf.html(site.registry, invoice).replace("\xa0", " ")
    assert f"Betaald met cadeaubon •••• {last4}" in shown and "33,75" in shown
    data = ubl.invoice_xml(invoice)
    valid, errors = validate_xsd(data)
    assert valid, errors
    assert f"20.00 EUR paid with gift card ****{last4}.".encode() in data
    admin = admin_of(site)
    page = admin.get(f"/en/manage/orders/{number}")
    assert f"Paid with gift card •••• {last4}" in text(page, "tr.gift-card")
    assert text(page, ".order-due") == "33,75 €"
    reviewed = refunding.review(admin, number, None, shipping=True, account=ACCOUNT)
    assert text(reviewed, ".refund-gift-card") == "20,00 €"
    refunding.confirm(reviewed)
    assert used(site) == 0
    assert balance(site, key) == Decimal("20.00")
    with site.edit() as root:
        order = root["orders"][number]
        assert order.state == "refunded"
        (refund,) = order.refunds
        assert refund.total == Decimal("53.75") and refund.money == Decimal("33.75")
        assert refund.gift_cards == ({"card": key, "last4": last4, "amount": Decimal("20.00")},)
        # The transfer pays back only the money the transfer paid.
        (transfer,) = root["orders"].refund_transfers.values()
        assert transfer.amount == Decimal("33.75")
        (note,) = invoicing.credit_notes_of(root, number)
        document = note.document
    assert document.total == Decimal("53.75")
    assert document.gift_cards == ((last4, Decimal("20.00")),)
    assert any("CACTUS10" in line.description for line in document.lines)
    shown = pdf.html(site.registry, document).replace("\xa0", " ")
    assert f"Teruggezet op cadeaubon •••• {last4}" in shown
    assert "Kortingscode CACTUS10" in shown
    data = ubl.credit_note_xml(document)
    valid, errors = validate_xsd(data)
    assert valid, errors
    assert f"20.00 EUR put back on gift card ****{last4}.".encode() in data
    assert [str(f) for f in check_rules(data) if f.severity == "fatal"] == []
    # The customer's mail of the refund says what went back on the card.
    sent = send_queued(site.registry).sent
    bodies = [
        mail.message.get_body(("plain",)).get_content().replace("\xa0", " ")
        for mail in smtp.wait_for(sent)
    ]
    (refunded,) = [body for body in bodies if "Teruggezet op cadeaubon" in body]
    assert f"Teruggezet op cadeaubon •••• {last4}: € 20,00" in refunded
    assert "€ 53,75" in refunded


def test_a_partial_refund_pays_the_money_back_first_then_the_card(site, app):
    key, code = make_card(site, "20.00")
    number = paid_order(site, app, code)  # 53.75: 20.00 card, 33.75 transfer
    admin = admin_of(site)
    # The mug (13.50): all money.
    refunding.confirm(refunding.review(admin, number, {1: 1}, account=ACCOUNT))
    assert balance(site, key) == Decimal("0.00")
    # The cacti (33.30) and the shipping (6.95): 20.25 money left, then 20.00 on the card.
    refunding.confirm(refunding.review(admin, number, {0: 2}, shipping=True, account=ACCOUNT))
    assert balance(site, key) == Decimal("20.00")
    with site.edit() as root:
        order = root["orders"][number]
        assert order.state == "refunded"
        assert [r.money for r in order.refunds] == [Decimal("13.50"), Decimal("20.25")]
        assert [r.total for r in order.refunds] == [Decimal("13.50"), Decimal("40.25")]


def test_an_order_the_card_paid_alone_is_refunded_on_the_card(site, app):
    from peppol import check_rules, validate_xsd

    key, code = make_card(site, "50.00")
    add_to_cart(app, "mug-cafe", 1)  # 20.45
    place_reviewed(review(app, gift_card=code))
    (order,) = orders(site)
    assert order.state == "paid" and balance(site, key) == Decimal("29.55")
    admin = admin_of(site)
    form = refunding.refund_form(admin.get(f"/en/manage/orders/{order.number}"))
    assert "iban" not in form.fields  # nothing goes back by transfer
    reviewed = refunding.review(admin, order.number, None, shipping=True)
    assert "On the gift card" in reviewed.text
    refunding.confirm(reviewed)
    assert balance(site, key) == Decimal("50.00")
    with site.edit() as root:
        (refund,) = root["orders"][order.number].refunds
        assert refund.means == "giftcard" and refund.money == Decimal("0.00")
        invoice = invoicing.invoice_of(root, order.number).document
        (note,) = invoicing.credit_notes_of(root, order.number)
    assert invoice.payment_means == "giftcard" and invoice.paid_otherwise == Decimal("0.00")
    assert "Betaald met een cadeaubon." in pdf.html(site.registry, invoice)
    assert note.document.payment_means == "giftcard"
    assert note.document.paid_otherwise == Decimal("0.00")
    assert "Teruggezet op de cadeaubon." in pdf.html(site.registry, note.document)
    for data in (ubl.invoice_xml(invoice), ubl.credit_note_xml(note.document)):
        valid, errors = validate_xsd(data)
        assert valid, errors
        assert [str(f) for f in check_rules(data) if f.severity == "fatal"] == []


def test_the_desks_refund_button_puts_a_card_only_order_back_on_the_card(site, app):
    key, code = make_card(site, "50.00")
    add_to_cart(app, "mug-cafe", 1)  # 20.45
    place_reviewed(review(app, gift_card=code))
    (order,) = orders(site)
    admin = admin_of(site)
    # The workflow's "refund" posted as a transition (desk.run_transition: all that is left).
    form = admin.get(f"/en/manage/orders/{order.number}").forms["transition-ship"]
    form["transition"].force_value("refund")
    done = form.submit(status=303).follow()
    assert "20,45 € goes back on the gift card" in done.text.replace("\xa0", " ")
    assert balance(site, key) == Decimal("50.00")
    assert orders(site)[0].state == "refunded"
