"""Several processes sharing one database: a ZEO server or RelStorage on PostgreSQL, and
shopcms server processes (waitress) on it.

Everything listens on 127.0.0.1 only.  Each storage starts from a copy of the seeded test
database (``tests.conftest.seeded_database``); each shopcms process gets the settings of
``tests.conftest.app_settings`` with the shared storage's ``zodbconn.uri``.  Every process
and the temporary PostgreSQL database is removed by ``stop()``; the fixtures call it in a
``finally``.
"""

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from abc import ABC, abstractmethod
from pathlib import Path
from urllib.parse import quote

import psycopg2
import transaction
import ZODB
import zodburi
from psycopg2.extensions import parse_dsn

from tests.conftest import app_settings, copy_seeded

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
START_TIMEOUT = 60

#: Where the test PostgreSQL server is reached, as a superuser that may create databases.
POSTGRES_DSN = os.environ.get(
    "SHOPCMS_TEST_POSTGRES", "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A child process (cwd: the project) whose output goes to ``log``."""

    def __init__(self, command, log):
        self.command, self.log = command, Path(log)
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [str(part) for part in command],
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONWARNINGS": "ignore"},
            )

    def output(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def running(self):
        return self.proc.poll() is None

    def failure(self, what):
        return RuntimeError(f"{what}: {' '.join(map(str, self.command))}\n{self.output()[-3000:]}")

    def wait_for(self, ready, what, timeout=START_TIMEOUT):
        """Poll ``ready()`` until true; RuntimeError (with the log) if the process ends first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready():
                return
            if not self.running():
                raise self.failure(f"{what} exited with {self.proc.returncode}")
            time.sleep(0.05)
        raise self.failure(f"{what} not ready after {timeout} s")

    def stop(self, timeout=15, repeat=False):
        """SIGTERM (a clean stop), every second if ``repeat``; SIGKILL if it did not end in
        ``timeout`` seconds.  Returns the exit code."""
        deadline = time.monotonic() + timeout
        signalled = False
        while self.running() and time.monotonic() < deadline:
            if repeat or not signalled:
                self.proc.terminate()
                signalled = True
            try:
                self.proc.wait(min(1, max(0, deadline - time.monotonic())))
            except subprocess.TimeoutExpired:
                continue
        if self.running():
            self.proc.kill()
        self.proc.wait()
        return self.proc.returncode


class SharedStorage(ABC):
    """What the ZEO and RelStorage set-ups have in common: a ``zodbconn.uri`` per client."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.filestorage = copy_seeded(self.folder / "filestorage")

    @abstractmethod
    def uri(self, client):
        """The ``zodbconn.uri`` of a client process whose own files are in ``client``."""

    def settings(self, client, **overrides):
        """conftest's test settings for a process on this storage (no evolve at start)."""
        client = Path(client)
        client.mkdir(parents=True, exist_ok=True)
        return app_settings(
            client,
            **{"zodbconn.uri": self.uri(client), "shopcms.evolve_on_start": "false", **overrides},
        )

    @contextlib.contextmanager
    def root(self, client):
        """The ZODB root through a new database object (a fresh storage client), read-only."""
        Path(client).mkdir(parents=True, exist_ok=True)
        factory, dbkw = zodburi.resolve_uri(self.uri(Path(client)))
        db = ZODB.DB(factory(), **dbkw)
        try:
            tm = transaction.TransactionManager()
            conn = db.open(transaction_manager=tm)
            try:
                yield conn.root()
            finally:
                tm.abort()
                conn.close()
        finally:
            db.close()


class ZEOServer(SharedStorage):
    """``runzeo`` serving a FileStorage with blobs; the clients share its blob folder."""

    CONFIG = """\
<zeo>
  address 127.0.0.1:{port}
</zeo>
<filestorage 1>
  path {folder}/Data.fs
  blob-dir {folder}/blobs
</filestorage>
"""

    def __init__(self, folder):
        super().__init__(folder)
        self.port = None
        self.process = None

    def start(self, attempts=3, port=None):
        """Start on a free port (another, if that one was taken meanwhile), or on ``port``."""
        wanted = port
        for attempt in range(attempts):
            port = wanted or free_port()
            config = self.folder / "zeo.conf"
            config.write_text(self.CONFIG.format(port=port, folder=self.filestorage))
            log = self.folder / f"zeo-{attempt}-{secrets.token_hex(2)}.log"
            self.process = Process([BIN / "runzeo", "-C", config], log)
            try:
                self.process.wait_for(lambda: "listening on" in self.process.output(), "runzeo")
            except RuntimeError:
                if attempt + 1 < attempts and "in use" in self.process.output():
                    continue
                raise
            self.port = port
            return self

    def uri(self, client):
        return f"zeo://127.0.0.1:{self.port}?blob_dir={self.filestorage}/blobs&shared_blob_dir=true"

    def stop(self):
        """Stop runzeo with SIGTERM, repeated: its handler raises SystemExit wherever the
        signal lands, and inside ZODB's conflict resolution a catch-all logs that exit as an
        "unexpected error" and the server goes on serving.  A second signal stops it."""
        if (
            self.process is not None
            and self.process.running()
            and self.process.stop(repeat=True) != 0
        ):
            raise self.process.failure("runzeo did not stop cleanly")

    def restart(self, pause=0):
        """Stop the server cleanly, wait ``pause`` seconds, start it again on its port (the
        clients reconnect to the same address)."""
        self.stop()
        time.sleep(pause)
        self.start(port=self.port)


class PostgresDatabase(SharedStorage):
    """RelStorage on a new PostgreSQL database ``shopcms_test_<pid>_<random>``, loaded from
    the seeded FileStorage by RelStorage's ``zodbconvert`` and dropped by ``stop()`` (or, if
    the test process was killed, by the next run on this machine).

    Blobs are stored in the database (``shared_blob_dir=false``); every client keeps a
    cache of them in its own folder.
    """

    PREFIX = "shopcms_test_"
    CONVERT = """\
%import relstorage
<filestorage source>
  path {folder}/Data.fs
  blob-dir {folder}/blobs
  read-only true
</filestorage>
<relstorage destination>
  blob-dir {blobcache}
  shared-blob-dir false
  <postgresql>
    dsn {dsn}
  </postgresql>
</relstorage>
"""

    def __init__(self, folder, dsn=POSTGRES_DSN):
        super().__init__(folder)
        self.dsn = dsn
        self.server = parse_dsn(dsn)
        self.dbname = f"{self.PREFIX}{os.getpid()}_{secrets.token_hex(4)}"
        self.created = False

    def admin(self):
        try:
            conn = psycopg2.connect(self.dsn)
        except psycopg2.OperationalError as error:
            raise RuntimeError(
                f"the RelStorage tests need PostgreSQL ({self.dsn!r}; another server: "
                f"set SHOPCMS_TEST_POSTGRES to a libpq DSN of a superuser): {error}"
            ) from error
        conn.autocommit = True
        return conn

    def start(self):
        with contextlib.closing(self.admin()) as conn, conn.cursor() as cursor:
            self.drop_orphans(cursor)
            cursor.execute(f'CREATE DATABASE "{self.dbname}"')
        self.created = True
        dsn = " ".join(f"{k}='{v}'" for k, v in {**self.server, "dbname": self.dbname}.items())
        config = self.folder / "zodbconvert.conf"
        config.write_text(
            self.CONVERT.format(
                folder=self.filestorage, blobcache=self.folder / "convert-blobcache", dsn=dsn
            )
        )
        convert = Process([BIN / "zodbconvert", config], self.folder / "zodbconvert.log")
        convert.wait_for(lambda: not convert.running(), "zodbconvert", timeout=120)
        if convert.proc.returncode != 0:
            raise convert.failure(f"zodbconvert exited with {convert.proc.returncode}")
        return self

    def drop_orphans(self, cursor):
        """Drop the databases of test processes on this machine that are gone (killed)."""
        if self.server.get("host", "127.0.0.1") not in ("127.0.0.1", "localhost"):
            return
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'shopcms\\_test\\_%'")
        for (name,) in cursor.fetchall():
            pid = name[len(self.PREFIX) :].partition("_")[0]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def uri(self, client):
        # RelStorage's resolver builds the libpq DSN from every part: give them all.
        user = quote(self.server.get("user", "postgres"), safe="")
        password = self.server.get("password")
        auth = f"{user}:{quote(password, safe='')}" if password else user
        server = f"{self.server.get('host', '127.0.0.1')}:{self.server.get('port', '5432')}"
        return (
            f"postgres://{auth}@{server}/{self.dbname}"
            f"?blob_dir={client}/blobcache&shared_blob_dir=false"
        )

    def stop(self):
        if self.created:
            with contextlib.closing(self.admin()) as conn, conn.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
            self.created = False


STORAGES = {"zeo": ZEOServer, "relstorage": PostgresDatabase}


class ShopServer:
    """A shopcms waitress server process (``tests.storage.shopserver``) on ``storage``."""

    def __init__(self, storage, folder, threads=8, settings=None, server_options=None):
        self.folder = Path(folder)
        settings = storage.settings(self.folder, **(settings or {}))
        self.port_file = self.folder / "port"
        self.process = Process(
            [
                sys.executable,
                "-m",
                "tests.storage.shopserver",
                self.port_file,
                threads,
                json.dumps(settings),
                json.dumps(server_options or {}),
            ],
            self.folder / "server.log",
        )
        self.base = None

    def wait(self):
        self.process.wait_for(self.port_file.exists, "shopcms server")
        self.base = f"http://127.0.0.1:{int(self.port_file.read_text())}"
        return self

    def stop(self):
        return self.process.stop()

    def log(self):
        return self.process.output()


@contextlib.contextmanager
def shop_servers(storage, folder, count=2, threads=8, settings=None, server_options=None):
    """``count`` shopcms server processes on ``storage``, started together; yields them.

    ``settings`` are added to each one's test settings, ``server_options`` to waitress's.
    """
    servers = []
    try:
        for index in range(count):
            folder_i = Path(folder) / f"shop-{index}"
            servers.append(ShopServer(storage, folder_i, threads, settings, server_options))
        yield [server.wait() for server in servers]
    finally:
        codes = [server.stop() for server in servers]
    for server, code in zip(servers, codes, strict=True):
        if code != 0:  # a clean stop closes the server and the database
            raise server.process.failure(f"shopcms server stopped with {code}")
