"""The ``shopcms`` command as a shop owner meets it, through the installed entry point in a
subprocess: no warning on any command, every ``--help`` starts with its usage line, progress
on stderr for a long run (a bar on a terminal), and ``--quiet`` prints nothing."""

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import time
from decimal import Decimal
from pathlib import Path

import pytest
import transaction

from shopcms import cli
from shopcms.cli import build_parser
from shopcms.products.resources import Product
from tests.cli.test_cli_import_payments import write_ini
from tests.conftest import make_site

SHOPCMS = str(Path(sys.executable).with_name("shopcms"))
PRODUCTS = 10_000
WARNINGS = ("Warning", "pkg_resources")


def subcommands():
    """The names of every subcommand the parser declares."""
    parser = build_parser()
    (sub,) = [action for action in parser._actions if action.dest == "command"]
    return sorted(sub.choices)


def shopcms(*argv, env=None):
    """Run the installed ``shopcms`` with ``argv``: the CompletedProcess (text)."""
    return subprocess.run(
        [SHOPCMS, *argv],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def on_a_terminal(*argv):
    """Run ``shopcms argv`` with its stderr on a terminal (a pty of 100 columns), as a
    person at the keyboard does: ``(status, stdout, what the terminal showed)``."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    child = subprocess.Popen(
        [SHOPCMS, *argv], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave
    )
    os.close(slave)
    screen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child's end of the terminal is closed
            break
        if not chunk:
            break
        screen += chunk
    os.close(master)
    stdout = child.stdout.read().decode()
    child.stdout.close()
    child.wait(timeout=120)
    return child.returncode, stdout, screen.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def big_shop(tmp_path_factory):
    """The ini of a seeded shop with 10,000 more products, stored directly in one
    transaction without the catalog's events (so only ``reindex`` catalogs them)."""
    folder = tmp_path_factory.mktemp("big")
    site = make_site(folder)
    with site.edit() as root:
        products = root["products"]
        for index in range(PRODUCTS):
            product = Product(f"BIG-{index:05d}", Decimal("9.95"), Decimal("21"), stock=3)
            product.set_texts("nl", f"Cactus {index}", "Een cactus.")
            products.last_pid += 1
            product.pid = products.last_pid
            products.add(f"big-{index}", product, send_events=False)
            products.by_pid[product.pid] = f"big-{index}"
    transaction.abort()
    site.close()
    return write_ini(folder / "shop.ini", folder)


@pytest.mark.parametrize("name", subcommands())
def test_every_subcommands_help_starts_with_its_usage_line(name, capsys):
    # In process: the parser is the installed command's (the test below runs that once).
    with pytest.raises(SystemExit) as exit_:
        cli.main([name, "--help"])
    assert exit_.value.code == 0
    shown = capsys.readouterr()
    assert shown.out.startswith(f"usage: shopcms {name} ")
    assert "--quiet" in shown.out and "ini" in shown.out
    assert shown.err == ""


def test_the_installed_command_warns_of_nothing():
    # The warning came at import, which every subcommand does alike before it runs:
    # --help shows it would be gone.
    for argv in (("--help",), ("reindex", "--help")):
        result = shopcms(*argv)
        assert result.returncode == 0, argv
        assert result.stdout.startswith(f"usage: shopcms {' '.join(argv[:-1])}".rstrip())
        assert result.stderr == "", argv


def test_reindex_of_ten_thousand_products_shows_its_progress_and_no_warning(big_shop):
    started = time.monotonic()
    status, stdout, screen = on_a_terminal("reindex", big_shop)
    assert status == 0, screen
    assert time.monotonic() - started < 60
    # The seeded catalog's 51 products and its pages besides the 10,000.
    count = int(stdout.split()[1])
    assert stdout == f"reindexed {count} resources\n" and count > PRODUCTS
    # tqdm's bar, ending at the full count with its unit and rate.
    assert f"{count}/{count} [" in screen and "resources/s]" in screen
    assert "reindex: 100%|" in screen
    assert not any(word in screen for word in WARNINGS)


@pytest.fixture
def shop(tmp_path):
    """The ini of a seeded shop (51 products): for what does not need a long run."""
    make_site(tmp_path).close()
    return write_ini(tmp_path / "shop.ini", tmp_path)


def test_without_a_terminal_the_progress_is_a_line_at_start_and_end(shop):
    result = shopcms("reindex", shop)
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    # The first line comes at once, the last at the end (the total may have grown between).
    assert lines[0].startswith("reindex: 1/") and lines[-1].endswith(" (100%)")
    count = result.stdout.split()[1]
    assert lines[-1] == f"reindex: {count}/{count} (100%)"
    assert not any(word in result.stderr for word in WARNINGS)


def test_quiet_prints_nothing(shop):
    result = shopcms("reindex", shop, "--quiet")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    # The commands of cron, on a terminal too, where the bar would be.
    for argv in (
        ("reindex", "-q", shop),
        ("send-mail", "-q", shop),
        ("retention", "--quiet", shop),
    ):
        assert on_a_terminal(*argv) == (0, "", ""), argv


def test_init_and_its_fellows_warn_of_nothing(tmp_path):
    ini = tmp_path / "shop.ini"
    write_ini(ini, tmp_path)
    env = {"SHOPCMS_ADMIN_PASSWORD": "a chosen admin passphrase"}
    init = shopcms("init", str(ini), env=env)
    assert init.returncode == 0
    assert "created administrator" in init.stdout and "added 51 products" in init.stdout
    # Progress on stderr, only that.
    assert init.stderr.splitlines()[-1] == "products: 51/51 (100%)"
    for argv in (("evolve", str(ini), "--dry-run"), ("new-vault-key",), ("send-mail", str(ini))):
        result = shopcms(*argv)
        assert result.returncode == 0, argv
        assert not any(word in result.stderr for word in WARNINGS), argv
    # The generated key is what was asked for: printed even with --quiet.
    assert len(shopcms("new-vault-key", "--quiet").stdout.strip()) == 44
