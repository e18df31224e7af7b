"""The EPC QR code of a bank transfer, read back by a real QR decoder (zxing-cpp): on the
confirmation page and in the confirmation mail it holds the exact SEPA "BCD" payload with
the order's amount and structured communication."""

import io
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image

from shopcms.mail import send_queued
from shopcms.orders.payments import epc
from tests.orders.test_checkout import add_to_cart, orders, place


def decoded(png):
    """The text of the one QR code in image ``png`` (bytes)."""
    image = Image.open(io.BytesIO(png))
    [barcode] = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return barcode.text


def expected(order):
    """The payload of the order's transfer, line by line as EPC069-12 has it."""
    return "\n".join(
        [
            "BCD",
            "002",
            "1",
            "SCT",
            "GKCCBEBB",  # tests/conftest.py: shopcms.bank.bic
            "onto object bvba",  # the default holder
            "BE71096123456769",  # shopcms.bank.iban, without its spaces
            f"EUR{order.total:.2f}",
            "",
            order.payment_reference.digits,
        ]
    )


def test_the_confirmation_page_and_mail_carry_the_transfer_as_a_qr_code(site, app, smtp):
    add_to_cart(app, "mug-cafe", 2)  # 27.00 + 6.95 shipping
    page = place(app).follow()
    [order] = orders(site)
    assert order.total == Decimal("33.95")
    payload = expected(order)
    assert payload.endswith(f"\nEUR33.95\n\n{order.payment_reference.digits}")
    assert len(order.payment_reference.digits) == 12

    image = page.html.select_one(".payment-instructions figure.payment-qr img")
    # Its text alternative says what it is and what it holds.
    alt = image["alt"]
    assert "BE71 0961 2345 6769" in alt and str(order.payment_reference) in alt
    assert "33,95" in alt
    served = app.get(image["src"])
    assert served.content_type == "image/png"
    assert served.headers["Cache-Control"] == "no-store"
    assert decoded(served.body) == payload
    assert int(image["width"]) == Image.open(io.BytesIO(served.body)).width

    # The mail: the same code as an inline image of the HTML part; the text keeps the lines.
    assert send_queued(site.registry).sent == 1
    [mail] = smtp.wait_for(1)
    html_part = mail.message.get_body(("html",))
    [qr] = [part for part in mail.message.walk() if part.get_content_type() == "image/png"]
    cid = qr["Content-ID"].strip("<>")
    html = html_part.get_content()
    assert f'src="cid:{cid}"' in html
    assert decoded(qr.get_content()) == payload
    assert mail.message.get_body(("related",)) is not None
    text = mail.message.get_body(("plain",)).get_content()
    assert "BE71 0961 2345 6769" in text and str(order.payment_reference) in text


def test_the_qr_code_follows_the_order_access_rules(site, app):
    add_to_cart(app, "mug-cafe", 1)
    page = place(app).follow()
    [order] = orders(site)
    src = page.html.select_one("figure.payment-qr img")["src"]
    assert src == f"/nl/order/{order.number}/{order.access_key}/payment-qr.png"
    # Another key, another name: nothing.
    app.get(f"/nl/order/{order.number}/{'x' * 22}/payment-qr.png", status=404)
    app.get(f"/nl/order/{order.number}/{order.access_key}/other.png", status=404)
    # Once paid, no transfer is awaited: no code on the page, none at its address.
    with site.edit() as root:
        root["orders"][order.number].transition(None, "pay", actor="system:test")
    page = app.get(f"/nl/order/{order.number}/{order.access_key}")
    assert page.html.select_one("figure.payment-qr") is None
    app.get(src, status=404)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"amount": Decimal("0.00")}, "amount"),
        ({"bic": "GKCC"}, "BIC"),
        ({"name": ""}, "name"),
        ({"reference": ""}, "reference"),
    ],
)
def test_a_payload_the_guidelines_do_not_allow_is_refused(change, message):
    values = {
        "bic": "GKCCBEBB",
        "name": "onto object bvba",
        "iban": "BE71 0961 2345 6769",
        "amount": Decimal("12.30"),
        "reference": "260000000193",
    }
    assert epc.payload(**values).split("\n")[7] == "EUR12.30"
    with pytest.raises(ValueError, match=message):
        epc.payload(**{**values, **change})


def test_the_shop_does_not_start_with_a_holder_the_qr_code_cannot_carry(tmp_path):
    from tests.conftest import make_site

    with pytest.raises(ValueError, match="shopcms.bank.holder"):
        make_site(tmp_path, **{"shopcms.bank.holder": "x" * 71})
