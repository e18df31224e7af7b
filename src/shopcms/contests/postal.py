"""Postal addresses as the contests compare them: one household enters once.

:func:`postal_key` turns an address into the form two spellings of it share: case, accents,
punctuation and spacing do not count, and the common abbreviations of Belgian, Dutch and
French street names are written out the same way (``Kerkstraat 5``, ``kerkstr. 5`` and
``KERK STRAAT  5`` are one address).  The key is the country, the postcode and the street
with its number; the town's name is left out because a Belgian postcode already names it
and people write a town as its municipality or as its borough (``Gent`` or ``Sint-Amandsberg``).
"""

import re

from shopcms.contests.answers import comparable

#: Word endings and words written several ways, and the one form they share.  Applied to
#: the comparable form (lower case, no accents, no punctuation).
_SUFFIXES = (
    (re.compile(r"(\w)\s*(straat|str)\b"), r"\1str"),
    (re.compile(r"(\w)\s*(steenweg|stwg|stw)\b"), r"\1stwg"),
    (re.compile(r"(\w)\s*(laan|ln)\b"), r"\1ln"),
    (re.compile(r"(\w)\s*(plein|pln)\b"), r"\1pln"),
)
_WORDS = {
    "straat": "str",
    "steenweg": "stwg",
    "laan": "ln",
    "plein": "pln",
    "avenue": "av",
    "boulevard": "bd",
    "bld": "bd",
    "blvd": "bd",
    "chaussee": "ch",
    "chee": "ch",
    "place": "pl",
    "square": "sq",
    "sint": "st",
    "saint": "st",
    "sainte": "ste",
    "bus": "bte",
    "boite": "bte",
    "bte": "bte",
    "b": "bte",
}


def street_key(street):
    """The comparable form of a street and number (see the module).

    >>> street_key("Kerkstraat 5"), street_key("kerkstr. 5"), street_key("KERK STRAAT  5")
    ('kerkstr 5', 'kerkstr 5', 'kerkstr 5')
    """
    text = comparable(street)
    for pattern, replacement in _SUFFIXES:
        text = pattern.sub(replacement, text)
    words = [_WORDS.get(word, word) for word in text.split()]
    # "5 bus 2", "5/2" and "5 b2" are one letterbox: numbers stay, the word for "box" goes.
    return " ".join(word for word in words if word != "bte")


def postcode_key(postcode):
    """The postcode without spaces or hyphens, in capitals (``1000``, ``1011AB``)."""
    return re.sub(r"[\s-]", "", str(postcode or "")).upper()


def postal_key(street, postcode, country):
    """The key two spellings of one address share: ``"BE|9000|kerkstr 5"``."""
    return f"{str(country).upper()}|{postcode_key(postcode)}|{street_key(street)}"
