"""Mail: composed in the customer's language, stored in the outbox with the transaction,
delivered by SMTP.

Every message goes through a real aiosmtpd server (the ``smtp`` fixture) and is read back
as it arrived.  This module is also a ``pyramid.includes`` of its own test site (see
``includeme``): a view that queues a mail and then hits a conflict, to prove a retried
request sends once.
"""

import logging
import time

import pytest
from pyramid.httpexceptions import HTTPNoContent
from pyramid.paster import get_app
from ZODB.POSException import ConflictError

from shopcms import cli
from shopcms.mail import compose, get_mailer, get_outbox, outbox_state, send, send_queued
from shopcms.mail.compose import attach
from shopcms.tree.database import open_root
from shopcms.tree.site import Site as SiteRoot
from shopcms.web.i18n import _
from shopcms.web.security import VIEW
from tests.conftest import Browser, Site, app_settings, make_site

CUSTOMER = "zoe@example.be"
SUBJECT = _("A message from Soft Cactus")


def notice(registry, body="Un café crème, s'il vous plaît.", lang="fr", to=CUSTOMER):
    return compose(
        registry, "shopcms.mail:templates/notice", {"body": body}, lang=lang, to=to, subject=SUBJECT
    )


def queue(site, message, commit=True):
    """Queue ``message`` in a transaction of its own; commit or abort it."""
    conn, tm = open_root(site.registry)
    try:
        with tm:
            send(conn.root()["site"], message)
            if not commit:
                tm.abort()
    finally:
        conn.close()


def waiting(site):
    """``(Message-ID, attempts, error)`` of the mails waiting in the outbox, oldest first."""

    def read(root):
        outbox = get_outbox(root)
        mails = outbox.mails() if outbox is not None else ()
        return [(m.message_id, m.attempts, m.error) for m in mails]

    return site.read(read)


def rejected(site):
    return site.read(lambda root: [m.message_id for m in get_outbox(root).rejected.values()])


def text_and_html(message):
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    return plain.get_content(), html.get_content()


def test_a_committed_mail_arrives_with_text_and_html_in_utf8(site, smtp):
    body = "Votre café <b>crème</b> arrive, Zoë."
    # A name with a comma and an accent: one recipient still.
    message = notice(site.registry, body, to=("Dupont, Zoë", CUSTOMER))
    queue(site, message)
    assert [m[0] for m in waiting(site)] == [message["Message-ID"]]
    assert not (tmp_path_of(site) / "mailqueue").exists()  # no file anywhere

    run = send_queued(site.registry)

    assert (run.sent, run.waiting, run.error) == (1, 0, None)
    [received] = smtp.received
    assert received.mail_from == "shop@softcactus.be"
    assert received.rcpt_tos == (CUSTOMER,)
    message = received.message
    assert message["From"] == "Soft Cactus <shop@softcactus.be>"
    assert message["To"].addresses[0].display_name == "Dupont, Zoë"
    assert message["Message-ID"].endswith("@softcactus.be>") and message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    text, html = text_and_html(message)
    assert body in text  # plain text: as written
    assert "Votre café &lt;b&gt;crème&lt;/b&gt; arrive, Zoë." in html  # HTML: escaped
    for part in message.iter_parts():
        assert part.get_content_charset() == "utf-8"
    assert waiting(site) == []


def tmp_path_of(site):
    return get_mailer(site.registry).queue.parent


def test_the_mail_is_in_its_own_language_whatever_the_request(site):
    french = notice(site.registry, lang="fr")
    dutch = notice(site.registry, lang="nl")
    assert french["Subject"] == "Un message de Soft Cactus"
    assert dutch["Subject"] == "Een bericht van Soft Cactus"
    text, html = text_and_html(french)
    assert text.startswith("Un message de Soft Cactus\n")
    assert '<html lang="fr">' in html and "<h1" in html and "Un message de Soft Cactus</h1>" in html
    with pytest.raises(ValueError):
        notice(site.registry, lang="de")


def test_a_mail_with_a_file_attached_keeps_its_language(site):
    """A mail reader (and a screen reader) reads the whole mail's language from its top
    header: attaching an invoice or a gift card's PDF must not move it into the text."""
    message = attach(notice(site.registry, lang="nl"), [("a.pdf", "application/pdf", b"%PDF")])
    assert message.get_content_type() == "multipart/mixed"
    assert message["Content-Language"] == "nl"
    assert [part.get_filename() for part in message.iter_attachments()] == ["a.pdf"]


def test_an_aborted_transaction_queues_nothing(site, smtp):
    queue(site, notice(site.registry), commit=False)
    assert waiting(site) == []
    assert send_queued(site.registry).sent == 0
    assert smtp.received == []


class FailingVote:
    """A resource whose vote fails, as a ZODB connection's does on a conflict."""

    def sortKey(self):
        return "!"  # votes before the mail, as a storage's connection does

    def tpc_begin(self, trans):
        pass

    def commit(self, trans):
        pass

    def tpc_vote(self, trans):
        raise ConflictError("conflict at the vote")

    def abort(self, trans):
        pass

    def tpc_abort(self, trans):
        pass


def test_a_commit_that_fails_at_the_vote_queues_nothing_and_logs_no_error(site, caplog):
    conn, tm = open_root(site.registry)
    try:
        tm.begin()
        send(conn.root()["site"], notice(site.registry))
        tm.get().join(FailingVote())
        with caplog.at_level(logging.ERROR), pytest.raises(ConflictError):
            tm.commit()
        tm.abort()
    finally:
        conn.close()
    assert waiting(site) == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


# The retried request: a view of the test site, through pyramid_retry and pyramid_tm.


def queue_mail_then_conflict(context, request):
    """Queue a French mail from a Dutch page; the first attempt then hits a conflict."""
    attempts = request.registry.mail_attempts
    attempts.append(request.locale_name)
    message = compose(
        request.registry,
        "shopcms.mail:templates/notice",
        {"body": f"attempt {len(attempts)}"},
        lang="fr",
        to=CUSTOMER,
        subject=SUBJECT,
        application_url=request.application_url,
    )
    send(request.root, message)
    if len(attempts) == 1:
        raise ConflictError("another request wrote the same object")
    return HTTPNoContent()


def includeme(config):
    config.registry.mail_attempts = []
    config.add_view(
        queue_mail_then_conflict,
        name="test-mail-conflict",
        context=SiteRoot,
        route_name="public",
        permission=VIEW,
        request_method="POST",
    )


def test_a_request_retried_after_a_conflict_sends_its_mail_once(smtp, tmp_path):
    includes = {"pyramid.includes": "tests.web.testviews tests.mail.test_mail"}
    site = make_site(tmp_path, **smtp.settings(), **includes)
    try:
        app = Browser(site.wsgi)
        token = app.get("/nl/login").html.select_one("input[name=csrf_token]")["value"]
        app.post("/nl/test-mail-conflict", headers={"X-CSRF-Token": token}, status=204)
        assert site.registry.mail_attempts == ["nl", "nl"]

        assert send_queued(site.registry).sent == 1
    finally:
        site.close()
    [received] = smtp.received
    assert received.message["Subject"] == "Un message de Soft Cactus"
    text, _html = text_and_html(received.message)
    lines = text.splitlines()
    # The body, then the signature of the shop's layout.
    assert lines[: lines.index("-- ")] == ["Un message de Soft Cactus", "", "attempt 2", ""]


def test_a_mail_waits_out_an_smtp_outage_and_is_then_sent_once(site, smtp):
    smtp.stop()
    queue(site, notice(site.registry))

    run = send_queued(site.registry)
    assert (run.sent, run.waiting) == (0, 1)
    assert f"127.0.0.1:{smtp.port}" in run.error
    [(_id, attempts, error)] = waiting(site)  # kept, with why, and no claim left behind
    assert attempts == 1 and f"127.0.0.1:{smtp.port}" in error
    state = site.read(outbox_state)
    assert (state["size"], state["failing"]) == (1, 1)

    smtp.start()
    assert send_queued(site.registry).sent == 1
    assert send_queued(site.registry).sent == 0
    assert len(smtp.received) == 1


def test_a_refused_recipient_is_set_aside_and_a_busy_one_retried_later(smtp, tmp_path):
    site = make_site(tmp_path, **smtp.settings(), **{"shopcms.mail.retry_delay": "0.5"})
    try:
        smtp.refuse["nobody@example.be"] = "550 5.1.1 No such user"
        smtp.refuse["busy@example.be"] = "451 4.2.0 Try again later"
        queue(site, notice(site.registry, to="nobody@example.be"))
        queue(site, notice(site.registry, to="busy@example.be"))
        queue(site, notice(site.registry, to=CUSTOMER))

        run = send_queued(site.registry)

        assert (run.sent, run.rejected, run.waiting, run.error) == (1, 1, 1, None)
        assert [r.rcpt_tos for r in smtp.received] == [(CUSTOMER,)]
        assert len(rejected(site)) == 1  # kept for staff, not lost
        state = site.read(outbox_state)
        assert (state["size"], state["failing"], state["rejected"]) == (1, 1, 1)
        assert "451" in state["last_error"]
        del smtp.refuse["busy@example.be"]
        assert send_queued(site.registry).sent == 0  # backing off: not yet
        time.sleep(0.6)
        assert send_queued(site.registry).sent == 1
        assert [r.rcpt_tos for r in smtp.received][1] == ("busy@example.be",)
    finally:
        site.close()


def write_ini(path, settings):
    """An ini file with ``settings`` in ``[app:main]`` (% escaped for the ini parser)."""
    lines = ["[app:main]", "use = egg:shopcms"]
    lines += [f"{name} = {value.replace('%', '%%')}" for name, value in settings.items()]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_the_send_mail_command_sends_the_queue_and_says_when_it_cannot(smtp, tmp_path, capsys):
    ini = write_ini(tmp_path / "test.ini", app_settings(tmp_path / "var", **smtp.settings()))
    app = get_app(ini)
    queue(Site(app), notice(app.registry))
    queue(Site(app), notice(app.registry))
    app.registry._zodb_databases[""].close()  # FileStorage: one process at a time

    assert cli.main(["send-mail", ini]) == 0
    assert capsys.readouterr().out == "sent 2 mail(s), 0 waiting\n"
    assert len(smtp.received) == 2

    smtp.stop()
    app = get_app(ini)
    queue(Site(app), notice(app.registry))
    app.registry._zodb_databases[""].close()
    assert cli.main(["send-mail", ini]) == 1
    captured = capsys.readouterr()
    assert captured.out == "sent 0 mail(s), 1 waiting\n"
    assert "shopcms send-mail: the SMTP server 127.0.0.1" in captured.err
    assert "Traceback" not in captured.err


def test_the_running_sender_delivers_after_an_outage_without_being_asked(smtp, tmp_path, caplog):
    site = make_site(tmp_path, **smtp.settings(), **{"shopcms.mail.send_interval": "0.2"})
    mailer = get_mailer(site.registry)
    try:
        assert not mailer.sender_running  # loading the app does not start it (the commands)
        smtp.stop()
        Browser(site.wsgi).get("/nl/")
        assert mailer.sender_running
        queue(site, notice(site.registry))
        time.sleep(1)  # about five rounds against a refused connection
        assert mailer.sender_running
        warnings = [r for r in caplog.records if r.name == "shopcms.mail"]
        assert [r.levelname for r in warnings] == ["WARNING"]  # once, not every round

        smtp.start()
        smtp.wait_for(1)
        time.sleep(0.5)
        assert len(smtp.received) == 1
        assert waiting(site) == []
    finally:
        mailer.stop_sender()
        site.close()
