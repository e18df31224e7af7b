"""Lighthouse scores 100 for accessibility and at least 95 for SEO on the pages that sell.

Lighthouse 12 (``tests/js/node_modules/lighthouse``, from the npm registry through
``make install-test``) runs its accessibility and SEO categories against the live server
with Debian's Chromium (its default mobile emulation, as a search engine sees the shop), on
the home page, the listing and a product page.  Each page's JSON and HTML reports are kept
in ``test-artifacts/lighthouse/``; a failure names the audits that cost points.
"""

import json
import os
import subprocess

import pytest

from tests.browser.conftest import ROOT

LIGHTHOUSE = ROOT / "tests" / "js" / "node_modules" / "lighthouse" / "cli" / "index.js"
REPORTS = ROOT / "test-artifacts" / "lighthouse"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run --disable-quic"
)
PAGES = {"home": "/nl/", "listing": "/nl/products/", "product": "/nl/products/mug-cafe"}
#: The least score of each category (Lighthouse scores 0 to 1).
MINIMUM = {"accessibility": 1.0, "seo": 0.95}


def lighthouse(url, name, chromium):
    """Lighthouse's report (the parsed JSON) on ``url``; reports saved as ``name``.*."""
    assert LIGHTHOUSE.is_file(), f"{LIGHTHOUSE} is missing: run `make install-test`"
    REPORTS.mkdir(parents=True, exist_ok=True)
    run = subprocess.run(
        [
            "node", str(LIGHTHOUSE), url,
            "--only-categories=accessibility,seo",
            "--output=json", "--output=html",
            f"--output-path={REPORTS / name}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": chromium},
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert run.returncode == 0, f"lighthouse on {url} failed:\n{run.stderr[-2000:]}"
    return json.loads((REPORTS / f"{name}.report.json").read_text(encoding="utf-8"))


def shortfalls(report):
    """The scores and the failed audits (those that weigh) of each category."""
    lines = []
    for key, category in report["categories"].items():
        lines.append(f"{key}: {category['score']}")
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                lines.append(f"    {ref['id']} ({audit['score']}): {audit['title']}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", PAGES)
def test_lighthouse_accessibility_100_and_seo_95(name, live_server, chromium_path):
    report = lighthouse(live_server + PAGES[name], name, chromium_path)
    scores = {key: category["score"] for key, category in report["categories"].items()}
    low = {key: score for key, score in scores.items() if score < MINIMUM[key]}
    assert not low, f"{PAGES[name]}: below {MINIMUM}\n{shortfalls(report)}"
