"""The wheel alone is a working shop.

Every other test imports shopcms from the checkout (an editable install), where every
template, static file and message catalog is on disk whether or not the packaging
configuration names it.  A site installs the *wheel*, and a file that ``setup.cfg``'s
``[options.package_data]`` forgets is simply absent there: a page then fails with a 500,
or loses its stylesheet or its translations, and no other test notices.

So this test does what a deployment does: it builds the wheel with ``pip wheel``, installs it
into a new virtualenv outside the checkout, gives the site its own copy of ``content/`` and a
minimal ini file (no ``shopcms.templates``: without a theme the package must render every
page on its own), runs ``shopcms init`` and serves the site with waitress from that virtualenv.
Then it checks that

* the wheel holds every file of the package's source folder (templates of every sub-package,
  mail texts, static files, data, compiled catalogs), including those no public page shows;
* the shopcms that runs is the wheel's copy, not the checkout's;
* every page a visitor reaches by following links from ``/nl/``, ``/fr/`` and ``/en/``
  answers 200, in all three languages, and carries the site's layout (header, translated
  skip link, footer's policy links, a stylesheet that is served as CSS).

To stay fast, the new virtualenv gets only the wheel (``--no-deps``); the dependencies come
from this test environment's site-packages through a ``.pth`` line.  That line adds the folder
to ``sys.path`` but does not run the ``.pth`` files inside it, so the editable install's entry
(the checkout's ``src``) stays off the path; ``assert_runs_the_wheel`` proves it.
"""

import contextlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

from tests.crawl import crawl, http_fetch
from tests.mailserver import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LANGUAGES = ("nl", "fr", "en")
#: Top-level entries of the checkout that are local or generated state, never sources.
NOT_SOURCES = {
    ".git",
    ".venv",
    "var",
    "build",
    "dist",
    "test-artifacts",
    ".pytest_cache",
    ".ruff_cache",
}
#: Pages every language must have (below ``/LANG/``), reached by following links.
EXPECTED_PAGES = (
    "",
    "products/",
    "privacy",
    "cookies",
    "terms",
    "cart",
    "wishlist",
    "compare",
    "login",
    "register",
    "cookie-settings",
)
#: Pages whose HTML is checked for the layout, per language (a product page is added).
LAYOUT_PAGES = ("", "products/", "privacy", "cart")
START_TIMEOUT = 60
#: The server: the wheel's app from the ini, on the given port.  It first prints where
#: shopcms was imported from, so the test can check the server itself runs the wheel.
SERVE = (
    "import sys, shopcms\n"
    "from pyramid.paster import get_app\n"
    "from waitress import serve\n"
    "app = get_app(sys.argv[1])\n"
    "print(shopcms.__file__, flush=True)\n"
    "serve(app, host='127.0.0.1', port=int(sys.argv[2]))\n"
)
INI = """\
[app:main]
use = egg:shopcms
zodbconn.uri = file://{site}/var/Data.fs?blobstorage_dir={site}/var/blobs
shopcms.secret = packaging-test-secret-not-for-production-0123456789
shopcms.languages = nl fr en
shopcms.content = {site}/content
shopcms.vault.keys = gArvwv9zXRGLSQmG4nG4ed87welYXhuwzSdUjI4R_IU=
shopcms.bank.iban = BE71 0961 2345 6769
shopcms.bank.bic = GKCCBEBB
shopcms.mail.queue = {site}/var/mailqueue
shopcms.cookies.secure = false
"""


def clean_environment():
    """os.environ without what would put the checkout's shopcms back on the path."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    env["PYTHONNOUSERSITE"] = "1"
    # pkg_resources' deprecation notice (imported by Pyramid) would only clutter the logs.
    env["PYTHONWARNINGS"] = "ignore"
    return env


def run(command, cwd, timeout=300, env=None):
    """Run ``command``; fail the test with its output unless it exits 0.  Returns stdout."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env or clean_environment(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} exited with {result.returncode}\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout


def copy_checkout(target):
    """The checkout's sources without its build leftovers.

    Building in place would reuse ``build/lib`` and ``src/shopcms.egg-info/SOURCES.txt``
    from earlier builds and editable installs: files the configuration no longer selects
    would still reach the wheel and hide the very omission this test looks for.  It would
    also write into a working tree that others use at the same time.
    """

    def ignore(folder, names):
        skipped = {n for n in names if n == "__pycache__" or n.endswith(".egg-info")}
        if Path(folder) == ROOT:
            skipped |= NOT_SOURCES & set(names)
        return skipped

    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def build_wheel(tmp_path):
    """``pip wheel --no-deps`` of (a clean copy of) the checkout; the wheel's path."""
    source = copy_checkout(tmp_path / "source")
    out = tmp_path / "wheelhouse"
    run([BIN / "pip", "wheel", "--no-deps", "--quiet", "-w", out, source], cwd=tmp_path)
    (wheel,) = out.glob("shopcms-*.whl")
    return wheel, source / "src"


def assert_wheel_complete(wheel, src):
    """Every file of the package's source folder is in the wheel, templates of pages that
    no anonymous visitor reaches (management, mails) included."""
    expected = {
        path.relative_to(src).as_posix()
        for path in (src / "shopcms").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    with zipfile.ZipFile(wheel) as archive:
        missing = sorted(expected - set(archive.namelist()))
    assert not missing, f"not in {wheel.name}: {missing}"
    # The checks below rely on these being there to compare against.
    assert any(name.endswith(".pt") for name in expected)
    assert any(name.endswith(".mo") for name in expected), "run `make translations` first"


def site_packages(python):
    """The purelib folder of the environment of ``python``."""
    code = "import sysconfig; print(sysconfig.get_path('purelib'))"
    return Path(run([python, "-c", code], cwd=python.parent).strip())


def make_virtualenv(folder, wheel):
    """A new virtualenv with only the wheel installed; its python.

    The dependencies are this environment's: a ``.pth`` line puts its site-packages after
    the new one's, so the wheel's shopcms comes first and nothing is downloaded.
    """
    run([sys.executable, "-m", "venv", "--without-pip", folder], cwd=folder.parent)
    python = folder / "bin" / "python"
    run([BIN / "pip", "--python", python, "install", "--no-deps", "--quiet", wheel], cwd=folder)
    ours = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (site_packages(python) / "test-environment.pth").write_text("\n".join(ours) + "\n")
    return python


def assert_runs_the_wheel(python, venv, cwd):
    """The new virtualenv imports the wheel's shopcms (module and metadata), never
    the checkout's, and the editable install's path is not on its sys.path."""
    code = (
        "import sys, shopcms, importlib.metadata as m\n"
        "print(shopcms.__file__)\n"
        "print(m.distribution('shopcms').locate_file(''))\n"
        "print(sys.path)\n"
    )
    module, distribution, path = run([python, "-c", code], cwd=cwd).splitlines()
    assert Path(module).is_relative_to(venv), module
    # PasteDeploy finds egg:shopcms (the app factory) through the distribution's metadata.
    assert Path(distribution).is_relative_to(venv), distribution
    assert str(ROOT / "src") not in path, path


def write_site(folder):
    """A site folder: a copy of the seed content and a minimal ini file; the ini's path."""
    folder.mkdir()
    shutil.copytree(ROOT / "content", folder / "content")
    ini = folder / "site.ini"
    ini.write_text(INI.format(site=folder))
    return ini


@contextlib.contextmanager
def serving(python, ini, logs):
    """Serve the site with waitress in a process of ``python``; yields the base URL.  Its
    output goes to ``logs``/server.out and server.err.  It is always stopped at the end."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    stdout, stderr = logs / "server.out", logs / "server.err"
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        process = subprocess.Popen(
            [str(python), "-c", SERVE, str(ini), str(port)],
            cwd=ini.parent,
            env=clean_environment(),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
    try:
        wait_until_answering(process, http_fetch(base_url), stderr)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_answering(process, fetch, log):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server exited:\n{log.read_text()[-3000:]}"
        with contextlib.suppress(OSError):
            fetch("/nl/")
            return
        time.sleep(0.1)
    raise AssertionError(f"the server did not answer in {START_TIMEOUT} s:\n{log.read_text()}")


def assert_all_pages_found(statuses, server_log):
    """Every reached page answered 200, and each language has the expected pages."""
    failing = {address: status for address, status in statuses.items() if status != 200}
    # The server's log holds the traceback of a 500 (a template missing from the wheel).
    assert not failing, f"{failing}\n{server_log.read_text()[-5000:]}"
    for lang in LANGUAGES:
        expected = [f"/{lang}/{page}" for page in EXPECTED_PAGES]
        missing = [address for address in expected if address not in statuses]
        assert not missing, f"not reached from the home pages: {missing}"
        assert len(product_pages(statuses, lang)) >= 5, f"few /{lang}/ product pages reached"


def product_pages(statuses, lang):
    return sorted(a for a in statuses if re.fullmatch(rf"/{lang}/products/[^/?]+", a))


def assert_layout(fetch, address, lang):
    """The page is rendered in the site's layout; returns its skip link's text."""
    status, content_type, html = fetch(address)
    assert (status, content_type) == (200, "text/html"), address
    assert f'<html lang="{lang}">' in html, address
    assert '<header class="site-header">' in html, address
    skip = re.search(r'<a class="skip" href="#main">([^<]+)</a>', html)
    assert skip, f"no skip link on {address}"
    footer = html.partition('<footer class="site-footer">')[2]
    for policy in ("privacy", "cookies", "terms"):
        assert f'href="/{lang}/{policy}"' in footer, f"footer of {address} lacks {policy}"
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)">', html)
    assert stylesheet, f"no stylesheet on {address}"
    assert_served_as_css(fetch, stylesheet.group(1))
    return skip.group(1)


def assert_served_as_css(fetch, address):
    status, content_type, css = fetch(address)
    assert (status, content_type) == (200, "text/css"), (address, status, content_type)
    assert css.strip(), f"{address} is empty"


def test_the_wheel_alone_runs_the_shop(tmp_path):
    wheel, src = build_wheel(tmp_path)
    assert_wheel_complete(wheel, src)

    venv = tmp_path / "venv"
    python = make_virtualenv(venv, wheel)
    ini = write_site(tmp_path / "site")
    assert_runs_the_wheel(python, venv, cwd=ini.parent)

    # A known password: otherwise init prints a generated one into the test's output.
    env = {**clean_environment(), "SHOPCMS_ADMIN_PASSWORD": "a long enough packaging passphrase"}
    run([venv / "bin" / "shopcms", "init", ini], cwd=ini.parent, env=env)

    with serving(python, ini, logs=tmp_path) as base_url:
        # The server itself, not only the probe above, runs the wheel's shopcms.
        served_from = (tmp_path / "server.out").read_text().strip()
        assert Path(served_from).is_relative_to(venv), served_from
        fetch = http_fetch(base_url)
        statuses = crawl(fetch, [f"/{lang}/" for lang in LANGUAGES])
        assert_all_pages_found(statuses, server_log=tmp_path / "server.err")
        skip_links = {}
        for lang in LANGUAGES:
            pages = [f"/{lang}/{page}" for page in LAYOUT_PAGES] + product_pages(statuses, lang)[:1]
            skip_links[lang] = {assert_layout(fetch, address, lang) for address in pages}
    # One text per language, and a different one in each: the wheel's compiled catalogs
    # (git-ignored .mo files) were installed and are used.
    assert all(len(texts) == 1 for texts in skip_links.values()), skip_links
    assert len(set.union(*skip_links.values())) == len(LANGUAGES), skip_links
