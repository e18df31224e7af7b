"""Checking an entrant's answer to the skill question.

A multiple-choice question is answered with the number of a choice (the choices are listed
in the same order in every language, so the number means the same thing everywhere).  A
short-answer question is answered in words: the answer is right when its
:func:`comparable` form equals that of one of the accepted variants, in any of the
contest's languages (an entrant on the French page who writes the Dutch name of a city is
not wrong).  Comparing ignores case, accents, punctuation and spacing: ``"  Sint-Niklaas"``,
``"sint niklaas"`` and ``"SINT NIKLAAS!"`` are one answer.
"""

import unicodedata

CHOICE = "choice"
TEXT = "text"
KINDS = (CHOICE, TEXT)


def comparable(text):
    """``text`` case-folded, without accents, punctuation or repeated spaces.

    >>> comparable("  Crème   Brûlée! "), comparable("Sint-Niklaas")
    ('creme brulee', 'sint niklaas')
    """
    decomposed = unicodedata.normalize("NFKD", str(text or "")).casefold()
    kept = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category == "Mn":  # a combining accent
            continue
        kept.append(char if category[0] in "LN" else " ")
    return " ".join("".join(kept).split())


def is_correct(contest, answer):
    """Is ``answer`` (a choice's number as text, or the words typed) right for ``contest``?"""
    if contest.kind == CHOICE:
        return str(answer).strip() == str(contest.correct_choice)
    given = comparable(answer)
    if not given:
        return False
    return any(
        given == comparable(variant) for text in contest.texts.values() for variant in text.accepted
    )


def answer_text(contest, entry):
    """What ``entry`` answered, in words: the choice's text in the entry's language for a
    multiple-choice question (the answer is the choice's number, counted from 0), else the
    words typed."""
    if contest.kind != CHOICE:
        return entry.answer
    text = contest.texts.get(entry.lang) or next(iter(contest.texts.values()), None)
    choices = text.choices if text is not None else ()
    if entry.answer.isdigit() and int(entry.answer) < len(choices):
        return choices[int(entry.answer)]
    return entry.answer
