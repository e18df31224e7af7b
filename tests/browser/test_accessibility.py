"""Every page state passes axe-core (WCAG 2.2 AA) and the Nu HTML checker, at 320 and 1280 px.

One walk through the shop (a module-scoped fixture, run once) reaches every kind of page
(route, view, template) the crawler (``tests/crawl.py``) finds as a visitor, a customer and
an administrator, plus the states a crawl does not reach by itself: a cart with something in
it, each step of the checkout, the order confirmation, the cookie banner and its settings,
forms with their errors, the error pages.  At each state the walk

- runs axe-core (``tests/js/node_modules/axe-core``, from the npm registry through
  ``make install-test``; no network) with the WCAG 2.0, 2.1 and 2.2 A/AA rules, at 1280 px
  and at 320 px;
- measures at 320 px what axe does not test: the page must not scroll sideways (WCAG 1.4.10,
  reflow: a wide table scrolls inside its own region) and the header must take at most two
  rows;
- keeps the HTML the server sent, and takes a full-page screenshot at 1280 and 390 px
  (``test-artifacts/screenshots/``, a CI artefact).

The HTML of every state and every crawled page is then checked by the Nu HTML checker
(``vnu.jar``, from the npm registry, on Debian's Java) in one run.  Each test below asserts
one of these on the walk's results; the table of every state with its counts is written to
``test-artifacts/accessibility/axe-report.txt`` (and is in the failure message).
Both widths are checked on one load of the page (the viewport is resized, the stylesheet's
media queries apply again), which keeps the walk within a few minutes.
"""

import json
import re
import shutil
import subprocess
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import transaction

from shopcms.contests import entries
from shopcms.contests.workflow import CONTEST_WORKFLOW
from shopcms.giftcards import api as giftcards
from shopcms.giftcards import validity as giftcards_validity
from shopcms.newsletter import subscriptions
from shopcms.newsletter.tokens import link_token
from shopcms.orders import tracking, withdrawal_links
from shopcms.reviews import moderation
from shopcms.reviews.links import make_token
from shopcms.web.clock import now
from tests.browser.conftest import ROOT, TIMEOUT_MS
from tests.browser.test_smoke import login_through_the_header, url_path
from tests.browser.test_statistics_page import plant
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, make_site
from tests.contests.helpers import make_contest
from tests.crawl import crawl
from tests.factories import make_order
from tests.liveserver import serving
from tests.newsletter.campaign_setup import campaign as newsletter_campaign
from tests.outbox import queued
from tests.promotions.helpers import make_promotion
from tests.reviews import factory as reviews

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: axe's widths; screenshots are taken at 1280 and at a phone's 390.
WIDTHS = (1280, 320)
SCREENSHOT_WIDTHS = (1280, 390)
NODE_MODULES = ROOT / "tests" / "js" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTIFACTS = ROOT / "test-artifacts"
REPORTS = ARTIFACTS / "accessibility"
SCREENSHOTS = ARTIFACTS / "screenshots"
#: The states the walk must reach (acceptance: at least 40).
MINIMUM_STATES = 40
#: The header's rows at 320 px, at most (acceptance 3).
HEADER_ROWS = 2
#: Path segments that name one item of a collection: one item stands for all the others.
ITEM = re.compile(r"^(\d.*|[0-9a-f]{16,})$")
COLLECTIONS = ("products", "pages", "orders", "versions", "order", "categories", "customers")


def newsletter_token(site, address):
    """The subscriber's link token of ``address`` (what every newsletter carries)."""
    secret = site.registry.settings["shopcms.secret"]
    return site.read(
        lambda root: link_token(secret, subscriptions.find(root["newsletter"], address))
    )


def plant_contests(site):
    """An open contest (``needles``) and one whose winners are announced (``winter``), with
    a confirmed entry, a wrong one and a disqualified one: the desk's ranking shows every
    kind of row."""
    make_contest(site)
    make_contest(site, name="winter")
    moment = now(site.registry)
    with site.edit() as root:
        contest = root["contests"]["winter"]
        day = moment.date()
        for number, (answer, estimate) in enumerate((("2", 1200), ("1", 1240), ("2", 1250))):
            details = {
                "name": f"Deelnemer {number} Peeters",
                "street": f"Kerkstraat {number + 1}",
                "postcode": "9000",
                "city": "Gent",
                "country": "BE",
                "email": f"deelnemer{number}@example.be",
                "answer": answer,
                "estimate": estimate,
            }
            entry = entries.enter(
                contest, details, email_key=details["email"], lang="nl", tag="", now=moment,
                day=day,
            )  # fmt: skip
            entries.confirm(contest, entry, now=moment, day=day)
        contest.closes = moment
        entries.close(contest, 1240)
        CONTEST_WORKFLOW.transition(contest, None, "close", actor="test")
        last = list(contest.entries.values())[-1]
        entries.disqualify(contest, last, "Twee keer deelgenomen", "test", moment)
        entries.confirm_winners(contest)
        CONTEST_WORKFLOW.transition(contest, None, "confirm", actor="test")
        entries.announce(contest, moment)
        CONTEST_WORKFLOW.transition(contest, None, "announce", actor="test")


def kind(address):
    """What makes two addresses the same kind of page: the path with its items replaced
    (``/nl/products/aloe-vera`` and ``/nl/products/mug-cafe`` are both a product page), the
    language left out, and whether it has a query (a filtered listing)."""
    path, _sep, query = address.partition("?")
    parts = path.strip("/").split("/")[1:]
    shape = []
    for index, part in enumerate(parts):
        after_collection = index and parts[index - 1] in COLLECTIONS
        shape.append("*" if ITEM.match(part) or after_collection else part)
    return "/".join(shape) + ("?" if query else "") + ("/" if path.endswith("/") else "")


def mail_link(site, email, path):
    """The address (path and query) of the newest link to ``path`` mailed to ``email``."""
    for _to, message in reversed(queued(site)):
        if email in message["To"]:
            text = message.get_body(("plain",)).get_content()
            found = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[^\s?]*\?\S+)", text)
            if found:
                return found.group(1)
    raise AssertionError(f"no mail to {email} with a link to {path}")


def browser_fetch(page):
    """A crawler's ``fetch`` through the page's context (its cookies: logged in)."""

    def fetch(address):
        response = page.request.get(address, max_redirects=0, fail_on_status_code=False)
        content_type = response.headers.get("content-type", "")
        text = response.text() if content_type.startswith("text/html") else ""
        return response.status, content_type, text

    return fetch


def representatives(page, start, pages):
    """One 200 HTML address per kind of page reachable from ``start`` and under it; the
    HTML of every page crawled goes into ``pages`` (``{address: html}``)."""
    chosen = {}
    for address, status in crawl(browser_fetch(page), [start], pages=pages).items():
        if status == 200 and urlsplit(address).path.startswith(start):
            chosen.setdefault(kind(address), address)
    return sorted(chosen.values())


#: The rows of the header's visible controls (links, buttons, fields): controls whose boxes
#: overlap vertically share a row.  The header is the page's banner landmark.
HEADER_ROWS_JS = """() => {
  const header = document.querySelector('header, [role=banner]');
  if (!header) return 0;
  const boxes = [...header.querySelectorAll('a, button, input, select, summary, [role=button]')]
    // checkVisibility: not inside a closed disclosure (whose content still has boxes).
    .filter(el => el.checkVisibility({visibilityProperty: true}))
    .map(el => el.getBoundingClientRect())
    .filter(box => box.width > 0 && box.height > 0)
    .sort((a, b) => a.top - b.top);
  let rows = 0, bottom = -Infinity;
  for (const box of boxes) {
    if (box.top >= bottom - 1) { rows += 1; bottom = box.bottom; }
    else bottom = Math.max(bottom, box.bottom);
  }
  return rows;
}"""


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


class Audit:
    """Checks page states and keeps what it found: axe's violations per width, the
    sideways scroll and the header's rows at 320 px, the HTML the server sent."""

    def __init__(self):
        self.states = []  # dicts: name, url, axe {width: count}, wider, header_rows
        self.violations = []  # (name, url, width, rule, impact, targets)
        self.documents = {}  # {label: html}: every state's and every crawled page's HTML
        self._responses = {}  # {page: its main frame's last document response}
        self.seconds = {"axe": 0.0, "screenshots": 0.0}
        for folder in (REPORTS, SCREENSHOTS):
            folder.mkdir(parents=True, exist_ok=True)

    def watch(self, page):
        """Remember the document ``page`` last received (the HTML of a state reached by a
        form, not by an address)."""

        def seen(response):
            if response.request.is_navigation_request() and response.frame == page.main_frame:
                self._responses[page] = response

        page.on("response", seen)
        return page

    def axe(self, page):
        """axe-core's violations on ``page`` as it is now.  The script is evaluated rather
        than added as a ``<script>`` element: the shop's CSP (no 'unsafe-inline') would
        refuse an inline element."""
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE.read_text(encoding="utf-8"))
        options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
        return page.evaluate("options => axe.run(document, options)", options)["violations"]

    def check(self, page, name, address=None, status=200):
        """Check ``page`` at ``address`` (answered ``status``) if given, else as it is."""
        if address is not None:
            response = page.goto(address)
            assert response.status == status, f"{address}: {response.status}"
        response = self._responses.get(page)
        try:
            self.documents[f"{name} ({page.url})"] = response.text() if response else page.content()
        except Exception:  # a body Chromium no longer holds: the DOM as parsed instead
            self.documents[f"{name} ({page.url})"] = page.content()
        number = len(self.states) + 1
        state = {"name": name, "url": page.url, "axe": {}, "wider": 0, "header_rows": None}
        for width in (1280, 390, 320):
            page.set_viewport_size({"width": width, "height": 800})
            if width in SCREENSHOT_WIDTHS:
                shot = SCREENSHOTS / f"{number:03d}-{slug(name)}-{width}.jpg"
                started = time.monotonic()
                page.screenshot(path=str(shot), full_page=True, type="jpeg", quality=60)
                self.seconds["screenshots"] += time.monotonic() - started
            if width not in WIDTHS:
                continue
            started = time.monotonic()
            violations = self.axe(page)
            self.seconds["axe"] += time.monotonic() - started
            state["axe"][width] = sum(len(violation["nodes"]) for violation in violations)
            for violation in violations:
                targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
                self.violations.append(
                    (name, page.url, width, violation["id"], violation["impact"], targets)
                )
        # At 320 px (the last width): WCAG 1.4.10, reflow, which axe does not test, and the
        # header's rows.
        state["wider"] = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        state["header_rows"] = page.evaluate(HEADER_ROWS_JS)
        self.states.append(state)

    def table(self):
        """One line per state: its axe count at each width, the sideways scroll and the
        header's rows at 320 px."""
        lines = [f"{'#':>3}  {'axe@1280':>8}  {'axe@320':>7}  {'wider@320':>9}  "
                 f"{'header rows':>11}  state (address)"]  # fmt: skip
        for number, state in enumerate(self.states, 1):
            path = urlsplit(state["url"]).path
            query = urlsplit(state["url"]).query
            address = path + (f"?{query}" if query else "")
            lines.append(
                f"{number:>3}  {state['axe'].get(1280, '-'):>8}  {state['axe'].get(320, '-'):>7}"
                f"  {state['wider']:>9}  {state['header_rows']:>11}  {state['name']} ({address})"
            )
        return "\n".join(lines)

    def violations_report(self):
        """One line per rule and element, with every state and width it fails on."""
        grouped = {}
        for name, _url, width, rule, impact, targets in self.violations:
            key = (rule, impact, ", ".join(targets[:5]) + (" …" if len(targets) > 5 else ""))
            grouped.setdefault(key, []).append(f"{name} @{width}px")
        return "\n".join(
            f"- {rule} ({impact}) at {targets}\n    on {'; '.join(pages)}"
            for (rule, impact, targets), pages in sorted(grouped.items())
        )

    def write_report(self):
        text = (
            f"axe-core on {len(self.states)} page states, tags {', '.join(TAGS)}; seconds spent:"
            f" {', '.join(f'{what} {spent:.0f}' for what, spent in self.seconds.items())}"
            f"\n\n{self.table()}\n\nViolations:\n{self.violations_report() or '(none)'}\n"
        )
        (REPORTS / "axe-report.txt").write_text(text, encoding="utf-8")
        return text

    def validate_html(self):
        """The Nu HTML checker's messages on every document kept: ``(errors, warnings)``,
        lists of ``"label: line N: message"``.  One run of the checker over all files."""
        labels = {}
        with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
            unique = {}
            for label, html in self.documents.items():
                unique.setdefault(html, []).append(label)
            for number, (html, same) in enumerate(unique.items()):
                path = Path(folder, f"{number:04d}.html")
                path.write_text(html, encoding="utf-8")
                labels[path.resolve().as_uri()] = same
            run = subprocess.run(
                ["java", "-jar", str(VNU), "--format", "json", "--stdout", "--exit-zero-always",
                 "--skip-non-html", folder],
                capture_output=True, text=True, timeout=300, check=False,
            )  # fmt: skip
        assert run.returncode == 0, f"vnu failed: {run.stderr}"
        errors, warnings = [], []
        for message in json.loads(run.stdout)["messages"]:
            uri = message.get("url", "")
            where = labels.get(uri) or labels.get(uri.replace("file:", "file://", 1)) or [uri]
            line = (
                f"{where[0]}{f' (and {len(where) - 1} more)' if len(where) > 1 else ''}: "
                f"line {message.get('lastLine', '?')}: {message['message']}"
                f" [{' '.join(message.get('extract', '').split())[:80]}]"
            )
            is_error = message["type"] == "error" or message.get("subType") == "fatal"
            (errors if is_error else warnings).append(line)
        return errors, warnings


def plant_reviews(site):
    """Reviews to show: published ones (one with the shop's reply) on two products, pending
    and reported ones for the moderation queue; and a guest's delivered order whose review
    link is returned (the guest's writing page)."""
    with site.edit() as root:
        for name in ("mug-cafe", "pot-creme"):
            pid = root["products"][name].pid
            for number, state in enumerate(("published", "published", "pending", "hidden")):
                review = reviews.plant(
                    root,
                    site.registry,
                    pid,
                    state=state,
                    rating=number + 2,
                    author=f"axe-{name}-{number}",
                    display="initials",
                    verified=number == 0,
                )
            moderation.reply(review, "Dank u!", "system:test", now(site.registry))
        order = make_order(
            root,
            items=[("mug-cafe", 1)],
            state="delivered",
            contact={"name": "Gast Toegankelijk", "email": "gast@example.be"},
        )
        pid = root["products"]["mug-cafe"].pid
        secret = site.registry.settings["shopcms.secret"]
        return f"/nl/reviews/write/{make_token(secret, order.number, pid, now(site.registry))}"


def plant_withdrawal_orders(site):
    """A delivered order of the walk's customer, with its tracking number (its withdrawal
    form), and a guest's shipped order: the address of its mailed withdrawal link."""
    with site.edit() as root:
        account = root["customers"].find("toegankelijk@example.be").__name__
        items = [("care-booklet", 2), ("pot-creme", 1)]
        order = make_order(root, items=items, state="delivered", customer=account)
        tracking.record({}, order, "bpost", "323299999912345678")
        contact = {"name": "Gast Toegankelijk", "email": "gast@example.be"}
        guest = make_order(root, items=[("care-booklet", 1)], state="shipped", contact=contact)
        secret = site.registry.settings["shopcms.secret"]
        token = withdrawal_links.link_token(secret, guest, now(site.registry))
        return order.number, f"/nl/withdrawal/{token}"


def plant_gift_card(site, root, order):
    """A card of 50 euro that the walk's customer bought with ``order``, 12.50 of it spent
    since: its code."""
    account = root["customers"].find("toegankelijk@example.be")
    issued = now(site.registry)
    expires = giftcards_validity.expires(site.registry, issued)
    _card, code = root["giftcards"].issue(
        Decimal("50.00"), expires, order=order, buyer=account.__name__, lang="nl", now=issued
    )
    giftcards.spend(root, code, Decimal("12.50"), order, issued)
    return code


def walk_the_shop(live_site, new_page, audit):
    """Every page state a visitor, a customer and an administrator reach, checked."""
    crawled = {}
    started = time.monotonic()
    live_site.add_account("toegankelijk@example.be", PASSWORD)
    guest_link = plant_reviews(live_site)
    plant_contests(live_site)

    # A first visit: the cookie banner, before any choice.
    visitor = new_page()
    for lang in ("fr", "en"):
        audit.check(visitor, f"home {lang}", f"/{lang}/")
    audit.check(visitor, "home with cookie banner", "/nl/")

    visitor.locator("#cookie-banner button.choose").click()
    audit.check(visitor, "cookie banner, choosing")
    # Every kind of public page, as a visitor who chose (the banner closed).
    visitor.get_by_role("button", name="Alles aanvaarden", exact=True).click()
    visitor.locator("#cookie-banner").wait_for(state="hidden")
    for address in representatives(visitor, "/nl/", crawled):
        audit.check(visitor, address, address)
    audit.check(visitor, "products fr", "/fr/products/")
    audit.check(visitor, "product en", "/en/products/mug-cafe")
    audit.check(visitor, "gift card", "/nl/products/gift-card-50")
    audit.check(visitor, "search", "/nl/products/?q=pot")
    audit.check(visitor, "4 stars and up", "/nl/products/?stars=4")
    audit.check(visitor, "best rated", "/nl/products/?sort=rating")
    audit.check(visitor, "reviews, filtered", "/nl/products/mug-cafe/reviews?sort=helpful&lang=nl")
    audit.check(visitor, "review terms en", "/en/review-terms")
    audit.check(visitor, "guest review link", guest_link)
    visitor.locator("form#review button[name=send]").click()
    visitor.locator("[aria-invalid=true]").first.wait_for()
    audit.check(visitor, "guest review with errors")
    visitor.goto("/nl/products/mug-cafe")
    report = visitor.locator("form.report").first
    visitor.locator("details:has(form.report) summary").first.click()
    report.locator("button").click()
    visitor.locator("[aria-invalid=true]").first.wait_for()
    audit.check(visitor, "report with an error")
    # Forms as they come back with their errors, and the "look in your mailbox" page.
    visitor.goto("/nl/login")
    visitor.fill("form#login input[name=email]", "niemand@example.be")
    visitor.fill("form#login input[name=password]", "not the password at all")
    visitor.locator("form#login button[name=login]").click()
    visitor.get_by_role("alert").wait_for()
    audit.check(visitor, "login with an error")
    visitor.goto("/nl/register")
    visitor.locator("form#register button[name=register]").click()
    visitor.locator("[aria-invalid=true]").first.wait_for()
    audit.check(visitor, "register with errors")
    visitor.goto("/nl/reset")
    visitor.fill("form#reset input[name=email]", "toegankelijk@example.be")
    visitor.locator("form#reset button[name=send]").click()
    visitor.wait_for_load_state()
    audit.check(visitor, "reset: mail sent")
    reset = mail_link(live_site, "toegankelijk@example.be", "/nl/reset")
    audit.check(visitor, "reset: new password", reset)
    visitor.goto("/nl/register")
    visitor.fill("form#register input[name=email]", "nieuw.toegankelijk@example.be")
    visitor.fill("form#register input[name=password]", PASSWORD)
    visitor.locator("form#register button[name=register]").click()
    visitor.wait_for_load_state()
    verify = mail_link(live_site, "nieuw.toegankelijk@example.be", "/nl/verify")
    audit.check(visitor, "register: confirm the address", verify)
    # The newsletter: the footer's form with an error and answered, the mailed links' pages.
    visitor.goto("/nl/")
    visitor.fill("form#newsletter-footer input[type=email]", "geen adres")
    visitor.locator("form#newsletter-footer button").click()
    visitor.locator("[aria-invalid=true]").first.wait_for()
    audit.check(visitor, "newsletter with an error")
    visitor.fill("form#newsletter input[type=email]", "lezer@example.be")
    visitor.locator("form#newsletter button").click()
    visitor.wait_for_load_state()
    audit.check(visitor, "newsletter: mail sent")
    confirm = mail_link(live_site, "lezer@example.be", "/nl/newsletter/confirm")
    audit.check(visitor, "newsletter: confirm", confirm)
    visitor.locator("main form button").click()
    visitor.wait_for_load_state()
    audit.check(visitor, "newsletter: confirmed")
    token = newsletter_token(live_site, "lezer@example.be")
    audit.check(visitor, "newsletter preferences", f"/nl/newsletter/preferences?token={token}")
    audit.check(visitor, "unsubscribe: the button", f"/fr/unsubscribe?token={token}")
    audit.check(visitor, "unsubscribe without a link", "/en/unsubscribe")
    audit.check(visitor, "newsletter: a forged link", "/nl/newsletter/confirm?token=x", status=400)
    # A contest: its form with errors, "look in your mailbox", the mailed link's page; the
    # rules and an announcement (reached by the crawl above too).
    visitor.goto("/nl/contests/needles?c=instagram")
    visitor.locator("form#contest-entry button[name=enter]").click()
    visitor.locator("[aria-invalid=true]").first.wait_for()
    audit.check(visitor, "contest entry with errors")
    entry = visitor.locator("form#contest-entry")
    entry.locator("input[name=name]").fill("Lies Janssens")
    entry.locator("input[name=street]").fill("Veldstraat 10")
    entry.locator("input[name=postcode]").fill("9000")
    entry.locator("input[name=city]").fill("Gent")
    entry.locator("input[name=email]").fill("lies@example.be")
    entry.get_by_label("Astrophytum asterias").check()
    entry.locator("input[name=estimate]").fill("1000")
    entry.locator("input[name=adult]").check()
    entry.locator("input[name=rules]").check()
    entry.locator("button[name=enter]").click()
    visitor.wait_for_load_state()
    audit.check(visitor, "contest: mail sent")
    audit.check(
        visitor,
        "contest: confirm",
        mail_link(live_site, "lies@example.be", "/nl/contests/needles/confirm"),
    )
    visitor.locator("main form button").click()
    visitor.wait_for_load_state()
    audit.check(visitor, "contest: confirmed")
    audit.check(visitor, "contest rules fr", "/fr/contests/needles/rules")
    audit.check(visitor, "contest winners announced", "/en/contests/winter")
    audit.check(visitor, "404", "/nl/no-such-page", status=404)
    audit.check(visitor, "400 (malformed address)", "/nl/%ff", status=400)
    audit.check(visitor, "403 (management)", "/nl/manage/", status=403)

    # A customer: wishlist, comparison, the cart, checkout, the confirmation, the account.
    customer = new_page()
    login_through_the_header(customer, "toegankelijk@example.be", PASSWORD)
    customer.wait_for_url(url_path("/nl/"))
    customer.get_by_role("button", name="Alles aanvaarden", exact=True).click()
    customer.locator("#cookie-banner").wait_for(state="hidden")
    for product in ("pot-creme", "mug-cafe"):
        customer.goto(f"/nl/products/{product}")
        customer.locator("form[action='/nl/compare'] button").click()
        customer.wait_for_load_state()
        customer.goto(f"/nl/products/{product}")
        customer.locator("form[action='/nl/wishlist'] button").click()
        customer.wait_for_load_state()
    customer.goto("/nl/products/mug-cafe")
    customer.locator("form.add-to-cart button").click()
    customer.wait_for_load_state()
    audit.check(customer, "compare with products", "/nl/compare")
    audit.check(customer, "wishlist with products", "/nl/wishlist")
    audit.check(customer, "cart with a line", "/nl/cart")
    # A discount code refused (its message by the field), then one applied (its line).
    make_promotion(live_site, code="AXE10")
    customer.fill("#discount-code input[name=code]", "NOSUCHCODE")
    customer.locator("#discount-code button[name=apply]").click()
    customer.locator("[aria-invalid=true]").first.wait_for()
    audit.check(customer, "cart with a refused discount code")
    customer.fill("#discount-code input[name=code]", "axe10")
    customer.locator("#discount-code button[name=apply]").click()
    customer.locator("tr.discount").first.wait_for()
    audit.check(customer, "cart with a discount code")
    audit.check(customer, "checkout", "/nl/checkout")
    customer.locator("form.checkout button[type=submit]").click()
    customer.locator("[aria-invalid=true]").first.wait_for()
    audit.check(customer, "checkout with errors")
    customer.fill("input[name=name]", "An Janssens")
    customer.fill("input[name=phone]", "+32 470 12 34 56")
    customer.fill("#checkout-delivery-street", "Veldstraat 10")
    customer.fill("#checkout-delivery-postcode", "9000")
    customer.fill("#checkout-delivery-city", "Gent")
    customer.check("input[name=payment][value=transfer]")
    customer.locator("form.checkout button[type=submit]").click()
    customer.wait_for_selector("form.place-order")
    audit.check(customer, "checkout review")
    customer.check("input[name=accept_terms]")
    customer.locator("form.place-order button[type=submit]").click()
    customer.wait_for_url(re.compile(r"/nl/order/\d{4}-\d{6}/"))
    audit.check(customer, "order confirmation")
    for address in representatives(customer, "/nl/account/", crawled):
        audit.check(customer, address, address)
    audit.check(customer, "account fr", "/fr/account/")
    audit.check(customer, "write a review", "/nl/products/pot-creme/review")
    customer.locator("form#review button[name=send]").click()
    customer.locator("[aria-invalid=true]").first.wait_for()
    audit.check(customer, "write a review with errors")

    # The management area, as an administrator, with statistics and campaigns to show.
    plant(live_site)
    newsletter_campaign(live_site, title="Draft", schedule=False)
    newsletter_campaign(live_site, title="Scheduled")
    admin = new_page()
    login_through_the_header(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    admin.wait_for_url(url_path("/nl/manage/"))
    for address in representatives(admin, "/nl/manage/", crawled):
        audit.check(admin, address, address)
    audit.check(admin, "dashboard en", "/en/manage/")
    audit.check(admin, "contest ranking", "/nl/manage/contests/winter/ranking")
    audit.check(admin, "contest response", "/nl/manage/contests/needles/response")
    audit.check(admin, "contest editor fr", "/nl/manage/contests/needles/edit?lang=fr")
    audit.check(admin, "translation board with contests", "/nl/manage/pages/board")
    # An editor's draft: previewed in the form, saved, shown as the public will see it.
    admin.goto("/nl/manage/pages/about/edit?lang=nl")
    admin.locator("form#revision button[name=preview]").click()
    admin.wait_for_load_state()
    audit.check(admin, "page revision with its preview")
    admin.locator("form#revision button[name=save]").click()
    admin.wait_for_load_state()
    audit.check(admin, "page with a draft to publish")
    audit.check(admin, "draft preview", "/nl/manage/pages/about/preview?lang=nl")
    admin.goto("/nl/manage/products/aloe-vera/edit")
    product_form = admin.locator("form:has(button[name=save])")
    product_form.locator("input[name=stock]").fill("-1")
    product_form.locator("button[name=save]").click()
    admin.locator("[aria-invalid=true]").first.wait_for()
    audit.check(admin, "product editor with an error")
    audit.check(admin, "gift card's editor", "/nl/manage/products/gift-card-50/edit")
    admin.goto("/nl/account/security")
    admin.locator("#two-step button").first.click()
    admin.locator("img.qr").wait_for()
    audit.check(admin, "two-step login being set up")

    # Issue 17, the OSS report (helper ubl; the invoicing's includeme includes
    # shopcms.invoicing.views.oss): the last finished quarter, and a quarter refused.
    audit.check(admin, "OSS report", "/nl/manage/oss")
    audit.check(admin, "OSS report with an error", "/fr/manage/oss?quarter=1999-Q1", status=400)
    # -- Issue 17, withdrawal (helper "withdrawal"): the withdrawal form from the account
    # (empty, with its error, stated), the guest's mailed link, the desk's list of
    # withdrawals and the order page's panel (tracking, the statement, "goods received").
    withdrawn, guest_withdrawal = plant_withdrawal_orders(live_site)
    audit.check(customer, "withdrawal form", f"/nl/account/withdrawal/{withdrawn}")
    for select in customer.locator("form#withdrawal select").all():
        select.select_option("0")
    customer.locator("form#withdrawal button[name=withdraw]").click()
    customer.locator("[aria-invalid=true]").first.wait_for()
    audit.check(customer, "withdrawal form with an error")
    customer.locator("form#withdrawal select").first.select_option("1")
    customer.locator("form#withdrawal button[name=withdraw]").click()
    customer.locator("#withdrawals-stated").wait_for()
    audit.check(customer, "withdrawal stated")
    audit.check(visitor, "guest withdrawal link", guest_withdrawal)
    audit.check(admin, "withdrawals waiting", "/nl/manage/orders/withdrawals")
    audit.check(admin, "order with a withdrawal", f"/nl/manage/orders/{withdrawn}")
    # --- Issue 17, part "bank": the bank statements page, and a statement's preview.
    audit.check(admin, "bank statements", "/nl/manage/orders/statements")
    admin.locator("form#statement-upload input[type=file]").set_input_files(
        files=[
            {
                "name": "statement.csv",
                "mimeType": "text/csv",
                "buffer": b"date;amount;communication\n"
                b"02/03/2026;20,45;+++090/9337/55493+++\n02/03/2026;-3,00;kosten\n",
            }
        ]
    )
    admin.locator("form#statement-upload button[name=preview]").click()
    admin.locator("table.statement").wait_for()
    audit.check(admin, "bank statement preview")

    # -- Issue 17, business buyers: the checkout's business part with a wrong VAT number,
    # the review and the confirmation with the company, the order desk's business panel
    # with "Confirm VAT number".
    customer.goto("/nl/products/mug-cafe")
    customer.locator("form.add-to-cart button").click()
    customer.wait_for_load_state()
    customer.goto("/nl/checkout")
    customer.fill("input[name=name]", "An Janssens")
    customer.fill("input[name=phone]", "+32 470 12 34 56")
    customer.fill("#checkout-delivery-street", "Veldstraat 10")
    customer.fill("#checkout-delivery-postcode", "9000")
    customer.fill("#checkout-delivery-city", "Gent")
    customer.check("input[name=payment][value=transfer]")
    customer.check("input[name=for_business]")
    customer.fill("input[name=company]", "Toegankelijk BV")
    customer.fill("input[name=vat_number]", "BE0428759498")  # a wrong check digit
    customer.locator("form.checkout button[type=submit]").click()
    customer.locator("[aria-invalid=true]").first.wait_for()
    audit.check(customer, "checkout with a wrong VAT number")
    customer.fill("input[name=vat_number]", "BE0428759497")
    customer.locator("form.checkout button[type=submit]").click()
    customer.wait_for_selector("form.place-order")
    audit.check(customer, "checkout review of a business")
    customer.check("input[name=accept_terms]")
    customer.locator("form.place-order button[type=submit]").click()
    customer.wait_for_url(re.compile(r"/nl/order/\d{4}-\d{6}/"))
    audit.check(customer, "order confirmation of a business")
    number = customer.url.split("/order/")[1].split("/")[0]
    audit.check(admin, "order desk with a business buyer", f"/nl/manage/orders/{number}")

    # -- Refunds (issue 17, helper "refunds"): the order page's refund panel, the refund
    # form with its errors, the review to confirm, the refund listed on the order, and the
    # refunds waiting to be paid by transfer.
    with live_site.edit() as root:
        refundable = make_order(root, items=[("mug-cafe", 2)], state="shipped").number
    admin.goto(f"/nl/manage/orders/{refundable}")
    audit.check(admin, "order with its refund form")
    admin.locator("form#refund button[name=review]").click()
    admin.locator("[aria-invalid=true]").first.wait_for()
    audit.check(admin, "refund form with errors")
    admin.fill("#refund-line-0", "1")
    admin.fill("#refund-reason", "Kapot aangekomen")
    admin.fill("#refund-holder", "An Peeters")
    admin.fill("#refund-iban", "NL91 ABNA 0417 1643 00")
    admin.locator("form#refund button[name=review]").click()
    admin.locator("form#refund-confirm").wait_for()
    audit.check(admin, "refund to confirm")
    admin.locator("form#refund-confirm button[name=refund]").click()
    admin.locator("table.refund-list").wait_for()
    audit.check(admin, "order partly refunded")
    audit.check(admin, "refunds to pay by transfer", "/nl/manage/orders/refund-transfers")

    # -- invoicing (issue 17): the customer's order once paid, with its invoice to download
    # (the account's order page, the confirmation page), and the desk's list of invoices.
    def pay_the_customers_order(root):
        account = root["customers"].find("toegankelijk@example.be")
        # The order placed through the checkout above (others of the walk are further on).
        order = next(o for o in root["orders"].of_customer(account.__name__) if o.state == "placed")
        order.transition(None, "pay", actor="system:test")
        return order.number, order.access_key

    with live_site.edit() as root:
        paid, key = pay_the_customers_order(root)
    audit.check(customer, "order with its invoice", f"/nl/account/orders/{paid}")
    audit.check(customer, "confirmation with its invoice", f"/fr/order/{paid}/{key}")
    audit.check(admin, "invoices (desk)", "/nl/manage/invoices/")
    audit.check(admin, "order with its invoice (desk)", f"/nl/manage/orders/{paid}")

    # -- Issue 19, the gift cards' pages (helper "gcpages"): the public balance page empty,
    # with an error and with a card's balance; the account's gift cards; the desk's list and
    # a card found by its code.
    with live_site.edit() as root:
        gift_code = plant_gift_card(live_site, root, paid)
    audit.check(visitor, "gift card balance", "/nl/giftcard")
    visitor.fill("#giftcard-balance-code", "geen code")
    visitor.locator("form#giftcard-balance button[name=check]").click()
    visitor.locator("[aria-invalid=true]").first.wait_for()
    audit.check(visitor, "gift card balance with an error")
    visitor.fill("#giftcard-balance-code", gift_code)
    visitor.locator("form#giftcard-balance button[name=check]").click()
    visitor.locator(".giftcard-result").wait_for()
    audit.check(visitor, "gift card balance with a card")
    audit.check(customer, "account gift cards", "/nl/account/gift-cards")
    audit.check(admin, "gift cards (desk)", "/nl/manage/giftcards/")
    admin.fill("#giftcard-search-code", gift_code)
    admin.locator("form#giftcard-search button[name=search]").click()
    admin.locator(".giftcard-found").wait_for()
    audit.check(admin, "gift card found (desk)")

    for address, html in crawled.items():
        audit.documents.setdefault(f"crawled {address}", html)
    audit.seconds["walk"] = time.monotonic() - started


def walk_the_error_pages(tmp_path, browser, audit):
    """The pages a visitor meets when something broke: the 500 page, the outage page (the
    database unreachable: no layout) and the last-resort minimal page."""
    from pyramid.request import Request

    from shopcms.web.errors import MESSAGES, minimal_page

    includes = "tests.web.testviews tests.production.probe"
    site = make_site(tmp_path, **{"pyramid.includes": includes})
    try:
        with serving(site.wsgi, threads=2) as base:
            context = browser.new_context(locale="nl-BE", base_url=base)
            page = audit.watch(context.new_page())
            audit.check(page, "500", "/nl/test-boom", status=500)
            audit.check(page, "503 outage", "/nl/test-storage-down?kind=zeo", status=503)
            request = Request.blank("/nl/", base_url=base)
            request.registry = site.registry
            minimal = minimal_page(request, 500, *MESSAGES[500]).text
            page.route(
                "**/nl/minimal",
                lambda route: route.fulfill(status=500, content_type="text/html", body=minimal),
            )
            audit.check(page, "500 minimal page", "/nl/minimal", status=500)
            context.close()
    finally:
        transaction.abort()
        site.close()


#: The finished walk, kept for the module's later tests should pytest tear the module's
#: fixtures down between them (a worker handed the module's tests in parts).  What the
#: tests read of it is data.
FINISHED = {}


@pytest.fixture(scope="module")
def walk(browser, live_site, live_server, tmp_path_factory):
    """The audit of the whole walk, done once for the tests of this module (``make test``
    runs a module's tests in one worker: ``--dist loadscope``)."""
    if "audit" in FINISHED:
        return FINISHED["audit"]
    for tool in (AXE, VNU):
        assert tool.is_file(), f"{tool} is missing: run `make install-test` (npm ci in tests/js)"
    assert shutil.which("java"), (
        "java is missing (the Nu HTML checker): apt-get install default-jre-headless"
    )
    contexts = []

    def new_page():
        context = browser.new_context(locale="nl-BE", base_url=live_server)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return audit.watch(context.new_page())

    audit = Audit()
    try:
        walk_the_shop(live_site, new_page, audit)
        walk_the_error_pages(tmp_path_factory.mktemp("error-pages"), browser, audit)
    finally:
        for context in contexts:
            context.close()
        audit.write_report()
    FINISHED["audit"] = audit
    return audit


def test_every_page_state_passes_axe_at_1280_and_320(walk):
    report = walk.write_report()
    assert len(walk.states) >= MINIMUM_STATES, report
    assert not walk.violations, report


def test_every_page_is_valid_html(walk):
    """The Nu HTML checker finds no error; its warnings are listed, grouped by message."""
    errors, warnings = walk.validate_html()
    grouped = {}
    for warning in warnings:
        where, _sep, message = warning.partition(": line ")
        grouped.setdefault(message.partition(": ")[2].partition(" [")[0], []).append(warning)
    listing = "\n".join(
        f"{len(found)}x {message}\n" + "".join(f"    {example}\n" for example in found[:5])
        for message, found in sorted(grouped.items(), key=lambda item: -len(item[1]))
    )
    (REPORTS / "vnu-warnings.txt").write_text(
        f"Nu HTML checker: {len(warnings)} warnings on {len(walk.documents)} documents\n"
        f"{listing or '(none)'}\n",
        encoding="utf-8",
    )
    (REPORTS / "vnu-errors.txt").write_text("\n".join(errors) + "\n", encoding="utf-8")
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(sorted(errors)[:60])


def test_no_page_scrolls_sideways_at_320(walk):
    wide = [f"{state['name']} ({state['url']}): +{state['wider']} px"
            for state in walk.states if state["wider"] > 0]  # fmt: skip
    assert not wide, "wider than 320 px:\n" + "\n".join(wide)


def test_the_header_takes_at_most_two_rows_at_320(walk):
    tall = [f"{state['name']} ({state['url']}): {state['header_rows']} rows"
            for state in walk.states if state["header_rows"] > HEADER_ROWS]  # fmt: skip
    assert not tall, f"headers of more than {HEADER_ROWS} rows at 320 px:\n" + "\n".join(tall)


def test_the_first_product_is_on_the_first_screen_of_a_phone(browser, live_server):
    """At 390x844 the listing shows its first product without scrolling (its link starts
    on the screen with at least 100 px of it, or all of it, above the fold)."""
    context = browser.new_context(
        locale="nl-BE", base_url=live_server, viewport={"width": 390, "height": 844}
    )
    try:
        page = context.new_page()
        page.goto("/nl/products/")
        box = page.evaluate(
            """() => {
              const link = [...document.querySelectorAll('main a[href]')].find(a =>
                /\\/products\\/[^/?#]+$/.test(new URL(a.href).pathname));
              const box = link.getBoundingClientRect();
              return {top: box.top + scrollY, height: box.height, text: link.textContent.trim()};
            }"""
        )
        seen = box["top"] + min(box["height"], 100)
        assert seen <= 844, f"first product ({box['text']!r}) starts at {box['top']:.0f} px"
    finally:
        context.close()
