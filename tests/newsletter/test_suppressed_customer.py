"""Acceptance 4, over real SMTP: an address on the suppression list gets no campaign, even
one already queued for it, but its order confirmation arrives (the privacy statement: mails
about an order always go out)."""

from shopcms.mail import send_queued
from shopcms.newsletter import sending, subscriptions, suppression
from shopcms.newsletter.resources import BOUNCED, BY_STAFF
from shopcms.web.clock import now
from tests.newsletter.campaign_setup import campaign, subscriber
from tests.orders.test_checkout import ADDRESS, add_to_cart, orders, place

OTHER = "lies@example.be"


def test_a_suppressed_address_gets_no_campaign_but_its_order_confirmation(site, app, smtp):
    customer = ADDRESS["email"]
    late = "laat@example.be"
    for address in (customer, OTHER, late):
        subscriber(site, address, "nl")
    with site.edit() as root:
        # Suppressed before the campaign is queued: no intent is made for it.
        suppression.suppress(root["newsletter"], customer, BY_STAFF, now(site.registry))
    campaign(site)
    assert sending.send(site.registry).queued == 2  # the other two
    with site.edit() as root:
        # Suppressed after its mail was queued: the last check, when it is composed, holds.
        newsletter = root["newsletter"]
        subscriptions.unsubscribe_address(
            newsletter, late, BOUNCED, "newsletter-bounce", "nl", now(site.registry), None
        )
    assert send_queued(site.registry).sent == 1
    (received,) = smtp.wait_for(1)
    assert list(received.rcpt_tos) == [OTHER]

    add_to_cart(app, "mug-cafe")
    place(app)  # as a guest with the suppressed address
    (order,) = orders(site)
    assert send_queued(site.registry).sent == 1
    confirmation = smtp.wait_for(2)[1]
    assert list(confirmation.rcpt_tos) == [customer]
    assert confirmation.message["Subject"] == f"Uw bestelling {order.number} bij Soft Cactus"
    assert "List-Unsubscribe" not in confirmation.message
