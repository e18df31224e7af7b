"""Build the upgrade fixture: a database written by shopcms as it was before the house was
sorted by capability (commit 3ef0e04, issue 11).

This script imports that commit's module paths, so it runs only in a checkout of it::

    git worktree add /tmp/shopcms-3ef0e04 3ef0e04
    cd /tmp/shopcms-3ef0e04 && PYTHONPATH=src:. python /path/to/build_fixture.py OUT

It writes ``OUT/Data.fs`` (with ``OUT/blobs``) and ``OUT/Analytics.fs`` holding every kind
of stored object that code made: the seeded catalog and pages, an editor's draft, accounts
with preferences, consents, addresses, a sealed saved payment method and a second factor,
account lists, orders of guests and customers in every state, a carrier disclosure and
counted connection statistics.  tests/upgrade/test_old_database.py opens a copy of it
with today's code.
"""

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from persistent.list import PersistentList
from shopcms.analytics.recorder import Recorder
from shopcms.clock import now
from shopcms.content import DEFAULT_CONTENT, load_catalog, load_pages
from shopcms.db import site_transaction
from shopcms.resources.customers import SavedPaymentMethod
from webtest import TestApp

from shopcms import main, totp
from shopcms.privacy import disclosures, ledger
from shopcms.privacy.purposes import ACCOUNT_DATA
from shopcms.privacy.vault import get_vault
from tests.conftest import app_settings
from tests.factories import make_order

PASSWORD = "a long enough passphrase"


def build(out):
    out.mkdir(parents=True, exist_ok=False)
    settings = app_settings(out, **{"shopcms.statistics.count_undecided": "true"})
    settings.pop("pyramid.includes")
    wsgi = main({}, **settings)
    registry = wsgi.registry
    moment = now(registry)
    with site_transaction(registry) as root:
        load_catalog(root, DEFAULT_CONTENT, ("nl", "fr", "en"), registry=registry)
        load_pages(root, DEFAULT_CONTENT, ("nl", "fr", "en"), moment, registry=registry)
        admin = root["customers"].create("admin@example.be", PASSWORD, roles=("admin",))
        admin.totp_secret = totp.seal(registry, totp.new_secret())
        root["customers"].create("editor@example.be", PASSWORD, roles=("editor",))

        customer = root["customers"].create("klant@example.be", PASSWORD, language="fr")
        prefs = customer.preferences
        ledger.record(prefs, root, ACCOUNT_DATA, True, "checkout", "fr", moment)
        prefs.add_address("Els Klant", "Veldstraat 2", "9000", "Gent", "BE", make_default=True)
        prefs.phone = "+32 470 00 00 01"
        prefs.add_payment_method(
            SavedPaymentMethod(
                id="pm1",
                provider="mollie",
                method="creditcard",
                brand="Visa",
                last4="4242",
                expiry="12/29",
                customer_ref="cst_fixture",
                sealed_token=get_vault(registry).seal("mdt_fixture"),
            )
        )
        customer.shop_lists = {"cart": PersistentList([(1, 2)]), "wishlist": PersistentList([3])}

        make_order(root, lang="nl")  # a guest, by transfer, placed
        make_order(root, lang="en", state="cancelled", contact={"email": "guest@example.be"})
        mine = customer.__name__
        make_order(root, lang="fr", customer=mine, state="delivered", items=(("aloe-vera", 1),))
        shipped = make_order(root, lang="fr", customer=mine, state="shipped")
        make_order(root, lang="fr", customer=mine, state="refunded")
        disclosures.carrier_csv([shipped], moment, "admin")

        privacy = root["pages"]["privacy"]
        privacy.save_draft("fr", "Vie privée", "Un brouillon.\n", "draft", admin.__name__, moment)
        terms = root["pages"]["terms"]
        terms.save_draft("en", "Terms", "Later terms.\n", "", admin.__name__, moment)
        terms.publish("en", moment, actor=admin.__name__, effective=moment + timedelta(days=30))

    app = TestApp(wsgi)
    for path in ("/nl/", "/fr/products/", "/en/privacy", "/nl/products/aloe-vera"):
        app.get(path, headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0"})
    layer = wsgi
    while not isinstance(getattr(layer, "recorder", None), Recorder):
        layer = layer.app
    layer.recorder.flush(everything=True)
    layer.recorder.close()
    registry._zodb_databases[""].close()
    registry._zodb_databases["analytics"].close()
    print(f"fixture written to {out} at {datetime.now(UTC):%Y-%m-%d %H:%M}")


if __name__ == "__main__":
    build(Path(sys.argv[1]))
