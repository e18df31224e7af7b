"""The contests' rows on the translation board (``pages``' ``config.add_board_rows``).

For every contest still open to changes and every language: ``missing`` (no text),
``outdated`` (another language's own text was saved after it, and it is not a translation
of that text or a later one), or ``up-to-date``; the link opens the contest's edit page in
that language with the text to translate from (``?compare=``), whose saving records the
translation (``ContestText.translation_of``), so a translation that catches up never sends
the original back to outdated.
"""

from shopcms.contests import editing
from shopcms.contests.resources import Contest

MISSING, UP_TO_DATE, OUTDATED = "missing", "up-to-date", "outdated"


def makes_outdated(newer, text):
    """Does ``newer`` (another language's text) leave ``text`` behind?"""
    if newer.changed is None or text.changed is None or newer.changed <= text.changed:
        return False
    # A translation brings nothing new to translate back.
    return newer.translation_of is None


def cells(contest, languages):
    """``[(lang, state, newer, changed)]``: one per language (see the module)."""
    found = []
    for lang in languages:
        text = contest.texts.get(lang)
        if text is None:
            found.append((lang, MISSING, None, None))
            continue
        newer = [
            other
            for other, other_text in contest.texts.items()
            if other != lang
            and other in languages
            and makes_outdated(other_text, text)
            and not _translates(text, other, other_text)
        ]
        if newer:
            newest = max(newer, key=lambda other: contest.texts[other].changed)
            found.append((lang, OUTDATED, newest, text.changed))
        else:
            found.append((lang, UP_TO_DATE, None, text.changed))
    return found


def _translates(text, other, other_text):
    source = text.translation_of
    return bool(source) and source[0] == other and source[1] >= other_text.changed


def rows(request, languages):
    """The board's rows of the contests (the provider given to ``add_board_rows``)."""
    contests = request.root.get("contests")
    found = []
    for name, contest in sorted((contests or {}).items()):
        if not isinstance(contest, Contest) or not editing.may_edit(contest):
            continue
        first = next((contest.texts[lang] for lang in languages if lang in contest.texts), None)
        line = []
        for lang, state, newer, changed in cells(contest, languages):
            compare = newer or next((other for other in languages if other in contest.texts), None)
            query = {"lang": lang}
            if compare and compare != lang:
                query["compare"] = compare
            line.append(
                {
                    "lang": lang,
                    "state": state,
                    "newer": newer,
                    "changed": changed,
                    "link": request.manage_link(contest, "edit", query=query),
                }
            )
        found.append(
            {
                "name": name,
                "title": first.title if first is not None else name,
                "url": request.manage_link(contest, slash=True),
                "cells": line,
            }
        )
    return found
