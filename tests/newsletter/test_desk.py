"""The newsletter desk, used as an editor uses it: who may enter, writing a campaign, its
preview, a test send that arrives over SMTP, send now and send at with their
confirmation, and forms with bad input answering 400 with their messages."""

from datetime import timedelta

import pytest

from shopcms.mail import send_queued
from shopcms.newsletter import clicks
from shopcms.newsletter.resources import DRAFT, SCHEDULED
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, login
from tests.newsletter.campaign_setup import campaign, subscriber

EDITOR = "editor@example.be"
DESK = "/en/manage/newsletter/"  # English: the tests read the msgids


def as_editor(site, app):
    site.add_account(EDITOR, roles=("editor",))
    login(app, EDITOR, PASSWORD)


def field(form, oid):
    """The field of ``form`` whose id is ``oid`` (a version's fields share their names)."""
    return next(f for _name, f in form.field_order if getattr(f, "id", None) == oid)


def the_campaign(site, name):
    return site.read(lambda root: root["newsletter"][name])


def test_visitors_and_customers_cannot_enter_the_desk(site, app):
    name = campaign(site)
    for path in (DESK, f"{DESK}add", f"{DESK}{name}", f"{DESK}{name}/preview"):
        page = app.get(path, status=403)
        assert page.forms.get("login") is not None  # the login form in place
    site.add_account("klant@example.be")
    login(app, "klant@example.be", PASSWORD)
    app.get(DESK, status=403)
    app.get(f"{DESK}{name}/edit", status=403)
    app.post(f"{DESK}{name}/send-now", {"confirm": "true"}, status=403)
    assert the_campaign(site, name).state == SCHEDULED


def test_the_dashboard_leads_editors_and_admins_to_the_desk(site, app):
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    dashboard = app.get("/nl/manage/")
    assert dashboard.html.select_one("#newsletter-desk a").get("href") == "/nl/manage/newsletter/"


def test_an_editor_writes_previews_and_schedules_a_campaign(site, app):
    subscriber(site, "marie@example.be", "fr")
    as_editor(site, app)
    listing = app.get(DESK)
    assert "No campaigns yet." in listing.text
    form = app.get(f"{DESK}add").forms["new-campaign"]
    form["title"] = ""
    page = form.submit("add", status=400)
    assert page.html.select_one("#new-campaign-title").get("aria-invalid") == "true"
    form = page.forms["new-campaign"]
    form["title"] = "Winter news"
    edit = form.submit("add", status=303).follow()
    assert edit.request.path == f"{DESK}winter-news/edit"
    form = edit.forms["campaign"]
    form["title"] = "Winter news"
    field(form, "campaign-nl-subject").value = "Winternieuws"  # a subject without its text
    field(form, "campaign-fr-subject").value = "Nouvelles d'hiver"
    field(
        form, "campaign-fr-body"
    ).value = "Bonjour ! <script>alert(1)</script> [La boutique](https://shop.example/fr)"
    page = form.submit("save", status=400)
    assert "Write both the subject and the text of this language, or neither." in page.text
    assert page.html.select_one("#campaign-nl-body").get("aria-invalid") == "true"
    form = page.forms["campaign"]
    field(form, "campaign-nl-body").value = "Hallo! Zie [de winkel](https://shop.example/nl)."
    mug = site.read(lambda root: str(root["products"]["mug-cafe"].pid))
    next(f for f in form.fields["checkbox"] if f._value == mug).checked = True
    detail = form.submit("save", status=303).follow()
    assert "Winternieuws" in detail.text and "Café Cactus" in detail.text
    assert the_campaign(site, "winter-news").state == DRAFT

    preview = app.get(f"{DESK}winter-news/preview", {"lang": "fr"})
    names = [dt.get_text() for dt in preview.html.select(".mail-headers dt")]
    values = [dd.get_text() for dd in preview.html.select(".mail-headers dd")]
    headers = dict(zip(names, values, strict=True))
    assert headers["Subject"] == "Nouvelles d'hiver"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Unsubscribe"].startswith("<http://localhost/fr/unsubscribe?token=")
    # The mail itself is a document of its own in a sandboxed frame, whose policy allows its
    # inline styles and nothing else.
    frame = preview.html.select_one("iframe.mail-preview")
    assert frame.has_attr("sandbox") and not frame.get("sandbox")
    mail = app.get(frame.get("src"))
    assert frame.get("src") == f"{DESK}winter-news/mail?lang=fr"
    policy = mail.headers["Content-Security-Policy"]
    assert "script-src" not in policy and "default-src 'none'" in policy and "sandbox" in policy
    assert "<script" not in mail.text
    assert "La boutique" in mail.html.get_text(" ", strip=True)
    english = app.get(f"{DESK}winter-news/preview", {"lang": "en"})
    assert "Winternieuws" in english.text  # no English version: the fallback

    page = app.get(f"{DESK}winter-news")
    form = page.forms["campaign-send-now"]
    page = form.submit("send", status=400)  # not confirmed
    assert "Tick the box to confirm the sending." in page.text
    assert the_campaign(site, "winter-news").state == DRAFT
    form = page.forms["campaign-send-now"]
    form["confirm"] = True
    page = form.submit("send", status=303).follow()
    sent = the_campaign(site, "winter-news")
    assert sent.state == SCHEDULED and sent.send_at is not None
    assert list(sent.links)[:2] == ["https://shop.example/nl", "https://shop.example/fr"]
    assert page.html.select_one(".state").get_text(" ", strip=True) == "Scheduled"
    assert "campaign-send-now" not in page.forms
    # Scheduled, it is no longer written; it can go back to draft until sending starts.
    app.get(f"{DESK}winter-news/edit").forms["campaign"].submit("save", status=400)
    page.forms["campaign-unschedule"].submit("unschedule", status=303)
    assert the_campaign(site, "winter-news").state == DRAFT
    listing = app.get(DESK)
    row = listing.html.select_one("tr[data-name='winter-news']")
    assert row.select_one(".state").get_text(strip=True) == "Draft"


def test_send_at_needs_a_valid_time_in_the_future(site, app):
    name = campaign(site, schedule=False)
    as_editor(site, app)
    page = app.get(f"{DESK}{name}")
    form = page.forms["campaign-send-at"]
    form["when"] = "tomorrow"
    form["confirm"] = True
    page = form.submit("schedule", status=400)
    assert "Enter a date and time like 2026-12-01T09:00." in page.text
    form = page.forms["campaign-send-at"]
    form["when"] = "2020-01-01T09:00"
    form["confirm"] = True
    page = form.submit("schedule", status=400)
    assert "Choose a time in the future, or send now." in page.text
    later = site.read(lambda root: root["newsletter"][name].created) + timedelta(days=2)
    form = page.forms["campaign-send-at"]
    form["when"] = later.strftime("%Y-%m-%dT%H:%M")
    form["confirm"] = True
    form.submit("schedule", status=303)
    scheduled = the_campaign(site, name)
    assert scheduled.state == SCHEDULED
    # Typed in Belgian time (UTC+1 in winter), stored as UTC.
    assert scheduled.send_at == later.replace(second=0, microsecond=0) - timedelta(hours=1)


def test_a_test_send_arrives_over_smtp_to_the_editor_only(site, app, smtp):
    subscriber(site, "marie@example.be", "fr")
    name = campaign(site, schedule=False)
    as_editor(site, app)
    form = app.get(f"{DESK}{name}").forms["campaign-test"]
    form["lang"] = "fr"
    page = form.submit("test", status=303).follow()
    assert EDITOR in page.text
    assert send_queued(site.registry).sent == 1
    (received,) = smtp.wait_for(1)
    assert list(received.rcpt_tos) == [EDITOR]
    message = received.message
    assert message["Subject"] == "[TEST] Nouvelles d'hiver"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = message.get_body(("plain",)).get_content()
    # A draft's links go straight to their pages: nothing is counted.
    assert "https://shop.example/fr" in body and "/newsletter/go/" not in body
    draft = the_campaign(site, name)
    assert draft.state == DRAFT and draft.queued.value == 0 and len(draft.sent) == 0


def test_a_test_in_an_unknown_language_is_refused(site, app):
    name = campaign(site, schedule=False)
    as_editor(site, app)
    page = app.get(f"{DESK}{name}")
    token = page.forms["campaign-test"]["csrf_token"].value
    page = app.post(f"{DESK}{name}/test", {"csrf_token": token, "lang": "de"}, status=400)
    assert page.html.select_one("#campaign-test-lang").get("aria-invalid") == "true"


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_the_campaign_page_shows_progress_and_clicks(site, app, state):
    name = campaign(site, schedule=state == "scheduled")
    if state == "scheduled":
        app.get(f"/nl/newsletter/go/{name}/1", status=302)
    with site.edit() as root:
        found = root["newsletter"][name]
        found.total = 4
        found.queued.change(2)
    as_editor(site, app)
    page = app.get(f"{DESK}{name}")
    assert "Queued: 2 of 4" in page.html.select_one("#campaign-progress").get_text(" ", strip=True)
    if state == "scheduled":
        row = page.html.select_one(".campaign-clicks tr[data-index='1']")
        assert row.select_one(".count").get_text(strip=True) == "1"
        clicks.flush(site.registry)
