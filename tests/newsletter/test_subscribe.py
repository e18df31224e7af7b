"""Subscribing on the web: the newsletter page, the footer form of every page, the
confirmation link (double opt-in, single use, expiring), and the same answer whatever the
address."""

from shopcms.newsletter.resources import ACTIVE, PENDING
from shopcms.privacy.purposes import NEWSLETTER
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Browser, login, start_session
from tests.newsletter.helpers import (
    active_keys,
    active_subscription,
    confirm_links,
    find,
    subscribe,
    without_tokens,
)
from tests.outbox import queued

ANSWER = "a mail with a confirmation link is on its way"


def test_the_newsletter_page_explains_what_you_get_and_how_to_unsubscribe(app):
    page = app.get("/en/newsletter")
    main = page.html.select_one("main")
    assert main.h1.text == "The Soft Cactus newsletter"
    text = " ".join(main.text.split())
    assert "we do not promise how often" in text
    assert "I no longer wish to receive general information from Soft Cactus" in text
    assert main.select_one("a[href='/en/privacy']") is not None
    assert main.select_one("a[href='mailto:info@softcactus.be']") is not None
    assert main.select_one("a[href='/en/unsubscribe']") is not None
    assert "newsletter" in page.forms
    # The footer's form is not repeated on the page that has it.
    assert "newsletter-footer" not in page.forms


def test_a_visitor_without_cookies_subscribes_from_the_footer_of_a_cached_page(site):
    visitor = Browser(site.wsgi)
    cache = site.page_cache
    visitor.get("/fr/products/")
    hits = cache.hits
    page = visitor.get("/fr/products/")  # from the shared-page cache
    assert cache.hits == hits + 1
    assert not visitor.cookies and "Set-Cookie" not in page.headers
    form = page.forms["newsletter-footer"]
    assert form.action == "/fr/newsletter" and form["csrf_token"].value.startswith("s.")
    form["email"] = "Els@Example.be"
    answer = form.submit("subscribe", status=200)
    assert "lien de confirmation" in answer.text  # the answer, in the page's French
    assert "Set-Cookie" not in answer.headers and not visitor.cookies
    assert find(site, "els@example.be") == (PENDING, "fr", "footer", None)
    assert active_keys(site) == set()  # nothing goes to it before the link is followed
    [(to, mail)] = queued(site)
    assert to == "Els@Example.be"
    assert "/fr/newsletter/confirm?token=" in mail.get_body(("plain",)).get_content()


def test_the_footer_form_is_on_every_public_page_but_not_in_management(site, app):
    for path in ("/nl/", "/nl/products/mug-cafe", "/nl/privacy", "/nl/login", "/nl/cart"):
        page = app.get(path)
        assert "newsletter-footer" in page.forms, path
        assert page.html.select_one("footer a[href='/nl/unsubscribe']") is not None, path
    app.get("/nl/nowhere", status=404).mustcontain("newsletter-footer")
    # The checkout asks for the customer's address and has its own unticked box: one
    # address field, not two.
    start_session(app)
    checkout = app.get("/nl/checkout")
    assert "newsletter-footer" not in checkout.forms
    assert len(checkout.html.select("input[type=email]")) == 1
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert "newsletter-footer" not in app.get("/nl/manage/").forms


def test_a_refused_address_is_explained_next_to_the_field(app):
    page = app.get("/nl/products/")
    form = page.forms["newsletter-footer"]
    form["email"] = "not-an-address"
    refused = form.submit("subscribe", status=400)
    summary = refused.html.select_one(".error-summary[role=alert]")
    assert summary.a["href"] == "#newsletter-email"
    assert refused.html.select_one("#newsletter-email")["aria-invalid"] == "true"


def test_the_same_answer_for_a_known_and_an_unknown_address(site):
    active_subscription(site, "known@example.be", lang="en")
    answers = []
    for address in ("known@example.be", "new@example.be"):
        visitor = Browser(site.wsgi)
        answers.append(subscribe(visitor, address, "en"))
    known, unknown = answers
    assert known.status == unknown.status == "200 OK"
    # The same page, but for the CSRF tokens and the address shown back as typed.
    assert "known@example.be" in known.text and "new@example.be" in unknown.text
    assert without_tokens(known.text).replace("known@example.be", "ADDRESS") == without_tokens(
        unknown.text
    ).replace("new@example.be", "ADDRESS")
    assert ANSWER in known.text
    # The owner of the known address is told by mail that nothing changes.
    mails = {to: str(mail["Subject"]) for to, mail in queued(site)}
    assert mails == {
        "known@example.be": "You are subscribed to the Soft Cactus newsletter",
        "new@example.be": "Confirm your subscription to the Soft Cactus newsletter",
    }


def test_the_confirmation_link_shows_a_button_confirms_once_and_records_the_consent(site, app):
    subscribe(app, "anna@example.be", "en")
    [link] = confirm_links(site, "anna@example.be")
    page = app.get(link)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "anna@example.be" in page.text
    assert find(site, "anna@example.be")[0] == PENDING, "a GET confirms nothing"
    form = page.forms["newsletter-confirm"]
    done = form.submit("confirm", status=200)
    assert "Thank you: you are subscribed" in done.text
    assert find(site, "anna@example.be")[0] == ACTIVE
    assert len(active_keys(site)) == 1

    def consents(root):
        from shopcms.newsletter.subscriptions import find as lookup

        found = lookup(root["newsletter"], "anna@example.be")
        return [(e.purpose, e.granted, e.form, e.policy_revision) for e in found.consents]

    [(purpose, granted, where, revision)] = site.read(consents)
    assert (purpose, granted, where) == (NEWSLETTER, True, "newsletter-confirm")
    assert revision.startswith("privacy:en:")
    # The same link again: already confirmed, nothing changes.
    again = form.submit("confirm", status=200)
    assert "already confirmed" in again.text
    assert app.get(link).forms.get("newsletter-confirm") is None
    assert len(site.read(consents)) == 1


def test_a_confirmation_link_expires(site, app):
    subscribe(app, "late@example.be", "en")
    [link] = confirm_links(site, "late@example.be")
    form = app.get(link).forms["newsletter-confirm"]
    site.registry.shopcms_clock.advance(days=8)
    page = app.get(link, status=410)
    assert "This link has expired" in page.text
    assert "newsletter-confirm" not in page.forms
    form.submit("confirm", status=410)  # a page opened in time does not outlive its link
    assert find(site, "late@example.be")[0] == PENDING


def test_only_the_newest_confirmation_link_works_and_a_forged_one_does_nothing(site, app):
    subscribe(app, "twice@example.be", "en")
    confirm_links(site, "twice@example.be")  # the first mail is composed
    subscribe(app, "twice@example.be", "en")
    first, second = confirm_links(site, "twice@example.be")
    assert "replaced by a newer one" in app.get(first, status=410).text
    forged = second[:-3] + ("abc" if not second.endswith("abc") else "xyz")
    assert "This link does not work" in app.get(forged, status=400).text
    app.get("/en/newsletter/confirm", status=400)
    assert find(site, "twice@example.be")[0] == PENDING
    app.get(second).forms["newsletter-confirm"].submit("confirm", status=200)
    assert find(site, "twice@example.be")[0] == ACTIVE
