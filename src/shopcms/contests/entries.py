"""The one place a contest's entries change: entering, confirming, closing, the winners,
the purge.

Every function takes the time (``now``, aware) from its caller and changes only the
contest it is given, so a request or a command does its work in one transaction.  A refusal
a person must read is a :class:`Refused` with a translatable ``message`` and nothing
changed.

One entry per person and per household: a second entry whose email address or postal
address (``postal.postal_key``) is already that of a *confirmed* entry is refused, when it
is sent and again when it is confirmed (two unconfirmed entries of one household race: the
first confirmed counts).  Entering again with the address of an unconfirmed entry replaces
that entry (the person lost the mail, or made a mistake).
"""

import datetime
import re
import secrets

from shopcms.contests import ranking, tokens
from shopcms.contests.postal import postal_key
from shopcms.contests.resources import Counts, Entry, new_key
from shopcms.contests.workflow import ANNOUNCED, CLOSED
from shopcms.web.i18n import _

#: What an entry's data are kept for after the winners are announced (and a winner's
#: after the prize was delivered): 60 days.
KEPT_AFTER = datetime.timedelta(days=60)
#: A campaign tag: ``?c=instagram-may``.  Anything else counts as no tag.
TAG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
#: At most this many tags per contest; more (a bot inventing tags) count as ``other``.
MAX_TAGS = 200
OTHER_TAG = "other"


class Refused(ValueError):
    """An entry or a confirmation that cannot be accepted; ``message`` is translatable."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


ALREADY_ENTERED = _(
    "This email address has already taken part in this contest: one entry per person."
)
SAME_HOUSEHOLD = _(
    "An entry from this postal address has already been confirmed: one entry per household."
)
NOT_OPEN = _("This contest is not open for entries.")
COUNTRY = _("Residents of this country cannot take part in this contest.")


def stored_tags(contest):
    """The campaign tags ``contest`` has counts of (a read of every (tag, day) key)."""
    return frozenset(key[0] for key in contest.response)


def clean_tag(contest, tag, known=None):
    """The campaign tag to count under: ``tag`` if well-formed, ``""`` otherwise, and
    :data:`OTHER_TAG` once the contest has :data:`MAX_TAGS` tags (``known``: its
    :func:`stored_tags`, when the caller has read them already)."""
    tag = str(tag or "").strip().lower()
    if not TAG.match(tag):
        return ""
    known = stored_tags(contest) if known is None else known
    if tag not in known and len(known) >= MAX_TAGS:
        return OTHER_TAG
    return tag


def counts(contest, tag, day):
    """The :class:`Counts` of ``tag`` on ``day`` (a date), made on first use (a POST)."""
    key = (tag, day.isoformat())
    found = contest.response.get(key)
    if found is None:
        found = contest.response[key] = Counts()
    return found


def enter(contest, details, *, email_key, lang, tag, now, day):
    """A new, unconfirmed entry of ``contest`` from ``details`` (``name``, ``street``,
    ``postcode``, ``city``, ``country``, ``email``, ``answer``, ``estimate``), or Refused.

    ``email_key``: the normalised address (``newsletter.api.normalise_address``); ``tag``:
    the cleaned campaign tag; ``day``: today in the shop's time zone (the counts' day).
    """
    if not contest.is_open(now):
        raise Refused(NOT_OPEN)
    if details["country"] not in contest.countries:
        raise Refused(COUNTRY)
    if email_key in contest.by_email:
        raise Refused(ALREADY_ENTERED)
    household = postal_key(details["street"], details["postcode"], details["country"])
    if household in contest.by_postal:
        raise Refused(SAME_HOUSEHOLD)
    for key, earlier in list(contest.entries.items()):
        if earlier.confirmed is None and earlier.email_key == email_key:
            del contest.entries[key]  # replaced by this one
    entry = Entry(
        key=new_key(),
        name=details["name"],
        street=details["street"],
        postcode=details["postcode"],
        city=details["city"],
        country=details["country"],
        email=details["email"],
        email_key=email_key,
        postal_key=household,
        lang=lang,
        answer=str(details["answer"]),
        estimate=int(details["estimate"]),
        created=now,
        tag=tag,
    )
    contest.entries[entry.key] = entry
    counts(contest, tag, day).started.change(1)
    return entry


def find(contest, secret, token, now):
    """The unconfirmed entry a confirmation ``token`` opens, or Refused saying why not."""
    claim = tokens.read_token(secret, token)
    if claim is None or claim[0] != contest.__name__:
        raise Refused(_("This confirmation link is not valid."))
    __, key, nonce, issued = claim
    entry = contest.entries.get(key)
    if entry is not None and entry.confirmed is not None and nonce != entry.nonce:
        raise Refused(_("Your entry is already confirmed."))
    if entry is None or not secrets.compare_digest(nonce, entry.nonce):
        raise Refused(_("This confirmation link is no longer valid."))
    if now.timestamp() - issued > tokens.MAX_AGE:
        raise Refused(_("This confirmation link has expired. Please enter again."))
    return entry


def confirm(contest, entry, *, now, day):
    """Count ``entry`` (its link was followed), or Refused (closed, or this person or
    household confirmed another entry first)."""
    if not contest.is_open(now):
        raise Refused(_("This contest closed before your entry was confirmed."))
    if entry.email_key in contest.by_email:
        raise Refused(ALREADY_ENTERED)
    if entry.postal_key in contest.by_postal:
        raise Refused(SAME_HOUSEHOLD)
    entry.confirmed = now
    entry.nonce = secrets.token_urlsafe(12)  # the link is used up
    contest.by_email[entry.email_key] = entry.key
    contest.by_postal[entry.postal_key] = entry.key
    contest.confirmed_count.change(1)
    counts(contest, entry.tag, day).confirmed.change(1)


def close(contest, true_value):
    """Record the tie-breaker's ``true_value`` and delete the entries never confirmed
    (they do not count, and nothing is kept that is not needed).  The caller does the
    workflow's ``close``; ValueError before the closing time is the caller's check too."""
    contest.true_value = int(true_value)
    for key in [key for key, entry in contest.entries.items() if entry.confirmed is None]:
        del contest.entries[key]


def disqualify(contest, entry, reason, who, now):
    """Put ``entry`` out of the ranking with ``reason`` (the next entry moves up); only
    before the winners are confirmed."""
    if contest.workflow_state != CLOSED:
        raise Refused(_("The winners are already confirmed."))
    entry.disqualified = (reason, who, now)


def requalify(contest, entry):
    """Undo a disqualification (only before the winners are confirmed)."""
    if contest.workflow_state != CLOSED:
        raise Refused(_("The winners are already confirmed."))
    entry.disqualified = None


def confirm_winners(contest):
    """Fix the winners from the ranking (the caller does the workflow's ``confirm`` and
    mails them); returns them."""
    found = ranking.winners(contest)
    contest.winner_keys = tuple(entry.key for entry in found)
    return found


def winners(contest):
    """The confirmed winners' entries still kept (none after the purge)."""
    return [contest.entries[key] for key in contest.winner_keys if key in contest.entries]


def public_line(entry):
    """What the public page shows of a winner: first name, initial and town.

    >>> from types import SimpleNamespace as E
    >>> public_line(E(name="Anna de Smet", city="Gent"))
    ('Anna S.', 'Gent')
    """
    words = entry.name.split()
    shown = words[0] if len(words) == 1 else f"{words[0]} {words[-1][0].upper()}."
    return shown, entry.city


def announce(contest, now):
    """Publish the winners' public lines (the caller does the workflow's ``announce``)."""
    contest.public_winners = tuple(public_line(entry) for entry in winners(contest))
    contest.announced = now


def mark_delivered(contest, entry, now):
    """A winner's prize was delivered: their delivery data go :data:`KEPT_AFTER` later."""
    entry.prize_delivered = now


def purge_due(contest, now):
    """Delete what the retention rules no longer allow to keep (see the privacy purpose
    ``contest``): 60 days after the announcement every entry but the winners', and a
    winner's entry 60 days after their prize was delivered.  Returns how many entries
    went; True in ``contest.purged`` once none is left (the caller does ``purge``)."""
    if contest.workflow_state != ANNOUNCED or contest.announced is None:
        return 0
    if now < contest.announced + KEPT_AFTER:
        return 0
    keep = set(contest.winner_keys)
    gone = 0
    for key, entry in list(contest.entries.items()):
        delivered = entry.prize_delivered
        if key not in keep or (delivered is not None and now >= delivered + KEPT_AFTER):
            _remove(contest, entry)
            gone += 1
    if not len(contest.entries):
        contest.purged = now
    return gone


def _remove(contest, entry):
    """Take ``entry`` out of the entries and of both indexes (what it said of its entrant
    then lives only in the database's history, which the daily pack removes)."""
    del contest.entries[entry.key]
    if contest.by_email.get(entry.email_key) == entry.key:
        del contest.by_email[entry.email_key]
    if contest.by_postal.get(entry.postal_key) == entry.key:
        del contest.by_postal[entry.postal_key]


def of_address(contest, email_key):
    """The entries of ``contest`` made with the normalised address ``email_key``."""
    return [entry for entry in contest.entries.values() if entry.email_key == email_key]


def erase(contest, entry):
    """Delete ``entry`` on its entrant's request (an erasure): it leaves the ranking and
    the indexes, and a winner's line leaves the public announcement; the counts stay (they
    never said who)."""
    _remove(contest, entry)
    if entry.confirmed is not None:
        contest.confirmed_count.change(-1)
    if entry.key in contest.winner_keys:
        contest.winner_keys = tuple(key for key in contest.winner_keys if key != entry.key)
        # Announced already: the public line that named this winner goes too (one of two
        # equal lines is the same line).
        lines = list(contest.public_winners)
        if public_line(entry) in lines:
            lines.remove(public_line(entry))
            contest.public_winners = tuple(lines)


def forget_unconfirmed(contest, before):
    """Delete the entries never confirmed that were sent before ``before`` (their link has
    expired: ``shopcms retention``); returns how many went.  They were in no index and in
    no count but ``started``, which stays."""
    old = [
        entry
        for entry in contest.entries.values()
        if entry.confirmed is None and entry.created < before
    ]
    for entry in old:
        _remove(contest, entry)
    return len(old)
