"""Online payment through Mollie, against the fake Mollie of ``tests/mollie_server.py``.

One test runs everything over real HTTP (the shop in waitress, the fake calling the webhook
like Mollie); the others drive the shop in-process with WebTest and replay the webhook call
Mollie would make (``POST /{lang}/mollie-webhook`` with ``id=...``).
"""

import base64
import email
import email.policy
import logging
import pickletools
import re
from email.message import EmailMessage

import pypdfium2
import pytest
import requests
import transaction
import weasyprint
import webob
from mollie.api.client import Client
from mollie.api.error import NotFoundError, UnauthorizedError, UnprocessableEntityError
from pyramid.i18n import make_localizer
from pyramid.interfaces import ITranslationDirectories
from webtest import TestApp
from ZODB.FileStorage import FileStorage

from shopcms import main
from shopcms.mail import send_queued
from shopcms.mail.outbox import as_smtp_bytes
from shopcms.orders.mail import SUBJECTS
from shopcms.orders.payments.mollie import Mollie
from tests.conftest import Browser, app_settings, make_site
from tests.liveserver import serving
from tests.orders.test_checkout import fill_in, forms

PRODUCT = "mug-cafe"
CUSTOMER = {
    "name": "Jan Peeters",
    "email": "jan@example.be",
    "phone": "+32 470 12 34 56",
    "delivery.street": "Kerkstraat 1",
    "delivery.postcode": "9000",
    "delivery.city": "Gent",
}
TEST_CARD = "4111 1111 1111 1111"  # Visa's test number: Luhn-valid


@pytest.fixture
def site(tmp_path, mollie):
    site = make_site(tmp_path, **mollie.settings())
    yield site
    transaction.abort()
    site.close()


# --- helpers ------------------------------------------------------------------------------


def checkout(app, payment="bancontact", lang="nl", base="", pages=None):
    """Buy one mug as a guest; the answer to placing the order (a 303).  The checkout form
    and the review page are appended to ``pages`` if given."""
    page = app.get(f"{base}/{lang}/products/{PRODUCT}")
    [cart] = [f for f in forms(page) if f.action == f"/{lang}/cart"]
    cart.submit().follow()
    page = app.get(f"{base}/{lang}/checkout")
    [form] = [f for f in forms(page) if f.action == f"/{lang}/checkout"]
    review = fill_in(form, {**CUSTOMER, "payment": payment}).submit()
    if pages is not None:
        pages += [page, review]
    [place] = [f for f in forms(review) if f.fields.get("step") and f["step"].value == "place"]
    place["accept_terms"] = True
    return place.submit(status=303)


def only_order(site):
    """(number, state, payment ids, history as (transition, actor)) of the one order."""

    def read(root):
        [order] = root["orders"].values()
        history = [(e.transition, e.actor) for e in order.workflow_history]
        return order.number, order.state, order.payment_ids, history

    return site.read(read)


def confirmation(site, lang="nl"):
    def read(root):
        [order] = root["orders"].values()
        return f"/{lang}/order/{order.number}/{order.access_key}"

    return site.read(read)


def pay_form(page):
    """The confirmation page's "Pay now" form, or None."""
    found = [f for f in forms(page) if (f.action or "").endswith("/pay")]
    return found[0] if found else None


def webhook(app, expect=200, **body):
    """Post the webhook as Mollie does (form fields ``body``); expects status ``expect``."""
    return app.post("/nl/mollie-webhook", body, status=expect)


# --- no card data -------------------------------------------------------------------------

# A gift card's code (``gift_card``, id ``...-gift-card``) is the shop's own voucher, not
# payment card data: the only "card" field allowed.
CARD_FIELD = re.compile(r"(?<!gift[_-])card|cc-|cvv|cvc|csc|iban|expir|security.?code", re.I)
# A mail as the outbox stores it: headers first, then MIME.
MAIL = re.compile(r"(?:[A-Za-z-]+: [^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*)*MIME-Version: 1\.0\r\n")
# A MIME boundary parameter, left out of the headers scanned (as_read).
BOUNDARY = re.compile(r'boundary="?[^";\s]*"?', re.I)
# 13 to 19 digits, maybe grouped by spaces or dashes, not part of a longer word or number.
DIGITS = re.compile(r"(?<![0-9A-Za-z])\d(?:[ -]?\d){12,18}(?![0-9A-Za-z])")
CVC = re.compile(r"(?<![A-Za-z0-9])(cvv2?|cvc2?)(?![A-Za-z])", re.IGNORECASE)


def luhn(digits):
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def card_like(text):
    """The card numbers (13-19 digits passing Luhn) and CVV/CVC mentions in ``text``."""
    numbers = [m.group() for m in DIGITS.finditer(text) if luhn(re.sub(r"\D", "", m.group()))]
    return numbers + [m.group() for m in CVC.finditer(text)]


def as_read(value):
    """``value`` (a pickled str or bytes) as the texts a reader gets from it: a stored mail
    (the outbox keeps each as SMTP carries it) as a mail client shows it, its headers, its
    decoded parts and the text of its PDFs; anything else as it is.

    Why decode: a card number can hide in a mail behind quoted-printable's soft line breaks
    or inside a PDF, and the base64 of a compressed PDF is random letters which now and
    then spell "cvc" between two slashes or a Luhn-valid run of digits.
    """
    text = value if isinstance(value, str) else value.decode("latin-1")
    if not MAIL.match(text):
        yield text
        return
    message = email.message_from_string(text, policy=email.policy.default)
    # The headers, less the MIME boundaries: random by design (Python's own are 19 random
    # digits, Luhn-valid one time in ten), the parts' frame and nothing a reader sees.
    headers = "".join(f"{name}: {header}\n" for name, header in message.items())
    yield BOUNDARY.sub("boundary=", headers)
    for part in message.walk():
        if part.is_multipart():
            continue
        content = part.get_content()
        if part.get_content_type() == "application/pdf":
            document = pypdfium2.PdfDocument(content)
            yield "\n".join(page.get_textpage().get_text_range() for page in document)
        elif isinstance(content, bytes):
            yield content.decode("latin-1")
        else:
            yield content


def database_strings(path):
    """Every string and bytes value pickled in the FileStorage at ``path``, old revisions
    included (FileStorage only appends), and every transaction's user and description;
    stored mails as read (:func:`as_read`)."""
    storage = FileStorage(str(path), read_only=True)
    try:
        for txn in storage.iterator():
            yield txn.user.decode("latin-1")
            yield txn.description.decode("latin-1")
            for record in txn:
                data = record.data or b""
                # A record is two pickles: the class, then the state.
                position = 0
                while position < len(data):
                    for opcode, arg, end in pickletools.genops(data[position:]):
                        if isinstance(arg, (str, bytes)):
                            yield from as_read(arg)
                        if opcode.name == "STOP":
                            position += end + 1
                            break
    finally:
        storage.close()


def test_the_card_scanner_finds_what_it_looks_for():
    assert card_like(f"paid with {TEST_CARD}, cvc 123") == [TEST_CARD, "cvc"]
    assert card_like("4111111111111111") == ["4111111111111111"]
    assert card_like("4111111111111112 ref 2026-000001 +32 470 12 34 56 f6104430747756ea") == []


def test_the_scanner_reads_a_stored_mail_as_its_reader_does():
    """A card number split by quoted-printable's soft line break, or inside an attached
    PDF, is found; base64 that happens to spell "/cvc/", or a MIME boundary of digits that
    pass Luhn, is no card data."""
    mail = EmailMessage()
    mail["Subject"] = "Uw bestelling"
    mail["MIME-Version"] = "1.0"
    # 66 characters before the number: quoted-printable breaks its line within the number.
    mail.set_content("Betaald met".ljust(66, ".") + TEST_CARD, cte="quoted-printable")
    pdf = weasyprint.HTML(string=f"<p>Kaart {TEST_CARD}</p>").write_pdf()
    mail.add_attachment(pdf, maintype="application", subtype="pdf", filename="factuur.pdf")
    noise = base64.b64decode("AAAA/cvc/AAA")
    mail.add_attachment(noise, maintype="application", subtype="octet-stream")
    # Python's kind of boundary, the one of a CI run: 19 digits that pass Luhn.
    mail.set_boundary("===============4198963235451028554==")
    stored = as_smtp_bytes(mail)
    assert b"/cvc/" in stored and b"4198963235451028554" in stored
    assert TEST_CARD.encode() not in stored

    found = [hit for text in as_read(stored) for hit in card_like(text)]

    assert found == [TEST_CARD, TEST_CARD]


# --- the whole thing over HTTP ------------------------------------------------------------


HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


def over_http(environ, start_response):
    """A WSGI app that sends each request over HTTP to the host its URL names.

    Under WebTest (absolute URLs) it is a small browser: WebTest's forms and cookies, real
    HTTP servers behind, the shop and the provider's page alike.
    """
    request = webob.Request(environ)
    headers = {
        k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")
    }
    if request.method == "POST":
        # A browser names the page's origin; here every form is posted to the site it is on.
        headers["Origin"] = request.host_url
    answer = requests.request(
        request.method,
        request.url,
        headers=headers,
        data=request.body,
        allow_redirects=False,
        timeout=30,
    )
    raw = answer.raw.headers
    out = [(k, v) for k in raw if k.lower() not in HOP_BY_HOP for v in raw.getlist(k)]
    start_response(f"{answer.status_code} {answer.reason}", out)
    return [answer.content]


def test_bancontact_end_to_end_over_http(tmp_path, mollie, smtp, caplog):
    """Checkout -> the provider's page -> paid -> webhook over HTTP -> order paid -> back,
    and the "payment received" mail goes out.

    Then the database and the logs are scanned for card data.  The shop never asks for it
    (payment happens on the provider's page) and stores nothing a webhook sends but the id:
    a forged webhook carrying a card number and a CVC is sent too, and neither the database
    (every revision ever written) nor the log holds a card number or a CVV/CVC afterwards.
    The scan proves what our server keeps; it says nothing about the provider's side.
    """
    caplog.set_level(logging.DEBUG)
    shop = make_site(tmp_path, **mollie.settings(), **smtp.settings())
    try:
        with serving(shop.wsgi) as base:
            browser = TestApp(over_http)
            placed = checkout(browser, base=base)
            number, state, payment_ids, _history = only_order(shop)
            assert state == "placed"
            [payment_id] = payment_ids
            assert placed.location == f"{mollie.base_url}/checkout/{payment_id}"

            provider_page = placed.follow()
            assert number in provider_page.text  # the description: "... order NUMBER"
            back = provider_page.forms[0].submit("status", value="paid", status=303)

            # Mollie called the webhook before sending the customer back.
            assert mollie.webhook_calls == [(f"{base}/nl/mollie-webhook", f"id={payment_id}", 200)]
            number, state, _ids, history = only_order(shop)
            assert state == "paid"
            assert history[-1] == ("pay", "system:mollie")

            assert back.location.startswith(f"{base}/nl/order/{number}/")
            page = back.follow(status=200)
            assert number in page.text
            assert pay_form(page) is None

            forged = requests.post(
                f"{base}/nl/mollie-webhook",
                data={"id": payment_id, "card": TEST_CARD, "cvc": "123", "status": "paid"},
                timeout=10,
            )
            assert forged.status_code == 200
            assert [t for t, _a in only_order(shop)[3]].count("pay") == 1

        # What the shop logged while serving the payment.  The messages, not caplog.text:
        # logger names such as ``txn.139772616029888`` (a thread id) look like card numbers.
        # Taken before the mail is sent: the test's SMTP server logs the MIME boundaries
        # and Message-IDs it receives, random numbers of up to 20 digits.
        logged = "\n".join(r.getMessage() + "\n" + (r.exc_text or "") for r in caplog.records)
        assert send_queued(shop.registry).sent == 2
        placed_mail, paid_mail = smtp.wait_for(2)
        nl = make_localizer("nl", shop.registry.queryUtility(ITranslationDirectories))
        subject = nl.translate(SUBJECTS["order_paid"], mapping={"number": number})
        assert paid_mail.message["Subject"] == subject
        assert paid_mail.rcpt_tos == (CUSTOMER["email"],)
    finally:
        transaction.abort()
        shop.close()

    found = [text for text in database_strings(tmp_path / "Data.fs") if card_like(text)]
    assert found == []
    assert card_like(logged) == []
    assert f"Mollie: order {number} paid (payment {payment_id})" in logged  # it was captured


# --- creating the payment -----------------------------------------------------------------


def test_the_payment_request_is_mollies_documented_one(app, site, mollie):
    placed = checkout(app, payment="creditcard", lang="fr")
    number, state, [payment_id], _ = only_order(site)
    assert placed.location == f"{mollie.base_url}/checkout/{payment_id}"
    [(method, path, body)] = mollie.requests
    total = site.read(lambda root: root["orders"][number].total)
    assert (method, path) == ("POST", "/v2/payments")
    assert body["amount"] == {"currency": "EUR", "value": f"{total:.2f}"}
    assert number in body["description"]
    assert body["redirectUrl"] == "http://localhost" + confirmation(site, "fr")
    assert body["webhookUrl"] == "http://localhost/fr/mollie-webhook"
    assert body["method"] == "creditcard"
    assert body["locale"] == "fr_BE"
    assert body["metadata"] == {"order": number}
    assert site.read(lambda root: root["orders"].for_reference(payment_id).number) == number


def test_webhook_base_setting_names_the_public_address(tmp_path, mollie):
    site = make_site(tmp_path, **mollie.settings(), **{
        "shopcms.mollie.webhook_base": "https://shop.example.be/"
    })  # fmt: skip
    try:
        checkout(Browser(site.wsgi))
        assert mollie.requests[0][2]["webhookUrl"] == "https://shop.example.be/nl/mollie-webhook"
    finally:
        transaction.abort()
        site.close()


def test_the_checkout_csp_lets_the_form_lead_to_the_provider(app, mollie):
    csp = app.get("/nl/checkout").headers["Content-Security-Policy"]
    assert f"form-action 'self' {mollie.base_url};" in csp


# --- the webhook --------------------------------------------------------------------------


def test_the_webhook_marks_the_order_paid_once(app, site, mollie):
    checkout(app)
    _number, _state, [payment_id], _ = only_order(site)
    webhook(app, id=payment_id)  # still open: nothing
    assert only_order(site)[1] == "placed"
    mollie.set_status(payment_id, "paid")
    webhook(app, id=payment_id)
    webhook(app, id=payment_id)  # Mollie may call again
    _number, state, _ids, history = only_order(site)
    assert state == "paid"
    assert [t for t, _a in history] == [None, "pay"]
    assert history[-1] == ("pay", "system:mollie")


@pytest.mark.parametrize("status", ["open", "pending", "failed", "canceled", "expired"])
def test_a_payment_that_is_not_paid_changes_nothing(app, site, mollie, status):
    checkout(app)
    payment_id = only_order(site)[2][0]
    mollie.set_status(payment_id, status)
    webhook(app, id=payment_id)
    assert only_order(site)[1] == "placed"


def test_forged_webhooks_change_nothing_and_never_fail(app, site, mollie):
    checkout(app)
    _number, _state, [open_id], history = only_order(site)
    # The real id of an open payment, with claims Mollie never sends: only the id is read.
    webhook(app, id=open_id, status="paid", amount="20.45", paidAt="2026-01-01T00:00:00+00:00")
    # Well formed, but never created by us (and unknown to Mollie): nothing to say.
    webhook(app, id="tr_NeverMade123")
    mollie.create(  # a paid payment of another shop: not one of ours either
        {"amount": {"currency": "EUR", "value": "20.45"}, "description": "x",
         "redirectUrl": "https://x.example/"}, "test",
    )  # fmt: skip
    for other in mollie.payment_ids()[1:]:
        mollie.set_status(other, "paid")
        webhook(app, id=other)
    for malformed in ["", "tr_", "tr_" + "a" * 65, "12345", "tr_abc;x", "../tr_x", "tr_é1"]:
        webhook(app, expect=400, id=malformed)
    webhook(app, expect=400)  # no id at all
    app.post_json("/nl/mollie-webhook", {"id": open_id, "status": "paid"}, status=400)
    app.get("/nl/mollie-webhook", {"id": open_id}, status=404)
    assert only_order(site)[1:] == ("placed", (open_id,), history)
    # Mollie was asked about our open payment only; the unknown ids never left the shop.
    assert {path for _m, path, _b in mollie.requests if _m == "GET"} == {f"/v2/payments/{open_id}"}


def test_an_amount_that_differs_from_the_order_is_not_paid(app, site, mollie, caplog):
    checkout(app)
    payment_id = only_order(site)[2][0]
    mollie.set_status(payment_id, "paid")
    mollie.set_amount(payment_id, "0.01")
    webhook(app, id=payment_id)
    assert only_order(site)[1] == "placed"
    mollie.set_amount(
        payment_id, site.read(lambda r: f"{r['orders'].values()[0].total:.2f}"), "USD"
    )
    webhook(app, id=payment_id)
    assert only_order(site)[1] == "placed"
    assert "does not match order" in caplog.text


def test_provider_down_during_the_webhook_answers_503_and_changes_nothing(app, site, mollie):
    checkout(app)
    payment_id = only_order(site)[2][0]
    mollie.set_status(payment_id, "paid")
    mollie.stop()
    webhook(app, expect=503, id=payment_id)
    assert only_order(site)[1] == "placed"
    mollie.start()  # Mollie calls again later
    webhook(app, id=payment_id)
    assert only_order(site)[1] == "paid"


def test_a_payment_after_cancellation_is_logged_not_applied(app, site, mollie, caplog):
    checkout(app)
    number, _state, [payment_id], _ = only_order(site)
    with site.edit() as root:
        root["orders"][number].transition(None, "cancel", actor="test:staff")
    mollie.set_status(payment_id, "paid")
    webhook(app, id=payment_id)
    assert only_order(site)[1] == "cancelled"
    assert f"payment {payment_id} is paid but order {number} is cancelled" in caplog.text


def test_without_an_api_key_there_is_no_mollie(tmp_path):
    plain = make_site(tmp_path)
    try:
        webhook(Browser(plain.wsgi), expect=404, id="tr_Whatever1")
        assert (
            "form-action 'self';"
            in Browser(plain.wsgi).get("/nl/").headers["Content-Security-Policy"]
        )
    finally:
        transaction.abort()
        plain.close()
    with pytest.raises(ValueError, match="unconfigured methods"):
        main({}, **app_settings(tmp_path / "x", **{"shopcms.payments": "transfer bancontact"}))


def test_a_malformed_api_key_is_refused_without_repeating_it():
    with pytest.raises(ValueError) as raised:
        Mollie({"shopcms.mollie.api_key": "sk_secret_value"})
    assert "sk_secret_value" not in str(raised.value)


# --- paying again -------------------------------------------------------------------------


def test_provider_down_at_checkout_then_pay_now(app, site, mollie, caplog):
    mollie.stop()
    placed = checkout(app)
    assert placed.location == "http://localhost" + confirmation(site)
    number, state, payment_ids, _ = only_order(site)
    assert (state, payment_ids) == ("placed", ())
    assert f"no payment created for order {number}" in caplog.text
    page = placed.follow()
    form = pay_form(page)
    assert form is not None

    # Still down: the customer is told so and stays on the page.
    again = form.submit(status=303)
    assert again.location == "http://localhost" + confirmation(site)
    assert pay_form(again.follow()) is not None

    mollie.start()
    to_provider = pay_form(app.get(confirmation(site))).submit(status=303)
    [payment_id] = only_order(site)[2]
    assert to_provider.location == f"{mollie.base_url}/checkout/{payment_id}"
    mollie.set_status(payment_id, "paid")
    webhook(app, id=payment_id)
    assert only_order(site)[1] == "paid"
    assert pay_form(app.get(confirmation(site))) is None


def test_pay_now_reuses_an_open_payment_and_replaces_a_failed_one(app, site, mollie):
    checkout(app)
    [first] = only_order(site)[2]
    page = app.get(confirmation(site))
    assert pay_form(page).submit(status=303).location.endswith(f"/checkout/{first}")
    assert only_order(site)[2] == (first,)
    mollie.set_status(first, "failed")
    webhook(app, id=first)
    page = app.get(confirmation(site))
    to_provider = pay_form(page).submit(status=303)
    first_again, second = only_order(site)[2]
    assert first_again == first and to_provider.location.endswith(f"/checkout/{second}")
    # Both ids lead to the order: a late payment of either is found.
    mollie.set_status(second, "paid")
    webhook(app, id=second)
    assert only_order(site)[1] == "paid"


def test_pay_now_after_paying_before_the_webhook_charges_nothing_twice(app, site, mollie):
    checkout(app)
    [payment_id] = only_order(site)[2]
    mollie.set_status(payment_id, "paid")  # the webhook has not arrived yet
    back = pay_form(app.get(confirmation(site))).submit(status=303)
    assert back.location == "http://localhost" + confirmation(site)
    assert only_order(site)[1:3] == ("paid", (payment_id,))
    assert len(mollie.payment_ids()) == 1
    webhook(app, id=payment_id)  # arrives after all: nothing more
    assert [t for t, _a in only_order(site)[3]] == [None, "pay"]


def test_pay_now_replaces_a_payment_mollie_does_not_know(app, site, mollie):
    checkout(app)
    [lost] = only_order(site)[2]
    del mollie.payments[lost]  # e.g. made with another account's key
    to_provider = pay_form(app.get(confirmation(site))).submit(status=303)
    _lost, new = only_order(site)[2]
    assert to_provider.location == f"{mollie.base_url}/checkout/{new}"


def test_pay_now_is_refused_where_there_is_nothing_to_pay(app, site, mollie):
    pages = []
    checkout(app, payment="transfer", pages=pages)
    url = confirmation(site)
    assert pay_form(app.get(url)) is None
    token = pages[-1].html.select_one("input[name=csrf_token]")["value"]
    back = app.post(f"{url}/pay", {"csrf_token": token}, status=303)
    assert back.location == "http://localhost" + url
    assert mollie.requests == []
    app.post(f"{url[:-3]}xyz/pay", {"csrf_token": token}, status=404)  # wrong key
    app.post(f"{url}/other", {"csrf_token": token}, status=404)
    app.post(url, {"csrf_token": token}, status=404)
    app.post(f"{url}/pay", status=400)  # no CSRF token


def test_no_page_of_ours_asks_for_card_data(app, site, mollie):
    pages = []
    placed = checkout(app, pages=pages)
    provider_page = requests.get(placed.location, timeout=10)
    pages.append(app.get(confirmation(site)))
    for page in pages:
        fields = page.html.select("input, select, textarea")
        assert fields
        for field in fields:
            described = " ".join(
                str(field.get(attr, "")) for attr in ("name", "id", "autocomplete", "placeholder")
            )
            assert not CARD_FIELD.search(described), described
    assert "<input" not in provider_page.text  # the fake provider's page: buttons only


# --- the fake speaks Mollie's errors, and the shop survives them ------------------------------


def test_the_fake_answers_errors_as_mollie_does(mollie):
    client = Client(api_endpoint=mollie.base_url)
    client.set_api_key(mollie.api_key)
    data = {
        "amount": {"currency": "EUR", "value": "20.5"},
        "description": "x",
        "redirectUrl": "https://shop.example.be/",
    }
    with pytest.raises(UnprocessableEntityError) as invalid:
        client.payments.create(data)
    assert invalid.value.field == "amount.value"
    payment = client.payments.create({**data, "amount": {"currency": "EUR", "value": "20.50"}})
    assert (payment.status, payment.mode, payment.amount["value"]) == ("open", "test", "20.50")
    assert (
        client.payments.get(payment.id).checkout_url == f"{mollie.base_url}/checkout/{payment.id}"
    )
    with pytest.raises(NotFoundError):
        client.payments.get("tr_Unknown123")
    client.set_api_key("test_" + "x" * 30)
    with pytest.raises(UnauthorizedError):
        client.payments.get(payment.id)


def test_a_refused_api_key_leaves_the_order_placed_and_the_key_out_of_the_log(
    tmp_path, mollie, caplog
):
    wrong_key = "test_" + "W" * 30
    site = make_site(tmp_path, **{**mollie.settings(), "shopcms.mollie.api_key": wrong_key})
    try:
        app = Browser(site.wsgi)
        placed = checkout(app)
        assert placed.location == "http://localhost" + confirmation(site)
        assert only_order(site)[1:3] == ("placed", ())
        assert "UnauthorizedError 401" in caplog.text
        assert wrong_key not in caplog.text and "W" * 30 not in caplog.text
    finally:
        transaction.abort()
        site.close()
