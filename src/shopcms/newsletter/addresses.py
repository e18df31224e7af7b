"""Mail addresses as the newsletter compares them: :func:`normalise` and :func:`digest`.

Two spellings of one mailbox must meet the same subscription and the same suppression
entry: ``Jan.Peeters@SoftCactus.BE `` and ``jan.peeters@softcactus.be`` are one address.
The whole address is lower-cased (providers treat the local part case-insensitively in
practice; a shop that kept mailing ``JAN@`` after ``jan@`` unsubscribed would break its
word), surrounding space and one trailing dot of the domain go, and an internationalised
domain is written in its IDNA form.  Nothing else is rewritten (no dropping of dots or
``+tags``: those can be different people's mailboxes).
"""

import hashlib
import hmac


def normalise(address):
    """The normalised form of ``address``; ValueError if it is not ``local@domain``."""
    text = " ".join(str(address or "").split()).strip().strip("<>").strip()
    if text.count("@") != 1 or " " in text:
        raise ValueError(f"not a mail address: {address!r}")
    local, domain = text.rsplit("@", 1)
    domain = domain.rstrip(".")
    if not local or not domain:
        raise ValueError(f"not a mail address: {address!r}")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise ValueError(f"not a mail address: {address!r}") from error
    return f"{local}@{domain}".lower()


def digest(key, address):
    """The keyed hash (HMAC-SHA256, hex) of ``address`` (normalised here) under ``key``.

    What the suppression list keeps of an erased address: enough to recognise it when it is
    given again, nothing to read it back from (the key stays in the database, so the hash
    only protects against reading, not against someone trying candidate addresses with the
    database in hand).
    """
    return hmac.new(key, normalise(address).encode("utf-8"), hashlib.sha256).hexdigest()
