"""The rules of the house, checked on the source tree.

- URLs come from the routes and the resource tree (``request.link`` and its siblings): no
  path is assembled from strings in Python (``f"/{``) or in templates (``href="/${``,
  ``action="/${``, ``src="/${``).
- Pages are private unless declared shared: no view marks itself private by hand.
- Every form is a deform form: no ``<form`` in a template except the form templates of deform
  (``templates/deform/``).
- Small modules: no view module over 250 lines, no module over 400.
- Input hygiene in one place: every text a form reads is a ``web.forms.types.Text`` (or its
  ``LocalPath``), which refuses control characters and odd Unicode; no schema uses colander's
  bare ``String`` (only ``types.py``, which builds on it).
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "shopcms"
THEME = ROOT / "templates"

HAND_BUILT_TEMPLATE_URL = re.compile(r'(href|action|src)="/\$\{')
BARE_STRING = re.compile(r"\bcolander\.Str(ing)?\b|from colander import [^\n]*\bStr(ing)?\b")
HYGIENE = SRC / "web" / "forms" / "types.py"


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


def test_every_text_field_uses_the_hygiene_type():
    bare = [
        str(p.relative_to(SRC))
        for p in python_modules()
        if p != HYGIENE and BARE_STRING.search(p.read_text("utf-8"))
    ]
    assert bare == []


def test_every_schema_node_of_text_is_checked():
    """The same rule, on the schemas themselves: every node of every form of every package
    (what their modules build at import) has a hygiene type where it holds text."""
    import importlib

    import colander

    from shopcms.web.forms.types import Text

    def nodes(node):
        yield node
        for child in node.children:
            yield from nodes(child)

    found, bare = 0, []
    for path in python_modules():
        if "schemas" not in path.parts and path.stem != "schemas":
            continue
        module = importlib.import_module(
            ".".join(("shopcms", *path.relative_to(SRC).with_suffix("").parts))
        )
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, colander.SchemaNode):
                value = value()
            if isinstance(value, colander.SchemaNode):
                for node in nodes(value):
                    found += isinstance(node.typ, Text)
                    if type(node.typ) is colander.String:
                        bare.append(f"{path.stem}.{node.name}")
    assert bare == [] and found > 40


def test_the_rules_see_the_whole_package():
    # A guard against the checks above passing on an empty or moved tree.
    assert len(python_modules()) > 100 and len(templates()) > 60
    assert any(is_view_module(p) for p in python_modules())
