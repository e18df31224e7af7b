"""The mailboxes process-inbound reads: a Maildir folder, IMAP without MOVE, a crash between
the commit and the move, and the command's one-line refusals."""

import imaplib
import mailbox
import ssl

import pytest
import transaction

from shopcms import cli
from shopcms.newsletter import subscriptions, suppression
from shopcms.newsletter.inbound import process
from shopcms.newsletter.inbound.mailbox import ImapSource, MaildirSource
from shopcms.newsletter.resources import FOOTER
from shopcms.web.clock import now
from tests.conftest import app_settings, make_site
from tests.dovecot import PASSWORD, USER
from tests.newsletter.inbound_corpus import NL, dsn, plain
from tests.newsletter.test_inbound_imap import folder_state, write_ini
from tests.outbox import intents

FR = "Je ne souhaite plus recevoir d'informations générales de Soft Cactus"


@pytest.fixture
def maildir_site(tmp_path):
    """A site reading the Maildir ``tmp_path/Maildir``, whose unsubscribe address
    ``off@softcactus.be`` is dedicated; three subscribers."""
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    site = make_site(
        tmp_path,
        **{
            "shopcms.newsletter.inbound": f"maildir:{tmp_path / 'Maildir'}",
            "shopcms.newsletter.unsubscribe_address": "off@softcactus.be",
            "shopcms.newsletter.inbound.dedicated": "true",
        },
    )
    when = now(site.registry)
    with site.edit() as root:
        for address, lang in (("els@example.be", "nl"), ("bob@example.be", "en")):
            found = subscriptions.ask(root["newsletter"], address, lang, FOOTER, when)
            subscriptions.confirm(root["newsletter"], found, when, lang, site.registry)
        subscriptions.ask(root["newsletter"], "vera@example.be", "nl", FOOTER, when)
    yield site, box
    transaction.abort()
    site.close()


def suppressed(site, address):
    entry = site.read(lambda root: suppression.entry(root["newsletter"], address))
    return entry.reason if entry is not None else None


def test_a_maildir_is_processed_like_the_imap_inbox(maildir_site):
    site, box = maildir_site
    keys = {
        "fr": box.add(plain(1, "Els <els@example.be>", f"Re: {FR}")),
        "bounce": box.add(dsn(2, "bob@example.be", "failed", "5.2.1", "550 5.2.1 disabled")),
        "question": box.add(plain(3, "vera@example.be", "Levering?")),
        "mailto": box.add(
            plain(4, "Zoë <zoe@example.be>", "whatever", "X-Original-To: off@softcactus.be\n")
        ),
    }
    report = process.run(site.registry)
    assert (report.unsubscribed, report.bounced, report.left, report.failed) == (2, 1, 1, 0)
    assert suppressed(site, "els@example.be") == "mail"
    assert suppressed(site, "bob@example.be") == "bounce"
    assert suppressed(site, "zoe@example.be") == "mail"
    assert suppressed(site, "vera@example.be") is None
    assert sorted((i["address"], i["lang"]) for i in intents(site)) == [
        ("els@example.be", "fr"),  # the language of the sentence, not the subscription's
        ("zoe@example.be", "nl"),  # no subscription: the shop's default
    ]
    # The question is still unread in new/; the others moved, read, to .Processed.
    assert list(box.keys()) == [keys["question"]]
    assert box.get_message(keys["question"]).get_subdir() == "new"
    moved = box.get_folder("Processed")
    assert sorted(str(m["Message-ID"]) for m in moved) == [
        "<case-1@mail.example.net>",
        "<case-4@mail.example.net>",
        "<dsn-2@mail.softcactus.be>",
    ]
    assert all("S" in m.get_flags() and m.get_subdir() == "cur" for m in moved)

    again = process.run(site.registry)
    assert (again.unsubscribed, again.bounced, again.left) == (0, 0, 1)
    assert len(intents(site)) == 2


def test_a_crash_between_the_commit_and_the_move_sends_no_second_confirmation(
    maildir_site, monkeypatch
):
    site, box = maildir_site
    key = box.add(plain(1, "Els <els@example.be>", NL))

    def crash(self, key):
        raise OSError("the machine went down")

    with monkeypatch.context() as patch:
        patch.setattr(MaildirSource, "done", crash)
        with pytest.raises(OSError):
            process.run(site.registry)
    assert suppressed(site, "els@example.be") == "mail"  # committed
    assert list(box.keys()) == [key]  # not moved
    assert [i["address"] for i in intents(site)] == ["els@example.be"]

    report = process.run(site.registry)
    assert (report.unsubscribed, report.confirmations) == (1, 0)
    assert list(box.keys()) == []
    assert [i["address"] for i in intents(site)] == ["els@example.be"]


def test_without_move_the_message_is_copied_and_only_it_expunged(tmp_path, dovecot, monkeypatch):
    entered = ImapSource.__enter__

    def without_move(self):
        entered(self)
        self.capabilities.discard("MOVE")
        return self

    monkeypatch.setattr(ImapSource, "__enter__", without_move)
    client = imaplib.IMAP4("127.0.0.1", dovecot.port)
    client.login(USER, PASSWORD)
    client.append("INBOX", None, None, plain(1, "els@example.be", NL))
    client.append("INBOX", None, None, plain(2, "els@example.be", "Een vraag"))
    # A person deleted this one and has not expunged yet: it must stay.
    client.append("INBOX", r"(\Seen \Deleted)", None, plain(3, "els@example.be", "Oud"))
    client.logout()
    site = make_site(tmp_path, **dovecot.settings())
    try:
        report = process.run(site.registry)
        assert (report.unsubscribed, report.left) == (1, 1)
    finally:
        transaction.abort()
        site.close()
    assert folder_state(dovecot, "INBOX") == {
        "<case-2@mail.example.net>": set(),
        "<case-3@mail.example.net>": {"\\Seen", "\\Deleted"},
    }
    assert folder_state(dovecot, "Processed") == {"<case-1@mail.example.net>": {"\\Seen"}}


def command(capsys, tmp_path, **settings):
    site = make_site(tmp_path, **settings)
    transaction.abort()
    site.close()
    ini = write_ini(tmp_path / "shop.ini", app_settings(tmp_path, **settings))
    status = cli.main(["process-inbound", ini])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_without_the_setting_the_command_says_so_in_one_line(tmp_path, capsys):
    status, out, err = command(capsys, tmp_path)
    assert (status, out) == (2, "")
    assert err == (
        "shopcms process-inbound: shopcms.newsletter.inbound is not set: no mailbox to read\n"
    )


def test_a_refused_login_ends_the_command_in_one_line(tmp_path, capsys, dovecot):
    settings = {**dovecot.settings(), "shopcms.newsletter.inbound.password": "wrong"}
    status, out, err = command(capsys, tmp_path, **settings)
    assert (status, out) == (2, "")
    assert err == (f"shopcms process-inbound: the IMAP server refused the login of '{USER}'\n")


def test_plain_imap_is_refused_beyond_this_machine(tmp_path, capsys):
    settings = {"shopcms.newsletter.inbound": "imap://mail.softcactus.be/INBOX"}
    status, out, err = command(capsys, tmp_path, **settings)
    assert status == 2
    assert "imap:// without TLS only to 127.0.0.1" in err and err.count("\n") == 1


def test_imaps_checks_the_certificate_of_the_server(tmp_path, capsys, dovecot_tls):
    client = imaplib.IMAP4_SSL(
        "127.0.0.1",
        dovecot_tls.tls_port,
        ssl_context=ssl.create_default_context(cafile=dovecot_tls.cert),
    )
    client.login(USER, PASSWORD)
    client.append("INBOX", None, None, plain(1, "els@example.be", NL))
    client.logout()
    status, out, err = command(capsys, tmp_path, **dovecot_tls.settings())
    assert (status, out) == (2, "")
    assert err == (
        "shopcms process-inbound: the certificate of 127.0.0.1 failed the check: "
        "self-signed certificate\n"
    )
    # With the certificate as the CA bundle of the settings, it reads the mailbox.
    settings = {**dovecot_tls.settings(), "shopcms.newsletter.inbound.cafile": dovecot_tls.cert}
    (tmp_path / "again").mkdir()
    status, out, err = command(capsys, tmp_path / "again", **settings)
    assert (status, err) == (0, "")
    assert out.startswith("1 unsubscribed (1 confirmation(s) queued)")
    assert "<case-1@mail.example.net>" in folder_state_tls(dovecot_tls, "Processed")


def folder_state_tls(server, folder):
    context = ssl.create_default_context(cafile=server.cert)
    client = imaplib.IMAP4_SSL("127.0.0.1", server.tls_port, ssl_context=context)
    client.login(USER, PASSWORD)
    client.select(folder, readonly=True)
    _, data = client.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    client.logout()
    return b"".join(item[1] for item in data if isinstance(item, tuple)).decode()
