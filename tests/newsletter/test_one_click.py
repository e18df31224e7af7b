"""One-click unsubscribe (RFC 8058) and the unsubscribe page: a POST with the
``List-Unsubscribe=One-Click`` body and no cookie unsubscribes and answers 200 without a
cookie; a GET never unsubscribes; a forged or altered token changes nothing."""

import pytest
from itsdangerous import Signer
from webtest import TestApp

from shopcms.newsletter.resources import ACTIVE
from tests.newsletter.helpers import (
    active_keys,
    active_subscription,
    find,
    suppressed,
    suppression_list,
)
from tests.outbox import intents

ONE_CLICK = "List-Unsubscribe=One-Click"


def mail_program(site):
    """What a mail program sends: no cookie, no Origin, no Referer."""
    return TestApp(site.wsgi)


def one_click(client, token, status=200, lang="nl"):
    return client.post(
        f"/{lang}/unsubscribe?token={token}",
        ONE_CLICK,
        content_type="application/x-www-form-urlencoded",
        status=status,
    )


def consents_of_entry(site, address):
    from shopcms.newsletter import suppression

    def read(root):
        entry = suppression.entry(root["newsletter"], address)
        return [(e.granted, e.form, e.policy_revision) for e in entry.consents]

    return site.read(read)


def test_a_one_click_post_without_cookie_unsubscribes_and_sets_no_cookie(site):
    token = active_subscription(site, "els@example.be")
    client = mail_program(site)
    answer = one_click(client, token)
    assert answer.status_int == 200
    assert "Set-Cookie" not in answer.headers and not client.cookies
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert find(site, "els@example.be") is None
    assert active_keys(site) == set()
    assert suppressed(site, "els@example.be")
    [given, withdrawn] = consents_of_entry(site, "els@example.be")
    assert given[:2] == (True, "newsletter-confirm")
    assert withdrawn[:2] == (False, "newsletter-one-click")
    assert withdrawn[2].startswith("privacy:nl:")
    # A mail program's one-click gets no mail back (see the view).
    assert [i for i in intents(site) if i["kind"] == "newsletter_ended"] == []
    # Again: still 200, nothing more changes.
    before = suppression_list(site)
    again = one_click(client, token)
    assert again.status_int == 200 and "Set-Cookie" not in again.headers
    assert suppression_list(site) == before
    assert len(consents_of_entry(site, "els@example.be")) == 2


def test_a_get_of_the_link_never_unsubscribes(site):
    token = active_subscription(site, "scan@example.be")
    client = mail_program(site)
    for _ in range(3):
        page = client.get(f"/en/unsubscribe?token={token}")
        assert page.headers["Referrer-Policy"] == "no-referrer"
        assert "newsletter-unsubscribe" in page.forms
    assert find(site, "scan@example.be")[0] == ACTIVE
    assert not suppressed(site, "scan@example.be")


def altered(token):
    """``token`` with one character of its signature changed (not the last: its low bits
    are padding, which base64 decoding ignores)."""
    position = len(token) - 5
    changed = "A" if token[position] != "A" else "B"
    return token[:position] + changed + token[position + 1 :]


def other_key(token):
    """``token`` naming another subscription key with the same signature."""
    key, rest = token.split(".", 1)
    return ("1" if key[0] != "1" else "2") + key[1:] + "." + rest


def foreign(token):
    """The same subscription and link key in a token signed with another secret."""
    value = token.rsplit(".", 1)[0]
    signer = Signer("another-secret", salt="shopcms.token.newsletter-link")
    return signer.sign(value.encode()).decode()


@pytest.mark.parametrize(
    "spoil", [altered, other_key, foreign, lambda token: "", lambda token: "nonsense"]
)
def test_a_forged_or_altered_token_changes_nothing(site, spoil):
    token = active_subscription(site, "kept@example.be")
    other = active_subscription(site, "other@example.be")
    one_click(mail_program(site), other)  # something on the list already
    before = (suppression_list(site), active_keys(site))
    client = mail_program(site)
    answer = one_click(client, spoil(token), status=400)
    assert "Set-Cookie" not in answer.headers
    client.post(f"/nl/unsubscribe?token={spoil(token)}", status=400)
    assert (suppression_list(site), active_keys(site)) == before
    assert find(site, "kept@example.be")[0] == ACTIVE
    assert not suppressed(site, "kept@example.be")
    client.post("/nl/unsubscribe", ONE_CLICK, status=400)
    assert (suppression_list(site), active_keys(site)) == before


def test_the_page_button_unsubscribes_and_confirms_by_mail(site):
    token = active_subscription(site, "page@example.be", lang="fr")
    client = mail_program(site)
    page = client.get(f"/en/unsubscribe?token={token}")
    assert "page@example.be" in page.text
    done = page.forms["newsletter-unsubscribe"].submit("unsubscribe", status=200)
    assert "You are unsubscribed" in done.text
    assert suppressed(site, "page@example.be")
    assert consents_of_entry(site, "page@example.be")[-1][:2] == (
        False,
        "newsletter-unsubscribe-page",
    )
    [ended] = [i for i in intents(site) if i["kind"] == "newsletter_ended"]
    assert (ended["address"], ended["lang"]) == ("page@example.be", "fr")
    # The same link later: it says so, with no button.
    later = client.get(f"/en/unsubscribe?token={token}")
    assert "You are unsubscribed" in later.text and "newsletter-unsubscribe" not in later.forms


def test_unsubscribe_without_a_link_explains_the_ways(app):
    page = app.get("/en/unsubscribe")
    text = " ".join(page.html.select_one("main").text.split())
    assert "the unsubscribe link at the bottom of every newsletter" in text
    assert "I no longer wish to receive general information from Soft Cactus" in text
    assert page.html.select_one("main a[href='mailto:info@softcactus.be']") is not None
    account = page.html.select_one("main a[href^='/en/login?came_from=']")
    assert account["href"] == "/en/login?came_from=/en/account/privacy"
    dutch = app.get("/nl/unsubscribe").text
    assert "Ik wens geen algemene info van Soft Cactus meer te ontvangen" in dutch
