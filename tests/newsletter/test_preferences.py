"""The subscriber's page (preferences): what we hold, the language, unsubscribing; and the
whole life of a subscription through the pages (acceptance 6: nothing goes to an
unconfirmed subscription, re-subscribing needs a new confirmation, the ledger shows every
step with the privacy statement revision)."""

from shopcms.newsletter.resources import ACTIVE, PENDING
from tests.conftest import Browser
from tests.newsletter.helpers import (
    active_keys,
    active_subscription,
    confirm_links,
    find,
    subscribe,
    suppressed,
)
from tests.outbox import intents


def preferences_path(token, lang="en"):
    return f"/{lang}/newsletter/preferences?token={token}"


def cells(page):
    """The history table's rows as ``(what, where, revision)``."""
    return [
        tuple(" ".join(td.text.split()) for td in row.select("td")[1:])
        for row in page.html.select(".newsletter-history tbody tr")
    ]


def test_the_preferences_page_shows_what_we_hold_and_changes_the_language(site, app):
    token = active_subscription(site, "Jan@Example.be", lang="en")
    page = app.get(preferences_path(token))
    assert page.headers["Referrer-Policy"] == "no-referrer"
    held = " ".join(page.html.select_one(".card dl").text.split())
    assert "Jan@Example.be" in held and "English" in held
    assert "The subscribe form of the website" in held
    rows = cells(page)
    assert ("Subscription asked", "The subscribe form of the website", "–") in rows
    [consent] = [row for row in rows if row[0] == "Consent given"]
    assert consent[2].startswith("privacy:en:")
    assert page.html.select_one("a[href^='/en/privacy/versions/']") is not None
    form = page.forms["newsletter-language"]
    form["language"] = "fr"
    saved = form.submit("save", status=303).follow()
    assert find(site, "jan@example.be")[1] == "fr"
    assert ("Language changed", "Your newsletter page", "–") in cells(saved)


def test_unsubscribing_on_the_preferences_page_ends_it_and_the_link_says_so(site, app):
    token = active_subscription(site, "piet@example.be", lang="nl")
    page = app.get(preferences_path(token))
    done = page.forms["newsletter-unsubscribe"].submit("unsubscribe", status=200)
    assert "You are unsubscribed" in done.text
    assert find(site, "piet@example.be") is None and suppressed(site, "piet@example.be")
    [ended] = [i for i in intents(site) if i["kind"] == "newsletter_ended"]
    assert (ended["address"], ended["lang"]) == ("piet@example.be", "nl")
    assert "This subscription has ended" in app.get(preferences_path(token), status=410).text
    assert "This link does not work" in app.get(preferences_path(token[:-2]), status=400).text
    app.get("/en/newsletter/preferences", status=400)


def test_a_subscription_lives_only_through_its_confirmations(site):
    visitor = Browser(site.wsgi)
    subscribe(visitor, "life@example.be", "en")
    assert find(site, "life@example.be")[0] == PENDING
    assert active_keys(site) == set(), "no newsletter to an unconfirmed subscription"
    [first] = confirm_links(site, "life@example.be")
    confirmed = visitor.get(first).forms["newsletter-confirm"].submit("confirm")
    preferences = confirmed.click("Your newsletter page")
    assert len(active_keys(site)) == 1
    preferences.forms["newsletter-unsubscribe"].submit("unsubscribe", status=200)
    assert active_keys(site) == set() and suppressed(site, "life@example.be")

    # Subscribing again: pending again, still suppressed, nothing goes to it until the new
    # link is followed; the old link does not bring it back.
    subscribe(visitor, "life@example.be", "en")
    assert find(site, "life@example.be")[0] == PENDING
    assert active_keys(site) == set() and suppressed(site, "life@example.be")
    visitor.get(first, status=410)
    assert find(site, "life@example.be")[0] == PENDING
    second = confirm_links(site, "life@example.be")[-1]
    assert second != first
    done = visitor.get(second).forms["newsletter-confirm"].submit("confirm")
    assert find(site, "life@example.be")[0] == ACTIVE
    assert not suppressed(site, "life@example.be")

    rows = cells(done.click("Your newsletter page"))
    steps = [row[0] for row in rows]
    assert steps == [
        "Subscription asked",
        "Subscription confirmed",
        "Consent given",
        "Unsubscribed",
        "Consent withdrawn",
        "Subscription asked",
        "Subscription confirmed",
        "Consent given",
    ]
    revisions = [row[2] for row in rows if row[0].startswith("Consent")]
    assert len(revisions) == 3 and all(r.startswith("privacy:en:") for r in revisions)
