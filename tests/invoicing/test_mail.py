"""The "payment received" mail carries the invoice as PDF, composed by the mail sender
after the paying transaction (which queues only the intent), delivered through a real
SMTP server (aiosmtpd)."""

import pypdfium2

from shopcms.invoicing import api
from shopcms.mail import send_queued
from tests.factories import make_order
from tests.orders.test_checkout import add_to_cart, place
from tests.outbox import intents


def attachments(message):
    return {part.get_filename(): part for part in message.iter_attachments()}


def test_the_payment_mail_carries_the_invoice_pdf(site, app, smtp):
    add_to_cart(app, "mug-cafe", lang="fr")
    place(app, "fr")
    [number] = site.read(lambda root: list(root["orders"].keys()))
    with site.edit() as root:
        root["orders"][number].transition(None, "pay", actor="system:test")
    # The paying transaction queued what the mail is to say, not the rendered PDF (the
    # placed mail's intent, queued by the checkout, is the other one).
    [intent] = [i for i in intents(site) if i.get("template") == "order_paid"]
    assert intent["kind"] == "order_mail" and intent["template"] == "order_paid"
    assert intent["number"] == number
    assert send_queued(site.registry).sent == 2
    placed, paid = smtp.wait_for(2)
    assert not attachments(placed.message)
    assert paid.message["Subject"] == f"Paiement reçu pour la commande {number}"
    invoice = site.read(lambda root: api.invoice_of(root, number).number)
    files = attachments(paid.message)
    assert list(files) == [f"{invoice}.pdf"]
    part = files[f"{invoice}.pdf"]
    assert part.get_content_type() == "application/pdf"
    pdf = pypdfium2.PdfDocument(part.get_content())
    text = pdf[0].get_textpage().get_text_range()
    assert invoice in text and number in text
    # The text and HTML of the mail are there as before.
    assert "Nous avons reçu" in paid.message.get_body(("plain",)).get_content()


def test_a_business_buyer_also_gets_the_ubl_invoice(site, smtp):
    with site.edit() as root:
        order = make_order(root, delivery={"country": "NL", "postcode": "1012 AB"})
        order.buyer_company = "Klein Handel B.V."
        order.buyer_vat = "NL123456789B01"
        order.vat_scheme = "reverse_charge"
        order.transition(None, "pay", actor="system:test")
        number = api.invoice_of(root, order.number).number
    send_queued(site.registry)
    [paid] = smtp.wait_for(1)
    files = attachments(paid.message)
    assert sorted(files) == [f"{number}.pdf", f"{number}.xml"]
    assert b"NL123456789B01" in files[f"{number}.xml"].get_content()


def test_an_order_erased_before_the_mail_left_still_gets_it(site, smtp):
    """The mail was composed when the order was paid: an erasure afterwards (the customer's
    data, not the invoice, which the law keeps) does not hold it back."""
    with site.edit() as root:
        order = make_order(root, state="paid")
        invoice = api.invoice_of(root, order.number).number
        order.anonymise(order.modified, "system:test")
    assert send_queued(site.registry).sent == 1
    [paid] = smtp.wait_for(1)
    assert paid.rcpt_tos == ("jan@example.be",)
    assert list(attachments(paid.message)) == [f"{invoice}.pdf"]


def test_the_refund_mail_carries_the_newest_credit_note(site):
    """What ``order_refunded`` attaches (the refunds' mail declares that template): the
    credit note of the refund just made, as PDF."""
    from datetime import UTC, datetime
    from decimal import Decimal

    from shopcms.invoicing import attachments, issuing
    from tests.invoicing.test_issuing import refund_record, refunded_event

    with site.edit() as root:
        order = make_order(root, state="paid", items=(("mug-cafe", 2),))
        assert attachments.credit_note_files(site.registry, order) == []
        amount = order.lines[0]["unit_price"]
        for refund_id in ("r1", "r2"):
            refund = refund_record(
                refund_id, datetime.now(UTC), ((0, 1, amount),), Decimal(0), amount
            )
            issuing.order_refunded(refunded_event(order, refund))
        [(name, mimetype, pdf)] = attachments.credit_note_files(site.registry, order)
        newest = api.credit_notes_of(root, order.number)[-1].number
    assert (name, mimetype) == (f"{newest}.pdf", "application/pdf")
    assert newest in pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range()
