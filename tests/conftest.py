"""Fixtures shared by the functional and browser tests.

Every application runs the real ``shopcms.main`` on a real FileStorage (with blobs) in a
temporary folder; seed content is loaded as ``shopcms init`` loads it.
"""

import atexit
import functools
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import transaction
from webtest import TestApp

from shopcms import main
from shopcms.orders import placing
from shopcms.pages.content import load_pages
from shopcms.products import images
from shopcms.products.content import load_catalog
from shopcms.tree.database import site_transaction
from shopcms.web import csrf
from shopcms.web.clock import now
from shopcms.web.pagecache import SharedPageCache
from tests.mailserver import MailServer
from tests.mollie_server import FakeMollie

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
#: The seed content of the checkout (``shopcms init`` loads it).
DEFAULT_CONTENT = ROOT / "content"

# Nothing listens there: mail goes nowhere unless the test asks for the ``smtp`` fixture.
NO_SMTP_PORT = "1"

ADMIN_EMAIL = "admin@example.be"
ADMIN_PASSWORD = "correct horse battery staple"
PASSWORD = "a long enough passphrase"


#: The modules that take longest (``pytest --durations``: the accessibility walk alone is
#: about four minutes), collected first.  ``make test`` hands modules to its workers in
#: collection order (``--dist loadscope``): started first, the long ones run beside the
#: many short ones instead of after them, and the suite ends when its longest worker does.
LONGEST_FIRST = (
    "tests/browser/test_accessibility.py",
    "tests/browser/test_lighthouse.py",
    "tests/newsletter/test_send_campaign_cli.py",
    "tests/architecture/test_forms.py",
    "tests/cli/test_cli_output.py",
    "tests/web/test_cookies_and_headers.py",
    "tests/production/test_outages.py",
    "tests/mail/test_outbox_faults.py",
    "tests/storage/test_shared_database.py",
    "tests/packaging/test_wheel.py",
    "tests/operations/test_backup.py",
    "tests/upgrade/test_old_database.py",
)


def pytest_collection_modifyitems(config, items):
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    # A stable sort: the tests of a module keep their order, the other modules theirs.
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))


@pytest.fixture(autouse=True)
def _fresh_gift_card_guesses():
    """Every test's client is "unknown" (WebTest sends no address): the unknown gift card
    codes one test tries must not count against the next (``giftcards.api.GUESSES``)."""
    from shopcms.giftcards.api import GUESSES

    GUESSES.clear()
    yield
    GUESSES.clear()


@pytest.fixture(autouse=True, scope="session")
def _reuse_processed_images():
    """Every test site loads the same demo images: decode and re-encode each only once.

    ``images.process`` and ``images.process_with_variants`` (the seed's, with AVIF and
    WebP) are pure functions of the file's bytes, so memoising them changes no behaviour;
    it saves a second or more per test site.
    """
    originals = images.process, images.process_with_variants
    images.process = functools.lru_cache(maxsize=256)(originals[0])
    images.process_with_variants = functools.lru_cache(maxsize=256)(originals[1])
    yield
    images.process, images.process_with_variants = originals


_TOKEN_VALUE = re.compile(rb'(name="csrf_token" value="|value=")([^"]*)(")')


def unmasked(body):
    """A page's bytes with each CSRF token unmasked (``shopcms.web.csrf`` masks them anew
    for every answer, against BREACH): two answers of the same page then compare equal."""

    def plain(match):
        token = csrf.unmask(match.group(2).decode()) or match.group(2).decode()
        return match.group(1) + token.encode() + match.group(3)

    return _TOKEN_VALUE.sub(plain, body)


def app_settings(tmp_path, **overrides):
    settings = {
        "zodbconn.uri": (f"file://{tmp_path}/Data.fs?blobstorage_dir={tmp_path}/blobs"),
        "zodbconn.uri.statistics": f"file://{tmp_path}/Statistics.fs",
        "shopcms.secret": "test-secret-" + "x" * 40,
        "shopcms.languages": "nl fr en",
        "shopcms.cookies.strict": "true",
        # Staff reach the management area with a password alone in the tests that are not
        # about the second factor (tests/accounts/test_login_protection.py turns it on).
        "shopcms.login.staff_second_factor": "false",
        "shopcms.evolve_on_start": "true",
        "pyramid.includes": "tests.web.testviews",
        "shopcms.mail.queue": f"{tmp_path}/mailqueue",
        "shopcms.vault.keys": "gArvwv9zXRGLSQmG4nG4ed87welYXhuwzSdUjI4R_IU=",
        "shopcms.bank.iban": "BE71 0961 2345 6769",
        "shopcms.bank.bic": "GKCCBEBB",
        "shopcms.mail.host": "127.0.0.1",
        "shopcms.mail.port": NO_SMTP_PORT,
        # The company's details an invoice must name (shopcms.web.company; issue 17).
        "shopcms.company.legal_form": "bv",
        "shopcms.company.street": "Voorbeeldstraat 1",
        # (Not Gent's 9000 nor digits such as 1234: the tests' customers live there and
        # check that their own details appear nowhere public.)
        "shopcms.company.postcode": "8500",
        "shopcms.company.city": "Kortrijk",
        "shopcms.company.enterprise": "0403.170.701",
        "shopcms.company.vat": "BE0403170701",
        "shopcms.company.register": "RPR Gent",
        # argon2id at a small cost: at the default (64 MiB, 3 passes) each login and each
        # account made cost a tenth of a second, most of the suite's time.  The default is
        # checked in tests/accounts/test_passwords.py.
        "shopcms.passwords.argon2": "1 1024 1",
    }
    settings.update(overrides)
    return settings


class Browser(TestApp):
    """A WebTest client that sends what a browser sends with every form: an ``Origin``
    header (all current browsers send it with a POST).  A visitor without cookies is given
    the stateless CSRF token, which this site accepts only with its own Origin."""

    def __init__(self, app, extra_environ=None, **kw):
        environ = {"HTTP_ORIGIN": "http://localhost", **(extra_environ or {})}
        super().__init__(app, extra_environ=environ, **kw)


class Site:
    """A running application and handy ways to set up and read its data."""

    def __init__(self, wsgi):
        self.wsgi = wsgi
        self.registry = wsgi.registry

    def edit(self):
        """Context manager: the Site in a transaction committed at the end (as scripts do)."""
        return site_transaction(self.registry)

    def add_account(self, email, password=PASSWORD, roles=("customer",)):
        with self.edit() as site:
            return site["customers"].create(email, password, roles=roles).__name__

    def read(self, func):
        with self.edit() as site:
            return func(site)

    @property
    def page_cache(self):
        """The shared-page cache: one of the app's WSGI layers (statistics are in front)."""
        layer = self.wsgi
        while not isinstance(layer, SharedPageCache):
            layer = layer.app
        return layer

    def close(self):
        self.registry._zodb_databases[""].close()


def seed(site):
    """Load content/ (catalog and pages) and create the admin, as ``shopcms init`` does."""
    with site.edit() as root:
        load_catalog(root, DEFAULT_CONTENT, ("nl", "fr", "en"), registry=site.registry)
        load_pages(
            root, DEFAULT_CONTENT, ("nl", "fr", "en"), now(site.registry), registry=site.registry
        )
        root["customers"].create(ADMIN_EMAIL, ADMIN_PASSWORD, roles=("admin",))


_seeded_database = []


def seeded_database():
    """A folder with a seeded FileStorage, built once per test process.

    Every test site starts from a copy of it: the same data as seeding anew (a real
    FileStorage with its blobs), without indexing the demo catalog for every test.
    """
    if not _seeded_database:
        folder = Path(tempfile.mkdtemp(prefix="shopcms-seed-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        site = Site(main({}, **app_settings(folder)))
        seed(site)
        site.close()
        _seeded_database.append(folder)
    return _seeded_database[0]


def _link_or_copy(source, destination):
    try:
        os.link(source, destination)
    except OSError:  # another file system
        shutil.copy2(source, destination)


def copy_seeded(folder):
    """A copy of the seeded FileStorage in ``folder``: ``Data.fs`` copied (a storage
    appends to it), the blob files linked.  ZODB never changes a blob file: a new revision
    is a new file, and packing unlinks only this copy's link."""
    source = seeded_database()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "Data.fs", folder / "Data.fs")
    shutil.copytree(source / "blobs", folder / "blobs", copy_function=_link_or_copy)
    return folder


def make_site(tmp_path, **overrides):
    """A running application on a fresh copy of the seeded database in ``tmp_path``."""
    copy_seeded(tmp_path)
    return Site(main({}, **app_settings(tmp_path, **overrides)))


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives.

    A test that asks for ``smtp`` and ``site`` (or ``app``) gets a site sending to it; a site
    made otherwise sends to ``smtp.settings()``: ``make_site(tmp_path, **smtp.settings())``.
    Without it, mail is queued but the SMTP port refuses connections.
    """
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def mollie():
    """A fake Mollie API on 127.0.0.1 (``tests/mollie_server.py``); a site pays through it
    with ``make_site(tmp_path, **mollie.settings())``."""
    server = FakeMollie().start()
    yield server
    server.stop()


@pytest.fixture
def site(request, tmp_path):
    """The running application; its mail goes to the ``smtp`` server if the test uses it."""
    wanted = "smtp" in request.fixturenames
    site = make_site(tmp_path, **(request.getfixturevalue("smtp").settings() if wanted else {}))
    yield site
    transaction.abort()
    site.close()


@pytest.fixture
def app(site):
    return Browser(site.wsgi)


def start_session(app, lang="nl"):
    """Give this browser a session, as a visitor's first notice does (adding to the cart):
    showing a form starts none.  Returns the response that set it."""
    page = app.get(f"/{lang}/products/mug-cafe")
    form = next(f for f in page.forms.values() if f.action.endswith("/cart"))
    response = form.submit(status=303)
    assert "session" in app.cookies
    return response


def login(app, email, password, lang="nl", status=303):
    """Log in through the real form; returns the response to the POST."""
    form = app.get(f"/{lang}/login").forms["login"]
    form["email"] = email
    form["password"] = password
    return form.submit("login", status=status)


@pytest.fixture(params=["one at a time", "conflicting"])
def placing_mode(request, monkeypatch):
    """Run a concurrency test twice: as a bank transfer is placed (one order at a time per
    process, ``orders.placing``), and with that lock out of the way, as for a provider's
    method or two processes, where checkouts conflict in ZODB and are replayed."""
    if request.param == "conflicting":

        class NoLock:
            def acquire(self, timeout=None):
                return False

        monkeypatch.setattr(placing, "_lock", NoLock())
    return request.param
