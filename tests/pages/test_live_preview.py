"""The page editor's live preview (``live-preview``): the site's own rendering, sanitised,
for editors only, with the CSRF token; it writes nothing."""

import pytest
from bs4 import BeautifulSoup

from tests.conftest import PASSWORD, Browser, login

URL = "/nl/manage/pages/about/live-preview"


@pytest.fixture
def editor(site):
    app = Browser(site.wsgi)
    site.add_account("preview-editor@example.be", roles=("editor",))
    login(app, "preview-editor@example.be", PASSWORD)
    return app


def token(app):
    return app.get("/nl/manage/pages/about/edit?lang=nl").forms["revision"]["csrf_token"].value


def test_the_preview_renders_markdown_and_never_returns_a_script(site, editor):
    body = (
        "## Over ons\n\n**vet** en *schuin*\n\n- een\n- twee\n\n"
        '<script>alert(1)</script>\n\n[klik](javascript:alert(2)) <img src=x onerror="alert(3)">'
    )
    before = site.read(lambda root: len(root["pages"]["about"].log))
    response = editor.post(URL, {"csrf_token": token(editor), "body": body})
    assert response.content_type == "text/html"
    html = response.text
    assert "<h2>Over ons</h2>" in html
    assert "<strong>vet</strong>" in html and "<em>schuin</em>" in html
    assert "<li>een</li>" in html
    markup = BeautifulSoup(html, "html.parser")
    # The script and the image are shown as text, never as markup; no javascript: link.
    assert markup.find("script") is None and markup.find("img") is None
    assert "&lt;script&gt;" in html
    assert all(not a["href"].startswith("javascript") for a in markup.find_all("a"))
    assert not any(tag.attrs.get("onerror") for tag in markup.find_all(True))
    # Nothing stored: no draft, no log entry.
    assert site.read(lambda root: len(root["pages"]["about"].log)) == before


def test_the_preview_needs_the_csrf_token(editor):
    editor.post(URL, {"body": "**x**"}, status=400)


def test_the_preview_is_for_editors_only(site):
    desk = Browser(site.wsgi)
    site.add_account("preview-orders@example.be", roles=("orders",))
    login(desk, "preview-orders@example.be", PASSWORD)
    # The order desk's own session token: valid CSRF, but no right to edit pages.
    token = desk.get("/nl/manage/orders/").html.find("input", attrs={"name": "csrf_token"})
    response = desk.post(URL, {"csrf_token": token["value"], "body": "**x**"}, status=403)
    assert "<strong>x</strong>" not in response.text


def test_text_with_control_characters_is_refused_with_a_message(editor):
    response = editor.post(URL, {"csrf_token": token(editor), "body": "a\x00b"}, status=400)
    assert response.text


def test_the_edit_page_links_the_script_and_the_preview_address(editor):
    page = editor.get("/nl/manage/pages/about/edit?lang=nl")
    live = page.html.find(id="md-live")
    assert live["data-url"] == URL and live["data-source"] == "revision-body"
    assert page.html.find(id="revision-body") is not None
    scripts = [s["src"] for s in page.html.find_all("script", src=True)]
    assert any("markdown-editor.js" in src for src in scripts)
    assert not page.html.find_all("script", src=False)
    toolbar = page.html.find(id="md-toolbar")
    assert toolbar.has_attr("hidden") and len(toolbar.find_all("button")) == 5
    buttons = {b["name"]: b["class"] for b in page.forms["revision"].html.find_all("button")}
    assert buttons == {
        "save": ["btn", "secondary"],
        "preview": ["btn", "secondary"],
        "publish": ["btn", "primary"],
    }
