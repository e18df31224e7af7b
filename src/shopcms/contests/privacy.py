"""The contests' side of the privacy statement (purpose ``contests``).

- **Export** (an account's, or a guest's by address at the privacy desk): every entry made
  with the address, in every contest not yet purged: the contest's name and title, the
  name, postal address and email given, the language, the answer (and the choice's text
  for a multiple-choice question), the estimate, the campaign tag of the link followed,
  when it was sent and confirmed, whether it won, a disqualification's reason and date,
  when a prize was delivered.  Left out: the single-use ``nonce`` of the confirmation link
  (no data about anyone), the normalised address keys (the address itself is exported) and
  who of the staff disqualified an entry (no other person's identifier).  An account's
  entries are those made with the account's email address: entering needs no account, so
  that is the only link between them.
- **Erasure**: :func:`shopcms.contests.entries.erase` for each of those entries: the entry
  goes with its places in the indexes, the ranking and the winners; a winner's line on the
  public announcement goes too (the announcement then names one winner fewer).  The counts
  per campaign and day stay: they never said who.
- **Retention** (``shopcms retention``, :func:`purge_expired`): an entry never confirmed
  is deleted once its confirmation link has expired (``tokens.MAX_AGE``, 7 days; closing a
  contest deletes the rest); 60 days after the winners were announced every entry but the
  winners', and a winner's 60 days after the prize was delivered
  (:func:`shopcms.contests.entries.purge_due`); a contest with no entry left is then
  ``purged`` (the workflow's system transition).  What stays: the counts, the number of
  confirmed entries and the public winners' lines (first name, initial and town).
"""

from datetime import timedelta

from shopcms.contests import entries
from shopcms.contests.answers import answer_text
from shopcms.contests.tokens import MAX_AGE
from shopcms.contests.workflow import ANNOUNCED, CONTEST_WORKFLOW, PURGED
from shopcms.newsletter.api import normalise_address
from shopcms.privacy.export import Contributor, add_contributor
from shopcms.web.i18n import _

#: Who the workflow history names for the purge.
ACTOR = "retention"
#: How long an unconfirmed entry is kept: as long as its confirmation link works.
UNCONFIRMED_KEPT = timedelta(seconds=MAX_AGE)

#: The names of the exported fields on the readable export page (None: JSON only).
LABELS = {
    "contest": None,
    "contest_title": _("Contest"),
    "name": _("Name"),
    "street": _("Street and number"),
    "postcode": _("Postcode"),
    "city": _("City"),
    "country": _("Country"),
    "email": _("Email address"),
    "language": _("Language"),
    "answer": None,
    "answer_text": _("Your answer"),
    "estimate": _("Your estimate"),
    "campaign": _("Campaign code"),
    "sent": _("Sent"),
    "confirmed": _("Confirmed"),
    "winner": _("Winner"),
    "disqualified": _("Reason for disqualification"),
    "disqualified_when": _("Disqualified on"),
    "prize_delivered": _("Prize delivered"),
}


def _contests(root):
    """The contests that may still hold entries (a purged one holds none)."""
    folder = root.get("contests")
    if folder is None:
        return []
    return [contest for contest in folder.values() if contest.workflow_state != PURGED]


def _title(contest, lang):
    """The contest's title in ``lang``, else in any language it has."""
    text = contest.texts.get(lang) or next(iter(contest.texts.values()), None)
    return text.title if text is not None else contest.__name__


def exported(contest, entry):
    """One entry as the export shows it (plain values)."""
    disqualified = entry.disqualified
    return {
        "contest": contest.__name__,
        "contest_title": _title(contest, entry.lang),
        "name": entry.name,
        "street": entry.street,
        "postcode": entry.postcode,
        "city": entry.city,
        "country": entry.country,
        "email": entry.email,
        "language": entry.lang,
        "answer": entry.answer,
        "answer_text": answer_text(contest, entry),
        "estimate": entry.estimate,
        "campaign": entry.tag,
        "sent": entry.created,
        "confirmed": entry.confirmed,
        "winner": entry.key in contest.winner_keys,
        "disqualified": disqualified[0] if disqualified else None,
        "disqualified_when": disqualified[2] if disqualified else None,
        "prize_delivered": entry.prize_delivered,
    }


def entries_of(root, addresses):
    """``[(contest, entry)]`` of the entries made with any of ``addresses``, oldest first
    in each contest.  A malformed address finds nothing."""
    keys = set()
    for address in addresses:
        try:
            keys.add(normalise_address(address))
        except ValueError:
            continue
    found = []
    for contest in _contests(root):
        for key in sorted(keys):
            found.extend((contest, entry) for entry in entries.of_address(contest, key))
    return found


def export_account(root, account):
    return export_guest(root, account.email)


def export_guest(root, email):
    return [exported(contest, entry) for contest, entry in entries_of(root, [email])] or None


def erase_guest(root, email, now, registry, options=frozenset()):
    """Erase the entries made with ``email``; the report's line (no personal value)."""
    found = entries_of(root, [email])
    for contest, entry in found:
        entries.erase(contest, entry)
    if not found:
        return None
    return f"contests: {len(found)} entry(ies) erased; the counts per campaign and day stay"


def erase_account(root, account, now, registry, options=frozenset()):
    return erase_guest(root, account.email, now, registry, options)


def purge_expired(site, now):
    """Apply the retention rules to every contest (see the module); returns ``(unconfirmed
    entries deleted, entries purged after the announcement, contests purged)``.  Changes
    only what the rules say, in the caller's transaction."""
    unconfirmed = purged_entries = purged_contests = 0
    limit = now - UNCONFIRMED_KEPT
    for contest in _contests(site):
        unconfirmed += entries.forget_unconfirmed(contest, limit)
        if contest.workflow_state != ANNOUNCED:
            continue
        purged_entries += entries.purge_due(contest, now)
        if contest.purged is not None:  # purge_due found nothing left to keep
            CONTEST_WORKFLOW.transition(contest, None, "purge", actor=ACTOR)
            purged_contests += 1
    return unconfirmed, purged_entries, purged_contests


def includeme(config):
    add_contributor(
        config.registry,
        Contributor(
            "contests",
            _("Contest entries"),
            export=export_account,
            erase=erase_account,
            export_guest=export_guest,
            erase_guest=erase_guest,
            labels=LABELS,
        ),
    )
