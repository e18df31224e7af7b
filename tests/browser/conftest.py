"""Fixtures for the browser tests: a live server and Debian's Chromium driven by Playwright.

The application is the real ``shopcms.main`` on a FileStorage (as in the functional tests),
served by a real waitress server on 127.0.0.1 with a port chosen by the OS.  Chromium is the
system one (``SHOPCMS_CHROMIUM`` or ``/usr/bin/chromium``): Playwright's own browser download
is never used.  Without Chromium or Playwright the tests are skipped, unless
``SHOPCMS_REQUIRE_BROWSER=1`` (CI), where that is a failure.

Every browser context records its console messages and page errors; ``browser_log`` asserts
that none is an error, which proves the Content-Security-Policy blocks nothing the pages need.
Screenshots go to ``test-artifacts/browser/``, named after the test, the page and the language.
"""

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import transaction

from tests.conftest import make_site
from tests.liveserver import serving

HERE = Path(__file__).resolve().parent
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "browser"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config, items):
    # A conftest hook sees every collected item: mark only the ones in this folder.
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _unavailable(reason):
    """Skip, or fail when the browser tests are required (CI)."""
    if os.environ.get("SHOPCMS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (SHOPCMS_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


def find_chromium():
    """The Chromium executable, or None: SHOPCMS_CHROMIUM, /usr/bin/chromium, then PATH."""
    configured = os.environ.get("SHOPCMS_CHROMIUM")
    candidates = [configured] if configured else [DEFAULT_CHROMIUM, shutil.which("chromium")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_path():
    path = find_chromium()
    if path is None:
        where = os.environ.get("SHOPCMS_CHROMIUM") or f"{DEFAULT_CHROMIUM} or on PATH"
        _unavailable(f"Chromium not found at {where}; install Debian's chromium package")
    return path


@pytest.fixture(scope="session")
def playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _unavailable(f"Playwright cannot be imported ({exc}); pip install -e '.[test]'")
    pw = sync_playwright().start()
    yield pw
    pw.stop()


@pytest.fixture(scope="session")
def browser(playwright, chromium_path):
    try:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as exc:
        _unavailable(f"Chromium at {chromium_path} does not start under Playwright: {exc}")
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """The real application on its own database, shared by the browser tests of a worker."""
    site = make_site(tmp_path_factory.mktemp("browser-site"))
    yield site
    transaction.abort()
    site.close()


@pytest.fixture(scope="session")
def live_server(live_site):
    """The base URL (``http://127.0.0.1:PORT``) of a waitress server running the site."""
    with serving(live_site.wsgi, threads=4) as base:
        yield base


FAILED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of (\d+)")


class BrowserLog:
    """Console messages and page errors of every page of the test's browser contexts."""

    def __init__(self):
        self.messages = []  # (type, text, URL of the resource or script, URL of the page)
        self.page_errors = []

    def watch(self, context):
        context.on("console", self._console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))

    def _console(self, message):
        page = message.page
        source = (message.location or {}).get("url", "")
        self.messages.append((message.type, message.text, source, page.url if page else ""))

    def errors(self, allow=()):
        """Console errors and page errors, except HTTP errors listed as (path, status)."""
        allowed = set(allow)
        errors = []
        for kind, text, source, page_url in self.messages:
            if kind != "error":
                continue
            failed = FAILED_LOAD.match(text)
            if failed and (urlsplit(source).path, int(failed.group(1))) in allowed:
                continue
            errors.append(f"{page_url}: {text} ({source})")
        return errors + [f"page error: {error}" for error in self.page_errors]

    def assert_clean(self, allow=()):
        """No console error on any page; ``allow`` lists expected (path, status) answers."""
        errors = self.errors(allow)
        assert not errors, "console errors:\n" + "\n".join(errors)


@pytest.fixture
def browser_log():
    return BrowserLog()


@pytest.fixture
def new_context(browser, live_server, browser_log):
    """Factory of fresh browser contexts on the live server (``locale='nl-BE'`` unless told)."""
    contexts = []

    def factory(**options):
        options.setdefault("locale", "nl-BE")
        options.setdefault("base_url", live_server)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        browser_log.watch(context)
        contexts.append(context)
        return context

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def screenshot(request):
    """``screenshot(page, "home-nl")`` saves a full-page PNG named after the test, too."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")

    def take(page, name):
        path = SCREENSHOTS / f"{test_name}--{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def shop(tmp_path, smtp):
    """A shop of its own on a live server, mailing through the test's SMTP server:
    ``(site, base address)``."""
    site = make_site(tmp_path, **smtp.settings())
    with serving(site.wsgi, threads=4) as base:
        yield site, base
    transaction.abort()
    site.close()


def open_page(browser, browser_log, base, locale):
    """A new page in a browser context of its own (``locale``), its console watched."""
    context = browser.new_context(locale=locale, base_url=base)
    context.set_default_timeout(TIMEOUT_MS)
    browser_log.watch(context)
    return context.new_page()


def link_in(message, path):
    """The first link to ``path`` in the plain text of a received ``message``."""
    text = message.get_body(("plain",)).get_content()
    return re.search(rf"https?://\S+{re.escape(path)}\S+", text).group(0)
