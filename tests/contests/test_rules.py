"""Acceptance 7 of the contests: the rules page of every contest names the skill question,
the tie-breaker and says that no purchase is needed, in nl, fr and en; there is no way to
configure a random draw.

The page is made from the contest's own fields (``contests.rules``): the question and its
choices and the tie-breaker question in the page's language, the period, who may enter,
the six rules of the ranking, how winners are told and the privacy notice.  "No way to
configure a draw": no field of the contest, of its texts or of any form of the contests
names one, no module of the package imports ``random``, and the rules page says plainly
that nothing is left to chance.
"""

import ast
import dataclasses
import importlib
import pkgutil
import re
from pathlib import Path

import colander
import pytest

import shopcms.contests
from shopcms.contests.resources import Contest, ContestText
from tests.contests.helpers import TEXTS, make_contest

#: What each language says (from the catalog): no purchase, no draw, the tie-breaker's
#: heading, the ranking's first rule.
SAYS = {
    "nl": {
        "purchase": "Voor deelname is geen aankoop nodig en geen account: deelnemen is gratis.",
        "draw": "Niets wordt aan het toeval overgelaten: er is geen loting.",
        "tiebreak": "De schiftingsvraag",
        "question": "De vraag",
        "organiser": "Deze wedstrijd wordt georganiseerd door onto object bvba",
        "kept": "tot 60 dagen nadat de winnaars bekendgemaakt zijn",
    },
    "fr": {
        "purchase": "Aucun achat n'est nécessaire pour participer, ni aucun compte",
        "draw": "Rien n'est laissé au hasard\u202f: il n'y a pas de tirage au sort.",
        "tiebreak": "La question subsidiaire",
        "question": "La question",
        "organiser": "Ce concours est organisé par onto object bvba",
        "kept": "jusqu'à 60 jours après l'annonce des gagnants",
    },
    "en": {
        "purchase": "No purchase is needed to take part, and no account: taking part is free.",
        "draw": "Nothing is left to chance: there is no draw.",
        "tiebreak": "The tie-breaker question",
        "question": "The question",
        "organiser": "This contest is organised by onto object bvba",
        "kept": "until 60 days after the winners are announced",
    },
}
#: Words a setting for a draw would be named by, in any of the three languages.
DRAW_WORDS = re.compile(
    r"draw|random|lottery|lotter|raffle|chance|luck|shuffle|seed|lot_|loting|trekking|"
    r"tirage|hasard|sort",
    re.IGNORECASE,
)


def section(page, slug):
    """The text of the rules page's section ``slug``."""
    return page.html.find(id=f"rules-{slug}").get_text(" ", strip=True)


@pytest.mark.parametrize("kind", ["choice", "text"])
@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_rules_name_the_question_the_tiebreaker_and_no_purchase(app, site, lang, kind):
    make_contest(site, kind=kind)
    page = app.get(f"/{lang}/contests/needles/rules")
    text, says = TEXTS[lang], SAYS[lang]
    assert page.html.find("html")["lang"] == lang

    question = section(page, "question")
    assert question.startswith(says["question"]) and text.question in question
    if kind == "choice":  # every choice, in the page's language
        assert all(choice in question for choice in text.choices)
    tiebreak = section(page, "tiebreak")
    assert tiebreak.startswith(says["tiebreak"]) and text.tiebreak in tiebreak
    assert says["purchase"] in section(page, "who")
    assert text.prizes in section(page, "prizes")
    assert says["organiser"] in section(page, "organiser")

    choosing = page.html.find(id="rules-choosing")
    assert len(choosing.find("ol").find_all("li")) == 6  # the six rules of the ranking
    assert says["draw"] in choosing.get_text(" ", strip=True)

    privacy = page.html.find(id="rules-privacy")
    assert says["kept"] in privacy.get_text(" ", strip=True)
    assert privacy.find("a", href=f"/{lang}/privacy") is not None


def test_the_rules_say_who_may_enter_and_when(app, site):
    make_contest(site, countries=("BE",), winners=3)
    page = app.get("/nl/contests/needles/rules")
    who = section(page, "who")
    assert "18 jaar of ouder" in who and "België" in who and "Nederland" not in who
    assert "Eén deelname per persoon en per gezin" in who
    assert "Er zijn 3 winnaars." in section(page, "prizes")
    assert "(tijd in Europe/Brussels)" in section(page, "period")
    # The editor's own part of the rules follows, in the page's language.
    assert TEXTS["nl"].rules in section(page, "more")


def test_the_contest_and_its_texts_have_no_field_for_a_draw():
    contest = Contest(owner="editor")
    names = set(vars(contest)) | {n for n in vars(Contest) if not n.startswith("__")}
    names |= {f.name for f in dataclasses.fields(ContestText)}
    assert names  # the fields were read
    assert not [name for name in names if DRAW_WORDS.search(name)]


def _schemas():
    """Every colander schema class defined in the contests package."""
    package = Path(shopcms.contests.__file__).parent
    for info in pkgutil.walk_packages([str(package)], "shopcms.contests."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, colander.SchemaNode)
                and value.__module__ == module.__name__
            ):
                yield value


def _names(node):
    for child in node.children:
        yield child.name
        yield from _names(child)


def test_no_form_of_the_contests_has_a_field_for_a_draw():
    schemas = list(_schemas())
    assert any(schema.__name__ == "EntrySchema" for schema in schemas)
    for schema in schemas:
        names = list(_names(schema()))
        assert not [name for name in names if DRAW_WORDS.search(name)], schema


def test_no_module_of_the_contests_uses_random():
    package = Path(shopcms.contests.__file__).parent
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            assert "random" not in {m.split(".")[0] for m in modules}, path


def test_the_entry_form_on_the_page_has_no_field_for_a_draw(app, site):
    make_contest(site)
    form = app.get("/en/contests/needles").forms["contest-entry"]
    assert not [name for name in form.fields if DRAW_WORDS.search(name)]
