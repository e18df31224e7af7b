"""The account's newsletter toggle is the subscription: giving it mails a confirmation
link (double opt-in) and the toggle waits for it; the link confirms and the account's own
ledger records the consent with the privacy statement; withdrawing, or unsubscribing with
a newsletter's link, ends the subscription and the ledger records that too."""

import pytest

from shopcms.newsletter import subscriptions, tokens
from shopcms.privacy.purposes import NEWSLETTER
from tests.accounts.test_account_privacy import events, toggle
from tests.conftest import PASSWORD, login
from tests.newsletter.helpers import SECRET, active_keys, confirm_links, find, suppressed

EMAIL = "lid@example.be"


@pytest.fixture
def customer(site, app):
    userid = site.add_account(EMAIL)
    login(app, EMAIL, PASSWORD, lang="en")
    return userid


def newsletter_toggle(page):
    return page.html.select_one(f'form.consent-toggle[data-purpose="{NEWSLETTER}"]')


def newsletter_events(site, userid):
    return [
        (e.granted, e.form, e.lang, e.policy_revision)
        for e in events(site, userid)
        if e.purpose == NEWSLETTER
    ]


def test_the_toggle_asks_confirms_by_mail_and_ends_with_the_ledger_following(site, app, customer):
    page = app.get("/en/account/privacy")
    assert newsletter_toggle(page)["data-given"] == "false"
    page = toggle(page, NEWSLETTER).submit(status=303).follow()
    assert "a mail with a confirmation link is on its way to lid@example.be" in page.text
    form = newsletter_toggle(page)
    assert (form["data-given"], form["data-pending"]) == ("false", "true")
    card = page.html.select_one(f'article[data-purpose="{NEWSLETTER}"] .consent-state')
    assert "waiting for your confirmation" in card.text
    assert form.button.text == "Send the confirmation mail again"
    assert find(site, EMAIL) == ("pending", "en", "account", customer)
    assert active_keys(site) == set()
    assert newsletter_events(site, customer) == [], "nothing is given before the link"

    # The mail, read from the outbox; its link confirms.
    [link] = confirm_links(site, EMAIL)
    app.get(link).forms["newsletter-confirm"].submit("confirm", status=200)
    assert find(site, EMAIL)[0] == "active"
    [(granted, where, lang, revision)] = newsletter_events(site, customer)
    assert (granted, where, lang) == (True, "newsletter-confirm", "en")
    assert revision.startswith("privacy:en:")
    page = app.get("/en/account/privacy")
    assert newsletter_toggle(page)["data-given"] == "true"
    history = page.html.select("section.consent-history tbody tr")
    assert "The confirmation link of the newsletter" in history[0].text

    # Withdrawing ends the subscription at once.
    page = toggle(page, NEWSLETTER).submit(status=303).follow()
    assert "You are unsubscribed from the newsletter." in page.text
    assert newsletter_toggle(page)["data-given"] == "false"
    assert find(site, EMAIL) is None and suppressed(site, EMAIL)
    assert [e[:2] for e in newsletter_events(site, customer)] == [
        (True, "newsletter-confirm"),
        (False, "account-privacy"),
    ]


def test_a_one_click_unsubscribe_is_recorded_in_the_accounts_ledger(site, app, customer):
    page = app.get("/en/account/privacy")
    toggle(page, NEWSLETTER).submit(status=303)
    [link] = confirm_links(site, EMAIL)
    app.get(link).forms["newsletter-confirm"].submit("confirm", status=200)

    def token(root):
        found = subscriptions.find(root["newsletter"], EMAIL)
        return tokens.link_token(SECRET, found)

    from webtest import TestApp

    TestApp(site.wsgi).post(
        f"/nl/unsubscribe?token={site.read(token)}",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
        status=200,
    )
    assert [e[:3] for e in newsletter_events(site, customer)] == [
        (True, "newsletter-confirm", "en"),
        (False, "newsletter-one-click", "nl"),
    ]
    page = app.get("/en/account/privacy")
    assert newsletter_toggle(page)["data-given"] == "false"
    assert "The unsubscribe button of your mail program" in page.text


def test_the_footer_links_the_subscription_to_the_account_only_for_its_own_address(
    site, app, customer
):
    for address in ("someone.else@example.be", "LID@example.be"):
        form = app.get("/en/products/").forms["newsletter-footer"]
        form["email"] = address
        form.submit("subscribe", status=200)
    assert find(site, "someone.else@example.be")[3] is None
    assert find(site, EMAIL)[3] == customer
    page = app.get("/en/account/privacy")
    assert newsletter_toggle(page)["data-pending"] == "true"
