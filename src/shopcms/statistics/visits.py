"""Visits, held in the memory of one process: who is "the same visitor" today, and the
counts that wait for the next flush.

A visit is known by a **key**: HMAC-SHA256, under the day's secret, of the client address
truncated to its /24 (IPv4) or /48 (IPv6) network and the ``User-Agent`` header.  The
secret is random, one per day, the same in every process of the site and deleted after
its day (``shopcms.statistics.days``); a process alone may keep it in memory
(:class:`DailySecret`).  Neither the address, nor the truncated address, nor the header is
kept, and yesterday's keys cannot be computed again by anyone.

A visit lasts from its first page to its last one; it ends after ``timeout`` seconds
without a page (30 minutes by default), at the end of the day (the secret changes), or
when the process stops.  Its length is then counted in the duration buckets of the day it
started.  When several processes serve one visitor, the first to claim the visit at a
flush counts it (with its browser, device, connection and referrer, and the length it
saw); the others count only its pages.

:class:`Tally` is the whole in-memory state of a process; :class:`Counts` are the
increments waiting for a flush, keyed by ``(day, dimension, value)``.
"""

import hashlib
import hmac
import secrets
import socket
import threading
from collections import OrderedDict

#: The dimensions counted per day (``value`` "" for the two totals).
VISITS = "visits"
PAGEVIEWS = "pageviews"
PAGES = "pages"
BROWSERS = "browsers"
DEVICES = "devices"
CONNECTIONS = "connections"
REFERRERS = "referrers"
DURATIONS = "durations"
#: Visit lengths in finer buckets, for the median: value = the bucket's first second.
DURATION_SECONDS = "duration_seconds"
DIMENSIONS = (
    VISITS,
    PAGEVIEWS,
    PAGES,
    BROWSERS,
    DEVICES,
    CONNECTIONS,
    REFERRERS,
    DURATIONS,
    DURATION_SECONDS,
)

#: The duration buckets shown (label, end in seconds, exclusive; None: no end).
DURATION_BUCKETS = (
    ("0–10 s", 10),
    ("10–30 s", 30),
    ("30 s–1 min", 60),
    ("1–3 min", 180),
    ("3–10 min", 600),
    ("10 min+", None),
)

#: The fine histogram: (from, to, width) in seconds; 1 s steps for the first minute, ...
HISTOGRAM = ((0, 60, 1), (60, 600, 10), (600, 3600, 60), (3600, 86400, 600))

#: At most this many different values of one dimension per day and process; more are
#: counted as "other" (keeps a flood of made-up referrers or versions out of the database).
MAX_VALUES = 1000
#: At most this many visits are followed at once; beyond, the least recently active ends.
MAX_VISITS = 100_000
OTHER = "other"


def duration_bucket(seconds):
    """The label of the :data:`DURATION_BUCKETS` bucket of a visit of ``seconds``."""
    for label, end in DURATION_BUCKETS:
        if end is None or seconds < end:
            return label
    raise AssertionError("unreachable")


def histogram_bucket(seconds):
    """The first second of the fine bucket of ``seconds`` (longer than a day: the last)."""
    seconds = max(0, int(seconds))
    for start, end, width in HISTOGRAM:
        if seconds < end:
            return start + (seconds - start) // width * width
    return HISTOGRAM[-1][1] - HISTOGRAM[-1][2]


def histogram_width(start):
    """The width in seconds of the fine bucket that begins at ``start``."""
    for first, end, width in HISTOGRAM:
        if first <= start < end:
            return width
    return HISTOGRAM[-1][2]


_MAPPED = bytes(10) + b"\xff\xff"  # ::ffff:a.b.c.d


def truncated_network(address):
    """The /24 (IPv4) or /48 (IPv6) network of ``address`` as bytes; b"" if not an address.

    An IPv4 address written as IPv6 (``::ffff:192.0.2.1``) is the IPv4 address.  (The C
    parser of ``socket``: this runs for every page counted.)
    """
    address = (address or "").strip()
    if address.startswith("["):
        address = address[1:].partition("]")[0]
    try:
        packed = socket.inet_pton(socket.AF_INET, address)
    except OSError:
        try:
            packed = socket.inet_pton(socket.AF_INET6, address.split("%", 1)[0])
        except OSError:
            return b""
        if packed.startswith(_MAPPED):
            packed = packed[12:]
        else:
            return packed[:6] + bytes(10)
    return packed[:3] + b"\x00"


class DailySecret:
    """A random secret per day, in memory only: a new day replaces it (the old is gone).

    For one process alone; the processes of a site share theirs through the statistics
    database (``shopcms.statistics.days.SharedDays``)."""

    def __init__(self):
        self.day = None
        self._secret = None
        self._lock = threading.Lock()

    def for_day(self, day):
        with self._lock:
            if day != self.day:
                self.day, self._secret = day, secrets.token_bytes(32)
            return self._secret


def visit_key(secret, address, user_agent):
    """The key of a visit: HMAC-SHA256 of the truncated network and the User-Agent."""
    message = truncated_network(address) + b"\x00" + (user_agent or "").encode("utf-8", "replace")
    return hmac.new(secret, message, hashlib.sha256).digest()


class Visit:
    """A visit followed by this process.  In a shared tally, ``counted`` is None until a
    flush claimed it (``shopcms.statistics.days``): True when this process counts it,
    False when another process did; ``description`` waits for the claim, ``ended`` says
    that its length waits too."""

    __slots__ = ("day", "first", "last", "key", "description", "counted", "ended")

    def __init__(self, day, first, key=None, description=None, counted=True):
        self.day, self.first, self.last = day, first, first
        self.key, self.description, self.counted, self.ended = key, description, counted, False


class Counts(dict):
    """``(day, dimension, value) -> n``: increments not yet in the database."""

    def add(self, day, dimension, value, n=1):
        key = (day, dimension, value)
        self[key] = self.get(key, 0) + n

    def merge(self, other):
        for key, n in other.items():
            self[key] = self.get(key, 0) + n


class Tally:
    """The visits and waiting counts of one process (thread-safe).

    ``page_view`` counts one page for the visit of ``key`` at ``now`` (seconds since the
    epoch) on ``day`` (ISO date, in the site's time zone); ``describe()`` is called only
    for a new visit and returns its ``{dimension: value}`` (browser, device, connection,
    and the referrer or None).  ``take`` hands the waiting counts to a flush, which gives
    them back with ``give_back`` if it could not commit them.

    ``shared``: several processes count the same visitors (``shopcms.statistics.days``):
    a new visit is counted (with its description and, once over, its length) only after a
    flush claimed it: ``take_new`` hands the visits begun since the last flush to the
    claim, ``settle`` counts those claimed by this process and drops the others.
    """

    def __init__(self, timeout=1800, max_visits=MAX_VISITS, shared=False):
        self.timeout = timeout
        self.max_visits = max_visits
        self.shared = shared
        self.secret = DailySecret()
        self._new = []
        self.counts = Counts()
        self.events = 0
        self._visits = OrderedDict()
        self._values = {}
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._visits)

    def page_view(self, key, day, now, kind, describe):
        with self._lock:
            visit = self._visits.get(key)
            if visit is not None and (visit.day != day or now - visit.last > self.timeout):
                self._end(self._visits.pop(key))
                visit = None
            new = visit is None
        # Described outside the lock: parsing a User-Agent is the slow part of a new visit.
        description = describe() if new else {}
        with self._lock:
            visit = self._visits.get(key)
            if visit is None:
                if not new:  # ended by a sweep in between (rare): describe it after all
                    description = describe()
                if self.shared:
                    visit = Visit(day, now, key, description, counted=None)
                    self._new.append(visit)
                else:
                    visit = Visit(day, now)
                    self._count_visit(day, description)
                self._visits[key] = visit
                while len(self._visits) > self.max_visits:
                    self._end(self._visits.popitem(last=False)[1])
            else:
                visit.last = max(visit.last, now)
                self._visits.move_to_end(key)
            self._add(day, PAGEVIEWS, "")
            self._add(day, PAGES, kind)
            self.events += 1

    def end_visits(self, day, now, everything=False):
        """End the visits idle longer than the timeout or of another day than ``day``
        (``everything``: all of them, the process stops); returns how many ended."""
        ended = 0
        with self._lock:
            while self._visits:
                key, visit = next(iter(self._visits.items()))
                if not (everything or visit.day != day or now - visit.last > self.timeout):
                    break
                del self._visits[key]
                self._end(visit)
                ended += 1
            for seen_day, dimension in list(self._values):
                if seen_day != day:
                    del self._values[seen_day, dimension]
        return ended

    def take(self):
        """The waiting counts (now owned by the caller) and a fresh, empty buffer."""
        with self._lock:
            counts, self.counts, self.events = self.counts, Counts(), 0
            return counts

    def take_new(self):
        """The visits begun since the last call, for a claim (``shared`` only).  A flush
        begins here: the page views counted so far no longer call for one."""
        with self._lock:
            new, self._new, self.events = self._new, [], 0
            return new

    def settle(self, visits, claimed):
        """Count the ``visits`` whose ``(day, key)`` is in ``claimed``; the others were
        counted by another process.  ``claimed`` None: the claim failed, try again."""
        with self._lock:
            if claimed is None:
                self._new[:0] = visits
                return
            for visit in visits:
                visit.counted = (visit.day, visit.key) in claimed
                if visit.counted:
                    self._count_visit(visit.day, visit.description)
                    if visit.ended:
                        self._count_length(visit)
                visit.description = None

    def give_back(self, counts):
        """Put counts a flush could not commit back in front of the new ones."""
        with self._lock:
            counts.merge(self.counts)
            self.counts = counts

    # -- under the lock ----------------------------------------------------------------

    def _count_visit(self, day, description):
        self._add(day, VISITS, "")
        for dimension, value in description.items():
            if value is not None:
                self._add(day, dimension, value)

    def _end(self, visit):
        if visit.counted is None:  # not claimed yet: its length is counted with the claim
            visit.ended = True
        elif visit.counted:
            self._count_length(visit)

    def _count_length(self, visit):
        seconds = max(0.0, visit.last - visit.first)
        self.counts.add(visit.day, DURATIONS, duration_bucket(seconds))
        self.counts.add(visit.day, DURATION_SECONDS, str(histogram_bucket(seconds)))

    def _add(self, day, dimension, value):
        if dimension not in (VISITS, PAGEVIEWS):
            seen = self._values.setdefault((day, dimension), set())
            if value not in seen:
                if len(seen) >= MAX_VALUES:
                    value = OTHER
                else:
                    seen.add(value)
        self.counts.add(day, dimension, value)
