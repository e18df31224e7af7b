"""The production topology: nginx (TLS) in front of two shopcms processes on a ZEO server.

The shop processes get production.ini's waitress settings for the proxy (trusted_proxy,
its headers and count, url_scheme) and its Secure cookies and HSTS; nginx runs the site of
deploy/nginx/shopcms.conf.  Started once for the module's tests, stopped at its end.
"""

import configparser

import pytest

from tests.production.nginx import Nginx
from tests.storage.cluster import ROOT, ZEOServer, shop_servers

#: production.ini's [server:main] options that shape what the app sees behind the proxy.
PROXY_OPTIONS = (
    "trusted_proxy",
    "trusted_proxy_count",
    "trusted_proxy_headers",
    "clear_untrusted_proxy_headers",
    "url_scheme",
    "max_request_body_size",
)
#: production.ini's settings for HTTPS, and the test application's views plus the probe.
APP_SETTINGS = {
    "shopcms.cookies.secure": "true",
    "shopcms.cookies.strict": "false",
    "shopcms.hsts": "true",
    "pyramid.includes": "tests.web.testviews tests.production.probe",
}


def production_proxy_options():
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(ROOT / "production.ini")
    server = ini["server:main"]
    options = {name: server[name] for name in PROXY_OPTIONS}
    for name, value in APP_SETTINGS.items():
        if name.startswith("shopcms."):
            assert ini["app:main"][name] == value, f"production.ini's {name} is not {value}"
    return options


class Topology:
    def __init__(self, storage, shops, nginx):
        self.storage, self.shops, self.nginx = storage, shops, nginx
        self.base = nginx.base
        self.cert = str(nginx.cert)


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    folder = tmp_path_factory.mktemp("production")
    storage = ZEOServer(folder / "zeo")
    try:
        storage.start()
        with shop_servers(
            storage, folder, settings=APP_SETTINGS, server_options=production_proxy_options()
        ) as shops:
            nginx = Nginx([int(shop.base.rsplit(":", 1)[1]) for shop in shops])
            try:
                nginx.start()
                yield Topology(storage, shops, nginx)
            finally:
                nginx.stop()
    finally:
        storage.stop()
