"""2,000 random byte strings against every page, as a visitor, a customer and an
administrator: none is answered with a 500 (issue 12, acceptance 2).

The addresses come from the application itself: every named view of the site and of the
management area (Pyramid's introspector), every top-level resource of the tree, and every
page a crawl reaches from the start pages of each role (``tests/crawl.py``), with the forms
those pages show.  Each byte string (seeded: the same 2,000 on every run) is sent once, in
turn as a path segment, as a query value (the names the page's forms and links use, and the
usual suspects) and as the value of one field of a form sent with the rest of its values
intact and its CSRF token, so that it reaches the form's own checks.  The strings mix
anything at all, control and high bytes, odd Unicode (bidi overrides, zero-width
characters, private use, noncharacters, lone surrogates as bytes) and ASCII that means
something to a path or a query.
"""

import logging
import random
import re
import time
from urllib.parse import parse_qsl, quote_from_bytes, urlsplit

import pytest
from pyramid.interfaces import IRoutesMapper
from webob import Request
from webtest.forms import Submit

from shopcms.privacy import ledger
from shopcms.privacy.purposes import ACCOUNT_DATA
from shopcms.tree.site import Site
from shopcms.web.clock import now
from tests.conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    PASSWORD,
    Browser,
    login,
    start_session,
)
from tests.crawl import crawl
from tests.factories import make_order

log = logging.getLogger(__name__)

SEED = 20261206
COUNT = 2000
CUSTOMER = "fuzzed@example.be"
#: Pages crawled per role (a listing's pages and each product repeat the same forms).
CRAWL_LIMIT = 80
STARTS = {
    "visitor": ["/nl/", "/nl/products/", "/nl/login", "/nl/register", "/nl/reset", "/nl/checkout"],
    "customer": ["/nl/account/", "/nl/account/security", "/nl/account/privacy"],
    "admin": ["/nl/manage/"],
}
#: Query names worth trying on any page, beyond those its forms and links use.
QUERY_NAMES = ("q", "sort", "page", "category", "came_from", "next", "min", "max", "lang")
#: Forms not to send: they would end the role's session or erase what the others need.
SPARED = re.compile(r"logout|erase|delete")
ODD = [
    *range(0x00, 0x20),
    *range(0x7F, 0xA0),
    0x200B, 0x200C, 0x200D, 0x200E, 0x202A, 0x202E, 0x2066, 0x2069, 0x2028, 0x2029,
    0xFEFF, 0xE000, 0xFFFE, 0xFFFF, 0xFDD0, 0xD800, 0xDFFF, 0x2215, 0x3002, 0xFF0F,
    0x0130, 0x00DF, 0x1F600, 0xE0041, 0x10FFFF,
]  # fmt: skip
TRICKS = [
    "../",
    "..%2f",
    "%",
    "%00",
    "%ff",
    "'",
    '"',
    "<script>",
    "//",
    "\\",
    "?",
    "#",
    "&",
    "=",
    ";",
    "+",
    "0",
    "-1",
    "99999999999999999999",
    "1e9",
    "NaN",
    "é",
    "€",
] + [" ", "/"]


def fuzz_bytes(rng):
    """One random byte string of one of four kinds (see the module)."""
    size = rng.randint(0, 24)
    kind = rng.randrange(4)
    if kind == 0:
        return rng.randbytes(size)
    if kind == 1:
        return bytes(rng.choice([*range(0x20), *range(0x7F, 0x100)]) for _ in range(size))
    if kind == 2:
        text = "".join(chr(rng.choice(ODD)) if rng.random() < 0.5 else "a" for _ in range(size))
        return text.encode("utf-8", "surrogatepass")
    return "".join(rng.choice(TRICKS) for _ in range(size // 3 + 1)).encode()


def view_addresses(registry):
    """The named views of the site and of the management area, in Dutch, from Pyramid's
    introspector: ``/nl/NAME`` and ``/nl/manage/NAME``."""
    prefixes = {"public": "/nl/", "manage": "/nl/manage/", "account": "/nl/account/"}
    found = set()
    for item in registry.introspector.get_category("views"):
        view = item["introspectable"]
        prefix = prefixes.get(view.get("route_name"))
        context = view.get("context")
        # The views of tests/web/testviews.py (test-*) fail on purpose.
        name = view.get("name") or ""
        if prefix and name and not name.startswith("test-") and context in (None, Site):
            found.add(prefix + name)
    return found


def route_addresses(registry, site):
    """The routes' own addresses, and each top-level resource under both language routes."""
    found = {"/", "/manage", "/nl/manage", "/nl/manage/", "/nl/account/", "/nl/"}
    assert {r.name for r in registry.getUtility(IRoutesMapper).get_routes()} >= {
        "root",
        "manage",
        "account",
        "public",
    }
    for name in site.read(lambda root: list(root.keys())):
        found.update({f"/nl/{name}/", f"/nl/manage/{name}/"})
    return found


class Target:
    """What one role fuzzes: addresses, query names, and forms (action, method, fields)."""

    def __init__(self, role, browser):
        self.role = role
        self.browser = browser
        self.addresses = []
        self.names = set(QUERY_NAMES)
        self.forms = {}

    def learn(self, addresses):
        for address in sorted(addresses):
            path, _sep, query = address.partition("?")
            self.names.update(name for name, _value in parse_qsl(query))
            if path not in self.addresses:
                self.addresses.append(path)

    def fetch(self, address):
        """The crawler's ``fetch``, learning the forms of every page it gets."""
        page = self.browser.get(address, status="*", expect_errors=True)
        content_type = page.content_type or ""
        if page.status_int == 200 and content_type.startswith("text/html"):
            self.learn_forms(address, page)
        return page.status_int, content_type, page.text

    def learn_forms(self, address, page):
        for form in {id(f): f for f in page.forms.values()}.values():
            action = urlsplit(form.action or address).path or address
            submits = [f for items in form.fields.values() for f in items if isinstance(f, Submit)]
            fields = [
                (name, field.value)
                for name, items in form.fields.items()
                for field in items
                if name
                and field.value is not None
                and (not isinstance(field, Submit) or field is submits[0])
            ]
            key = (re.sub(r"\d+", "N", action), tuple(sorted(n for n, _v in fields)))
            if fields and not SPARED.search(action) and key not in self.forms:
                self.forms[key] = (action, (form.method or "GET").upper(), fields)
                self.names.update(n for n, _v in fields if (form.method or "GET") == "GET")


def encode(pairs):
    """An urlencoded form or query from ``(name, str or bytes)`` pairs."""
    return "&".join(
        f"{quote_from_bytes(name.encode())}="
        + quote_from_bytes(value if isinstance(value, bytes) else value.encode(), safe="")
        for name, value in pairs
    )


def request(target, address, body=None):
    """``address`` (a GET, or a POST of ``body``) sent as the role's browser sends it, its
    cookies included, bypassing WebTest's client side (which decodes the path itself)."""
    browser = target.browser
    cookies = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    headers = {"Origin": "http://localhost", "Cookie": cookies}
    if body is None:
        req = Request.blank(address, headers=headers)
    else:
        req = Request.blank(
            address,
            method="POST",
            headers=headers,
            body=body,
            content_type="application/x-www-form-urlencoded",
        )
    return req.get_response(browser.app).status_int


def send(target, index, raw):
    """Send ``raw`` the ``index``-th way (path, query, form); returns (status, what)."""
    placement = index % 3
    if placement == 0 or (placement == 2 and not target.forms):
        base = target.addresses[index % len(target.addresses)]
        address = base.rstrip("/") + "/" + quote_from_bytes(raw, safe="")
        return request(target, address), address
    if placement == 1:
        base = target.addresses[index % len(target.addresses)]
        names = sorted(target.names)
        address = f"{base}?{encode([(names[index % len(names)], raw)])}"
        return request(target, address), address
    forms = list(target.forms.values())
    action, method, fields = forms[index % len(forms)]
    spoiled = index // len(forms) % len(fields)
    pairs = [(n, raw if i == spoiled else v) for i, (n, v) in enumerate(fields)]
    what = f"{method} {action} {fields[spoiled][0]}={raw!r}"
    if method == "GET":
        return request(target, f"{action}?{encode(pairs)}"), what
    return request(target, action, encode(pairs).encode()), what


@pytest.fixture
def targets(site):
    """The three roles, each with what it can reach."""
    with site.edit() as root:
        account = root["customers"].create(CUSTOMER, PASSWORD)
        ledger.record(
            account.preferences, root, ACCOUNT_DATA, True, "checkout", "nl", now(site.registry)
        )
        account.preferences.add_address("F. Uzz", "Kouter 1", "9000", "Gent", "BE", True)
        make_order(root, customer=account.__name__, state="delivered")
    started = time.monotonic()
    browsers = {role: Browser(site.wsgi) for role in STARTS}
    start_session(browsers["visitor"])
    login(browsers["customer"], CUSTOMER, PASSWORD)
    login(browsers["admin"], ADMIN_EMAIL, ADMIN_PASSWORD)
    views = view_addresses(site.registry)
    routes = route_addresses(site.registry, site)
    found = []
    for role, starts in STARTS.items():
        target = Target(role, browsers[role])
        target.learn(crawl(target.fetch, starts, limit=CRAWL_LIMIT))
        # Every role tries every named view and route: a visitor the management area too.
        target.learn(views | routes)
        found.append(target)
    log.info("crawled in %.1f s", time.monotonic() - started)
    return found


def test_random_bytes_never_get_a_500(targets, caplog):
    caplog.set_level(logging.ERROR)
    rng = random.Random(SEED)
    started = time.monotonic()
    failures, statuses = [], {}
    for index in range(COUNT):
        raw = fuzz_bytes(rng)
        target = targets[index % len(targets)]
        status, what = send(target, index // len(targets), raw)
        statuses[status] = statuses.get(status, 0) + 1
        if status >= 500:
            failures.append((target.role, status, what))
    elapsed = time.monotonic() - started
    assert failures == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    # The strings reached the pages, not only the layer in front: forms answered too.
    assert sum(statuses.values()) == COUNT
    assert statuses.get(400, 0) > 200 and statuses.get(200, 0) + statuses.get(303, 0) > 100
    assert all(len(t.forms) >= 3 and len(t.addresses) >= 20 for t in targets), [
        (t.role, len(t.forms), len(t.addresses)) for t in targets
    ]
    log.info("%d fuzzed requests in %.1f s: %s", COUNT, elapsed, sorted(statuses.items()))
