"""Gift card codes: what the customer types, and what the database keeps of it.

A code is 16 characters of Crockford's base 32 (no I, L, O or U: nothing to misread),
80 random bits, written in four groups: ``K7QM-2D9X-F3TB-8WHN``.  Guessing one is
hopeless, and the balance page limits the tries per client besides.

A card sold with an order has a code derived from the shop's secret (``shopcms.secret``,
in the ini, never in the database), the order's number and the card's place in it
(:func:`derive`): the mail composer makes the code again when it sends the mail (the
outbox holds no secret), and the order desk can send it again.

The database never keeps a code: a card is found by :func:`digest`, a keyed hash
(HMAC-SHA256) of the :func:`normalise`-d code under a random key kept in the
``giftcards`` folder, and shows only its last four characters (``last4``).  Someone who
reads a backup cannot spend the cards in it.
"""

import hashlib
import hmac
import secrets

#: Crockford's base 32 alphabet.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Characters a customer may type for another (Crockford's decoding rules).
_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
LENGTH = 16


def new_code():
    """A new random code, grouped by four with dashes."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def derive(secret, order, index):
    """The code of card ``index`` (0, 1, ...) of ``order`` (its number) under ``secret``
    (the shop's secret, text): the same arguments give the same code, grouped by four."""
    mac = hmac.new(secret.encode(), f"giftcard|{order}|{index}".encode(), hashlib.sha256)
    number = int.from_bytes(mac.digest()[:10], "big")  # 80 bits, 16 characters of 5
    raw = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(LENGTH)))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def normalise(text):
    """The code in ``text`` as stored in the digest: upper case, without spaces or dashes,
    O read as 0 and I or L as 1; None when it cannot be a code (wrong length or
    characters), so a typo is told apart from an unknown code without any lookup."""
    compact = "".join(str(text or "").split()).replace("-", "").upper().translate(_READS_AS)
    if len(compact) != LENGTH or any(char not in ALPHABET for char in compact):
        return None
    return compact


def digest(key, code):
    """The keyed hash (hex) of the normalised ``code`` under ``key`` (bytes)."""
    return hmac.new(key, code.encode("ascii"), hashlib.sha256).hexdigest()


def last4(code):
    """What pages and mails after the first show of a code: its last four characters."""
    return code[-4:]
