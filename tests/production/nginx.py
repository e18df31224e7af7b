"""Debian's nginx running deploy/nginx/shopcms.conf in a folder of its own.

The site file is the production one: only its addresses, ports, certificate and paths are
replaced by the test's (each replacement must find its text, so the test follows the file).
nginx gets its own main configuration (pid file, error log, temp folders, no daemon) in the
folder; as root it runs as www-data (as Debian's does), which owns the folder.  The TLS
certificate is a self-signed one for ``localhost`` and ``127.0.0.1``, made here.
"""

import datetime
import ipaddress
import os
import pwd
import shutil
import socket
import tempfile
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import shopcms.web
from tests.storage.cluster import ROOT, Process, free_port

SITE = ROOT / "deploy" / "nginx" / "shopcms.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
STATIC = Path(shopcms.web.__file__).parent / "static"

MAIN = """\
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    gzip on;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    access_log {folder}/access.log;
    include {folder}/shopcms.conf;
}}
"""


def self_signed_certificate(cert_path, key_path):
    """A self-signed certificate for localhost and 127.0.0.1 (an hour), and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    Path(cert_path).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    Path(key_path).write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def site_config(upstreams, https_port, http_port, folder):
    """deploy/nginx/shopcms.conf with the test's ports, certificate and paths."""
    text = SITE.read_text()
    replacements = {
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "server 127.0.0.1:6543 ": f"server 127.0.0.1:{upstreams[0]} ",
        "server 127.0.0.1:6544 ": f"server 127.0.0.1:{upstreams[1]} ",
        "/etc/letsencrypt/live/www.softcactus.be/fullchain.pem": f"{folder}/cert.pem",
        "/etc/letsencrypt/live/www.softcactus.be/privkey.pem": f"{folder}/key.pem",
        "/srv/shopcms/venv/lib/python3.11/site-packages/shopcms/web/static/": f"{STATIC}/",
        "/var/log/nginx/shopcms.access.log": f"{folder}/shopcms.access.log",
    }
    for production, test in replacements.items():
        assert production in text, f"deploy/nginx/shopcms.conf no longer has {production!r}"
        text = text.replace(production, test)
    return text


class Nginx:
    """nginx with the shop's site in front of the shop processes ``upstreams`` (ports)."""

    def __init__(self, upstreams):
        # Not under pytest's tmp_path: www-data must reach the folder (root's 0700 parents).
        self.folder = Path(tempfile.mkdtemp(prefix="shopcms-nginx-"))
        self.cert = self.folder / "cert.pem"
        self.upstreams = upstreams
        self.https_port = self.http_port = None
        self.process = None

    def start(self):
        self_signed_certificate(self.cert, self.folder / "key.pem")
        self.https_port, self.http_port = free_port(), free_port()
        (self.folder / "shopcms.conf").write_text(
            site_config(self.upstreams, self.https_port, self.http_port, self.folder)
        )
        (self.folder / "nginx.conf").write_text(MAIN.format(folder=self.folder))
        command = [NGINX, "-c", self.folder / "nginx.conf", "-e", self.folder / "error.log"]
        if os.geteuid() == 0:
            user = pwd.getpwnam("www-data")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            for path in self.folder.iterdir():
                os.chown(path, user.pw_uid, user.pw_gid)
            command = ["runuser", "-u", "www-data", "--", *command]
        self.process = Process(command, self.folder / "nginx.out")
        self.process.wait_for(self.listening, "nginx")
        return self

    def listening(self):
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.https_port)) == 0

    @property
    def base(self):
        return f"https://127.0.0.1:{self.https_port}"

    def error_log(self):
        path = self.folder / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def access_log(self, until=lambda text: True, timeout=10):
        """The access log once ``until(text)`` holds (or after ``timeout`` seconds): nginx
        writes a request's line after its answer has left, so a client can be quicker."""
        path = self.folder / "shopcms.access.log"
        deadline = time.monotonic() + timeout
        while True:
            text = path.read_text(errors="replace") if path.exists() else ""
            if until(text) or time.monotonic() > deadline:
                return text
            time.sleep(0.05)

    def stop(self):
        if self.process is not None:
            self.process.stop()
            # Its workers end with the master; give them a moment before the folder goes.
            time.sleep(0.1)
        shutil.rmtree(self.folder, ignore_errors=True)
