"""The consent ledger: proof of every consent given or withdrawn (GDPR art. 7(1)).

Each customer's :class:`~shopcms.accounts.resources.Preferences` holds an append-only list
of :class:`ConsentEvent`: which purpose, granted or withdrawn, when, through which form, and
the id and hash of the privacy-statement revision in force in the customer's language at
that moment (for the cookie choices: of the cookie policy).  Nothing is ever changed or
removed from it while the account exists (erasing the account erases it with the rest).
The current state of a purpose is its latest event; no event means not given: consent is
never assumed.
"""

from dataclasses import dataclass
from datetime import datetime

from shopcms.privacy.purposes import PURPOSES

POLICY_PAGE = "privacy"


# Frozen and pickled into ZODB with the ledger: keep the module path and field names.
@dataclass(frozen=True)
class ConsentEvent:
    purpose: str
    granted: bool
    when: datetime
    form: str  # where it was given or withdrawn, e.g. "checkout", "account-privacy"
    policy_revision: str | None  # e.g. "privacy:nl:3"
    policy_hash: str | None
    lang: str


def policy_in_force(root, lang, now, policy=POLICY_PAGE):
    """The privacy statement's (or the policy page ``policy``'s) revision in force in
    ``lang`` at ``now`` (falls back to any language that has one), or None."""
    page = root["pages"].get(policy)
    if page is None:
        return None
    revision = page.in_force(lang, now)
    if revision is None:
        for other in page.languages():
            revision = page.in_force(other, now)
            if revision is not None:
                break
    return revision


def _check(purpose):
    if purpose not in PURPOSES or not PURPOSES[purpose].needs_consent:
        raise ValueError(f"{purpose!r} is not a purpose that needs consent")


def record(preferences, root, purpose, granted, form, lang, now, policy=POLICY_PAGE):
    """Append a consent event for ``purpose`` (which must need consent) and return it.

    The event names the revision of the privacy statement in force, or of the policy page
    ``policy`` (the cookie choices name the cookie policy's).  Returns None, appending
    nothing, when the state would not change (a repeated click).
    """
    _check(purpose)
    if given(preferences, purpose) == bool(granted):
        return None
    revision = policy_in_force(root, lang, now, policy)
    return _append(preferences, purpose, bool(granted), form, revision, lang, now)


def _append(preferences, purpose, granted, form, revision, lang, now):
    event = ConsentEvent(
        purpose=purpose,
        granted=granted,
        when=now,
        form=form,
        policy_revision=revision.id if revision is not None else None,
        policy_hash=revision.text_hash if revision is not None else None,
        lang=lang,
    )
    preferences.consents.append(event)
    return event


def latest(preferences, purpose):
    """The latest event for ``purpose``, or None."""
    for event in reversed(preferences.consents):
        if event.purpose == purpose:
            return event
    return None


def given(preferences, purpose):
    """True while ``purpose`` has been consented to and not withdrawn since."""
    event = latest(preferences, purpose)
    return event is not None and event.granted


def given_under_older_policy(preferences, root, lang, now):
    """Purposes whose consent stands but was given under an older privacy statement than
    the one now in force (compared by revision hash, so a new wording is noticed).

    Each consent is compared with the statement now in force in the language it was given
    in (``lang`` only for an event that names none): a customer who reads the site in
    another language since has not seen their statement change.
    """
    stale = []
    for purpose in PURPOSES:
        event = latest(preferences, purpose)
        if event is None or not event.granted:
            continue
        # The policy the event names ("cookies:nl:2": the cookie policy), else the statement.
        policy = (event.policy_revision or POLICY_PAGE).split(":")[0]
        current = policy_in_force(root, event.lang or lang, now, policy)
        if current is not None and event.policy_hash != current.text_hash:
            stale.append(purpose)
    return stale


def renew(preferences, root, purpose, form, lang, now):
    """Confirm a standing consent under the privacy statement now in force in ``lang``.

    Appends a new granted event naming the revision in force and returns it.  Returns None,
    appending nothing, when the consent is not given (giving it is :func:`record`) or was
    already given under that revision's text (a repeated click).
    """
    _check(purpose)
    event = latest(preferences, purpose)
    if event is None or not event.granted:
        return None
    revision = policy_in_force(root, lang, now)
    if revision is None or event.policy_hash == revision.text_hash:
        return None
    return _append(preferences, purpose, True, form, revision, lang, now)


def revision_url(request, revision_id):
    """The stable URL of the policy revision a consent event names (``privacy:nl:3`` ->
    ``/nl/privacy/versions/3``), or None for an id of another form."""
    try:
        name, lang, number = (revision_id or "").split(":")
        int(number)
    except ValueError:
        return None
    return request.link(None, name, "versions", number, lang=lang)
