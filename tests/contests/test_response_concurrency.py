"""The response per campaign under load (acceptance 4): 16 clients at once on a real
waitress server view the contest page through several campaign links, enter and confirm;
the server's timer stores the page views meanwhile.  The counts per tag are then exact
(the conflicts were resolved, nothing was lost or counted twice), no GET wrote, and the
database holds no user agent or client address anywhere, no email in the counts, and
after the entries are erased and the database packed, no entrant's email, name or street
at all while the counts stay.

The public page here is the stand-in of ``tests.contests.response_helpers``: it counts the
view and enters as the public page does (through ``response.count_view`` and
``entries``)."""

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

from shopcms.contests import entries, response
from shopcms.operations.timer import get_timer
from shopcms.web.clock import now
from tests.conftest import make_site
from tests.contests.response_helpers import INCLUDES, new_contest
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
            started[tag_of(client, n)] += 1
            if n < ENTRIES - 1:
                confirmed[tag_of(client, n)] += 1
    return {tag: (views[tag], started[tag], confirmed[tag]) for tag in TAGS}


class Client:
    """A browser of its own: its own address and connection, the marker user agent."""

    def __init__(self, base, number):
        self.base = f"{base}/nl/contests/{NAME}"
        self.number = number
        self.http = requests.Session()
        self.http.headers.update(
            {"User-Agent": AGENT, "Origin": base, "X-Forwarded-For": address(number)}
        )
        self.problems = []

    def check(self, answer, what):
        if answer.status_code != 200:
            self.problems.append(f"{what}: {answer.status_code} {answer.text[:200]}")
        return answer

    def run(self):
        token = None
        for _round in range(ROUNDS):
            for tag in TAGS:
                query = {"c": tag} if tag else {}
                page = self.check(
                    self.http.get(f"{self.base}/test-contest-page", params=query), "view"
                )
                token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        for n in range(ENTRIES):
            form = {
                "csrf_token": token,
                "c": tag_of(self.number, n),
                "name": person(self.number, n),
                "street": street(self.number, n),
                "postcode": "9000",
                "city": "Gent",
                "email": email(self.number, n),
                "estimate": str(100 + n),
            }
            sent = self.check(self.http.post(f"{self.base}/test-contest-enter", data=form), "enter")
            if n < ENTRIES - 1 and sent.status_code == 200:
                confirm = {"csrf_token": token, "token": sent.text}
                self.check(
                    self.http.post(f"{self.base}/test-contest-confirm", data=confirm), "confirm"
                )


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


@pytest.fixture
def busy_site(tmp_path):
    # The timer stores the views every 20 ms: its transactions meet the entries' for real.
    site = make_site(tmp_path, **{"pyramid.includes": INCLUDES, "shopcms.timer.interval": "0.02"})
    with site.edit() as root:
        new_contest(root, NAME, now(site.registry))
    yield site, tmp_path / "Data.fs"
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
    with serving(site.wsgi, threads=16) as base:
        clients = [Client(base, number) for number in range(CLIENTS)]
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
        CLIENTS * (ROUNDS * len(TAGS) + 2 * ENTRIES - 1),
        seconds,
        conflicts(site),
        figures,
    )
    with site.edit() as root:
        contest = root["contests"][NAME]
        assert len(contest.confirmed_entries()) == CLIENTS * (ENTRIES - 1)
        assert len(contest.entries) == CLIENTS * ENTRIES

    # No GET wrote: pyramid_tm notes each request's path on its transaction; the others
    # (no note) are the timer's flushes and the test's own.
    writers = Counter(txn.description.decode() for txn in database.storage.iterator(start_tid))
    base_path = f"/nl/contests/{NAME}"
    assert writers[f"{base_path}/test-contest-enter"] == CLIENTS * ENTRIES
    assert writers[f"{base_path}/test-contest-confirm"] == CLIENTS * (ENTRIES - 1)
    assert set(writers) == {
        "",
        f"{base_path}/test-contest-enter",
        f"{base_path}/test-contest-confirm",
    }

    # Nothing of the visitor anywhere in the database's history: no user agent, no address.
    written = data_fs.read_bytes()
    assert AGENT.encode() not in written
    assert b"MarkerAgent" not in written
    for client in range(CLIENTS):
        assert address(client).encode() not in written
    assert b"127.0.0.1" not in written
    statistics = data_fs.with_name("Statistics.fs")  # the page views' own database
    if statistics.exists():
        assert b"MarkerAgent" not in statistics.read_bytes()

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

    # Once the entries are erased and the database packed, the counts alone remain.
    with site.edit() as root:
        contest = root["contests"][NAME]
        for entry in list(contest.entries.values()):
            entries.erase(contest, entry)
    database.pack(time.time() + 1)
    packed = data_fs.read_bytes()
    assert os.path.getsize(data_fs) < len(written)
    assert [marker for marker in markers if marker in packed] == []
    assert per_tag(site) == expected
