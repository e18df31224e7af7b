"""The rules of the house, checked on the source tree.

- URLs come from the routes and the resource tree (``request.link`` and its siblings): no
  path is assembled from strings in Python (``f"/{``) or in templates (``href="/${``,
  ``action="/${``, ``src="/${``).
- Pages are private unless declared shared: no view marks itself private by hand.
- Every form is a deform form: no ``<form`` in a template except the form templates of deform
  (``templates/deform/``).
- Small modules: no view module over 250 lines, no module over 400.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "shopcms"
THEME = ROOT / "templates"

HAND_BUILT_TEMPLATE_URL = re.compile(r'(href|action|src)="/\$\{')


def python_modules():
    return sorted(SRC.rglob("*.py"))


def templates():
    return sorted([*SRC.rglob("*.pt"), *THEME.rglob("*.pt")])


def is_view_module(path):
    relative = path.relative_to(SRC)
    return "views" in relative.parts[:-1] or relative.name == "views.py"


def lines(path):
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_path_is_assembled_from_strings():
    python = [str(p) for p in python_modules() if 'f"/{' in p.read_text(encoding="utf-8")]
    markup = [str(p) for p in templates() if HAND_BUILT_TEMPLATE_URL.search(p.read_text("utf-8"))]
    assert python == [] and markup == []


def test_no_view_marks_itself_private():
    assert [str(p) for p in python_modules() if "mark_private" in p.read_text("utf-8")] == []


def test_every_form_is_a_deform_form():
    hand_written = [
        str(p)
        for p in templates()
        if "deform" not in p.relative_to(p.parents[1]).parts and "<form" in p.read_text("utf-8")
    ]
    assert hand_written == []


def test_modules_are_small():
    too_long = {
        str(p.relative_to(SRC)): lines(p)
        for p in python_modules()
        if lines(p) > (250 if is_view_module(p) else 400)
    }
    assert too_long == {}


def test_the_rules_see_the_whole_package():
    # A guard against the checks above passing on an empty or moved tree.
    assert len(python_modules()) > 100 and len(templates()) > 60
    assert any(is_view_module(p) for p in python_modules())
