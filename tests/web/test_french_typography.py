"""French punctuation spacing: a narrow no-break space (U+202F) before ; : ! ? and inside
« » in every French message, read from the compiled catalog the site serves
(``docs/translations.md``; ``make french-typography`` mends the catalog)."""

import gettext
from pathlib import Path

import pytest

from shopcms.web.typography import NNBSP, faults, fix, mend_catalog

MO = Path(__file__).resolve().parents[2] / "src/shopcms/locale/fr/LC_MESSAGES/shopcms.mo"


def french_messages():
    """Every translated French text (each plural form), header left out."""
    with MO.open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    return [text for msgid, text in catalog.items() if msgid != "" and text]


def test_every_french_message_spaces_its_punctuation():
    messages = french_messages()
    assert len(messages) > 1000, "the French catalog looks empty: run make translations"
    wrong = {text: faults(text) for text in messages if faults(text)}
    assert not wrong, f"{len(wrong)} French message(s) need U+202F:\n" + "\n".join(
        f"{places!r} in {text!r}" for text, places in sorted(wrong.items())
    )


def test_the_catalog_uses_the_narrow_space_where_it_matters():
    messages = french_messages()
    assert any(f"{NNBSP}:" in text for text in messages)
    assert any(f"«{NNBSP}" in text and f"{NNBSP}»" in text for text in messages)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Merci !", "Merci\u202f!"),
        ("Numéro : ${number}", "Numéro\u202f: ${number}"),
        ("${when}: l'avis", "${when}\u202f: l'avis"),  # a placeholder is a word
        ("Enregistrée ; veuillez", "Enregistrée\u202f; veuillez"),
        ("Pourquoi?", "Pourquoi\u202f?"),
        ("Quoi ?!", "Quoi\u202f?!"),  # one space, before the first mark only
        ("le bouton « Comparer »", "le bouton «\u202fComparer\u202f»"),
        ("«\u00a0${state}\u00a0»", "«\u202f${state}\u202f»"),
        ("«${state}»", "«\u202f${state}\u202f»"),
    ],
)
def test_fix_spaces_french_punctuation(text, expected):
    assert fix(text) == expected
    assert faults(text) and not faults(expected)


@pytest.mark.parametrize(
    "text",
    [
        "à 09:00, ou 2026-12-01T09:00",  # times
        "[lien](https://softcactus.be/a?b=1)",  # an address
        "écrivez à mailto:info@softcactus.be",
        '<a href="/nl/x?y=1">lien</a>',  # a tag
        "Merci\u202f!",
    ],
)
def test_what_is_not_prose_is_left_alone(text):
    assert fix(text) == text
    assert faults(text) == []


def test_mending_a_catalog_keeps_its_lines_and_header():
    po = (
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=3; plural=(n > 1);\\n"\n\n'
        'msgid ""\n"Sorry, not enough in stock: ${products}."\nmsgstr ""\n'
        '"Désolés, pas assez en stock"\n": ${products}."\n'
    )
    mended, count = mend_catalog(po)
    assert count == 1
    assert mended.splitlines()[2] == '"Plural-Forms: nplurals=3; plural=(n > 1);\\n"'
    assert mended.splitlines()[-2:] == ['"Désolés, pas assez en stock"', '"\u202f: ${products}."']
