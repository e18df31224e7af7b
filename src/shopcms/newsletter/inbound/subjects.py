"""Does a mail's subject ask to unsubscribe?  :func:`language` answers with the language
of the sentence it matched (``nl``, ``fr``, ``en``), or None.

The privacy statement and the contact page tell people to send a mail with the subject
:data:`SENTENCES` (one per language).  A subject asks to unsubscribe when, once its RFC 2047
encoded words are decoded and its reply/forward prefixes (any number, any mix: ``RE: Fwd:
Antw:``...) are stripped, it *equals* one of them, compared case- and accent-insensitively,
with runs of white space as one space, an apostrophe (straight or typographic) as a space,
and surrounding quotes and final punctuation ignored.  Anything more or less is not a
match: a question that quotes the sentence is for a person to read.

:func:`generic_language` recognises the one-word subjects mail programs put on a mail to a
``List-Unsubscribe`` mailto: ("Unsubscribe", "Uitschrijven", "Désinscription"...); the
processing uses it only for mail to the unsubscribe address.
"""

import contextlib
import re
import unicodedata
from email.header import decode_header, make_header

#: The sentences, word for word as the contact page shows them.
SENTENCES = {
    "nl": "Ik wens geen algemene info van Soft Cactus meer te ontvangen",
    "fr": "Je ne souhaite plus recevoir d'informations générales de Soft Cactus",
    "en": "I no longer wish to receive general information from Soft Cactus",
}

#: What mail programs and people write on a mail to the unsubscribe address.
GENERIC = {
    "nl": ("uitschrijven", "afmelden", "uitschrijving", "afmelding", "schrijf mij uit"),
    "fr": ("desinscription", "desabonnement", "se desinscrire", "se desabonner"),
    "en": ("unsubscribe", "unsubscribe me", "please unsubscribe", "opt out", "opt-out"),
}

# Reply and forward prefixes of mail programs in the shop's languages and its neighbours'
# (nl, fr, en, de, es, it, the Nordic ones), each followed by a colon (French typography
# puts a space before it), optionally counted: "Re[2]:", "RE (3):".  "Réf." is matched
# after the accents are gone.
_PREFIX = re.compile(
    r"^(?:re|fw|fwd|antw|antwoord|doorst|tr|wg|aw|rv|ref\.?|enc|rif|sv|vs|vb|r|i)"
    r"\s*(?:\[\d+\]|\(\d+\))?\s*:\s*"
)
_QUOTES = "\"'«»“”„‟‹›`"
_FINAL = ".!?…;:,"
# Apostrophes compare as a space: "d'informations", "d’informations", "d informations".
_APOSTROPHES = str.maketrans(dict.fromkeys("'’‘ʼ´`", " "))


def decoded(subject):
    """``subject`` with any RFC 2047 encoded words decoded (a header the ``email`` package
    read with ``policy=default`` is decoded already; this also takes the raw value)."""
    text = str(subject or "")
    if "=?" in text:
        # Not valid RFC 2047: compare the text as it is.
        with contextlib.suppress(ValueError, LookupError, UnicodeError):
            text = str(make_header(decode_header(text)))
    return text


def fold(text):
    """``text`` for comparing: decomposed, accents dropped, case-folded, apostrophes as
    spaces, white space runs as one space."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().translate(_APOSTROPHES).split())


def strip_prefixes(folded):
    """A folded subject without its reply/forward prefixes and surrounding quotes and
    final punctuation (repeatedly: ``Re: "Fwd: ..."``)."""
    while True:
        before = folded
        folded = _PREFIX.sub("", folded).strip()
        folded = folded.strip(_QUOTES).rstrip(_FINAL).strip()
        if folded == before:
            return folded


def core(subject):
    """What of ``subject`` is compared: decoded, folded, prefixes and decoration gone."""
    return strip_prefixes(fold(decoded(subject)))


_SENTENCES = {strip_prefixes(fold(text)): lang for lang, text in SENTENCES.items()}
_GENERIC = {word: lang for lang, words in GENERIC.items() for word in words}


def language(subject):
    """The language of the unsubscribe sentence ``subject`` is, or None (see the module)."""
    return _SENTENCES.get(core(subject))


def generic_language(subject):
    """The language of the one-word unsubscribe subject ``subject`` is, or None."""
    return _GENERIC.get(core(subject))
