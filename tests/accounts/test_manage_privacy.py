"""The privacy desk (/manage/privacy/) and the commands: a customer's export and erasure for
a request that arrives by mail, and the record of processing activities."""

import json
import re
from pathlib import Path

import pytest
import transaction

from shopcms import cli
from shopcms.mail import send_queued
from shopcms.orders.resources import ERASED
from shopcms.privacy.export import Contributor, add_contributor, contributors
from shopcms.privacy.purposes import PURPOSES
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login, make_site
from tests.privacy.markers import found_in_database, plant

ROLES = ("anonymous", "customer", "editor", "moderator", "orders", "admin")


@pytest.fixture
def clients(site):
    clients = {"anonymous": Browser(site.wsgi)}
    for role in ROLES[1:-1]:
        site.add_account(f"{role}-user@example.be", roles=(role,))
        clients[role] = Browser(site.wsgi)
        login(clients[role], f"{role}-user@example.be", PASSWORD)
    clients["admin"] = Browser(site.wsgi)
    login(clients["admin"], ADMIN_EMAIL, ADMIN_PASSWORD)
    return clients


def find(admin, email, lang="nl"):
    form = admin.get(f"/{lang}/manage/privacy/").forms["find"]
    form["email"] = email
    return form.submit("find")


def test_only_administrators_reach_the_privacy_desk(site, clients):
    planted = plant(site)
    base = f"/nl/manage/customers/{planted.userid}"
    paths = [
        "/nl/manage/privacy/",
        "/nl/manage/privacy/purposes",
        f"{base}/export",
        f"{base}/export.json",
        f"{base}/erase",
    ]
    expected = dict.fromkeys(ROLES[:-1], 403) | {"admin": 200}
    for path in paths:
        seen = {role: clients[role].get(path, status="*").status_int for role in ROLES}
        assert seen == expected, path
    for role in ROLES[1:-1]:
        page = clients[role].get(f"{base}/export", status=403)
        assert planted.email not in page.text
        token = clients[role].get("/nl/").html.select_one('input[name="csrf_token"]')["value"]
        clients[role].post(
            f"{base}/erase", {"csrf_token": token, "note": "request by mail"}, status=403
        )
    assert site.read(lambda root: planted.userid in root["customers"])
    clients["admin"].get("/nl/manage/privacy/unknown", status=404)
    dashboard = clients["admin"].get("/nl/manage/")
    assert dashboard.html.select_one("#privacy-desk a")["href"] == "/nl/manage/privacy/"


def test_staff_find_an_account_and_export_all_its_data(site, clients):
    planted = plant(site)
    admin = clients["admin"]
    found = find(admin, planted.email.upper())  # as the customer wrote it
    card = found.html.select_one("#found article")
    assert card["data-account"] == planted.userid
    # The address travelled in the POST body: no URL holds it.
    assert all(planted.email not in a["href"] for a in found.html.select("a[href]"))
    assert "Geen enkel account" in find(admin, "nobody@example.be").text

    page = admin.get(found.html.select_one("#staff-export")["href"])
    assert [k for k, m in planted.markers.items() if m not in page.text] == []
    assert planted.token not in page.text
    assert page.headers["Cache-Control"] == "no-store"
    response = admin.get(page.html.select_one("#export-json")["href"])
    assert re.fullmatch(
        rf'attachment; filename="softcactus-data-{planted.userid}-\d{{4}}-\d\d-\d\d\.json"',
        response.headers["Content-Disposition"],
    )
    data = json.loads(response.text)
    assert [k for k, m in planted.markers.items() if m not in response.text] == []
    assert data["account"]["email"] == planted.email


def test_staff_erase_an_account_for_a_request_by_mail(site, clients, smtp):
    planted = plant(site, lang="nl")
    send_queued(site.registry)
    earlier = len(smtp.wait_for(1))
    admin = clients["admin"]
    found = find(admin, planted.email)
    page = admin.get(found.html.select_one("#staff-erase")["href"])
    form = page.forms["erase"]
    refused = form.submit("erase", status=400)  # the note of the request is required
    assert site.read(lambda root: planted.userid in root["customers"])
    form = refused.forms["erase"]
    form["note"] = "request by mail of 2026-11-20"
    done = form.submit("erase", status=303)
    assert done.location.endswith("/nl/manage/privacy/")
    assert "2 bestellingen bewaard zonder persoonsgegevens" in done.follow().text

    def read(root):
        order = root["orders"][planted.orders[0]]
        last = order.workflow_history[-1]
        return (
            root["customers"].find(planted.email),
            order.contact["email"],
            (last.transition, last.comment),
            last.actor,
        )

    account, email, entry, actor = site.read(read)
    assert account is None and email == ERASED
    assert entry == ("erase", "request by mail of 2026-11-20")
    assert actor == site.read(lambda root: root["customers"].find(ADMIN_EMAIL).__name__)
    # The order desk shows what the erasure did.
    history = admin.get(f"/nl/manage/orders/{planted.orders[0]}").text
    assert "Persoonsgegevens gewist" in history and "request by mail of 2026-11-20" in history
    assert planted.markers["order name"] not in history
    assert send_queued(site.registry).sent == 1
    mail = smtp.wait_for(earlier + 1)[-1]
    assert mail.rcpt_tos == (planted.email,)
    assert mail.message["Subject"] == "Uw Soft Cactus-account is verwijderd"


def test_staff_cannot_erase_an_account_with_open_orders_or_a_staff_role(site, clients):
    planted = plant(site, state="placed")
    admin = clients["admin"]
    page = admin.get(f"/nl/manage/customers/{planted.userid}/erase")
    assert "erase" not in page.forms
    assert planted.orders[0] in page.html.select_one("#erasure-refused").text
    token = admin.get("/nl/manage/privacy/").forms["find"]["csrf_token"].value
    admin.post(
        f"/nl/manage/customers/{planted.userid}/erase",
        {"csrf_token": token, "note": "request by mail"},
        status=409,
    )
    admin_id = site.read(lambda root: root["customers"].find(ADMIN_EMAIL).__name__)
    assert "erase" not in admin.get(f"/nl/manage/customers/{admin_id}/erase").forms
    assert site.read(lambda root: planted.userid in root["customers"])


def test_the_record_of_processing_activities_in_the_ui_language(site, clients):
    admin = clients["admin"]
    for lang, basis in (("nl", "Toestemming"), ("fr", "Consentement"), ("en", "Consent")):
        page = admin.get(f"/{lang}/manage/privacy/purposes")
        rows = page.html.select("table.purposes tbody tr")
        assert [row["data-purpose"] for row in rows] == list(PURPOSES)
        newsletter = page.html.select_one("#purpose-newsletter").get_text(" ", strip=True)
        assert basis in newsletter
    page = admin.get("/en/manage/privacy/purposes")
    order = page.html.select_one("#purpose-order_fulfilment")
    cells = [cell.get_text(" ", strip=True) for cell in order.select("th, td")]
    assert cells[0] == "Delivering your order"
    assert cells[1].startswith("Performance of the contract")
    assert "10 years" in cells[3] and "Mollie" in cells[4]
    assert {li["data-recipient"] for li in page.html.select("#recipients li")} == {
        "carrier",
        "mollie",
    }


def test_contributors_add_their_data_to_export_and_erasure(site, clients):
    """A later module (loyalty points, say) registers its data once; export and erasure
    include it."""
    erased = []
    loyalty = Contributor(
        "loyalty",
        "Loyalty points",
        export=lambda root, account: [{"text": "zqentrytext", "author": account.email}],
        erase=lambda root, account, now, registry, options: (
            erased.append((account.__name__, options)) or "1 entry deleted"
        ),
    )
    add_contributor(site.registry, loyalty)
    with pytest.raises(ValueError):
        add_contributor(site.registry, Contributor("orders", "Orders"))  # a section already
    assert contributors(site.registry)[-1] == loyalty
    userid = site.add_account("writer@example.be")
    app = Browser(site.wsgi)
    login(app, "writer@example.be", PASSWORD, lang="en")
    data = json.loads(app.get("/en/account/export.json").text)
    assert data["loyalty"] == [{"text": "zqentrytext", "author": "writer@example.be"}]
    page = app.get("/en/account/export")
    assert "zqentrytext" in page.html.select_one("#export-loyalty").text
    form = app.get("/en/account/delete").forms["delete"]
    form["password"] = PASSWORD
    form.submit("delete")
    assert erased == [(userid, frozenset())]


# -- the commands ---------------------------------------------------------------------------

INI = """
[app:main]
use = egg:shopcms
zodbconn.uri = file://{dir}/Data.fs?blobstorage_dir={dir}/blobs
shopcms.secret = test-secret-{pad}
shopcms.languages = nl fr en
shopcms.cookies.strict = true
shopcms.bank.iban = BE71 0961 2345 6769
shopcms.bank.bic = GKCCBEBB
shopcms.mail.queue = {dir}/mailqueue
shopcms.mail.host = 127.0.0.1
shopcms.mail.port = {port}
shopcms.vault.keys = gArvwv9zXRGLSQmG4nG4ed87welYXhuwzSdUjI4R_IU=
"""


@pytest.fixture
def prepared(tmp_path, smtp):
    """A seeded database with a planted customer, closed, and an ini file pointing at it."""
    site = make_site(tmp_path, **smtp.settings())
    planted = plant(site, lang="en")
    send_queued(site.registry)  # the order mails: out of the way
    transaction.abort()
    site.close()
    ini = tmp_path / "test.ini"
    ini.write_text(INI.format(dir=tmp_path, pad="x" * 40, port=smtp.port))
    return str(ini), planted


def run(capsys, *argv):
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def make_site_in_place(folder, smtp):
    from shopcms import main
    from tests.conftest import Site, app_settings

    return Site(main({}, **app_settings(folder, **smtp.settings())))


def test_export_customer_writes_the_json_export(prepared, capsys, tmp_path):
    ini, planted = prepared
    status, out, _err = run(capsys, "export-customer", ini, planted.email)
    assert status == 0
    data = json.loads(out)
    assert data["account"]["email"] == planted.email
    assert [k for k, m in planted.markers.items() if m not in out] == []
    target = tmp_path / "export.json"
    status, out, _err = run(capsys, "export-customer", ini, planted.email, "--output", str(target))
    assert status == 0 and planted.userid in out and planted.email not in out
    assert json.loads(target.read_text()) | {"about": None} == data | {"about": None}
    assert target.stat().st_mode & 0o077 == 0  # the owner's only
    status, _out, err = run(capsys, "export-customer", ini, "nobody@example.be")
    assert status == 2 and "no account" in err


def test_erase_customer_asks_then_erases_and_packs(prepared, capsys, tmp_path, smtp, monkeypatch):
    ini, planted = prepared
    before = len(smtp.received)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    status, out, err = run(capsys, "erase-customer", ini, planted.email)
    assert status == 2 and "not erased" in err and "2 order(s)" in out
    status, out, _err = run(
        capsys,
        "erase-customer",
        ini,
        planted.email,
        "--yes",
        "--note",
        "request by letter of 2026-11-20",
        "--pack",
    )
    assert status == 0
    assert f"account {planted.userid} removed" in out
    assert "2 order(s) kept without personal data" in out
    assert "1 saved payment method(s) removed" in out
    assert "database packed" in out and "still wait" not in out  # the mail left first
    status, out, _err = run(capsys, "send-mail", ini)
    assert status == 0 and "sent 0 mail(s)" in out
    mail = smtp.wait_for(before + 1)[-1]
    assert mail.rcpt_tos == (planted.email,)
    assert mail.message["Subject"] == "Your Soft Cactus account has been deleted"

    site = make_site_in_place(tmp_path, smtp)
    try:
        assert found_in_database(site, [*planted.erasable, planted.token]) == []
        # The invoice keeps its buyer's name and address (legal obligation, 10 years).
        assert found_in_database(site, planted.on_invoices) == planted.on_invoices
        comment = site.read(
            lambda root: root["orders"][planted.orders[0]].workflow_history[-1].comment
        )
        assert comment == "request by letter of 2026-11-20"
        login(Browser(site.wsgi), planted.email, PASSWORD, status=400)
    finally:
        transaction.abort()
        site.close()
    assert not Path(tmp_path / "Data.fs.old").exists()
    status, _out, err = run(capsys, "erase-customer", ini, planted.email, "--yes")
    assert status == 2 and "no account" in err


def test_erase_customer_refuses_an_account_with_an_order_to_deliver(tmp_path, smtp, capsys):
    site = make_site(tmp_path, **smtp.settings())
    planted = plant(site, state="paid")
    transaction.abort()
    site.close()
    ini = tmp_path / "test.ini"
    ini.write_text(INI.format(dir=tmp_path, pad="x" * 40, port=smtp.port))
    status, _out, err = run(capsys, "erase-customer", str(ini), planted.email, "--yes")
    assert status == 2 and planted.orders[0] in err
