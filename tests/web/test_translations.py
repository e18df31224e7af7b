"""Every UI string is extracted and translated in each shop language.

The template is extracted afresh with lingua (as ``make extract-messages`` does), so a
string added to the code or the templates fails here until it is extracted, merged and
translated in nl, fr and en.  colander's and deform's own catalogs cover form messages.
"""

import importlib.resources
import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "src" / "shopcms" / "locale"
POT = LOCALES / "shopcms.pot"
LANGUAGES = ("nl", "fr", "en")
PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


def key(entry):
    """Identify a message by its context and msgid."""
    return (entry.msgctxt or "", entry.msgid)


def label(msg_key):
    context, msgid = msg_key
    return f"{context}|{msgid}" if context else msgid


def forms(entry):
    """The translated text of ``entry``: its msgstr, or every plural form of a plural one."""
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def entries(catalog):
    return [entry for entry in catalog if not entry.obsolete and entry.msgid]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The template as lingua extracts it from the current sources and their templates."""
    output = tmp_path_factory.mktemp("i18n") / "shopcms.pot"
    pot_create = Path(sys.executable).parent / "pot-create"
    subprocess.run(
        [
            str(pot_create),
            "--config",
            "lingua.cfg",
            "--package-name",
            "shopcms",
            "--output",
            str(output),
            "src/shopcms",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return {key(entry) for entry in entries(polib.pofile(str(output)))}


def catalog(lang):
    return polib.pofile(str(LOCALES / lang / "LC_MESSAGES" / "shopcms.po"))


def test_extracted_template_finds_messages(extracted):
    assert len(extracted) > 20, "lingua extracted suspiciously few messages"


def test_committed_template_is_current(extracted):
    committed = {key(entry) for entry in entries(polib.pofile(str(POT)))}
    missing = sorted(extracted - committed)
    stale = sorted(committed - extracted)
    assert not missing, (
        "shopcms.pot lacks these messages; run `make extract-messages`:\n"
        + "\n".join(label(m) for m in missing)
    )
    assert not stale, (
        "shopcms.pot has messages no longer in the code; run `make extract-messages`:\n"
        + "\n".join(label(m) for m in stale)
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_header(lang):
    po = catalog(lang)
    assert po.metadata.get("Language") == lang
    assert "nplurals=" in po.metadata.get("Plural-Forms", "")
    assert "charset=utf-8" in po.metadata.get("Content-Type", "").lower()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated(lang, extracted):
    translated = {key(entry): entry for entry in entries(catalog(lang))}
    absent = sorted(m for m in extracted if m not in translated)
    empty = sorted(
        m
        for m in extracted
        if m in translated and not all(text.strip() for text in forms(translated[m]))
    )
    # A plural needs every form its language has: gettext shows the English text for a
    # number whose form is missing (French has three here: 0-1, millions, the rest).
    plurals = int(re.search(r"nplurals=(\d+)", catalog(lang).metadata["Plural-Forms"])[1])
    empty += sorted(
        m
        for m in extracted
        if m in translated
        and translated[m].msgid_plural
        and len(translated[m].msgstr_plural) < plurals
    )
    fuzzy = sorted(m for m in extracted if m in translated and translated[m].fuzzy)
    problems = [f"missing from {lang}/shopcms.po: {label(m)}" for m in absent]
    problems += [f"untranslated: {label(m)}" for m in empty]
    problems += [f"fuzzy: {label(m)}" for m in fuzzy]
    assert not problems, f"{lang}: {len(problems)} message(s) need work:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match(lang):
    wrong = []
    for entry in entries(catalog(lang)):
        expected = set(PLACEHOLDER.findall(entry.msgid))
        for text in forms(entry):
            found = set(PLACEHOLDER.findall(text))
            if text and expected != found:
                wrong.append(
                    f"{entry.msgid!r}: expected {sorted(expected)}, got {sorted(found)} in {text!r}"
                )
    assert not wrong, f"{lang}: placeholders differ:\n" + "\n".join(wrong)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("package", ["colander", "deform"])
@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_form_library_catalogs_installed(package, lang):
    messages = importlib.resources.files(package) / "locale" / lang / "LC_MESSAGES"
    compiled = messages / f"{package}.mo"
    assert compiled.is_file(), f"{package}:locale has no compiled {lang} catalog"
    assert len(compiled.read_bytes()) > 100
