"""The import contracts of ``.importlinter`` hold, and the check really runs.

``lint-imports`` is run as ``make lint`` runs it.  Then a copy of the package gets a module
that breaks a contract on purpose (the request machinery importing a capability; a view
speaking to Mollie): the check must fail and name the offending import, which proves the
contracts are read and enforced rather than silently skipped.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".importlinter"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(src=None):
    """Run ``lint-imports`` on the checkout, or on the package copied under ``src``."""
    env = dict(os.environ)
    if src is not None:
        # The copy comes first on the path: grimp analyses it instead of the checkout.
        env["PYTHONPATH"] = os.pathsep.join([str(src), str(ROOT)])
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(CONFIG)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_contract_is_kept():
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout
    assert "Contracts: 5 kept, 0 broken." in result.stdout


def test_a_module_that_breaks_the_rules_makes_the_check_fail(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "shopcms", src / "shopcms", ignore=shutil.ignore_patterns("*.pyc")
    )
    (src / "shopcms" / "web" / "offender.py").write_text(
        '"""Breaks two contracts on purpose."""\n\n'
        "import mollie  # noqa: F401\n\n"
        "from shopcms.orders import api  # noqa: F401\n"
    )
    result = lint_imports(src)
    assert result.returncode == 1
    assert "The mechanisms import no capability BROKEN" in result.stdout
    assert "shopcms.web.offender -> shopcms.orders.api" in result.stdout
    assert "Only the payments package speaks to Mollie" in result.stdout
    assert "shopcms.web.offender -> mollie" in result.stdout
