"""A throwaway PostgreSQL cluster of its own, for tests that stop and start the server.

The machine's shared cluster (127.0.0.1:5432) serves other tests at the same time, so it is
never restarted: this one is made by Debian's ``initdb`` in a temporary folder and run by
``pg_ctl`` on a free port (as the ``postgres`` user when the tests run as root, since
PostgreSQL refuses to run as root), with trust authentication on 127.0.0.1 only.
"""

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.storage.cluster import free_port


def postgres_bin():
    """The newest installed server's programs (Debian: /usr/lib/postgresql/VERSION/bin)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3])
    )
    if not found:
        raise RuntimeError("PostgreSQL's server programs are missing (apt-get install postgresql)")
    return Path(found[-1]).parent


class PrivateCluster:
    """``start()``, ``restart(pause)``, ``stop()``; ``dsn`` for a superuser."""

    def __init__(self):
        self.bin = postgres_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="shopcms-pg-"))
        self.data = self.folder / "data"
        self.port = None
        self.as_user = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    @property
    def dsn(self):
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def run(self, *command, timeout=60):
        done = subprocess.run(
            [*self.as_user, *map(str, command)],
            cwd=self.folder,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stdout}\n{done.stderr}\n{self.log()}")
        return done

    def log(self):
        path = self.folder / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def start(self):
        if self.port is None:
            self.port = free_port()
            self.run(
                self.bin / "initdb", "-D", self.data, "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--no-sync",
            )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.run(
            self.bin / "pg_ctl", "-D", self.data, "-o", options,
            "-l", self.folder / "server.log", "-w", "-t", "60", "start",
        )  # fmt: skip
        return self

    def stop(self, mode="fast"):
        self.run(self.bin / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def restart(self, pause=0):
        """Stop (every connection is closed), wait ``pause`` seconds, start on the same port."""
        self.stop()
        time.sleep(pause)
        self.start()

    def remove(self):
        if self.data.exists() and (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError):
                self.stop(mode="immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
