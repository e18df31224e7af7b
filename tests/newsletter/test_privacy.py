"""The newsletter and the privacy rights (issue 14, acceptance 7): the export of an account
and of a guest's address holds the subscription, its consent ledger and the suppression
entry; erasure ends the subscription, and after a pack the database file holds no plain
address of the subscriber, only the keyed hash that keeps it off every newsletter; the
daily retention deletes the requests never confirmed once their link has expired."""

import json
import secrets
from datetime import timedelta

from shopcms import cli
from shopcms.mail import send_queued
from shopcms.newsletter import api, subscriptions, tokens
from shopcms.newsletter.addresses import digest, normalise
from shopcms.newsletter.mail import queue_confirmation
from shopcms.newsletter.resources import (
    ACTIVE,
    ERASED,
    FOOTER,
    PENDING,
    UNSUBSCRIBED_BY_LINK,
)
from shopcms.privacy.erasure import purge_history
from shopcms.tree.database import get_database
from shopcms.web.clock import now
from tests.cli.test_cli_import_payments import write_ini
from tests.cli.test_cli_retention import make_site_again
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login, make_site
from tests.factories import make_order
from tests.privacy.markers import found_in_database


class Request:
    """What ``mail.queue_confirmation`` reads of the request that asked."""

    application_url = "http://localhost"

    def __init__(self, registry):
        self.registry = registry


def spellings(typed):
    """The ways the database could hold ``typed``: as typed, normalised, upper case."""
    return sorted({typed, normalise(typed), typed.lower(), typed.upper()})


def subscribe(site, typed, lang, account=None, confirm=True):
    """``typed`` asks for the newsletter (its confirmation mail queued, as the footer form
    does) and, with ``confirm``, follows the link."""
    registry = site.registry
    with site.edit() as root:
        newsletter = root["newsletter"]
        found = subscriptions.ask(newsletter, typed, lang, FOOTER, now(registry), account)
        queue_confirmation(Request(registry), root, found)
        if confirm:
            subscriptions.confirm(newsletter, found, now(registry), lang, registry)


def unsubscribe(site, address, lang):
    with site.edit() as root:
        newsletter = root["newsletter"]
        found = subscriptions.find(newsletter, address)
        subscriptions.unsubscribe(
            newsletter,
            found,
            UNSUBSCRIBED_BY_LINK,
            "newsletter-one-click",
            lang,
            now(site.registry),
            site.registry,
        )


def stored(site, address):
    """``(subscription state or None, suppression entry as (address, reason) or None,
    the address's hash is on the list)`` as the database holds them."""

    def read(root):
        newsletter = root["newsletter"]
        found = subscriptions.find(newsletter, address)
        key = digest(newsletter.hash_key, address)
        entry = newsletter.suppression.get(key)
        return (
            found.state if found is not None else None,
            (entry.address, entry.reason) if entry is not None else None,
            api.may_mail(root, address),
        )

    return site.read(read)


def staff(site):
    app = Browser(site.wsgi)
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    return app


def deliver(site, smtp, count):
    """Send what waits in the outbox; ``count`` mails have then arrived in all."""
    send_queued(site.registry)
    return smtp.wait_for(count)


# -- an account -----------------------------------------------------------------------------


def test_an_accounts_export_and_erasure_hold_and_end_the_subscription(site, smtp):
    tag = secrets.token_hex(5)
    email = f"zqsub.{tag}@example.be"
    typed = f"ZqSub.{tag}@Example.BE"  # as the customer typed it in the footer form
    userid = site.add_account(email)
    subscribe(site, typed, "nl", account=userid)
    deliver(site, smtp, 1)  # the confirmation mail, with its link
    unsubscribe(site, typed, "nl")
    subscribe(site, typed, "nl", account=userid, confirm=False)  # asked again: pending
    mails = deliver(site, smtp, 2)
    assert [mail.rcpt_tos for mail in mails] == [(typed,), (typed,)]

    app = Browser(site.wsgi)
    login(app, email, PASSWORD)
    data = json.loads(app.get("/nl/account/export.json").text)
    [subscription, entry] = data["newsletter"]
    assert subscription["record"] == "subscription"
    assert (subscription["email"], subscription["language"]) == (typed, "nl")
    assert (subscription["state"], subscription["source"]) == (PENDING, FOOTER)
    assert subscription["requested"].startswith("20")  # ISO 8601
    steps = [step["step"] for step in subscription["history"]]
    assert steps[:1] + steps[-3:] == ["requested", "confirmed", "unsubscribed", "requested"]
    ledger = subscription["consents"]
    assert [event["granted"] for event in ledger] == [True, False]
    assert all(event["policy_revision"].startswith("privacy:nl:") for event in ledger)
    assert entry["record"] == "suppression"
    assert (entry["email"], entry["reason"]) == (normalise(typed), UNSUBSCRIBED_BY_LINK)
    assert [event["granted"] for event in entry["consents"]] == [True, False]
    assert entry["since"].startswith("20")
    # Nothing that only makes links work.
    secrets_of_links = site.read(
        lambda root: [
            (found := subscriptions.find(root["newsletter"], typed)).nonce,
            found.link_key,
        ]
    )
    assert [value for value in secrets_of_links if value in json.dumps(data)] == []

    readable = app.get("/nl/account/export").html.select_one("#export-newsletter")
    assert readable is not None and typed in readable.get_text(" ", strip=True)

    form = app.get("/nl/account/delete").forms["delete"]
    form["password"] = PASSWORD
    form.submit("delete", status=200)
    assert stored(site, email) == (None, (None, ERASED), False)
    assert stored(site, typed.upper())[2] is False  # refused in any spelling

    deliver(site, smtp, 3)  # the erasure's confirmation leaves; nothing else waits
    purge_history(get_database(site.registry))
    assert found_in_database(site, spellings(typed)) == []
    hashed = site.read(lambda root: digest(root["newsletter"].hash_key, typed))
    assert found_in_database(site, [hashed]) == [hashed]


# -- a guest --------------------------------------------------------------------------------


def test_a_guests_export_and_erasure_at_the_privacy_desk(site, smtp):
    typed = f"ZqGuest.{secrets.token_hex(5)}@Example.BE"
    with site.edit() as root:
        make_order(root, lang="fr", contact={"email": typed}, state="delivered")
    subscribe(site, typed, "fr")
    deliver(site, smtp, 1)

    desk = staff(site)
    find = desk.get("/nl/manage/privacy/").forms["find"]
    find["email"] = typed.lower()  # the address as the guest wrote it in the letter
    found = find.submit("find", status=200)
    data = json.loads(found.forms["guest-export"].submit(status=200).text)
    [subscription] = data["newsletter"]
    assert (subscription["email"], subscription["state"]) == (typed, ACTIVE)
    [consent] = subscription["consents"]
    assert consent["granted"] and consent["policy_revision"].startswith("privacy:fr:")
    assert consent["where"] == "newsletter-confirm"

    erase = found.forms["guest-erase"]
    erase["note"] = "request by mail of 2026-12-06"
    erase.submit("erase", status=303)
    assert stored(site, typed) == (None, (None, ERASED), False)

    deliver(site, smtp, 2)  # the guest's confirmation of the erasure
    purge_history(get_database(site.registry))
    assert found_in_database(site, spellings(typed)) == []


def test_an_erasure_adds_nothing_for_an_address_the_newsletter_never_knew(site, smtp):
    email = f"zqnever{secrets.token_hex(4)}@example.be"
    site.add_account(email)
    app = Browser(site.wsgi)
    login(app, email, PASSWORD)
    assert "newsletter" not in json.loads(app.get("/nl/account/export.json").text)
    form = app.get("/nl/account/delete").forms["delete"]
    form["password"] = PASSWORD
    form.submit("delete", status=200)
    assert stored(site, email) == (None, None, True)


# -- retention ------------------------------------------------------------------------------


def test_retention_deletes_requests_not_confirmed_within_the_links_life(tmp_path, capsys):
    site = make_site(tmp_path)
    day = timedelta(days=1)
    max_age = timedelta(seconds=tokens.CONFIRM_MAX_AGE)
    assert max_age == 7 * day  # what the privacy statement and the record say
    try:
        today = now(site.registry)
        with site.edit() as root:
            newsletter = root["newsletter"]

            def ask(address, when):
                return subscriptions.ask(newsletter, address, "nl", FOOTER, when)

            ask("old@example.be", today - max_age - day)
            ask("young@example.be", today - max_age + day)
            ask("again@example.be", today - 20 * day)
            ask("again@example.be", today - 2 * day)  # a new link, that still works
            active = ask("active@example.be", today - 30 * day)
            subscriptions.confirm(newsletter, active, today - 30 * day, "nl", None)
            # An address that unsubscribed long ago and asked again without confirming.
            back = ask("back@example.be", today - 60 * day)
            subscriptions.confirm(newsletter, back, today - 60 * day, "nl", None)
            subscriptions.unsubscribe(
                newsletter, back, UNSUBSCRIBED_BY_LINK, "x", "nl", today - 50 * day, None
            )
            ask("back@example.be", today - max_age - day)
    finally:
        site.close()
    ini = write_ini(tmp_path / "shop.ini", tmp_path)

    assert cli.main(["retention", ini]) == 0
    out = capsys.readouterr().out
    assert "newsletter: 2 subscription request(s) never confirmed in 7 days deleted" in out

    site = make_site_again(tmp_path)
    try:

        def read(root):
            newsletter = root["newsletter"]
            return (
                sorted(s.address for s in newsletter.subscriptions.values()),
                sorted(newsletter.by_address),
                api.may_mail(root, "back@example.be"),
            )

        kept, index, back_may_be_mailed = site.read(read)
        assert kept == index == ["active@example.be", "again@example.be", "young@example.be"]
        assert back_may_be_mailed is False  # its suppression entry stays
        assert stored(site, "back@example.be")[1] == ("back@example.be", UNSUBSCRIBED_BY_LINK)
    finally:
        site.close()


def test_the_desk_finds_a_subscriber_who_never_ordered(site, smtp):
    typed = f"ZqOnly.{secrets.token_hex(5)}@Example.BE"
    subscribe(site, typed, "en")
    deliver(site, smtp, 1)

    desk = staff(site)
    find = desk.get("/en/manage/privacy/").forms["find"]
    find["email"] = typed
    found = find.submit("find", status=200)
    assert found.html.select_one("#guest-orders") is None
    assert "Newsletter" in found.html.select_one("#guest-sections").get_text()
    data = json.loads(found.forms["guest-export"].submit(status=200).text)
    assert [item["state"] for item in data["newsletter"]] == [ACTIVE]

    erase = found.forms["guest-erase"]
    erase["note"] = "request by mail of 2026-12-06"
    erase.submit("erase", status=303)
    assert stored(site, typed) == (None, (None, ERASED), False)
    purge_history(get_database(site.registry))
    assert found_in_database(site, spellings(typed)) == []
