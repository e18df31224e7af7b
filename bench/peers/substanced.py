"""Substance D 1.0's document page, random of N: a peer of shopcms's product page.

Substance D (``substanced==1.0.post1``, PyPI) is installed into its own venv under
``var/bench/substanced-venv`` (never committed, never the project's venv) by
:func:`ensure`.  Its dependency ``cryptacular`` does not build on Python 3.11 (its build
backend compiles a ``xxmodule.c`` CPython no longer ships), so it is installed without it
and a stand-in ``cryptacular.bcrypt`` (the ``bcrypt`` package) is written into that venv:
only the principals' password hashing uses it, which no measured page does.

The app is the ``substanced`` scaffold's (``pcreate -s substanced``), copied to
``var/bench/substanced-app/sdpeer``: the root, ``Document`` content (title, body) and its
retail view (``retail/templates/document.pt`` in ``master.pt``), with ``pyramid_tm`` as in
the scaffold's ini.  N documents are added to the root folder once (indexed by the system
catalog as the SDI would) in ``var/bench/substanced-N``.
"""

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "var" / "bench"
VENV = CACHE / "substanced-venv"
APP = CACHE / "substanced-app"
PYTHON = VENV / "bin" / "python"
SITE = VENV / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"

REQUIREMENTS = (
    "substanced==1.0.post1",
    "pyramid>=1.9,<1.10",  # Substance D 1.0 calls set_request_property, gone in 1.10
    "waitress",
    "ZODB",
    "hypatia",
    "venusian",
    "deform",
    "colander",
    "pyramid_zodbconn",
    "pyramid_chameleon",
    "pyramid_mailer",
    "pyramid_tm",
    "zope.copy",
    "zope.deprecation",
    "zope.component",
    "statsd",
    "python-magic",
    "pytz",
    "PyYAML",
    "unidecode",
    "walkabout",
    "bcrypt",
    "mock",  # its tests are scanned at start-up
    "setuptools<70",  # pkg_resources, which Substance D imports
)

CRYPTACULAR = '''"""Stand-in for cryptacular.bcrypt (no build on Python 3.11): bcrypt."""
import bcrypt as _bcrypt


class BCRYPTPasswordManager:
    def encode(self, password, rounds=None):
        if isinstance(password, str):
            password = password.encode("utf-8")
        return _bcrypt.hashpw(password, _bcrypt.gensalt(rounds or 12)).decode("ascii")

    def check(self, encoded, password):
        if isinstance(password, str):
            password = password.encode("utf-8")
        return _bcrypt.checkpw(password, encoded.encode("ascii"))
'''


def settings(folder):
    """The scaffold's development.ini settings (no debug toolbar), on ``folder``."""
    return {
        "zodbconn.uri": f"file://{folder}/Data.fs?connection_cache_size=50000&connection_pool_size=8",
        "substanced.secret": "bench-secret",
        "substanced.initial_login": "admin",
        "substanced.initial_password": "bench-admin-password",
        "substanced.catalogs.autosync": "true",
        "substanced.uploads_tempdir": str(folder),
        "pyramid.includes": "pyramid_tm",
        "mail.default_sender": "bench@example.com",
    }


SERVER = textwrap.dedent(
    """
    import json, logging, sys
    sys.path.insert(0, %(app)r)
    from waitress import serve
    from sdpeer import main

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    app = main({}, **json.loads(sys.argv[3]))
    serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=int(sys.argv[2]), _quiet=True)
    """
)

BUILD = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, %(app)r)
    import transaction
    from pyramid.request import Request
    from pyramid.scripting import prepare
    from substanced.db import root_factory
    from sdpeer import main

    folder, count = sys.argv[1], int(sys.argv[2])
    app = main({}, **json.loads(sys.argv[3]))
    request = Request.blank("/")
    env = prepare(request=request, registry=app.registry)
    root = root_factory(request)
    body = "<p>Grown and packed with care. Suits indoors, in a bright spot.</p>" * 3
    names = []
    for index in range(count):
        name = "document-%%d" %% index
        root[name] = app.registry.content.create("Document", title="Document %%d" %% index,
                                                 body=body)
        names.append(name)
        if index %% 1000 == 999:
            transaction.commit()
    transaction.commit()
    env["closer"]()
    open(folder + "/names.txt", "w").write("\\n".join(names) + "\\n")
    """
)


def _run(*command):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{command[:3]}: {done.stderr[-2000:]}")


def ensure():
    """Install Substance D into its venv and copy its scaffold's app (both once)."""
    if not PYTHON.exists():
        _run(sys.executable, "-m", "venv", str(VENV))
    check = subprocess.run([str(PYTHON), "-c", "import substanced.principal, waitress"])
    if check.returncode:
        (SITE / "cryptacular").mkdir(parents=True, exist_ok=True)
        (SITE / "cryptacular" / "__init__.py").write_text("")
        (SITE / "cryptacular" / "bcrypt.py").write_text(CRYPTACULAR)
        _run(str(PYTHON), "-m", "pip", "install", "-q", "--no-deps", REQUIREMENTS[0])
        _run(str(PYTHON), "-m", "pip", "install", "-q", *REQUIREMENTS[1:])
    package = APP / "sdpeer"
    if not (package / "__init__.py").exists():
        scaffold = SITE / "substanced" / "scaffolds" / "substanced" / "+package+"
        shutil.copytree(scaffold, package, ignore=shutil.ignore_patterns("__pycache__"))
        for template in package.rglob("*_tmpl"):
            template.rename(template.with_name(template.name[: -len("_tmpl")]))


def server_code():
    """The server's code for ``servers.start(code, threads, json.dumps(settings(folder)),
    python=PYTHON)``."""
    return SERVER % {"app": str(APP)}


def build(count):
    """The folder of N documents (built once); (folder, names)."""
    ensure()
    folder = CACHE / f"substanced-{count}"
    stamp = folder / "complete"
    if not stamp.is_file():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        code = BUILD % {"app": str(APP)}
        _run(str(PYTHON), "-c", code, str(folder), str(count), json.dumps(settings(folder)))
        stamp.write_text(str(count))
    return folder, (folder / "names.txt").read_text().split()
