"""Start-up: a new database is stamped; an older one is evolved only when allowed."""

import pytest

from shopcms import evolve, main
from shopcms.tree.database import StartupError, site_transaction
from tests.conftest import Browser

STEP_INCLUDE = "tests.evolve.teststeps"


def settings(tmp_path, **extra):
    return {
        "zodbconn.uri": f"file://{tmp_path}/Data.fs",
        "shopcms.secret": "z" * 40,
        "shopcms.bank.iban": "BE71 0961 2345 6769",
        "shopcms.bank.bic": "GKCCBEBB",
        "shopcms.vault.keys": "gArvwv9zXRGLSQmG4nG4ed87welYXhuwzSdUjI4R_IU=",
        "shopcms.mail.queue": f"{tmp_path}/mailqueue",
        **extra,
    }


def close(app):
    app.registry._zodb_databases[""].close()


def latest(app):
    """The latest generation ``app``'s packages (and test includes) declare."""
    return evolve.latest_generation(evolve.evolve_steps(app.registry))


def generation_and_motto(app):
    with site_transaction(app.registry) as site:
        root = site._p_jar.root()
        return evolve.current_generation(root), getattr(site, "motto", None)


def test_new_database_is_stamped_with_the_latest_generation(tmp_path):
    app = main({}, **settings(tmp_path, **{"pyramid.includes": STEP_INCLUDE}))
    try:
        # Stamped, not evolved: the step did not run on the fresh site.
        assert generation_and_motto(app) == (latest(app), None)
    finally:
        close(app)


def test_pending_step_refuses_to_start_unless_evolving_on_start_is_allowed(tmp_path):
    close(main({}, **settings(tmp_path)))  # a database made by the code before the step
    with pytest.raises(StartupError, match="shopcms evolve"):
        main({}, **settings(tmp_path, **{"pyramid.includes": STEP_INCLUDE}))

    app = main(
        {},
        **settings(
            tmp_path, **{"pyramid.includes": STEP_INCLUDE, "shopcms.evolve_on_start": "true"}
        ),
    )
    try:
        assert generation_and_motto(app) == (latest(app), "evolved")
        assert Browser(app).get("/nl/").status_int == 200
    finally:
        close(app)


def test_an_existing_site_gets_the_catalog_and_the_order_tables(tmp_path):
    from shopcms.pages.resources import Page, PolicyPage
    from shopcms.products.resources import Categories, Products
    from shopcms.tree.resources import Folder

    old = main({}, **settings(tmp_path, **{"pyramid.includes": "tests.evolve.teststeps_none"}))
    with site_transaction(old.registry) as site:
        # The foundation's shape: no categories folder, a plain products folder, accounts
        # without shop lists.
        site.remove("categories", registry=old.registry)
        site.remove("products", registry=old.registry)
        site.add("products", Folder(), registry=old.registry)
        account = site["customers"].create("old@example.be", "an old passphrase")
        del account.shop_lists
        # A page as the foundation stored it: one title and body per language.
        old_page = Page()
        del old_page.revisions
        old_page.titles = {"nl": "Oude privacy", "fr": "Ancienne confidentialité"}
        old_page.bodies = {"nl": "Oude tekst.", "fr": "Ancien texte."}
        site["pages"].add("privacy", old_page, send_events=False)
        for name in [n for n in site.catalog if n not in ("content_type", "allowed", "path")]:
            del site.catalog[name]
        # Before generation 2 the orders folder had no counters or lookup tables.
        orders = site["orders"]
        del orders.counters, orders.by_token, orders.by_reference
    close(old)

    app = main({}, **settings(tmp_path, **{"shopcms.evolve_on_start": "true"}))
    try:
        with site_transaction(app.registry) as site:
            assert isinstance(site["categories"], Categories)
            assert isinstance(site["products"], Products)
            assert site["customers"].find("old@example.be").shop_lists == {}
            assert {"price", "categories", "text_nl", "title_fr"} <= set(site.catalog)
            assert evolve.current_generation(site._p_jar.root()) == latest(app)
            assert site["orders"].next_number(2026) == "2026-000001"
            assert isinstance(site["pages"]["privacy"], PolicyPage)
        browser = Browser(app)
        assert browser.get("/nl/products/").status_int == 200
        assert "Oude tekst." in browser.get("/nl/privacy").text
        assert "Ancien texte." in browser.get("/fr/privacy").text
    finally:
        close(app)
