"""The newsletter at checkout: an unticked box, never a condition of ordering; ticked, it
asks for a subscription (a mail to confirm follows).  And the suppression list never stops
an order's mails (acceptance 4: a suppressed address still gets its order confirmation)."""

from shopcms.newsletter import subscriptions
from shopcms.newsletter.resources import UNSUBSCRIBED_BY_LINK
from shopcms.web.clock import now
from tests.conftest import PASSWORD, login
from tests.newsletter.helpers import active_keys, find, suppressed
from tests.orders.test_checkout import ADDRESS, add_to_cart, checkout_form, orders, place
from tests.outbox import intents, queued

BOX = "Send me the Soft Cactus newsletter (you will get a mail to confirm)"


def box(form):
    return form["newsletter"]


def test_the_box_is_unticked_and_ordering_without_it_subscribes_nobody(site, app):
    add_to_cart(app, "mug-cafe", lang="en")
    form = checkout_form(app, "en")
    assert not box(form).checked
    label = form.html.select_one("label[for='checkout-newsletter']")
    assert " ".join(label.text.split()) == BOX
    place(app, "en")
    assert len(orders(site)) == 1
    assert find(site, ADDRESS["email"]) is None


def test_ticked_it_asks_for_a_subscription_in_the_pages_language(site, app):
    add_to_cart(app, "mug-cafe", lang="fr")
    place(app, "fr", newsletter=True)
    assert find(site, ADDRESS["email"]) == ("pending", "fr", "checkout", None)
    assert active_keys(site) == set()
    asked = [i for i in intents(site) if i["kind"] == "newsletter_confirm"]
    assert [(i["address"], i["lang"]) for i in asked] == [(ADDRESS["email"], "fr")]
    mails = [mail for to, mail in queued(site) if to == ADDRESS["email"]]
    assert len(mails) == 2  # the order's confirmation and the newsletter's
    texts = [mail.get_body(("plain",)).get_content() for mail in mails]
    assert any("/fr/newsletter/confirm?token=" in text for text in texts)


def test_a_returning_subscriber_finds_the_box_unticked_again(site, app):
    site.add_account("terug@example.be")
    login(app, "terug@example.be", PASSWORD, lang="en")
    add_to_cart(app, "mug-cafe", lang="en")
    place(app, "en", newsletter=True, email="terug@example.be")
    assert find(site, "terug@example.be")[2:] == ("checkout", site.read(account_id))
    add_to_cart(app, "mug-cafe", lang="en")
    assert not box(checkout_form(app, "en")).checked


def account_id(root):
    return root["customers"].by_email["terug@example.be"]


def test_a_suppressed_address_still_gets_its_order_confirmation(site, app):
    address = ADDRESS["email"]
    when = now(site.registry)
    with site.edit() as root:
        subscriptions.unsubscribe_address(
            root["newsletter"], address, UNSUBSCRIBED_BY_LINK, "newsletter-mail", "nl", when, None
        )
    assert suppressed(site, address)
    add_to_cart(app, "mug-cafe")
    place(app)  # a guest, with that address
    [order] = orders(site)
    [(to, mail)] = queued(site)
    assert to == address
    assert mail["Subject"] == f"Uw bestelling {order.number} bij Soft Cactus"
