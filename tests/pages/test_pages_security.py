"""Pages: who may edit, what visitors can never see, and script injection (issue 3: 5-7)."""

import re

import pytest
from pyramid.i18n import make_localizer
from pyramid.interfaces import ITranslationDirectories

from tests.conftest import PASSWORD, Browser, login

PAYLOADS = [
    "<script>alert('xss1')</script>",
    "<img src=x onerror=alert('xss2')>",
    "<svg onload=alert('xss3')></svg>",
    "<iframe src=\"javascript:alert('xss4')\"></iframe>",
    "<a href=\"javascript:alert('xss5')\">click</a>",
    "[click](javascript:alert('xss6'))",
    "[click](JaVaScRiPt:alert('xss7'))",
    "[click]( javascript:alert('xss8'))",
    "<style>body{display:none}</style>",
    "\"><script>alert('xss9')</script>",
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<details open ontoggle=alert('xss10')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss11')>",
]
DANGEROUS_TAGS = ("script", "iframe", "svg", "object", "embed", "style", "math", "details", "img")


def assert_inert(response):
    """No markup in the page's main area can run script or load active content."""
    main = response.html.select_one("main")
    for tag in DANGEROUS_TAGS:
        assert main.find(tag) is None, f"<{tag}> in {response.request.path}"
    for element in main.find_all(True):
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on"), (element.name, name)
            if name in ("href", "src", "action", "data", "formaction"):
                assert not re.match(r"\s*(javascript|data|vbscript):", str(value), re.I), value
    assert "alert('xss" not in str(main).replace("&#39;", "'") or "<" not in _raw_context(main)


def _raw_context(main):
    # Payload text may appear escaped (as text) in diffs and forms; it must never be markup.
    return "".join(str(tag) for tag in main.find_all(["script", "iframe", "svg", "object"]))


@pytest.fixture
def editor(site):
    site.add_account("editor@example.be", roles=("editor",))
    app = Browser(site.wsgi)
    login(app, "editor@example.be", PASSWORD)
    return app


def test_script_payloads_are_neutralised_on_public_page_preview_and_diff(site, editor):
    body = "Intro line\n\n" + "\n\n".join(PAYLOADS) + "\n"
    form = editor.get("/nl/manage/pages/privacy/edit?lang=en").forms["revision"]
    form["title"] = "Privacy <script>alert('title')</script>"
    form["body"] = body
    preview = form.submit("preview", status=200)
    assert preview.html.select_one("section.preview") is not None
    assert_inert(preview)

    form = preview.forms["revision"]
    form.submit("save", status=303)
    assert_inert(editor.get("/nl/manage/pages/privacy/preview?lang=en"))
    assert_inert(editor.get("/nl/manage/pages/privacy/edit?lang=en"))

    form = editor.get("/nl/manage/pages/privacy/").forms
    publish = [
        f for f in form.values() if f.action.endswith("/publish") and f["lang"].value == "en"
    ]
    publish[0].submit(status=303)
    public = Browser(site.wsgi).get("/en/privacy")
    assert_inert(public)
    assert "Intro line" in public.text
    assert "<title>Privacy &lt;script&gt;" in public.text  # the title is text, escaped
    assert_inert(editor.get("/nl/manage/pages/privacy/diff?lang=en&a=1&b=2"))
    assert_inert(editor.get("/nl/manage/pages/privacy/history"))


def test_links_keep_safe_schemes_only(site, editor):
    form = editor.get("/nl/manage/pages/about/edit?lang=en").forms["revision"]
    form["body"] = "[ok](https://example.org) [mail](mailto:info@softcactus.be) [bad](javascript:x)"
    form.submit("publish", status=303)
    links = {
        a.text: a.get("href")
        for a in Browser(site.wsgi).get("/en/pages/about").html.select("article.page .richtext a")
    }
    assert links["ok"] == "https://example.org"
    assert links["mail"] == "mailto:info@softcactus.be"
    assert links.get("bad") is None


@pytest.mark.parametrize("who", ["anonymous", "customer", "moderator"])
def test_manage_pages_is_forbidden_to_non_editors(site, who):
    app = Browser(site.wsgi)
    if who != "anonymous":
        site.add_account(f"{who}@example.be", roles=(who,))
        login(app, f"{who}@example.be", PASSWORD)
    token = app.get("/nl/login").html.select_one("input[name=csrf_token]")["value"]
    urls = [
        ("GET", "/nl/manage/pages/"),
        ("GET", "/nl/manage/pages/board"),
        ("GET", "/nl/manage/pages/add"),
        ("POST", "/nl/manage/pages/add"),
        ("GET", "/nl/manage/pages/privacy/"),
        ("GET", "/nl/manage/pages/privacy/edit?lang=nl"),
        ("POST", "/nl/manage/pages/privacy/edit?lang=nl"),
        ("GET", "/nl/manage/pages/privacy/preview?lang=nl"),
        ("POST", "/nl/manage/pages/privacy/publish"),
        ("POST", "/nl/manage/pages/privacy/withdraw"),
        ("POST", "/nl/manage/pages/privacy/discard"),
        ("GET", "/nl/manage/pages/privacy/diff?lang=nl&a=1&b=1"),
        ("GET", "/nl/manage/pages/privacy/history"),
        ("GET", "/fr/manage/pages/about/"),
    ]
    for method, url in urls:
        if method == "GET":
            response = app.get(url, status="*")
        else:
            response = app.post(
                url,
                {
                    "csrf_token": token,
                    "lang": "nl",
                    "number": "1",
                    "title": "x",
                    "body": "x",
                    "kind": "page",
                    "name": "evil",
                },
                status="*",
            )
        assert response.status_int == 403, (who, method, url, response.status_int)
    assert site.read(lambda root: "evil" not in root["pages"])


def test_drafts_and_scheduled_revisions_are_never_public(site, editor):
    from datetime import timedelta

    from shopcms.web.clock import site_timezone

    tz = site_timezone(site.registry)
    later = (site.registry.shopcms_clock() + timedelta(days=1)).astimezone(tz)
    form = editor.get("/nl/manage/pages/privacy/edit?lang=nl").forms["revision"]
    form["body"] = "SCHEDULED-SECRET"
    form["effective"] = later.strftime("%Y-%m-%dT%H:%M")
    form.submit("publish", status=303)  # version 2, scheduled
    form = editor.get("/nl/manage/pages/privacy/edit?lang=nl").forms["revision"]
    form["body"] = "DRAFT-SECRET"
    form.submit("save", status=303)  # version 3, draft

    visitor = Browser(site.wsgi)
    for lang in ("nl", "fr", "en"):
        for path in (f"/{lang}/privacy", f"/{lang}/privacy/versions", f"/{lang}/pages/privacy"):
            text = (
                visitor.get(path, status="*").follow(status="*").text
                if path.endswith("pages/privacy")
                else visitor.get(path).text
            )
            assert "SECRET" not in text, path
    for number in (2, 3, 4):
        visitor.get(f"/nl/privacy/versions/{number}", status=404)
    assert "SECRET" not in visitor.get("/nl/privacy/versions/1").text
    for path in ("/nl/privacy/versions/x", "/nl/privacy/other", "/nl/privacy/versions/1/2"):
        visitor.get(path, status=404)


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_cookie_table_equals_the_cookie_registry(site, app, lang):
    registry = site.registry
    localizer = make_localizer(lang, registry.getUtility(ITranslationDirectories))
    expected = [
        [
            cookie.name,
            localizer.translate(cookie.purpose),
            localizer.translate(cookie.category.title),
        ]
        for cookie in registry.shopcms_cookies
    ]
    page = app.get(f"/{lang}/cookies")
    rows = [
        [td.get_text(" ", strip=True) for td in tr.select("td")][:3]
        for tr in page.html.select("table.cookie-table tbody tr")
    ]
    assert rows == expected
    assert len(rows) == len(registry.shopcms_cookies) >= 2
    lifetimes = [tr.select("td")[3].text for tr in page.html.select("table.cookie-table tbody tr")]
    assert all(lifetimes)
    # The table sits where the editors put the marker, not at the end of the text.
    assert "[[cookie-table]]" not in page.text
