"""The subscription's life in the model: double opt-in, the ledger, the suppression list."""

from datetime import timedelta

from shopcms.newsletter import subscriptions, suppression, tokens
from shopcms.newsletter.resources import ACTIVE, ERASED, FOOTER, PENDING, UNSUBSCRIBED_BY_LINK
from shopcms.privacy.purposes import NEWSLETTER
from shopcms.web.clock import now
from tests.outbox import queued

SECRET = "test-secret-" + "x" * 40


def test_a_subscription_is_active_only_after_its_link_and_the_ledger_shows_every_step(site):
    registry = site.registry
    when = now(registry)
    with site.edit() as root:
        newsletter = root["newsletter"]
        subscription = subscriptions.ask(newsletter, " Els@Example.BE", "fr", FOOTER, when)
        assert subscription.state == PENDING
        assert newsletter.active_count.value == 0
        token = tokens.confirm_token(SECRET, subscription, when)
    with site.edit() as root:
        newsletter = root["newsletter"]
        found = tokens.read_confirm_token(SECRET, newsletter.subscriptions, token, when)
        assert found is not None
        assert subscriptions.confirm(newsletter, found, when, "fr", registry)
        assert found.state == ACTIVE and newsletter.active_count.value == 1
        (event,) = found.consents
        assert event.purpose == NEWSLETTER and event.granted
        assert event.policy_revision.startswith("privacy:fr:")
        # The link is used up.
        assert tokens.read_confirm_token(SECRET, newsletter.subscriptions, token, when) is None
    with site.edit() as root:
        newsletter = root["newsletter"]
        found = subscriptions.find(newsletter, "els@example.be")
        entry = subscriptions.unsubscribe(
            newsletter, found, UNSUBSCRIBED_BY_LINK, "newsletter-one-click", "fr", when, registry
        )
        assert subscriptions.find(newsletter, "ELS@example.be") is None
        assert entry.address == "els@example.be" and entry.reason == UNSUBSCRIBED_BY_LINK
        assert [e.granted for e in entry.consents] == [True, False]
        assert suppression.is_suppressed(newsletter, "Els@example.be")
    later = when + timedelta(minutes=5)
    with site.edit() as root:
        newsletter = root["newsletter"]
        again = subscriptions.ask(newsletter, "els@example.be", "fr", FOOTER, later)
        assert again.state == PENDING, "re-subscribing needs a new confirmation"
        assert suppression.is_suppressed(newsletter, "els@example.be")
        subscriptions.confirm(newsletter, again, later, "fr", registry)
        assert [e.granted for e in again.consents] == [True, False, True]
        assert [s.what for s in again.steps] == [
            "requested",
            "confirmed",
            "unsubscribed",
            "requested",
            "confirmed",
        ]
        assert not suppression.is_suppressed(newsletter, "els@example.be")


def test_erasure_keeps_only_the_hash_on_the_suppression_list(site):
    when = now(site.registry)
    with site.edit() as root:
        newsletter = root["newsletter"]
        subscription = subscriptions.ask(newsletter, "jan@example.be", "nl", FOOTER, when)
        subscriptions.confirm(newsletter, subscription, when, "nl", site.registry)
        subscriptions.erase(newsletter, "jan@example.be", when, site.registry)
        assert subscriptions.find(newsletter, "jan@example.be") is None
        (entry,) = newsletter.suppression.values()
        assert entry.address is None and entry.reason == ERASED and not entry.consents
        assert suppression.is_suppressed(newsletter, "Jan@Example.be")
        assert "jan@example.be" not in repr(list(newsletter.suppression.items()))


def test_the_confirmation_mail_carries_a_link_that_confirms(site, app):
    when = now(site.registry)

    class Request:  # what api.ask_subscription's caller gives: the registry, the address
        registry = site.registry
        application_url = "http://localhost"

    with site.edit() as root:
        subscription = subscriptions.ask(root["newsletter"], "anna@example.be", "en", FOOTER, when)
        from shopcms.newsletter.mail import queue_confirmation

        queue_confirmation(Request, root, subscription)
    ((to, message),) = queued(site)
    assert to == "anna@example.be"
    assert "Confirm your subscription" in str(message["Subject"])
    text = message.get_body(("plain",)).get_content()
    assert "/en/newsletter/confirm?token=" in text
