"""Every kind of page passes axe-core (WCAG 2.2 AA) at 320 px and 1280 px.

One page per kind (route, view, template), found by the crawler (``tests/crawl.py``) as a
visitor, a customer and an administrator would reach it, plus the states a crawl does not
reach by itself: a cart with something in it, each step of the checkout, the order
confirmation, the cookie banner, the error pages.  Each page is checked at both widths in
Chromium with the axe-core bundled in ``axe-playwright-python`` (no network), with the WCAG
2.0, 2.1 and 2.2 A/AA rules; every violation found is listed in one failure message.  At
320 px the page must not scroll sideways either (WCAG 1.4.10, reflow, which axe does not
test): a wide table scrolls inside its own keyboard-reachable region.
Both widths are checked on one load of the page (the viewport is resized, the stylesheet's
media queries apply again), which keeps the run near a minute.
"""

import re
from urllib.parse import urlsplit

import pytest

from shopcms.contests import entries
from shopcms.contests.workflow import CONTEST_WORKFLOW
from shopcms.newsletter import subscriptions
from shopcms.newsletter.tokens import link_token
from shopcms.reviews import moderation
from shopcms.reviews.links import make_token
from shopcms.web.clock import now
from tests.browser.test_smoke import login_through_the_header, url_path
from tests.browser.test_statistics_page import plant
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, make_site
from tests.contests.helpers import make_contest
from tests.crawl import crawl
from tests.factories import make_order
from tests.liveserver import serving
from tests.newsletter.campaign_setup import campaign as newsletter_campaign
from tests.outbox import queued
from tests.reviews import factory as reviews

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = (320, 1280)
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


def representatives(page, start):
    """One 200 HTML address per kind of page reachable from ``start`` and under it."""
    chosen = {}
    for address, status in crawl(browser_fetch(page), [start]).items():
        if status == 200 and urlsplit(address).path.startswith(start):
            chosen.setdefault(kind(address), address)
    return sorted(chosen.values())


class Audit:
    """Runs axe on pages at both widths and keeps every violation."""

    def __init__(self, screenshot):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.screenshot = screenshot
        self.violations = []
        self.checked = []

    def check(self, page, name, address=None, status=200):
        """Axe ``page`` at each width, at ``address`` (answered ``status``) if given."""
        if address is not None:
            response = page.goto(address)
            assert response.status == status, f"{address}: {response.status}"
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            results = self.axe.run(
                page,
                options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]},
            )
            self.checked.append((name, width))
            for violation in results.response["violations"]:
                targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
                self.violations.append(
                    (name, page.url, width, violation["id"], violation["impact"], targets)
                )
            # WCAG 1.4.10 (reflow), which axe does not test: at 320 px nothing makes the page
            # scroll sideways (a wide table scrolls inside its own region instead).
            wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if width == min(WIDTHS) and wider > 0:
                self.violations.append(
                    (name, page.url, width, "reflow (1.4.10)", "serious", [f"+{wider} px"])
                )
            if results.response["violations"] or (width == min(WIDTHS) and wider > 0):
                self.screenshot(page, f"{re.sub(r'[^a-z0-9]+', '-', name)}-{width}")

    def report(self):
        """One line per rule and element, with every page and width it fails on."""
        grouped = {}
        for name, _url, width, rule, impact, targets in self.violations:
            key = (rule, impact, ", ".join(targets[:5]) + (" …" if len(targets) > 5 else ""))
            grouped.setdefault(key, []).append(f"{name} @{width}px")
        lines = [
            f"- {rule} ({impact}) at {targets}\n    on {'; '.join(pages)}"
            for (rule, impact, targets), pages in sorted(grouped.items())
        ]
        checked = len(self.checked)
        return f"axe violations on {checked} page views (page × width):\n" + "\n".join(lines)


@pytest.fixture
def audit(screenshot):
    return Audit(screenshot)


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


def test_every_kind_of_page_passes_axe(live_site, new_context, audit):
    live_site.add_account("toegankelijk@example.be", PASSWORD)
    guest_link = plant_reviews(live_site)
    plant_contests(live_site)

    # A first visit: the cookie banner, before any choice.
    visitor = new_context().new_page()
    for lang in ("fr", "en"):
        audit.check(visitor, f"home {lang}", f"/{lang}/")
    audit.check(visitor, "home with cookie banner", "/nl/")

    visitor.locator("#cookie-banner button.choose").click()
    audit.check(visitor, "cookie banner, choosing")
    # Every kind of public page, as a visitor who chose (the banner closed).
    visitor.get_by_role("button", name="Alles aanvaarden", exact=True).click()
    visitor.locator("#cookie-banner").wait_for(state="hidden")
    for address in representatives(visitor, "/nl/"):
        audit.check(visitor, address, address)
    audit.check(visitor, "products fr", "/fr/products/")
    audit.check(visitor, "product en", "/en/products/mug-cafe")
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
    customer = new_context().new_page()
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
    for address in representatives(customer, "/nl/account/"):
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
    admin = new_context().new_page()
    login_through_the_header(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    admin.wait_for_url(url_path("/nl/manage/"))
    for address in representatives(admin, "/nl/manage/"):
        audit.check(admin, address, address)
    audit.check(admin, "dashboard en", "/en/manage/")
    audit.check(admin, "contest ranking", "/nl/manage/contests/winter/ranking")
    audit.check(admin, "contest response", "/nl/manage/contests/needles/response")
    audit.check(admin, "contest editor fr", "/nl/manage/contests/needles/edit?lang=fr")
    audit.check(admin, "translation board with contests", "/nl/manage/pages/board")
    admin.goto("/nl/account/security")
    admin.locator("#two-step button").first.click()
    admin.locator("img.qr").wait_for()
    audit.check(admin, "two-step login being set up")

    assert not audit.violations, audit.report()


def test_error_outage_and_minimal_pages_pass_axe(tmp_path, browser, audit):
    """The pages a visitor meets when something broke: the 500 page, the outage page (the
    database unreachable: no layout) and the last-resort minimal page."""
    from pyramid.request import Request

    from shopcms.web.errors import MESSAGES, minimal_page

    includes = "tests.web.testviews tests.production.probe"
    site = make_site(tmp_path, **{"pyramid.includes": includes})
    try:
        with serving(site.wsgi, threads=2) as base:
            context = browser.new_context(locale="nl-BE", base_url=base)
            page = context.new_page()
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
        site.close()
    assert not audit.violations, audit.report()
