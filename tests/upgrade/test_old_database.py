"""A database written before the house was sorted by capability opens, evolves and serves.

The fixture (``fixture-3ef0e04.tar.gz``, made by ``build_fixture.py`` in a checkout of that
commit) holds what that code stored: classes under ``shopcms.resources.*``,
``shopcms.shop.ogm``, ``shopcms.analytics.store``, the empty ``contests`` and ``newsletter``
folders, and the statistics in ``Analytics.fs``.  Today's code must load every record,
evolve it, and serve every page a visitor, a customer and an administrator reach.
"""

import tarfile
from datetime import date
from pathlib import Path

import pyotp
import pytest
import transaction

from shopcms import main
from shopcms.evolve import current_generation, evolve_steps, latest_generation
from shopcms.privacy.vault import get_vault
from shopcms.statistics.report import open_statistics, report
from shopcms.tree.database import site_transaction
from tests.conftest import PASSWORD, Browser, app_settings, login
from tests.crawl import crawl, webtest_fetch

FIXTURE = Path(__file__).with_name("fixture-3ef0e04.tar.gz")


@pytest.fixture(scope="module")
def old_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("old")
    with tarfile.open(FIXTURE) as archive:
        archive.extractall(folder, filter="data")
    settings = app_settings(folder)
    # As development.ini now does: the statistics database is derived beside Data.fs.
    del settings["zodbconn.uri.statistics"]
    wsgi = main({}, **settings)
    yield folder, wsgi
    transaction.abort()
    wsgi.registry._zodb_databases[""].close()


def test_the_old_database_is_evolved_to_this_codes_generation(old_site):
    folder, wsgi = old_site
    registry = wsgi.registry
    with site_transaction(registry) as site:
        root = site._p_jar.root()
        assert current_generation(root) == latest_generation(evolve_steps(registry)) >= 6
        # The homes laid before their capabilities existed went (step 6); the newsletter
        # (step 9) and the contests (step 11) got their own; the rest is there.
        assert site["newsletter"].content_type == "newsletter"
        assert site["contests"].content_type == "contests"
        assert len(site["contests"]) == 0
        assert {"products", "categories", "pages", "orders", "customers"} <= set(site.keys())
        assert site["customers"].find("klant@example.be").preferences.phone
        assert len(site["orders"]) == 5
    # The statistics file got its name, with the counts of before.
    assert (folder / "Statistics.fs").exists() and not (folder / "Analytics.fs").exists()
    with open_statistics(registry) as statistics:
        counted = report(statistics, date(2026, 1, 1), date(2027, 12, 31))
    assert counted.pageviews >= 4


def test_every_page_a_visitor_reaches_is_served(old_site):
    app = Browser(old_site[1])
    seen = crawl(webtest_fetch(app), ["/nl/", "/fr/", "/en/"])
    assert len(seen) > 60
    assert {path: status for path, status in seen.items() if status != 200} == {}
    assert "/nl/products/aloe-vera" in seen and "/fr/privacy" in seen


def test_every_page_of_a_customer_is_served(old_site):
    app = Browser(old_site[1])
    login(app, "klant@example.be", PASSWORD, lang="fr")
    seen = crawl(webtest_fetch(app), ["/fr/account/"])
    assert {path: status for path, status in seen.items() if status != 200} == {}
    orders = [path for path in seen if path.startswith("/fr/account/orders/")]
    assert len(orders) == 3
    assert "Visa" in app.get("/fr/account/payment-methods").text


def test_every_management_page_is_served(old_site):
    folder, wsgi = old_site
    app = Browser(wsgi)
    with site_transaction(wsgi.registry) as site:
        sealed = site["customers"].find("admin@example.be").totp_secret
    secret = get_vault(wsgi.registry).open(sealed)
    login(app, "admin@example.be", PASSWORD, status=200)
    form = app.get("/nl/login/code").forms["login-code"]
    form["code"] = pyotp.TOTP(secret).at(wsgi.registry.shopcms_clock())
    form.submit("login", status=303)
    seen = crawl(webtest_fetch(app), ["/nl/manage/"])
    assert len(seen) > 40
    assert {path: status for path, status in seen.items() if status != 200} == {}
    assert any(path.startswith("/nl/manage/orders/") for path in seen)
