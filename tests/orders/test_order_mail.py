"""Order mails: one confirmation per order, payment received, shipped and delivered in the
customer's language (the delivered one with what other capabilities add), and nothing lost
while the SMTP server is down."""

import pytest
from pyramid.i18n import make_localizer
from pyramid.interfaces import ITranslationDirectories

from shopcms.mail import send_queued
from shopcms.orders.api import MailPart
from shopcms.orders.mail import ORDER_PLACED, add_order_mail_part
from shopcms.web.i18n import _
from tests.orders.test_checkout import add_to_cart, place, place_form, review
from tests.outbox import intents, queued


def plain(received):
    return received.message.get_body(("plain",)).get_content()


def the_order(site):
    [order] = site.read(lambda root: list(root["orders"].values()))
    return order


def move(site, number, *names):
    """Run workflow transitions as a system actor would (the bank import, the webhook)."""
    with site.edit() as root:
        for name in names:
            root["orders"][number].transition(None, name, actor="system:test")


def test_a_double_submit_sends_one_confirmation(site, app, smtp):
    add_to_cart(app, "mug-cafe")
    form = place_form(review(app))
    form["accept_terms"] = True
    form.submit(status=303)
    form.submit(status=303)
    assert send_queued(site.registry).sent == 1
    smtp.wait_for(1)
    assert send_queued(site.registry).sent == 0
    assert len(smtp.received) == 1


def test_the_customer_hears_of_payment_and_shipping_in_their_language(site, app, smtp):
    add_to_cart(app, "mug-cafe", lang="fr")
    place(app, "fr")
    number = the_order(site).number
    move(site, number, "pay")
    move(site, number, "ship")
    assert send_queued(site.registry).sent == 3
    placed, paid, shipped = smtp.wait_for(3)
    assert paid.message["Subject"] == f"Paiement reçu pour la commande {number}"
    assert "Nous avons reçu" in plain(paid)
    assert shipped.message["Subject"] == f"Votre commande {number} est en route"
    assert "Kerkstraat 1" in plain(shipped)
    # Once paid, the mails no longer ask for a transfer.
    assert "+++" not in plain(paid) and "+++" in plain(placed)


def test_no_mail_for_a_transition_that_sends_none(site, app, smtp):
    add_to_cart(app, "mug-cafe")
    place(app)
    move(site, the_order(site).number, "cancel")
    assert send_queued(site.registry).sent == 1  # the confirmation only
    assert len(smtp.wait_for(1)) == 1


def test_with_the_smtp_server_down_the_order_is_placed_and_the_mail_waits(site, app, smtp):
    smtp.stop()
    add_to_cart(app, "mug-cafe")
    place(app).follow(status=200)
    assert the_order(site).workflow_state == "placed"
    down = send_queued(site.registry)
    assert (down.sent, down.waiting) == (0, 1)
    assert down.error
    smtp.start()
    back = send_queued(site.registry)
    assert (back.sent, back.waiting) == (1, 0)
    [mail] = smtp.wait_for(1)
    assert the_order(site).number in mail.message["Subject"]


def test_the_delivered_mail_carries_what_other_capabilities_add(site, app, smtp):
    add_to_cart(app, "mug-cafe", lang="fr")
    place(app, "fr")
    number = the_order(site).number
    # A part declared as config.add_order_mail_part("order_delivered", provider) declares.
    extra = MailPart(
        heading=_("Extra ${what}", mapping={"what": "<b>bold</b>"}),
        links=((_("Open"), "http://example.org/x?a=1&b=2"),),
    )
    parts = site.registry.shopcms_order_mail_parts["order_delivered"]
    parts.append(lambda request, order: extra if order.number == number else None)
    try:
        move(site, number, "pay", "ship", "deliver")
    finally:
        parts.pop()
    assert send_queued(site.registry).sent == 4
    delivered = smtp.wait_for(4)[-1]
    localizer = make_localizer("fr", site.registry.getUtility(ITranslationDirectories))
    subject = _("Your order ${number} has been delivered", mapping={"number": number})
    assert delivered.message["Subject"] == localizer.translate(subject)
    text = plain(delivered)
    html = delivered.message.get_body(("html",)).get_content()
    # The reviews' part: a link to write a review of the mug, in the order's language.
    assert "/fr/reviews/write/" in text and "/fr/reviews/write/" in html
    # The extra part, after it; what its mapping carries is escaped in the HTML.
    assert "Extra <b>bold</b>" in text and "Open: http://example.org/x?a=1&b=2" in text
    assert "Extra &lt;b&gt;bold&lt;/b&gt;" in html
    assert 'href="http://example.org/x?a=1&amp;b=2"' in html


def test_an_unknown_order_mail_takes_no_part(site):
    with pytest.raises(ValueError):
        add_order_mail_part(type("Config", (), {"registry": site.registry})(), "nope", print)


def test_the_confirmation_is_composed_by_the_sender_as_the_order_was_placed(site, app):
    add_to_cart(app, "mug-cafe")
    place(app)
    # The checkout queued an intent (composing it was most of a checkout's time).
    [intent] = intents(site)
    order = the_order(site)
    assert intent["kind"] == ORDER_PLACED and intent["number"] == order.number
    move(site, order.number, "pay")  # paid before the sender ran: still the confirmation
    (to, message), (_to, paid) = queued(site)  # the confirmation, then "payment received"
    assert to == order.contact["email"]
    assert paid["Subject"] != message["Subject"]
    assert order.number in message["Subject"]
    assert str(order.payment_reference) in message.get_body(("plain",)).get_content()


def test_no_confirmation_for_an_order_erased_before_the_sender_ran(site, app):
    add_to_cart(app, "mug-cafe")
    place(app)
    with site.edit() as root:
        [order] = root["orders"].values()
        order.contact = {**order.contact, "email": "erased"}
    assert queued(site) == []
    assert intents(site) == []
