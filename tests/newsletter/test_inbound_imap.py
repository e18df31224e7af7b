"""Acceptance 3: ``shopcms process-inbound`` on a real IMAP server (Debian's Dovecot).

The corpus (tests/newsletter/inbound_corpus.py) is APPENDed to the INBOX; subscribers are
made through the model (asked and confirmed); the command runs as cron runs it, on an ini
file, with the database closed.  Then, per message: the subscription ended or not, the
suppression entry and its reason, the confirmation queued in its language or none, and
where the message is (processed folder, or still unread in the INBOX).  A second run
changes nothing.
"""

import imaplib
import re

import transaction

from shopcms import cli, main
from shopcms.newsletter import subscriptions, suppression
from shopcms.newsletter.inbound.mailbox import ImapSource
from shopcms.newsletter.resources import ACTIVE, FOOTER
from shopcms.web.clock import now
from tests.conftest import Site, app_settings, make_site
from tests.dovecot import PASSWORD, USER
from tests.newsletter.inbound_corpus import CASES, SHOP
from tests.outbox import intents, queued


def subscribe(site, cases):
    when = now(site.registry)
    with site.edit() as root:
        newsletter = root["newsletter"]
        for case in cases:
            if case.subscribed:
                found = subscriptions.ask(newsletter, case.sender, case.subscribed, FOOTER, when)
                subscriptions.confirm(newsletter, found, when, case.subscribed, site.registry)


def write_ini(path, settings):
    settings = {k: v for k, v in settings.items() if k != "pyramid.includes"}
    lines = ["[app:main]", "use = egg:shopcms", *(f"{k} = {v}" for k, v in settings.items())]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def imap(dovecot):
    client = imaplib.IMAP4("127.0.0.1", dovecot.port)
    client.login(USER, PASSWORD)
    return client


def folder_state(dovecot, folder):
    """Message-ID -> set of flags of each message of ``folder`` (read, marking nothing)."""
    client = imap(dovecot)
    try:
        status, _ = client.select(folder, readonly=True)
        if status != "OK":
            return {}
        _, data = client.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        state = {}
        for item in data:
            if isinstance(item, tuple):
                flags = re.search(rb"FLAGS \(([^)]*)\)", item[0]).group(1).decode().split()
                flags = set(flags) - {"\\Recent"}  # a session's flag, not the message's
                message_id = item[1].decode().split(":", 1)[1].strip()
                state[message_id] = flags
        return state
    finally:
        client.logout()


def message_id(case):
    return re.search(rb"^Message-ID: (.+?)\r$", case.raw, re.M | re.I).group(1).decode()


def state_of(site, case):
    def read(root):
        newsletter = root["newsletter"]
        found = subscriptions.find(newsletter, case.sender)
        entry = suppression.entry(newsletter, case.sender)
        return (
            found.state if found is not None else None,
            entry.reason if entry is not None else None,
        )

    return site.read(read)


def run(capsys, ini):
    status = cli.main(["process-inbound", ini])
    return status, capsys.readouterr().out.strip()


def test_process_inbound_acts_on_each_message_of_the_imap_inbox_once(
    tmp_path, dovecot, capsys, monkeypatch
):
    assert len(CASES) >= 15
    # The default unsubscribe address, said out loud: the shop's general address.
    settings = {**dovecot.settings(), "shopcms.newsletter.unsubscribe_address": SHOP}
    site = make_site(tmp_path, **settings)
    subscribe(site, CASES)
    before = len(intents(site))
    transaction.abort()
    site.close()
    client = imap(dovecot)
    for case in CASES:
        assert client.append("INBOX", None, None, case.raw)[0] == "OK", case.name
    client.logout()
    ini = write_ini(tmp_path / "shop.ini", app_settings(tmp_path, **settings))
    fetched, whole = [], ImapSource.fetch

    def fetch(self, uid):
        fetched.append(uid)
        return whole(self, uid)

    monkeypatch.setattr(ImapSource, "fetch", fetch)

    status, line = run(capsys, ini)

    assert status == 0, line
    # Only the delivery reports were downloaded whole: the rest was judged by its header.
    assert len(fetched) == sum(b"report-type=delivery-status" in case.raw for case in CASES)
    unsubscribed = sum(case.outcome == "unsubscribed" or case.reason == "mail" for case in CASES)
    bounced = sum(case.reason == "bounce" for case in CASES)
    left = sum(case.outcome == "left" for case in CASES)
    answered = sum(case.outcome == "unsubscribed" for case in CASES)
    assert line == (
        f"{unsubscribed} unsubscribed ({answered} confirmation(s) queued), "
        f"{bounced} bounce(s), {left} left unread, 0 failed"
    )
    site = Site(main({}, **app_settings(tmp_path, **settings)))
    try:
        mails = [(i["address"], i["lang"], i["kind"]) for i in intents(site)[before:]]
        processed = folder_state(dovecot, "Processed")
        inbox = folder_state(dovecot, "INBOX")
        for case in CASES:
            state, reason = state_of(site, case)
            to_sender = [(lang, kind) for address, lang, kind in mails if address == case.sender]
            if case.outcome == "left":
                assert state == ACTIVE and reason is None, case.name
                assert to_sender == [], case.name
                assert message_id(case) in inbox, case.name
                assert "\\Seen" not in inbox[message_id(case)], f"{case.name}: marked read"
                assert message_id(case) not in processed, case.name
            else:
                assert state is None, f"{case.name}: the subscription did not end"
                assert reason == case.reason, case.name
                expected = [(case.lang, "newsletter_ended")] if case.lang else []
                assert to_sender == expected, case.name
                assert message_id(case) in processed, case.name
                assert message_id(case) not in inbox, case.name
        # The confirmations compose (the mails the sender will send), one per request.
        composed = dict(queued(site))
        assert set(composed) == {case.sender for case in CASES if case.lang}
        assert "unsubscribed" in str(composed["tom@example.co.uk"]["Subject"])
        entries = site.read(lambda root: len(root["newsletter"].suppression))
    finally:
        transaction.abort()
        site.close()

    # A second run: the processed messages are gone from the INBOX, the others stay unread.
    status, line = run(capsys, ini)
    assert (status, line) == (
        0,
        f"0 unsubscribed (0 confirmation(s) queued), 0 bounce(s), {left} left unread, 0 failed",
    )
    assert folder_state(dovecot, "INBOX") == inbox
    site = Site(main({}, **app_settings(tmp_path, **settings)))
    try:
        assert site.read(lambda root: len(root["newsletter"].suppression)) == entries
        assert intents(site) == []  # composed above; nothing new was queued
    finally:
        transaction.abort()
        site.close()
