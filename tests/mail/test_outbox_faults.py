"""Issue 12, acceptance 1 (D1): a failing mail server never costs a customer their
confirmation page or their mail, and a shop process killed during a checkout load loses no
mail and sends none twice.

Real parts: waitress servers (in this process, and as processes on a ZEO server), the
aiosmtpd server of ``tests/mailserver.py`` counting what arrives, requests as the HTTP
clients, ``kill -9`` (SIGKILL) for the crash.
"""

import json
import logging
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed

import pytest
import requests

from shopcms.mail import get_outbox
from tests.concurrency.test_checkout_race import PRODUCT, Customer
from tests.liveserver import serving
from tests.mailserver import MailServer
from tests.storage.cluster import Process, ZEOServer
from tests.storage.test_shared_database import Editor, hidden, visit

log = logging.getLogger(__name__)

#: The mail settings of the shops here: a running sender, short claims and retries.
SENDER = {
    "shopcms.mail.send_interval": "0.2",
    "shopcms.mail.claim_seconds": "2",
    "shopcms.mail.retry_delay": "0.2",
}


def outbox_mails(site):
    """``(Message-ID, recipients, subject bytes)`` of the mails waiting in the outbox."""

    def read(root):
        outbox = get_outbox(root)
        mails = outbox.mails() if outbox is not None else ()
        return [(m.message_id, m.recipients, m.data) for m in mails]

    return site.read(read)


def wait_until(condition, timeout=30, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} not reached within {timeout} s")


@pytest.mark.parametrize("failure", ["down", "refusing"])
def test_with_the_mail_server_failing_the_checkout_confirms_and_the_mail_follows(
    smtp, tmp_path, failure
):
    from tests.conftest import make_site

    site = make_site(tmp_path, **smtp.settings(), **SENDER)
    try:
        with site.edit() as root:
            pid = root["products"][PRODUCT].pid
        if failure == "down":
            smtp.stop()
        else:
            smtp.refuse["jan@example.be"] = "451 4.3.0 Mailbox temporarily unavailable"
        with serving(site.wsgi) as base:
            customer = Customer(base, pid)
            placed = customer.place()
            assert placed.status_code == 303, placed.text
            page = customer.http.get(placed.headers["Location"])
            assert page.status_code == 200
            number = placed.headers["Location"].split("/")[-2]
            assert number in page.text
            time.sleep(1)  # several rounds of the running sender against the failure
            [(message_id, recipients, data)] = outbox_mails(site)
            assert recipients == ("jan@example.be",) and number.encode() in data
            assert site.read(lambda root: number in root["orders"])

            if failure == "down":
                smtp.start()
            else:
                del smtp.refuse["jan@example.be"]
            [mail] = smtp.wait_for(1, timeout=20)
        assert mail.message["Message-ID"] == message_id
        assert number in mail.message["Subject"]
        wait_until(lambda: outbox_mails(site) == [], what="an empty outbox")
        assert len(smtp.received) == 1
    finally:
        get_mailer_stop(site)
        site.close()


def get_mailer_stop(site):
    from shopcms.mail import get_mailer

    get_mailer(site.registry).stop_sender()


# -- kill -9 of a shop process during a checkout load on ZEO --------------------------------


class Shop:
    """A shopcms waitress process (``tests.storage.shopserver``) with a running sender."""

    def __init__(self, storage, folder, smtp):
        self.folder = folder
        # Claims long enough that none runs out under this load on a small machine: only
        # the claims of the killed process do.
        sender = {**SENDER, "shopcms.mail.claim_seconds": "10"}
        settings = storage.settings(folder, **smtp.settings(), **sender)
        port_file = folder / "port"
        self.process = Process(
            [sys.executable, "-m", "tests.storage.shopserver", port_file, 8, json.dumps(settings)],
            folder / "server.log",
        )
        self.process.wait_for(port_file.exists, "shopcms server")
        self.base = f"http://127.0.0.1:{int(port_file.read_text())}"
        requests.get(self.base + "/nl/", timeout=30)  # the first request starts the sender

    def log(self):
        return self.process.output()


def place(customer):
    try:
        return customer.place()
    except requests.RequestException:
        return None  # its server was killed: not acknowledged


def test_kill_9_during_a_checkout_load_loses_no_mail_and_sends_each_once(tmp_path):
    smtp = MailServer().start()
    storage = ZEOServer(tmp_path / "zeo").start()
    shops = []
    try:
        a = Shop(storage, tmp_path / "shop-a", smtp)
        b = Shop(storage, tmp_path / "shop-b", smtp)
        shops += [a, b]
        Editor(a).set_stock(PRODUCT, 1000)
        pid = hidden(visit(b), "pid")
        customers = [Customer((a, b)[i % 2].base, pid) for i in range(40)]

        answers = []
        with ThreadPoolExecutor(max_workers=8) as pool:
            futures = [pool.submit(place, customer) for customer in customers]
            for done, future in enumerate(as_completed(futures), 1):
                answers.append(future.result())
                if done == 12:
                    a.process.proc.kill()  # SIGKILL: no clean-up of any kind
        a.process.proc.wait()
        acknowledged = [
            answer.headers["Location"].split("/")[-2]
            for answer in answers
            if answer is not None and answer.status_code == 303
        ]
        assert len(acknowledged) >= 20, [getattr(x, "status_code", None) for x in answers]

        shops.append(Shop(storage, tmp_path / "shop-a2", smtp))  # the restart

        def settled():
            with storage.root(tmp_path / "reader") as root:
                outbox = get_outbox(root)
                return outbox is None or not outbox.count.value

        wait_until(settled, timeout=60, what="an empty outbox")
        with storage.root(tmp_path / "reader") as root:
            numbers = sorted(root["site"]["orders"].keys())
        time.sleep(1)  # a resend after a lost claim would arrive by now

        ids = {number: set() for number in numbers}
        deliveries = Counter()
        for received in smtp.received:
            [number] = [n for n in numbers if n in received.message["Subject"]]
            ids[number].add(received.message["Message-ID"])
            deliveries[number] += 1
        assert set(acknowledged) <= set(numbers)  # every acknowledged order is there
        # Every order in the database, acknowledged or not, has exactly one mail.
        assert {number: len(found) for number, found in ids.items()} == dict.fromkeys(numbers, 1)
        duplicates = sum(deliveries.values()) - len(numbers)
        log.info(
            "%d acknowledged, %d orders, %d deliveries, %d duplicate(s)",
            len(acknowledged),
            len(numbers),
            sum(deliveries.values()),
            duplicates,
        )
        # At least once: a duplicate (same Message-ID) only if the kill fell between the
        # SMTP server's acceptance and the removal; at most one per kill.
        assert duplicates <= 1
        for shop in shops:  # no spool: nothing on disk
            assert not (shop.folder / "mailqueue").exists()
    finally:
        for shop in shops:
            shop.process.stop()
        storage.stop()
        smtp.stop()
