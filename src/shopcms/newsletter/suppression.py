"""The suppression list: addresses that get no newsletter or contest mail, ever again.

It is the last check before such a mail is composed (:func:`is_suppressed`), and is never
asked for order, account or privacy mails: those always go out (privacy statement, section
on orders).  Entries are keyed by the keyed hash of the normalised address
(``addresses.digest``); see :class:`~shopcms.newsletter.resources.Suppressed`.
"""

from shopcms.newsletter.addresses import digest, normalise
from shopcms.newsletter.resources import ERASED, Suppressed


def entry(newsletter, address):
    """The suppression entry of ``address``, or None (also for a malformed address)."""
    try:
        return newsletter.suppression.get(digest(newsletter.hash_key, address))
    except ValueError:
        return None


def is_suppressed(newsletter, address):
    """Must ``address`` get no newsletter or contest mail?  (A malformed one: no mail.)"""
    try:
        return digest(newsletter.hash_key, address) in newsletter.suppression
    except ValueError:
        return True


def suppress(newsletter, address, reason, when, steps=(), consents=()):
    """Put ``address`` on the list for ``reason`` (kept if already there, with its first
    reason and date, the history of ``steps``/``consents`` added); returns the entry."""
    key = digest(newsletter.hash_key, address)
    found = newsletter.suppression.get(key)
    if found is not None:
        if steps or consents:
            found.steps = found.steps + tuple(steps)
            found.consents = found.consents + tuple(consents)
        return found
    entry = Suppressed(normalise(address), reason, when, steps, consents)
    newsletter.suppression[key] = entry
    return entry


def lift(newsletter, address):
    """Take ``address`` off the list (it confirmed a new subscription); returns the entry
    that was there (its history goes into the new subscription), or None."""
    try:
        key = digest(newsletter.hash_key, address)
    except ValueError:
        return None
    return newsletter.suppression.pop(key, None)


def forget(newsletter, address, when):
    """Erasure: the entry of ``address`` keeps only its key (the hash), the reason
    ``erased`` and ``when``; made if there was none, so the address is never mailed again."""
    key = digest(newsletter.hash_key, address)
    newsletter.suppression[key] = Suppressed(None, ERASED, when)
