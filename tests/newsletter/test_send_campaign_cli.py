"""``shopcms send-campaign INI [NAME]``: its lines, its refusals, and acceptance 5: a
campaign to 20,000 subscribers, killed with SIGKILL half-way and run again, leaves exactly
one mail per subscriber in the outbox, with a progress bar and in bounded memory."""

import fcntl
import logging
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import transaction
import ZODB
from ZODB.FileStorage import FileStorage

from shopcms import cli
from shopcms import main as make_app
from shopcms.newsletter.resources import ACTIVE, DRAFT, SENDING, SENT
from tests.conftest import Site, app_settings
from tests.newsletter.subscribers import add_campaign, add_subscribers

log = logging.getLogger(__name__)

SHOPCMS = str(Path(sys.executable).with_name("shopcms"))
PROGRESS = re.compile(r"(\d+)/(\d+) \[")


def fresh_site(folder, **settings):
    """A new shop's database (no seed content: the newsletter needs none) and its ini."""
    folder.mkdir(exist_ok=True)
    settings = app_settings(folder, **settings)
    settings.pop("pyramid.includes")  # the test views: not for a command
    lines = ["[app:main]", "use = egg:shopcms", *(f"{k} = {v}" for k, v in settings.items())]
    (folder / "shop.ini").write_text("\n".join(lines) + "\n")
    return Site(make_app({}, **settings)), str(folder / "shop.ini")


def read_database(folder, func):
    """``func(newsletter, outbox)`` on the database of ``folder``, opened read-only."""
    storage = FileStorage(str(folder / "Data.fs"), read_only=True)
    db = ZODB.DB(storage)
    try:
        tm = transaction.TransactionManager()
        root = db.open(transaction_manager=tm).root()
        return func(root["site"]["newsletter"], root.get("shopcms.mail.outbox"))
    finally:
        db.close()


def census(folder, name):
    """What the database of ``folder`` holds of the campaign ``name``: its figures, the
    keys of the active subscriptions, and how many campaign intents wait for each key."""

    def read(newsletter, outbox):
        counts = {}
        for mail in outbox.mails():
            intent = mail.intent
            if intent["kind"] == "newsletter_campaign" and intent["campaign"] == name:
                counts[intent["subscription"]] = counts.get(intent["subscription"], 0) + 1
        c = newsletter[name]
        return {
            "state": c.state,
            "queued": c.queued.value,
            "sent": len(c.sent),
            "total": c.total,
            "active": [k for k, s in newsletter.subscriptions.items() if s.state == ACTIVE],
            "counts": counts,
        }

    return read_database(folder, read)


def run(capsys, *argv):
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_send_campaign_lines_and_refusals(tmp_path, capsys):
    site, ini = fresh_site(tmp_path / "shop", **{"shopcms.newsletter.batch_size": "3"})
    add_subscribers(site, 7)
    add_campaign(site, "draft", state=DRAFT)
    site.close()

    assert run(capsys, "send-campaign", ini) == (0, "no campaign is due\n", "")
    status, out, err = run(capsys, "send-campaign", ini, "nothing")
    assert (status, out) == (2, "")
    assert err == "shopcms send-campaign: there is no campaign 'nothing'\n"
    status, out, err = run(capsys, "send-campaign", ini, "draft")
    assert status == 2 and err.startswith("shopcms send-campaign: the campaign 'draft' is a draft")

    site = Site(make_app({}, **app_settings(tmp_path / "shop")))
    add_campaign(site, "spring")
    site.close()
    status, out, err = run(capsys, "send-campaign", ini)
    assert status == 0
    assert out == "campaign spring: sent; queued 7 (7 in this run), skipped 0, total 7\n"
    # No terminal (capsys): progress lines, not a bar; the first and the last.
    assert err == "spring: 0/7 (0%)\nspring: 7/7 (100%)\n"

    assert run(capsys, "send-campaign", ini)[1] == "no campaign is due\n"
    status, out, _ = run(capsys, "send-campaign", ini, "spring")
    assert status == 0 and "queued 7 (0 in this run)" in out
    found = census(tmp_path / "shop", "spring")
    assert found["counts"] == dict.fromkeys(found["active"], 1)


def peak_rss(pid, known=0.0):
    """The peak resident memory of the process ``pid`` so far (MB), or ``known`` once it is
    gone.  Its own, since it started the command: ``VmHWM`` of its address space.  (The
    ``ru_maxrss`` of ``wait4`` would count the memory of this test process too: Linux keeps
    the high-water mark of the forked image across ``exec``.)"""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return known
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return max(known, int(found.group(1)) / 1024) if found else known


def send_campaign(ini, name, kill_at=None):
    """Run ``shopcms send-campaign ini name`` with its stderr on a terminal (a pty of 100
    columns); SIGKILL it once its bar shows ``kill_at`` mails.  Returns ``(exit status,
    stdout, what the terminal showed, peak RSS in MB, the count the kill came after)``.

    The peak is read after each piece of output (each batch), and a high-water mark only
    grows: what it misses is the command's last moment (its final line, closing)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    child = subprocess.Popen(
        [SHOPCMS, "send-campaign", ini, name],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    screen, killed_after, rss = b"", None, 0.0
    while True:
        rss = peak_rss(child.pid, rss)
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child's end of the terminal is closed
            break
        if not chunk:
            break
        screen += chunk
        shown = PROGRESS.findall(screen.decode("utf-8", "replace"))
        if kill_at and killed_after is None and shown and int(shown[-1][0]) >= kill_at:
            child.send_signal(signal.SIGKILL)
            killed_after = int(shown[-1][0])
    os.close(master)
    rss = peak_rss(child.pid, rss)
    stdout = child.stdout.read().decode()
    child.stdout.close()
    child.wait()
    return child.returncode, stdout, screen.decode("utf-8", "replace"), rss, killed_after


def test_twenty_thousand_subscribers_killed_half_way_get_one_mail_each(tmp_path):
    clock = Clock()
    # A shop with 2,000 subscribers: the memory a whole run needs there, to compare.
    small, small_ini = fresh_site(tmp_path / "small")
    add_subscribers(small, 2000)
    add_campaign(small, "spring")
    small.close()
    # The shop of the acceptance: 20,000 active subscribers (and some who are not).
    shop, ini = fresh_site(tmp_path / "shop")
    add_subscribers(shop, 20000)
    add_subscribers(shop, 50, state="pending", prefix="pending")
    add_campaign(shop, "spring")
    add_campaign(shop, "summer")
    shop.close()
    folder = tmp_path / "shop"
    clock.lap("set-up")

    status, _out, _screen, small_rss, _ = send_campaign(small_ini, "spring")
    assert status == 0
    clock.lap("2,000")

    # Killed half-way: whole batches only, each with its mails.
    status, out, screen, _rss, killed_after = send_campaign(ini, "spring", kill_at=10000)
    assert status == -signal.SIGKILL and out == ""
    assert "spring:" in screen and "/20000 [" in screen and "%|" in screen, screen[-300:]
    clock.lap("killed")
    half = census(folder, "spring")
    assert half["state"] == SENDING and killed_after <= half["queued"] < 20000
    assert len(half["counts"]) == half["queued"] == half["sent"]
    assert set(half["counts"].values()) == {1}
    clock.lap("census")

    # Run again: it resumes after the last committed batch and finishes.
    status, out, screen, _rss, _ = send_campaign(ini, "spring")
    assert status == 0, screen
    rest = 20000 - half["queued"]
    assert out == (
        f"campaign spring: sent; queued 20000 ({rest} in this run), skipped 0, total 20000\n"
    )
    bar = [line for line in screen.replace("\r", "\n").splitlines() if line.startswith("spring:")]
    assert f"{half['queued']}/20000" in bar[0], "the bar starts where the first run stopped"
    assert "20000/20000" in bar[-1] and "100%|" in bar[-1]
    log.info("the terminal's last line: %s", bar[-1])
    clock.lap("resumed")

    # Bounded memory: a whole run to 20,000 needs no more than one to 2,000 (+ a margin).
    status, out, _screen, big_rss, _ = send_campaign(ini, "summer")
    assert status == 0 and "queued 20000 (20000 in this run)" in out
    clock.lap("20,000")

    done = census(folder, "spring")
    assert len(done["active"]) == 20000
    assert done["counts"] == dict.fromkeys(done["active"], 1), "one mail per subscriber"
    assert (done["state"], done["queued"], done["sent"], done["total"]) == (
        SENT,
        20000,
        20000,
        20000,
    )
    clock.lap("census")
    log.info("peak RSS: %.0f MB for 2,000, %.0f MB for 20,000; %s", small_rss, big_rss, clock)
    # Batches keep the memory flat (measured: the same peak for 2,000 and 20,000); all
    # 20,000 in one transaction needs some 35 MB more, and so would a run that kept its
    # subscribers or intents in memory.
    assert big_rss < small_rss + 10, (small_rss, big_rss)


class Clock:
    """Seconds per step of a test, for its report."""

    def __init__(self):
        self.start = self.last = time.monotonic()
        self.laps = []

    def lap(self, name):
        now = time.monotonic()
        self.laps.append(f"{name} {now - self.last:.1f} s")
        self.last = now

    def __str__(self):
        return ", ".join(self.laps) + f"; all {self.last - self.start:.1f} s"
