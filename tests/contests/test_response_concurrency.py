"""The response per campaign under load (acceptance 4): 16 clients at once on a real
waitress server open the contest page through several campaign links, send its entry form
and follow the link mailed to them to confirm, as visitors do; the server's timer stores
the page views meanwhile.  The counts per tag are then exact (the conflicts were resolved,
nothing was lost or counted twice), no GET wrote, and the database holds no user agent or
client address anywhere, no email in the counts, and after the mail is sent, the entries
erased and the database packed, no entrant's email, name or street at all while the
counts stay.

The server trusts 127.0.0.1 as its proxy, as the shop behind its proxy does: each client
sends its own address as ``X-Forwarded-For``, so the entries' limit per client
(``contests.guard``, 10 an hour) holds for each of them and is never reached (3 each), and
the visitors' addresses really reach the application.
"""

import email as email_parser
import email.policy as email_policy
import logging
import os
import re
import threading
import time
from collections import Counter

import pytest
import requests
import transaction
from ZODB.utils import get_pickle_metadata

from shopcms.contests import entries, guard, response
from shopcms.mail import get_outbox, send_queued
from shopcms.operations.timer import get_timer
from shopcms.web.clock import now
from tests.conftest import make_site
from tests.contests.helpers import confirm_links
from tests.contests.response_helpers import new_contest
from tests.liveserver import serving

log = logging.getLogger(__name__)

NAME = "stekels"
CLIENTS = 16
ROUNDS = 5
ENTRIES = 3  # per client; the last one is never confirmed
TAGS = ("instagram-may", "flyer", "mail-juni", "")
AGENT = "Mozilla/5.0 MarkerAgent-XYZ"


def address(client):
    """The client's own (documentation) address, sent as X-Forwarded-For."""
    return f"198.51.100.{client + 1}"


def email(client, n):
    return f"zqmail{client}x{n}@example.be"


def person(client, n):
    return f"Zqfirst{client}x{n} Zqlast{client}x{n}"


def street(client, n):
    return f"Zqstreet{client}x{n} 5"


def tag_of(client, n):
    return TAGS[(client + n) % len(TAGS)]


def expected_counts():
    """``{tag: (views, started, confirmed)}`` of everything the clients send."""
    views, started, confirmed = Counter(), Counter(), Counter()
    for client in range(CLIENTS):
        for tag in TAGS:
            views[tag] += ROUNDS
        for n in range(ENTRIES):
            views[tag_of(client, n)] += 1  # the page the entry form is sent from
            started[tag_of(client, n)] += 1
            if n < ENTRIES - 1:
                confirmed[tag_of(client, n)] += 1
    return {tag: (views[tag], started[tag], confirmed[tag]) for tag in TAGS}


def hidden(html, name):
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def entry_form(page, client, n):
    """The entry form of ``page`` as the visitor fills it in (deform's mappings marked by
    __start__ and __end__ as the browser posts them; the honeypot left empty)."""
    return [
        ("csrf_token", hidden(page, "csrf_token")),
        ("name", person(client, n)),
        ("__start__", "address:mapping"),
        ("street", street(client, n)),
        ("postcode", "9000"),
        ("city", "Gent"),
        ("country", "BE"),
        ("__end__", "address:mapping"),
        ("email", email(client, n)),
        ("__start__", "answer:rename"),
        ("contest-entry-answer", "1"),
        ("__end__", "answer:rename"),
        ("estimate", str(100 + n)),
        ("adult", "true"),
        ("rules", "true"),
        ("c", hidden(page, "c")),
        ("website", ""),
        ("enter", ""),
    ]


class Client:
    """A browser of its own: its own address and connection, the marker user agent; it
    reads its mail with ``mailbox(address)`` (the confirmation links' paths)."""

    def __init__(self, base, number, mailbox):
        self.base = base
        self.page = f"{base}/nl/contests/{NAME}"
        self.number = number
        self.mailbox = mailbox
        self.http = requests.Session()
        self.http.headers.update(
            {"User-Agent": AGENT, "Origin": base, "X-Forwarded-For": address(number)}
        )
        self.problems = []

    def check(self, answer, what, status=200):
        if answer.status_code != status:
            self.problems.append(f"{what}: {answer.status_code} {answer.text[:200]}")
        return answer

    def run(self):
        for _round in range(ROUNDS):
            for tag in TAGS:
                query = {"c": tag} if tag else {}
                self.check(self.http.get(self.page, params=query), "view")
        for n in range(ENTRIES):
            # From the link of the tag this entry comes by: the form carries it as ``c``.
            tag = tag_of(self.number, n)
            page = self.http.get(self.page, params={"c": tag} if tag else {})
            self.check(page, "view")
            if 'id="contest-entry"' not in page.text:
                self.problems.append(f"view: no entry form in {page.text[:200]}")
                continue
            form = entry_form(page.text, self.number, n)
            sent = self.http.post(self.page, data=form, allow_redirects=False)
            self.check(sent, "enter", 303)
            if n == ENTRIES - 1 or sent.status_code != 303:
                continue
            links = self.mailbox(email(self.number, n))
            if len(links) != 1:
                self.problems.append(f"mail to {email(self.number, n)}: {links}")
                continue
            asked = self.check(self.http.get(self.base + links[0]), "confirm page")
            if 'id="contest-confirm"' not in asked.text:
                self.problems.append(f"confirm page: no button in {asked.text[:200]}")
                continue
            confirm = [("csrf_token", hidden(asked.text, "csrf_token")), ("confirm", "")]
            done = self.check(
                self.http.post(self.base + links[0], data=confirm, allow_redirects=False),
                "confirm",
            )
            if 'id="contest-confirm"' in done.text:
                self.problems.append(f"confirm: the button again {done.text[:200]}")


def all_at_once(clients):
    barrier = threading.Barrier(len(clients))

    def run(client):
        barrier.wait()
        client.run()

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a client did not finish"


def mailbox(site):
    """``read(address)``: the confirmation links (paths) queued in ``site``'s outbox for
    ``address``, read as the client's mail program would."""

    def read(address):
        def waiting(root):
            outbox = get_outbox(root)
            mails = outbox.mails() if outbox is not None else ()
            return [(", ".join(m.recipients), m.data) for m in mails if m.data]

        messages = [
            (to, email_parser.message_from_bytes(data, policy=email_policy.default))
            for to, data in site.read(waiting)
            if address in to
        ]
        return confirm_links(messages, address)

    return read


@pytest.fixture
def busy_site(tmp_path, smtp):
    # The timer stores the views every 20 ms: its transactions meet the entries' for real.
    # The shop's public address is its own (as in production): the mailed links do not
    # carry the test server's 127.0.0.1.
    site = make_site(
        tmp_path,
        **smtp.settings(),
        **{"shopcms.timer.interval": "0.02", "shopcms.public_url": "https://shop.example.be"},
    )
    with site.edit() as root:
        new_contest(root, NAME, now(site.registry))
    guard.ENTRIES.clear()  # a limit of this process: other tests' entries do not count here
    yield site, tmp_path / "Data.fs"
    guard.ENTRIES.clear()
    get_timer(site.registry).stop()
    transaction.abort()
    site.close()


def per_tag(site):
    """``{tag: (views, started, confirmed)}`` stored, summed over the days (a run across
    midnight counts on two days)."""

    def read(root):
        found = {}
        for (tag, _day), counts in root["contests"][NAME].response.items():
            old = found.get(tag, (0, 0, 0))
            new = (counts.views.value, counts.started.value, counts.confirmed.value)
            found[tag] = tuple(a + b for a, b in zip(old, new, strict=True))
        return found

    return site.read(read)


def conflicts(site):
    text = site.registry.shopcms_metrics.exposition().decode()
    found = re.search(r"^shopcms_zodb_conflicts_total (\S+)$", text, re.M)
    return int(float(found.group(1))) if found else 0


def counts_oids(site):
    """The oids of the response: its tree, buckets, every Counts and their Lengths."""

    def read(root):
        tree = root["contests"][NAME].response
        oids = {tree._p_oid}
        bucket = tree._firstbucket
        while bucket is not None:
            oids.add(bucket._p_oid)
            bucket = bucket._next
        for counts in tree.values():
            oids.add(counts._p_oid)
            oids.update(
                length._p_oid for length in (counts.views, counts.started, counts.confirmed)
            )
        return {oid for oid in oids if oid is not None}

    return site.read(read)


def personal_markers():
    return [
        value.encode()
        for client in range(CLIENTS)
        for n in range(ENTRIES)
        for value in (email(client, n), *person(client, n).split(), street(client, n).split()[0])
    ]


def test_sixteen_clients_at_once_leave_exact_counts_and_nothing_of_who(busy_site):
    site, data_fs = busy_site
    database = site.registry._zodb_databases[""]
    start_tid = database.lastTransaction()
    proxy = {"trusted_proxy": "127.0.0.1", "trusted_proxy_headers": "x-forwarded-for"}
    with serving(site.wsgi, threads=16, **proxy) as base:
        clients = [Client(base, number, mailbox(site)) for number in range(CLIENTS)]
        started = time.monotonic()
        all_at_once(clients)
        seconds = time.monotonic() - started
        assert [p for client in clients for p in client.problems] == []
    get_timer(site.registry).stop()
    response.flush(site.registry)  # what the last round left
    assert response.tally(site.registry).counts == {}
    expected = expected_counts()
    assert per_tag(site) == expected
    figures = {tag or "(none)": counts for tag, counts in expected.items()}
    log.warning(
        "%d clients, %d requests in %.1f s, %d ZODB conflicts resolved; counts per tag %s",
        CLIENTS,
        CLIENTS * (ROUNDS * len(TAGS) + 2 * ENTRIES + 2 * (ENTRIES - 1)),
        seconds,
        conflicts(site),
        figures,
    )
    with site.edit() as root:
        contest = root["contests"][NAME]
        assert len(contest.confirmed_entries()) == CLIENTS * (ENTRIES - 1)
        assert len(contest.entries) == CLIENTS * ENTRIES

    # No GET wrote: pyramid_tm notes each request's path on its transaction; the others
    # (no note) are the timer's flushes and the test's own.  The page's POST is the entry
    # (and its mail), the confirmation page's POST the confirmation.
    writers = Counter(txn.description.decode() for txn in database.storage.iterator(start_tid))
    page, confirmation = f"/nl/contests/{NAME}", f"/nl/contests/{NAME}/confirm"
    assert writers[page] == CLIENTS * ENTRIES
    assert writers[confirmation] == CLIENTS * (ENTRIES - 1)
    assert set(writers) == {"", page, confirmation}

    # Nothing of the visitor anywhere in the database's history: no user agent, no address.
    written = data_fs.read_bytes()
    assert AGENT.encode() not in written
    assert b"MarkerAgent" not in written
    for client in range(CLIENTS):
        assert address(client).encode() not in written
    assert b"127.0.0.1" not in written
    statistics = data_fs.with_name("Statistics.fs")  # the page views' own database
    if statistics.exists():
        kept = statistics.read_bytes()
        assert b"MarkerAgent" not in kept
        assert [client for client in range(CLIENTS) if address(client).encode() in kept] == []

    # The records of the counts, in every version written since the test began: no email,
    # no name, no street (the entries hold those, by design, until the purge).
    oids = counts_oids(site)
    markers = personal_markers()
    seen = 0
    for txn in database.storage.iterator(start_tid):
        for record in txn:
            if record.oid in oids and record.data:
                seen += 1
                assert not any(marker in record.data for marker in markers), record.oid
                assert b"@example.be" not in record.data
                module, _class = get_pickle_metadata(record.data)
                assert module in ("shopcms.contests.resources", "BTrees.Length", "BTrees.OOBTree")
    assert seen >= len(oids)

    # Once the mail is sent, the entries erased and the database packed, the counts alone
    # remain.
    assert send_queued(site.registry).sent == CLIENTS * ENTRIES
    assert site.read(lambda root: get_outbox(root).count.value) == 0
    with site.edit() as root:
        contest = root["contests"][NAME]
        for entry in list(contest.entries.values()):
            entries.erase(contest, entry)
    database.pack(time.time() + 1)
    packed = data_fs.read_bytes()
    assert os.path.getsize(data_fs) < len(written)
    assert [marker for marker in markers if marker in packed] == []
    assert per_tag(site) == expected
