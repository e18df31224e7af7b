"""The ``shopcms`` command: init (idempotent), add-user, reindex, evolve, --help."""

import io
import sys

import pytest

from shopcms import cli
from shopcms import main as make_app
from tests.conftest import Browser, login

INI = """
[app:main]
use = egg:shopcms
zodbconn.uri = file://{dir}/Data.fs?blobstorage_dir={dir}/blobs
shopcms.secret = cli-test-secret-{pad}
shopcms.cookies.strict = true
# Staff reach the management area with a password here (see tests/conftest.py).
shopcms.login.staff_second_factor = false
shopcms.bank.iban = BE71 0961 2345 6769
shopcms.bank.bic = GKCCBEBB
shopcms.mail.queue = {dir}/mailqueue
shopcms.vault.keys = gArvwv9zXRGLSQmG4nG4ed87welYXhuwzSdUjI4R_IU=
"""


@pytest.fixture
def ini(tmp_path):
    path = tmp_path / "test.ini"
    path.write_text(INI.format(dir=tmp_path / "var", pad="x" * 40))
    return str(path)


def run(capsys, *argv):
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def open_app(ini):
    from pyramid.paster import get_app

    return Browser(get_app(ini))


def test_init_is_idempotent_and_prints_a_generated_password_once(ini, capsys, monkeypatch):
    monkeypatch.delenv("SHOPCMS_ADMIN_PASSWORD", raising=False)
    monkeypatch.setenv("SHOPCMS_ADMIN_EMAIL", "boss@example.be")
    status, out, _err = run(capsys, "init", ini)
    assert status == 0
    assert "page privacy [nl]: published" in out and "created administrator boss@example.be" in out
    password = out.split("password: ")[1].split()[0]
    assert len(password) >= 16

    status, out, _err = run(capsys, "init", ini)
    assert status == 0
    assert "password" not in out and "published" not in out

    app = open_app(ini)
    login(app, "boss@example.be", password)
    assert app.get("/nl/manage/").status_int == 200
    assert app.get("/nl/privacy").status_int == 200


def test_init_takes_the_admin_password_from_the_environment(ini, capsys, monkeypatch):
    monkeypatch.setenv("SHOPCMS_ADMIN_EMAIL", "boss@example.be")
    monkeypatch.setenv("SHOPCMS_ADMIN_PASSWORD", "a chosen admin passphrase")
    status, out, _err = run(capsys, "init", ini)
    assert status == 0 and "password:" not in out
    login(open_app(ini), "boss@example.be", "a chosen admin passphrase")


def test_init_refuses_a_short_admin_password(ini, capsys, monkeypatch):
    monkeypatch.setenv("SHOPCMS_ADMIN_PASSWORD", "short")
    status, _out, err = run(capsys, "init", ini)
    assert status == 2 and "at least 8" in err


def test_add_user_creates_then_grants(ini, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("editor passphrase\n"))
    status, out, _ = run(
        capsys, "add-user", ini, "Ed@Example.be", "--role", "editor", "--password-stdin"
    )
    assert status == 0 and "created ed@example.be with the role editor" in out
    status, out, _ = run(capsys, "add-user", ini, "ed@example.be", "--role", "moderator")
    assert "now has the role moderator" in out
    app = open_app(ini)
    login(app, "ed@example.be", "editor passphrase")
    dashboard = app.get("/nl/manage/")
    assert dashboard.status_int == 200
    # The account was indexed as it was created: an admin finds it in the account list.


def test_reindex_and_evolve(ini, capsys, monkeypatch):
    monkeypatch.setenv("SHOPCMS_ADMIN_PASSWORD", "a chosen admin passphrase")
    run(capsys, "init", ini)
    status, out, _ = run(capsys, "reindex", ini)
    assert status == 0
    count = int(out.split("reindexed ")[1].split()[0])
    assert count >= 7 + 4 + 1  # the top folders, the seed pages, the admin
    status, out, _ = run(capsys, "evolve", ini)
    assert status == 0 and "ran 0 evolve step(s)" in out


def test_accounts_created_by_the_command_are_found_in_manage(ini, capsys, monkeypatch):
    monkeypatch.setenv("SHOPCMS_ADMIN_EMAIL", "boss@example.be")
    monkeypatch.setenv("SHOPCMS_ADMIN_PASSWORD", "a chosen admin passphrase")
    run(capsys, "init", ini)
    monkeypatch.setattr(sys, "stdin", io.StringIO("customer passphrase\n"))
    run(capsys, "add-user", ini, "klant@example.be", "--password-stdin")
    app = open_app(ini)
    login(app, "boss@example.be", "a chosen admin passphrase")
    assert "klant@example.be" in app.get("/nl/manage/customers/").text


def test_app_refuses_a_database_newer_than_the_code(tmp_path, monkeypatch):
    from shopcms import evolve
    from shopcms.tree.database import StartupError

    settings = {
        "zodbconn.uri": f"file://{tmp_path}/Data.fs",
        "shopcms.secret": "y" * 40,
        "shopcms.bank.iban": "BE71 0961 2345 6769",
        "shopcms.bank.bic": "GKCCBEBB",
        "shopcms.vault.keys": "gArvwv9zXRGLSQmG4nG4ed87welYXhuwzSdUjI4R_IU=",
    }
    app = make_app({}, **settings)
    db = app.registry._zodb_databases[""]
    conn = db.open()
    latest = evolve.latest_generation(evolve.evolve_steps(app.registry))
    conn.root()[evolve.RECORD_KEY].generation = latest + 1
    import transaction

    transaction.commit()
    conn.close()
    db.close()
    with pytest.raises(StartupError):
        make_app({}, **settings)


def test_load_content_adds_drafts_only_where_files_changed(tmp_path, capsys, monkeypatch):
    import shutil

    from pyramid.paster import get_app

    from shopcms.tree.database import get_database, site_transaction
    from shopcms.web.clock import now
    from tests.conftest import DEFAULT_CONTENT

    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT, content)
    ini = tmp_path / "site.ini"
    ini.write_text(
        INI.format(dir=tmp_path / "var", pad="x" * 40) + f"shopcms.content = {content}\n"
    )
    monkeypatch.setenv("SHOPCMS_ADMIN_PASSWORD", "a chosen admin passphrase")
    run(capsys, "init", str(ini))
    assert "0 change(s)" in run(capsys, "load-content", str(ini))[1]

    nl = content / "pages" / "privacy" / "nl.md"
    nl.write_text(nl.read_text() + "\nEen nieuwe alinea uit content/.\n")
    out = run(capsys, "load-content", str(ini))[1]
    assert "privacy [nl]: draft" in out and "1 change(s)" in out

    def inspect(func):
        app = get_app(str(ini))
        try:
            with site_transaction(app.registry) as site:
                return func(site["pages"]["privacy"], now(app.registry))
        finally:
            get_database(app.registry).close()

    def state(page, moment):
        draft = page.draft("nl")
        return (
            draft.author,
            "nieuwe alinea" in draft.body,
            "nieuwe alinea" in page.in_force("nl", moment).body,
        )

    assert inspect(state) == ("system:content", True, False)  # published text untouched

    # An editor's draft in French is never overwritten by a changed file.
    inspect(
        lambda page, moment: page.save_draft(
            "fr", "Titre", "Travail de l'éditeur", "", "u-editor", moment
        )
    )
    fr = content / "pages" / "privacy" / "fr.md"
    fr.write_text(fr.read_text() + "\nModifié dans content/.\n")
    out = run(capsys, "load-content", str(ini))[1]
    assert "privacy [fr]: kept-editor-draft" in out
    assert inspect(lambda page, moment: page.draft("fr").body) == "Travail de l'éditeur"
