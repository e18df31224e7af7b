"""A contest as new users meet it, in a real browser, with mail over real SMTP.

An editor creates a contest on the desk and writes it in Dutch and French; a French visitor
arrives from a tagged link (``?c=instagram-mai``), enters, receives the confirmation mail
(aiosmtpd) and confirms through its link; once the closing time has passed the editor, the
contest's judge, closes it with the tie-breaker's true value, reads the ranking, confirms
the winners (the winner's mail arrives in French) and announces them; the public page then
shows the winner by first name, initial and town only.  A screenshot of each step.
"""

from datetime import timedelta

from shopcms.mail import send_queued
from shopcms.web.clock import now, site_timezone
from tests.browser.conftest import link_in, open_page
from tests.browser.test_smoke import expect
from tests.conftest import PASSWORD

EDITOR = "wedstrijden@example.be"
VISITOR = "camille.lambert@example.be"
TEXTS = {
    "nl": {
        "title": "Cactusquiz van de lente",
        "introduction": "Raad hoeveel stekels onze grootste cactus heeft.",
        "question": "Uit welk werelddeel komen cactussen?",
        "choices": "Afrika\nAmerika\nAzië",
        "tiebreak": "Hoeveel stekels heeft onze grootste cactus?",
        "prizes": "Een bloeiende Echinopsis in een pot naar keuze",
    },
    "fr": {
        "title": "Quiz cactus du printemps",
        "introduction": "Devinez combien d'épines compte notre plus grand cactus.",
        "question": "De quel continent viennent les cactus ?",
        "choices": "Afrique\nAmérique\nAsie",
        "tiebreak": "Combien d'épines compte notre plus grand cactus ?",
        "prizes": "Un Echinopsis en fleur dans le pot de votre choix",
    },
}


def local(site, delta):
    """A time ``delta`` from now as a person types it in the shop's time zone."""
    moment = now(site.registry) + delta
    return moment.astimezone(site_timezone(site.registry)).strftime("%Y-%m-%dT%H:%M")


def submit(page, form, button):
    page.locator(f"form#{form} button[name={button}]").click()
    page.wait_for_load_state()


def test_an_editor_runs_a_contest_a_visitor_enters_and_wins(
    shop, smtp, browser, browser_log, screenshot
):
    site, base = shop
    site.add_account(EDITOR, roles=("editor",))

    # The editor creates the contest and writes it in Dutch, then in French.
    editor = open_page(browser, browser_log, base, "nl-BE")
    editor.goto("/nl/login")
    editor.fill("form#login input[name=email]", EDITOR)
    editor.fill("form#login input[name=password]", PASSWORD)
    editor.locator("form#login button[name=login]").click()
    editor.wait_for_load_state()
    editor.goto("/nl/manage/contests/add")
    editor.fill("form#new-contest input[name=name]", "lentequiz")
    submit(editor, "new-contest", "add")
    for lang, texts in TEXTS.items():
        editor.goto(f"/nl/manage/contests/lentequiz/edit?lang={lang}")
        form = editor.locator("form#contest")
        for name, value in texts.items():
            form.locator(f"[name={name}]").fill(value)
        form.locator("input[name=contest-kind][value=choice]").check()
        form.locator("[name=correct]").fill("2")
        form.locator("[name=opens]").fill(local(site, timedelta(hours=-1)))
        form.locator("[name=closes]").fill(local(site, timedelta(days=14)))
        form.locator("[name=winners]").fill("1")
        screenshot(editor, f"contest-editor-{lang}")
        submit(editor, "contest", "save")
        expect(editor.locator("main")).to_contain_text(texts["title"])
    choices = site.read(lambda root: root["contests"]["lentequiz"].texts["fr"].choices)
    assert choices == ("Afrique", "Amérique", "Asie")
    editor.goto("/nl/manage/contests/lentequiz/preview?lang=fr")
    expect(editor.locator("main")).to_contain_text(TEXTS["fr"]["question"])
    screenshot(editor, "contest-preview-fr")
    editor.goto("/nl/manage/contests/lentequiz/")
    submit(editor, "contest-publish", "publish")

    # A French visitor arrives from the shop's Instagram post and enters.
    visitor = open_page(browser, browser_log, base, "fr-BE")
    visitor.goto("/fr/contests/lentequiz?c=instagram-mai")
    expect(visitor.locator("h1")).to_contain_text(TEXTS["fr"]["title"])
    entry = visitor.locator("form#contest-entry")
    entry.locator("input[name=name]").fill("Camille Lambert")
    entry.locator("input[name=street]").fill("Rue de la Station 12")
    entry.locator("input[name=postcode]").fill("5000")
    entry.locator("input[name=city]").fill("Namur")
    entry.locator("input[name=email]").fill(VISITOR)
    entry.get_by_label("Amérique").check()
    entry.locator("input[name=estimate]").fill("1234")
    entry.locator("input[name=adult]").check()
    entry.locator("input[name=rules]").check()
    assert not entry.locator("input[name=newsletter]").is_checked()
    screenshot(visitor, "entry-form-fr")
    submit(visitor, "contest-entry", "enter")
    assert visitor.url.endswith("/fr/contests/lentequiz/sent")
    screenshot(visitor, "entry-sent-fr")

    # The confirmation mail, in French, over SMTP; its link opens a page with a button.
    assert send_queued(site.registry).sent == 1
    (confirmation,) = smtp.wait_for(1)
    assert list(confirmation.rcpt_tos) == [VISITOR]
    visitor.goto(link_in(confirmation.message, "/fr/contests/lentequiz/confirm?token="))
    screenshot(visitor, "entry-confirm-fr")
    submit(visitor, "contest-confirm", "confirm")
    screenshot(visitor, "entry-confirmed-fr")
    assert site.read(lambda root: root["contests"]["lentequiz"].confirmed_count()) == 1
    assert site.read(response) == [("instagram-mai", 1, 1)]

    # Two weeks pass: the contest's closing time is behind us (the clock of the stored
    # contest is moved, not the server's).
    site.read(lambda root: _end_period(root["contests"]["lentequiz"], now(site.registry)))

    # The editor, its judge, closes it with the true value and reads the ranking.
    editor.goto("/nl/manage/contests/lentequiz/")
    editor.locator("form#contest-close input[name=true_value]").fill("1240")
    screenshot(editor, "contest-closing-nl")
    submit(editor, "contest-close", "close")
    expect(editor.locator("table.ranking")).to_contain_text("Camille Lambert")
    # The answer in words, as the entrant chose it on the French page.
    expect(editor.locator("table.ranking")).to_contain_text("Amérique")
    screenshot(editor, "contest-ranking-nl")
    submit(editor, "contest-confirm-winners", "confirm")
    assert send_queued(site.registry).sent == 1
    winner_mail = smtp.wait_for(2)[1]
    assert list(winner_mail.rcpt_tos) == [VISITOR]
    assert TEXTS["fr"]["title"] in winner_mail.message.get_body(("plain",)).get_content()
    screenshot(editor, "contest-winners-confirmed-nl")
    submit(editor, "contest-announce", "announce")
    screenshot(editor, "contest-announced-nl")

    # The public page announces the winner by first name, initial and town, nothing more.
    visitor.goto("/fr/contests/lentequiz")
    winners = visitor.locator("main")
    expect(winners).to_contain_text("Camille L.")
    expect(winners).to_contain_text("Namur")
    text = winners.inner_text()
    for private in ("Lambert", "Rue de la Station", "5000", VISITOR, "1234"):
        assert private not in text
    screenshot(visitor, "winners-announced-fr")
    browser_log.assert_clean()


def response(root):
    """``(tag, started, confirmed)`` of every tag and day counted."""
    counted = root["contests"]["lentequiz"].response.items()
    return [(tag, c.started(), c.confirmed()) for (tag, __), c in counted]


def _end_period(contest, moment):
    contest.opens = moment - timedelta(days=15)
    contest.closes = moment - timedelta(minutes=1)
