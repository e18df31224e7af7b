"""The customer's privacy page: every purpose, consents given and withdrawn in one click, the
privacy statement each consent was given under, and what a new statement means for them."""

import pytest

from shopcms.privacy import ledger
from shopcms.privacy.purposes import (
    ACCOUNT_DATA,
    CONSENT_PURPOSES,
    CONTEST_MARKETING,
    ORDER,
    PERSONALISATION,
    PURPOSES,
)
from tests.accounts.markup import forms_of
from tests.conftest import PASSWORD, login

EMAIL = "an@example.be"


@pytest.fixture
def customer(site, app):
    """A logged-in customer; returns their account id."""
    userid = site.add_account(EMAIL)
    login(app, EMAIL, PASSWORD)
    return userid


def prefs(site, userid):
    return site.read(lambda root: root["customers"][userid].preferences)


def events(site, userid):
    return site.read(lambda root: list(root["customers"][userid].preferences.consents))


def toggle(page, purpose):
    """The one form of ``purpose`` on the privacy page (give or withdraw)."""
    [form] = [
        f
        for f in forms_of(page)
        if f.action.endswith("/account/consent")
        and f["purpose"].value == purpose
        and f["op"].value in ("give", "withdraw")
    ]
    return form


def renew_form(page, purpose):
    [form] = [
        f
        for f in forms_of(page)
        if f.action.endswith("/account/consent")
        and f["purpose"].value == purpose
        and f["op"].value == "renew"
    ]
    return form


def click(page, purpose):
    """Give or withdraw ``purpose`` with its one button; returns the page after it."""
    return toggle(page, purpose).submit(status=303).follow()


def state(page, purpose):
    return page.html.select_one(f'form.consent-toggle[data-purpose="{purpose}"]')["data-given"]


def stale_purposes(page):
    return {li["data-purpose"] for li in page.html.select("section.stale-consents li")}


def in_force(site, lang):
    def read(root):
        revision = root["pages"]["privacy"].in_force(lang, site.registry.shopcms_clock())
        return revision.id, revision.text_hash

    return site.read(read)


def publish_new_privacy_statement(site, lang, body="A revised privacy statement."):
    """Publish a new revision of the privacy statement in ``lang`` (as an editor would)."""
    clock = site.registry.shopcms_clock
    clock.advance(minutes=1)
    with site.edit() as root:
        page = root["pages"]["privacy"]
        page.save_draft(lang, "Privacy", body, "revised", "system:test", clock())
        page.publish(lang, clock(), actor="system:test")
    clock.advance(minutes=1)


def test_the_privacy_page_needs_a_login_and_is_private(site, app):
    page = app.get("/nl/account/privacy", status=403)
    assert page.forms["login"]
    site.add_account(EMAIL)
    login(app, EMAIL, PASSWORD)
    page = app.get("/nl/account/privacy")
    assert page.headers["Cache-Control"] == "no-store"


def test_every_purpose_is_shown_with_its_basis_data_and_retention(site, app, customer):
    page = app.get("/en/account/privacy")
    for name, purpose in PURPOSES.items():
        card = page.html.select_one(f'article.purpose[data-purpose="{name}"]')
        text = card.get_text(" ", strip=True)
        assert str(purpose.retention) in " ".join(text.split())
        assert str(purpose.data) in " ".join(text.split())
        forms = card.select("form.consent-toggle")
        # Exactly one button for each purpose that needs consent, none for the others (the
        # cookie categories are chosen in the cookie settings, which the card links to).
        assert len(forms) == (1 if name in CONSENT_PURPOSES else 0)
        if purpose.cookie_category is not None:
            assert card.select_one("a[href='/en/cookie-settings']")
    order_card = page.html.select_one(f'article.purpose[data-purpose="{ORDER}"]')
    assert "Performance of the contract" in order_card.text
    assert "Mollie" in order_card.text  # who else receives the data
    # Nothing is given by default: consent is never assumed.
    assert {state(page, name) for name in CONSENT_PURPOSES} == {"false"}
    links = {a["href"] for a in page.html.select("section.rights a")}
    assert {"/en/account/export", "/en/account/delete"} <= links


def test_giving_and_withdrawing_is_one_click_each_and_names_the_statement(site, app, customer):
    page = app.get("/fr/account/privacy")
    # One button, nothing to tick or fill in.
    html = page.html.select_one(f'form.consent-toggle[data-purpose="{PERSONALISATION}"]')
    assert len(html.select("button")) == 1
    assert {field["type"] for field in html.select("input")} == {"hidden"}
    page = click(page, PERSONALISATION)
    assert page.request.path == "/fr/account/privacy"
    assert state(page, PERSONALISATION) == "true"
    assert ledger.given(prefs(site, customer), PERSONALISATION)

    page = click(page, PERSONALISATION)
    assert state(page, PERSONALISATION) == "false"
    assert not ledger.given(prefs(site, customer), PERSONALISATION)

    revision_id, text_hash = in_force(site, "fr")
    assert revision_id.startswith("privacy:fr:")
    recorded = events(site, customer)
    assert [(e.purpose, e.granted) for e in recorded] == [
        (PERSONALISATION, True),
        (PERSONALISATION, False),
    ]
    for event in recorded:
        # The statement in force in the customer's language, by id and hash.
        assert (event.policy_revision, event.policy_hash) == (revision_id, text_hash)
        assert (event.form, event.lang) == ("account-privacy", "fr")
    rows = page.html.select("section.consent-history tbody tr")
    assert len(rows) == 2
    assert revision_id in rows[0].text
    link = rows[0].select_one("a")["href"]
    assert link == f"/fr/privacy/versions/{revision_id.rsplit(':', 1)[1]}"
    app.get(link, status=200)


def test_a_repeated_click_records_nothing_twice(site, app, customer):
    page = app.get("/nl/account/privacy")
    form = toggle(page, CONTEST_MARKETING)
    form.submit(status=303)
    form.submit(status=303)  # the same "give" again (a double click, a second tab)
    assert [(e.purpose, e.granted) for e in events(site, customer)] == [(CONTEST_MARKETING, True)]


def test_a_new_statement_flags_older_consents_until_they_are_confirmed(site, app, customer):
    page = app.get("/nl/account/privacy")
    page = click(page, PERSONALISATION)
    page = click(page, CONTEST_MARKETING)
    assert page.html.select_one("section.stale-consents") is None
    old_id, old_hash = in_force(site, "nl")

    # A new French text changes nothing for consents given under the Dutch one.
    publish_new_privacy_statement(site, "fr", "Une déclaration revue.")
    assert app.get("/nl/account/privacy").html.select_one("section.stale-consents") is None

    publish_new_privacy_statement(site, "nl")
    new_id, new_hash = in_force(site, "nl")
    assert new_id != old_id and new_hash != old_hash
    page = app.get("/nl/account/privacy")
    assert stale_purposes(page) == {PERSONALISATION, CONTEST_MARKETING}
    assert page.html.select_one('section.stale-consents a[href="/nl/privacy/versions"]')
    card = page.html.select_one(f'article.purpose[data-purpose="{PERSONALISATION}"]')
    assert card.select_one(".stale") is not None
    assert old_id in card.select_one(".consent-revision").text

    page = renew_form(page, PERSONALISATION).submit(status=303).follow()
    assert stale_purposes(page) == {CONTEST_MARKETING}
    latest = ledger.latest(prefs(site, customer), PERSONALISATION)
    assert (latest.granted, latest.policy_revision, latest.policy_hash) == (
        True,
        new_id,
        new_hash,
    )
    # Withdrawing a flagged consent also clears the flag: nothing stands any more.
    page = click(page, CONTEST_MARKETING)
    assert page.html.select_one("section.stale-consents") is None
    assert [e.granted for e in events(site, customer)] == [True, True, True, False]


def test_withdrawing_keep_my_account_data_forgets_the_saved_details(site, app, customer):
    with site.edit() as root:
        account = root["customers"][customer]
        preferences = account.preferences
        now = site.registry.shopcms_clock()
        ledger.record(preferences, root, ACCOUNT_DATA, True, "checkout", "nl", now)
        preferences.add_address("An Peeters", "Kerkstraat 1", "9000", "Gent", "BE")
        preferences.add_address("An Peeters", "Veldstraat 2", "2000", "Antwerpen", "BE")
        preferences.phone = "+32 470 12 34 56"
    page = app.get("/nl/account/privacy")
    card = page.html.select_one(f'article.purpose[data-purpose="{ACCOUNT_DATA}"]')
    assert "adressen" in card.text  # says what withdrawing deletes, before the click
    page = click(page, ACCOUNT_DATA)
    saved = prefs(site, customer)
    assert list(saved.addresses) == []
    assert saved.default_address is None and saved.phone == ""
    assert not ledger.given(saved, ACCOUNT_DATA)
    assert state(page, ACCOUNT_DATA) == "false"
    # Given again, nothing comes back: the data is gone, not hidden.
    click(page, ACCOUNT_DATA)
    assert list(prefs(site, customer).addresses) == []


def test_only_purposes_that_need_consent_can_be_posted(site, app, customer):
    page = app.get("/nl/account/privacy")
    form = toggle(page, PERSONALISATION)
    form["purpose"].force_value(ORDER)  # a contract is no consent to withdraw
    form.submit(status=400)
    form["purpose"].force_value(PERSONALISATION)
    form["form"].force_value("checkout")  # only this page's forms post here
    form.submit(status=400)
    assert events(site, customer) == []
    form["form"].force_value("account-privacy")
    form["came_from"].force_value("//evil.example/")
    response = form.submit(status=303)
    assert response.location.endswith("/nl/account/privacy")


def test_another_account_page_can_offer_a_consent_with_the_macro(site, app, customer):
    """The ``consent-toggle`` form records where it was used and returns there."""
    page = app.get("/nl/account/privacy")
    form = toggle(page, PERSONALISATION)
    form["form"].force_value("account")
    form["came_from"].force_value("/nl/account/")
    response = form.submit(status=303)
    assert response.location.endswith("/nl/account/")
    [event] = events(site, customer)
    assert (event.purpose, event.granted, event.form) == (PERSONALISATION, True, "account")
