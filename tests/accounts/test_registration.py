"""Registration and email verification (issue 6, acceptance 1 and 6).

The helpers here read the mails the site queued (without the ``smtp`` fixture they wait in
the outbox, which is where a test can read them back, composed as the sender would) and
follow their links as a customer would; the other account tests import them.
"""

import re
from urllib.parse import parse_qs, urlsplit

from shopcms.mail import send_queued
from tests import outbox
from tests.conftest import PASSWORD, Browser, login

LINK = re.compile(r"https?://\S+\?token=\S+")
CSRF = re.compile(r'name="csrf_token" value="[^"]*"')


def queued(site):
    """The mails waiting in the outbox, oldest first: ``(recipients, message)`` pairs."""
    return outbox.queued(site)


def mails_to(site, address):
    return [message for to, message in queued(site) if to == address]


def plain(message):
    return message.get_body(("plain",)).get_content()


def link_in(message):
    """The token link of a mail (its plain text part)."""
    return LINK.search(plain(message)).group(0)


def token_of(link):
    return parse_qs(urlsplit(link).query)["token"][0]


def local(link):
    """The path and query of an absolute link, to open with a TestApp."""
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def without_csrf(html):
    return CSRF.sub("csrf_token", html)


def register(app, address, password=PASSWORD, lang="nl", status=200):
    form = app.get(f"/{lang}/register").forms["register"]
    form["email"] = address
    form["password"] = password
    return form.submit("register", status=status)


def account_of(site, address):
    return site.read(lambda root: root["customers"].find(address))


def verified(site, address):
    return site.read(lambda root: root["customers"].find(address).email_verified)


def logged_in(app, lang="nl"):
    """Whether ``app``'s session is logged in (the layout offers to log out)."""
    return app.get(f"/{lang}/").html.select_one(f"form[action='/{lang}/logout']") is not None


def confirm(form, password=PASSWORD, status=303):
    """Submit the page a verification link opens, with the account's password."""
    form["password"] = password
    return form.submit("confirm", status=status)


def test_confirming_needs_the_password_of_the_account(site, app):
    """Someone who registered another person's address cannot have that person confirm an
    account the registrant holds the password of (pre-account takeover)."""
    register(app, "victim@example.be")
    owner = Browser(site.wsgi)
    form = owner.get(local(link_in(mails_to(site, "victim@example.be")[0]))).forms["token"]
    refused = confirm(form, password="a guess of the owner", status=400)
    assert refused.html.select_one(".has-error, .is-invalid, [role=alert]") is not None
    assert not verified(site, "victim@example.be")
    assert not logged_in(owner)
    # The link is not used up by a wrong password: the registrant can still confirm.
    confirm(form)
    assert verified(site, "victim@example.be")


def test_register_verify_by_mail_and_arrive_logged_in(site, app, smtp):
    answer = register(app, "nouveau@example.be", lang="fr")
    assert answer.html.select_one("h1").text == "Vérifiez votre boîte mail"
    assert send_queued(site.registry).sent == 1
    [received] = smtp.wait_for(1)
    assert received.rcpt_tos == ("nouveau@example.be",)
    message = received.message
    assert message["Subject"] == "Confirmez votre adresse e-mail pour Soft Cactus"
    assert "Bienvenue chez Soft Cactus" in plain(message)
    link = link_in(message)
    assert urlsplit(link).path == "/fr/verify"
    assert not verified(site, "nouveau@example.be")
    # The account cannot be used before the address is confirmed.
    assert not logged_in(app, "fr")

    page = app.get(local(link))
    page = app.get(local(link))  # a GET (a mail scanner) does not use the link up
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    done = confirm(page.forms["token"])
    assert done.location.endswith("/fr/account/")
    assert verified(site, "nouveau@example.be")
    assert logged_in(app, "fr")
    assert (
        site.read(lambda root: root["customers"].find("nouveau@example.be").preferences.language)
        == "fr"
    )


def test_an_address_not_yet_confirmed_cannot_log_in_but_gets_a_new_link(site, app):
    register(app, "pending@example.be")
    other = Browser(site.wsgi)
    answer = login(other, "pending@example.be", PASSWORD, status=200)
    assert "Bevestig eerst uw e-mailadres" in answer.text
    assert not logged_in(other)
    first, second = mails_to(site, "pending@example.be")
    assert second["Subject"] == first["Subject"]
    # Without the password nothing is told: the usual answer for a wrong password.
    wrong = login(other, "pending@example.be", "not the password", status=400)
    assert "niet juist" in wrong.html.select_one("[role=alert]").text
    confirm(other.get(local(link_in(second))).forms["token"])
    assert logged_in(other)


def test_registering_a_known_address_gets_the_same_answer_and_warns_the_owner(site):
    site.add_account("known@example.be")
    known = register(Browser(site.wsgi), "Known@example.be", password="another good passphrase")
    unknown = register(Browser(site.wsgi), "unknown@example.be", password="another good one!")
    assert known.status_int == unknown.status_int == 200
    assert without_csrf(known.text) == without_csrf(unknown.text)
    # The owner hears of it (and can log in or reset); no second account, no new password.
    [notice] = mails_to(site, "known@example.be")
    assert notice["Subject"] == "U hebt al een account bij Soft Cactus"
    assert "/nl/reset" in plain(notice) and "token=" not in plain(notice)
    assert mails_to(site, "unknown@example.be")[0]["Subject"].startswith("Bevestig")
    login(Browser(site.wsgi), "known@example.be", PASSWORD)
    assert (
        site.read(
            lambda root: sum(1 for a in root["customers"].values() if a.email == "known@example.be")
        )
        == 1
    )


def test_register_refuses_short_and_common_passwords(site, app):
    short = register(app, "x@example.be", password="short", status=400)
    assert "minstens 8 tekens" in short.text
    common = register(app, "x@example.be", password="Password1", status=400)
    assert common.html.select_one("#register-password[aria-invalid=true]")
    assert account_of(site, "x@example.be") is None
    assert queued(site) == []


def test_a_verification_link_works_once(site, app):
    register(app, "once@example.be")
    link = link_in(mails_to(site, "once@example.be")[0])
    confirm(app.get(local(link)).forms["token"])
    # Opened again, here or in another browser: refused, with a way to ask a new link.
    again = app.get(local(link), status=400)
    assert again.html.select_one("a[href='/nl/verify/resend']")
    stranger = Browser(site.wsgi)
    assert stranger.get(local(link), status=400).headers["Referrer-Policy"] == "no-referrer"
    token = token_of(link)
    csrf = stranger.get("/nl/register").forms["register"]["csrf_token"].value
    stranger.post("/nl/verify", {"csrf_token": csrf, "token": token}, status=400)
    assert not logged_in(stranger)


def test_a_verification_link_expires(site, app):
    register(app, "late@example.be")
    link = link_in(mails_to(site, "late@example.be")[0])
    form = app.get(local(link)).forms["token"]
    form["password"] = PASSWORD
    site.registry.shopcms_clock.advance(days=3, minutes=1)
    form.submit("confirm", status=400)
    app.get(local(link), status=400)
    assert not verified(site, "late@example.be")
    # A new link can be asked, and that one works.
    ask = app.get("/nl/verify/resend").forms["resend"]
    ask["email"] = "late@example.be"
    ask.submit("send", status=200)
    fresh = link_in(mails_to(site, "late@example.be")[-1])
    confirm(app.get(local(fresh)).forms["token"])
    assert verified(site, "late@example.be")


def test_asking_a_new_link_answers_the_same_for_every_address(site):
    register(Browser(site.wsgi), "waiting@example.be")
    site.add_account("done@example.be")  # verified already
    answers = []
    for address in ("waiting@example.be", "done@example.be", "nobody@example.be"):
        form = Browser(site.wsgi).get("/nl/verify/resend").forms["resend"]
        form["email"] = address
        answers.append(form.submit("send", status=200))
    assert len({without_csrf(answer.text) for answer in answers}) == 1
    assert len(mails_to(site, "waiting@example.be")) == 2
    assert mails_to(site, "done@example.be") == mails_to(site, "nobody@example.be") == []


def test_forged_or_missing_tokens_get_the_invalid_link_page(app):
    for path in ("/nl/verify", "/nl/verify?token=abc", "/nl/verify?token=x.y.z"):
        page = app.get(path, status=400)
        assert page.html.select_one("a[href='/nl/verify/resend']")


def test_header_offers_register_and_then_my_account(site, app):
    home = app.get("/en/")
    assert home.html.select_one("a[href='/en/register']").text == "Register"
    assert home.html.select_one("a[href='/en/account/']") is None
    site.add_account("member@example.be")
    login(app, "member@example.be", PASSWORD, lang="en")
    home = app.get("/en/")
    assert home.html.select_one("a[href='/en/account/']").text == "My account"
    assert home.html.select_one("a[href='/en/register']") is None
