"""The outbox's contracts beyond one delivery: headers that cannot be split or injected
(issue 12, D3), a Message-ID that a resend keeps, the Maildir queue of before imported once,
and what staff are shown.  Every mail goes through the real aiosmtpd server."""

import email.utils
import time
from email import policy
from email.message import EmailMessage
from unittest.mock import patch

import pytest

from shopcms.mail import get_mailer, get_outbox, outbox_state, send, send_queued
from shopcms.mail.delivery import _claim, deliver
from shopcms.mail.outbox import FIRST
from shopcms.tree.database import open_root
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Browser, login, make_site
from tests.mail.test_mail import CUSTOMER, notice, queue, waiting

HOSTILE = 'Jan "x" Peeters, attacker@evil.example, Marie <marie@evil.example>, ' + "y" * 60


@pytest.mark.parametrize("name", [HOSTILE, HOSTILE + " Zoë, Dupont", "Dupont, Zoë"])
def test_a_display_name_with_quotes_commas_and_addresses_stays_one_recipient(site, smtp, name):
    queue(site, notice(site.registry, to=(name, CUSTOMER)))
    assert send_queued(site.registry).sent == 1
    [received] = smtp.received
    assert received.rcpt_tos == (CUSTOMER,)
    # Read back as a mail client would, from the bytes that arrived.
    to = received.message["To"]
    assert len(to.addresses) == 1
    assert to.addresses[0].addr_spec == CUSTOMER
    assert to.addresses[0].display_name == name
    # And by the older parser too: one address, the real one.
    assert [a for _n, a in email.utils.getaddresses([str(to)])] == [CUSTOMER]


@pytest.mark.parametrize(
    "name", ["Evil\r\nBcc: x@evil.example", "J\x0bReply-To: x@evil.example", "Evil\x0bX", "A\x00B"]
)
def test_control_characters_never_reach_a_header(site, smtp, name):
    queue(site, notice(site.registry, to=(name, CUSTOMER)))
    assert send_queued(site.registry).sent == 1
    [received] = smtp.received
    message = received.message
    assert received.rcpt_tos == (CUSTOMER,)
    assert message["Bcc"] is None and message["Reply-To"] is None
    [address] = message["To"].addresses
    assert address.addr_spec == CUSTOMER
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in address.display_name)
    assert message.get_body(("plain",)).get_content().startswith("Un message de Soft Cactus")


def test_an_address_with_a_control_character_is_refused_at_compose_time(site):
    with pytest.raises(ValueError):
        notice(site.registry, to=("Jan", "jan@example.be\r\nBcc: x@evil.example"))


def test_a_mail_sent_again_after_a_lost_claim_is_the_same_message(smtp, tmp_path):
    site = make_site(tmp_path, **smtp.settings(), **{"shopcms.mail.claim_seconds": "0.5"})
    try:
        message = notice(site.registry)
        queue(site, message)
        # A sender claims it and dies before it sends (or before it records the delivery).
        conn, tm = open_root(site.registry)
        try:
            [key] = [k for k, _m in get_outbox(conn.root()).items()]
            assert _claim(site.registry, conn, tm, key, time.time()) is not None
        finally:
            conn.close()
        assert send_queued(site.registry).sent == 0  # claimed: not this sender's
        time.sleep(0.6)
        assert send_queued(site.registry).sent == 1  # the claim ran out
        [received] = smtp.received
        assert received.message["Message-ID"] == message["Message-ID"]
    finally:
        site.close()


class SlowConnection:
    """A sender's clock that moves by ``delay`` seconds while it connects to the server (a
    slow server, a starved process), and ``meanwhile(now)`` run at that moment."""

    def __init__(self, registry, delay, meanwhile=lambda now: None):
        self.now = time.time()
        self.mailer = get_mailer(registry)
        self.connect, self.delay, self.meanwhile = self.mailer.connect, delay, meanwhile

    def __call__(self):
        return self.now

    def slow_connect(self):
        self.now += self.delay
        self.meanwhile(self.now)
        return self.connect()


def claim_of(site):
    return site.read(lambda root: [m.claimed_until for m in get_outbox(root).mails()])


def test_a_sender_too_slow_to_send_before_its_claim_half_ran_out_gives_it_up(smtp, tmp_path):
    site = make_site(tmp_path, **smtp.settings(), **{"shopcms.mail.claim_seconds": "10"})
    try:
        queue(site, notice(site.registry))
        clock = SlowConnection(site.registry, delay=6)
        with patch.object(clock.mailer, "connect", clock.slow_connect):
            run = deliver(site.registry, clock=clock)
        assert (run.sent, smtp.received) == (0, [])
        assert claim_of(site) == [0.0]  # given up: the next round need not wait for it
        assert send_queued(site.registry).sent == 1
        assert len(smtp.received) == 1
    finally:
        site.close()


def test_a_claim_another_sender_made_meanwhile_stays_theirs(smtp, tmp_path):
    site = make_site(tmp_path, **smtp.settings(), **{"shopcms.mail.claim_seconds": "10"})
    try:
        queue(site, notice(site.registry))

        def other_sender_claims(now):
            conn, tm = open_root(site.registry)
            try:
                [key] = [k for k, _m in get_outbox(conn.root()).items()]
                assert _claim(site.registry, conn, tm, key, now) is not None
            finally:
                conn.close()

        # So slow that the whole claim ran out and another sender claimed the mail.
        clock = SlowConnection(site.registry, delay=11, meanwhile=other_sender_claims)
        with patch.object(clock.mailer, "connect", clock.slow_connect):
            assert deliver(site.registry, clock=clock).sent == 0
        assert claim_of(site) == [clock.now + 10]  # the other sender's, untouched
        assert smtp.received == []
    finally:
        site.close()


@pytest.mark.parametrize("waiting_before", [1, 5, 40])
@pytest.mark.parametrize("first", ["sender", "checkout"])
def test_the_sender_removing_a_mail_never_conflicts_with_a_checkout_adding_one(
    site, waiting_before, first
):
    """The sender removes the oldest mail while a checkout queues a new one: both commit,
    whichever is first, so no checkout is replayed and no delivery goes unrecorded (which
    would send the mail again)."""
    for number in range(waiting_before):
        queue(site, notice(site.registry, body=f"mail {number}"))
    sender, sender_tm = open_root(site.registry)
    checkout, checkout_tm = open_root(site.registry)
    try:
        outbox = get_outbox(sender.root())
        [(oldest, _mail), *_rest] = outbox.items()
        outbox.remove(oldest)
        added = send(checkout.root()["site"], notice(site.registry, body="new"))
        order = [sender_tm, checkout_tm] if first == "sender" else [checkout_tm, sender_tm]
        for tm in order:
            tm.commit()  # a ConflictError here: one of the two would be replayed
    finally:
        sender.close()
        checkout.close()

    def read(root):
        outbox = get_outbox(root)
        return outbox.count.value, [mail.message_id for mail in outbox.mails()]

    count, ids = site.read(read)
    assert count == len(ids) == waiting_before
    assert ids[-1] == added
    assert oldest not in site.read(lambda root: [k for k, _m in get_outbox(root).items()])


def test_an_outbox_of_before_the_first_entry_gets_it_with_its_next_mail(site, smtp):
    queue(site, notice(site.registry, body="old"))
    with site.edit() as root:  # as outboxes were made before
        del get_outbox(root).pending[FIRST]
    assert [m.message_id for m in site.read(lambda r: list(get_outbox(r).mails()))]
    queue(site, notice(site.registry, body="new"))
    assert site.read(lambda root: FIRST in get_outbox(root).pending)
    assert send_queued(site.registry).sent == 2
    assert site.read(
        lambda root: (list(get_outbox(root).items()), FIRST in get_outbox(root).pending)
    ) == ([], True)


def old_queue_file(folder, name, to, subject="Old mail", message_id="<old.1@softcactus.be>"):
    """A message as repoze.sendmail's QueuedMailDelivery left it in the queue's new/."""
    message = EmailMessage(policy=policy.compat32)
    message["X-Actually-From"] = "shop@softcactus.be"
    message["X-Actually-To"] = to
    message["From"] = "Soft Cactus <shop@softcactus.be>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-Id"] = message_id
    message.set_payload("Queued by the code before the outbox.\n")
    path = folder / "new" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    (folder / "tmp").mkdir(exist_ok=True)
    path.write_bytes(message.as_bytes())
    return path


def test_mails_left_in_the_old_maildir_queue_are_sent_once(site, smtp):
    folder = get_mailer(site.registry).queue
    path = old_queue_file(folder, "1700000000.M1P1Q1.host", CUSTOMER)

    assert send_queued(site.registry).sent == 1
    [received] = smtp.received
    assert received.rcpt_tos == (CUSTOMER,)
    assert received.message["Message-ID"] == "<old.1@softcactus.be>"
    assert received.message["Subject"] == "Old mail"
    assert not path.exists() and list((folder / "new").iterdir()) == []
    # A file left behind by a crash after its import commits is removed, not sent again.
    old_queue_file(folder, "1700000000.M1P1Q1.host", CUSTOMER)
    assert send_queued(site.registry).sent == 0
    assert list((folder / "new").iterdir()) == [] and len(smtp.received) == 1


def test_staff_see_the_size_and_age_of_the_outbox(site, smtp):
    assert site.read(outbox_state) == {
        "size": 0,
        "oldest_age_seconds": 0.0,
        "failing": 0,
        "rejected": 0,
        "last_error": None,
    }
    smtp.stop()
    queue(site, notice(site.registry))
    queue(site, notice(site.registry))
    send_queued(site.registry)  # fails: the server is down
    state = site.read(outbox_state)
    assert state["size"] == 2 and state["failing"] == 1 and state["oldest_age_seconds"] > 0
    assert f"127.0.0.1:{smtp.port}" in state["last_error"]
    later = site.read(lambda root: outbox_state(root, now=time.time() + 3600))
    assert 3600 <= later["oldest_age_seconds"] < 3700

    app = Browser(site.wsgi)
    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    card = app.get("/en/manage/").html.select_one("#outbox-card")
    assert card.select_one("#outbox-size").get_text() == "2"
    assert card.select_one("#outbox-failing").get_text() == "1"
    assert "second" in card.select_one("#outbox-age").get_text()

    smtp.start()
    assert send_queued(site.registry).sent == 2
    assert waiting(site) == []
    card = app.get("/en/manage/").html.select_one("#outbox-card")
    assert card.select_one("#outbox-size").get_text() == "0"
    assert card.select_one("#outbox-age") is None
