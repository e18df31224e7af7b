"""An erasure keeps the invoices (a legal obligation for 10 years): the customer deletes
their account, or staff erase a guest's orders; the invoice and credit note stay as issued,
with the buyer's name and address, still rendered and downloadable by the order desk, no
longer linked to the account, without the email address."""

from datetime import UTC, datetime
from decimal import Decimal

import pypdfium2

from shopcms.invoicing import api, issuing
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login
from tests.factories import make_order
from tests.invoicing.test_issuing import refund_record, refunded_event
from tests.privacy.test_guest_privacy import find

BUYER = {"name": "Griet Claes", "email": "griet@example.be", "phone": "+32 470 00 00 01"}
BILLING = {"street": "Veldstraat 7", "postcode": "9000", "city": "Gent", "country": "BE"}


def delivered_order(site, customer=None):
    with site.edit() as root:
        order = make_order(
            root, customer=customer, state="delivered", contact=BUYER, billing=BILLING
        )
        amount = order.lines[0]["unit_price"]
        refund = refund_record("r1", datetime.now(UTC), ((0, 1, amount),), Decimal(0), amount)
        issuing.order_refunded(refunded_event(order, refund))
        docs = [doc.number for doc in api.documents_of(root, order.number)]
        return order.number, docs


def kept(site, number):
    def read(root):
        return [
            (doc.number, doc.account, doc.document.buyer) for doc in api.documents_of(root, number)
        ]

    return site.read(read)


def staff_reads_the_pdf(site, invoice):
    staff = Browser(site.wsgi)
    login(staff, ADMIN_EMAIL, ADMIN_PASSWORD)
    pdf = staff.get(f"/nl/manage/invoices/{invoice}/invoice.pdf").body
    return pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range()


def test_deleting_the_account_keeps_its_invoices(site):
    account = site.add_account("griet@example.be")
    number, docs = delivered_order(site, customer=account)
    app = Browser(site.wsgi)
    login(app, "griet@example.be", PASSWORD)
    form = app.get("/nl/account/delete").forms["delete"]
    form["password"] = PASSWORD
    form.submit("delete", status=200)

    assert site.read(lambda root: root["orders"][number].customer) is None  # erased
    after = kept(site, number)
    assert [doc_number for doc_number, _a, _b in after] == docs  # nothing deleted
    for _number, linked, buyer in after:
        assert linked is None
        assert (buyer.name, buyer.street, buyer.city) == ("Griet Claes", "Veldstraat 7", "Gent")
        assert buyer.email is None
    text = staff_reads_the_pdf(site, docs[0])
    assert "Griet Claes" in text and "Veldstraat 7" in text
    # The customer's old link leads nowhere now.
    Browser(site.wsgi).get(f"/nl/invoices/{docs[0]}/invoice.pdf", status=404)


def test_erasing_a_guests_orders_keeps_their_invoices(site):
    number, docs = delivered_order(site)
    staff = Browser(site.wsgi)
    login(staff, ADMIN_EMAIL, ADMIN_PASSWORD)
    erase = find(staff, BUYER["email"]).forms["guest-erase"]
    erase["note"] = "request by mail"
    erase.submit(status=303)
    assert site.read(lambda root: root["orders"][number].erased) is not None
    after = kept(site, number)
    assert [doc_number for doc_number, _a, _b in after] == docs
    assert {buyer.name for _n, _a, buyer in after} == {"Griet Claes"}
    assert {buyer.email for _n, _a, buyer in after} == {None}
    assert "Griet Claes" in staff_reads_the_pdf(site, docs[0])
