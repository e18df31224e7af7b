"""Downloading invoices: the customer their own (from the order page), a guest with the
order's key (from the confirmation page), staff from the order desk and its list of
invoices; anyone else gets 404, as for another customer's order."""

from shopcms.invoicing import api
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login
from tests.factories import make_order

PDF = "application/pdf"


def paid_order(site, customer=None):
    with site.edit() as root:
        order = make_order(root, customer=customer, state="paid")
        invoice = api.invoice_of(root, order.number)
        return order.number, order.access_key, invoice.number


def test_the_customer_downloads_their_invoice_from_the_order_page(site, app):
    account = site.add_account("an@example.be")
    number, _key, invoice = paid_order(site, customer=account)
    login(app, "an@example.be", PASSWORD)
    page = app.get(f"/nl/account/orders/{number}")
    link = page.html.select_one(".invoice-downloads a[href$='invoice.pdf']")
    assert invoice in link.get_text()
    answer = app.get(link["href"])
    assert answer.content_type == PDF
    assert answer.body.startswith(b"%PDF")
    assert f'filename="{invoice}.pdf"' in answer.headers["Content-Disposition"]
    # No UBL file for a consumer.
    assert not page.html.select(".invoice-downloads a[href$='invoice.xml']")
    app.get(f"/nl/invoices/{invoice}/invoice.xml", status=404)


def test_another_customer_and_a_stranger_get_404(site, app):
    account = site.add_account("an@example.be")
    site.add_account("bert@example.be")
    _number, key, invoice = paid_order(site, customer=account)
    address = f"/nl/invoices/{invoice}/invoice.pdf"
    Browser(site.wsgi).get(address, status=404)
    login(app, "bert@example.be", PASSWORD)
    app.get(address, status=404)
    # The key of an order placed with an account opens nothing: the account does.
    app.get(address, params={"key": key}, status=404)
    app.get(f"/nl/manage/invoices/{invoice}/invoice.pdf", status=403)


def test_a_guest_downloads_with_the_orders_key(site):
    number, key, invoice = paid_order(site)
    guest = Browser(site.wsgi)
    page = guest.get(f"/en/order/{number}/{key}")
    link = page.html.select_one(".invoice-downloads a[href*='invoice.pdf']")
    assert link is not None and invoice in link.get_text()
    answer = guest.get(link["href"])
    assert answer.content_type == PDF
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    guest.get(f"/en/invoices/{invoice}/invoice.pdf", params={"key": key[:-1] + "x"}, status=404)
    guest.get(f"/en/invoices/{invoice}/invoice.pdf", status=404)


def test_the_order_desk_lists_and_downloads_invoices(site, app):
    numbers = [paid_order(site) for _ in range(3)]
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    listing = app.get("/nl/manage/invoices/")
    rows = [row["data-number"] for row in listing.html.select("table.invoices tbody tr")]
    assert rows == [invoice for _n, _k, invoice in reversed(numbers)]  # newest first
    order_number, _key, invoice = numbers[0]
    page = app.get(f"/nl/manage/orders/{order_number}")
    link = page.html.select_one(".invoice-downloads a[href$='invoice.pdf']")
    assert link["href"] == f"/nl/manage/invoices/{invoice}/invoice.pdf"
    assert app.get(link["href"]).content_type == PDF
    # The desk's sidebar leads there.
    assert listing.html.select_one("a[href='/nl/manage/invoices/']") is not None


def test_a_business_customer_also_downloads_the_ubl_invoice(site, app):
    account = site.add_account("inkoop@example.nl")
    with site.edit() as root:
        order = make_order(root, customer=account, delivery={"country": "NL"})
        order.buyer_company = "Klein Handel B.V."
        order.buyer_vat = "NL123456789B01"
        order.vat_scheme = "reverse_charge"
        order.transition(None, "pay", actor="system:test")
        number, invoice = order.number, api.invoice_of(root, order.number).number
    login(app, "inkoop@example.nl", PASSWORD)
    page = app.get(f"/en/account/orders/{number}")
    link = page.html.select_one(".invoice-downloads a[href$='invoice.xml']")
    answer = app.get(link["href"])
    assert answer.content_type == "application/xml"
    assert b"NL123456789B01" in answer.body
    assert f'filename="{invoice}.xml"' in answer.headers["Content-Disposition"]
