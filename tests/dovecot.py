"""Debian's Dovecot (package ``dovecot-imapd``) as the shop's IMAP server in the tests.

``Dovecot().start()`` runs ``/usr/sbin/dovecot -F -c CONF`` as a child process, listening on
127.0.0.1 at a free port, with everything in a folder of its own: the configuration below,
``base_dir`` and ``state_dir``, a passwd-file with one user (:data:`USER`, plain-text
:data:`PASSWORD`), the user's ``Maildir`` and the log.  ``stop()`` ends it and removes the
folder.  No TLS (``ssl = no``): the shop reaches it with ``imap://`` (allowed to 127.0.0.1);
``Dovecot(tls=True)`` requires TLS (plain IMAP refuses the login, IMAPS on ``tls_port``) with
a self-signed certificate for localhost and 127.0.0.1, ``cert`` (the shop's ``.cafile``).

Dovecot never gives mail access to uid 0: run as root (CI), its login processes run as
Debian's ``dovenull``, its internal ones as ``dovecot``, and the mail user is ``nobody``
(who owns the folder, made with mkdtemp outside root's 0700 pytest folder; mode 0755 so
that the auth process, user ``dovecot``, reads the passwd-file).  Run as an ordinary user,
every one of them is that user and nothing is chrooted (tried as ``nobody``).
"""

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
USER, PASSWORD = "shop@softcactus.be", "inbound test password"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
instance_name = shopcms-test-{port}
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
info_log_path = {folder}/dovecot.log
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = 1
mail_uid = {mail_uid}
mail_gid = {mail_gid}
mail_location = maildir:{folder}/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {folder}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
{chroot}}}
service anvil {{
{chroot}}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def available():
    return os.access(DOVECOT, os.X_OK)


def missing_message():
    return f"Dovecot is missing ({DOVECOT}): install Debian's dovecot-imapd (.ci/run does)"


class Dovecot:
    """A Dovecot IMAP server for one test (see the module)."""

    def __init__(self, tls=False):
        self.folder = Path(tempfile.mkdtemp(prefix="shopcms-dovecot-"))
        self.tls = tls
        self.port = self.tls_port = None
        self.process = None

    @property
    def maildir(self):
        return self.folder / "Maildir"

    def config(self):
        if os.geteuid() == 0:
            mail = pwd.getpwnam("nobody")
            users = {"login_user": "dovenull", "internal_user": "dovecot"}
            users["internal_group"] = "dovecot"
            chroot = ""  # the defaults: login processes chrooted, as in production
        else:
            mail = pwd.getpwuid(os.getuid())
            me, group = mail.pw_name, grp.getgrgid(os.getgid()).gr_name
            users = {"login_user": me, "internal_user": me, "internal_group": group}
            chroot = "  chroot =\n"  # only root may chroot
        self.uid, self.gid = mail.pw_uid, mail.pw_gid
        ssl = "ssl = no"
        if self.tls:
            ssl = f"ssl = required\nssl_cert = <{self.cert}\nssl_key = <{self.folder}/key.pem"
        return CONFIG.format(
            folder=self.folder,
            port=self.port,
            tls_port=self.tls_port or 0,
            ssl=ssl,
            mail_uid=mail.pw_uid,
            mail_gid=mail.pw_gid,
            chroot=chroot,
            **users,
        )

    @property
    def cert(self):
        return self.folder / "cert.pem"

    def start(self, timeout=30):
        self.port = free_port()
        if self.tls:
            # Imported here: that module brings the storage tests' imports (psycopg2...).
            from tests.production.nginx import self_signed_certificate

            self.tls_port = free_port()
            self_signed_certificate(self.cert, self.folder / "key.pem")
        conf = self.folder / "dovecot.conf"
        conf.write_text(self.config())
        user = f"{USER}:{{PLAIN}}{PASSWORD}:{self.uid}:{self.gid}::::\n"
        (self.folder / "users").write_text(user)
        if os.geteuid() == 0:
            # The mail user makes its Maildir in the folder; auth (user dovecot) reads the
            # passwd-file in it.
            os.chown(self.folder, self.uid, self.gid)
            self.folder.chmod(0o755)
        with open(self.folder / "stderr.log", "wb") as stderr:
            self.process = subprocess.Popen(
                [DOVECOT, "-F", "-c", str(conf)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = self.log()
                self.stop()
                raise RuntimeError(f"Dovecot did not start:\n{log[-3000:]}")
            time.sleep(0.05)
        return self

    def answers(self):
        """Does the server greet on its port (``* OK``)?"""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                return s.recv(100).startswith(b"* OK")
        except OSError:
            return False

    def log(self):
        text = ""
        for name in ("stderr.log", "dovecot.log"):
            path = self.folder / name
            text += path.read_text(errors="replace") if path.exists() else ""
        return text

    def settings(self, folder="INBOX", host="127.0.0.1"):
        """The shop's settings to read this server's ``folder`` (over TLS when started so:
        the certificate is for ``localhost`` and ``127.0.0.1``, signed by itself)."""
        url = f"imaps://{host}:{self.tls_port}" if self.tls else f"imap://{host}:{self.port}"
        return {
            "shopcms.newsletter.inbound": f"{url}/{folder}",
            "shopcms.newsletter.inbound.user": USER,
            "shopcms.newsletter.inbound.password": PASSWORD,
        }

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
