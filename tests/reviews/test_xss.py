"""Thirty attacks in what people write: none is active on any page, mail or JSON-LD block.

Each payload goes, as it is, into a review's title, text and name, the shop's reply and a
report's reason (planted in the database: the form refuses tags, but the rendering must not
rely on that).  Every page that shows reviews (the product page, its review pages, the
moderation queue and each review's desk page) and every mail about them is then parsed:
no element, attribute or URL came from a payload, and the JSON-LD block is valid JSON
whose strings are the payloads themselves.
"""

import json

import pytest
from bs4 import BeautifulSoup

from shopcms.reviews import moderation
from shopcms.web.clock import now
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Browser, login
from tests.outbox import queued
from tests.reviews.factory import plant, product

#: Every payload names ZQX, so whatever a payload would run or load is found by that name.
PAYLOADS = [
    "<script>ZQX(1)</script>",
    "<img src=x onerror=ZQX(2)>",
    "<svg onload=ZQX(3)>",
    '"><script>ZQX(4)</script>',
    "'><img src=x onerror=ZQX(5)>",
    "</textarea><script>ZQX(6)</script>",
    "</title><script>ZQX(7)</script>",
    "</script><script>ZQX(8)</script>",
    "<iframe src=javascript:ZQX(9)>",
    '<a href="javascript:ZQX(10)">click</a>',
    "<body onload=ZQX(11)>",
    "<details open ontoggle=ZQX(12)>",
    '<math><mtext><table><mglyph><style><img src=x onerror="ZQX(13)">',
    "<input autofocus onfocus=ZQX(14)>",
    "<video><source onerror=ZQX(15)>",
    "<object data=javascript:ZQX(16)>",
    '<embed src="javascript:ZQX(17)">',
    '<form action="javascript:ZQX(18)"><button>go</button></form>',
    "<meta http-equiv=refresh content='0;url=javascript:ZQX(19)'>",
    '<link rel=stylesheet href="javascript:ZQX(20)">',
    "<style>@import 'javascript:ZQX(21)';</style>",
    '<div style="background:url(javascript:ZQX(22))">x</div>',
    "javascript:ZQX(23)",
    "{{constructor.constructor('ZQX(24)')()}}",
    "${ZQX(25)}",
    '<!--<img src="--><img src=x onerror=ZQX(26)//">',
    "<scr<script>ipt>ZQX(27)</scr</script>ipt>",
    "&lt;script&gt;ZQX(28)&lt;/script&gt;",
    "\u003cscript\u003eZQX(29)\u003c/script\u003e",
    '"}]}</script><script>ZQX(30)</script>',
]
assert len(PAYLOADS) == 30


@pytest.fixture
def planted(site):
    with site.edit() as root:
        pid = product(root).pid
        reviews = []
        for number, payload in enumerate(PAYLOADS):
            review = plant(
                root,
                site.registry,
                pid,
                state="published" if number % 2 == 0 else "pending",
                rating=number % 5 + 1,
                author=f"attacker-{number}",
                name=f"Eve {payload}",
                title=payload,
                text=f"{payload} is what I think of this mug, truly.",
            )
            moderation.reply(review, f"Reply: {payload}", "system:test", now(site.registry))
            review.add_report(f"Reason: {payload}")
            reviews.append((review.pid, review.__name__, review.workflow_state))
    return reviews


def injected(html):
    """What in ``html`` came from a payload as markup: elements, attributes or URLs."""
    soup = BeautifulSoup(html, "html.parser")
    for token in soup.select("input[name=csrf_token]"):
        # A masked token is random base64url: "ZQX" turns up in one now and then.
        token["value"] = ""
    found = []
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if "ZQX" in text and (
                name.startswith("on")
                or name in ("href", "src", "action", "data", "style", "content")
            ):
                found.append(f"<{tag.name} {name}={text!r}>")
            if name.startswith("on") and "ZQX" in text:
                found.append(f"<{tag.name} {name}>")
        if (
            tag.name
            in (
                "script",
                "style",
                "iframe",
                "object",
                "embed",
                "svg",
                "math",
                "img",
                "video",
                "meta",
                "link",
                "base",
                "input",
                "details",
            )
            and "ZQX" in str(tag)
            and not (tag.name == "script" and tag.get("type") == "application/ld+json")
        ):
            found.append(str(tag)[:80])
    return found


def json_ld_strings(html):
    """The JSON-LD blocks of ``html``, parsed (a payload breaking out would fail here)."""
    soup = BeautifulSoup(html, "html.parser")
    blocks = soup.find_all("script", type="application/ld+json")
    return [json.loads(block.string) for block in blocks]


def test_no_payload_is_active_on_the_public_pages(app, planted):
    published = [p for p in planted if p[2] == "published"]
    pages = ["/nl/products/mug-cafe"]
    pages += [
        f"/{lang}/products/mug-cafe/reviews?page={n}" for lang in ("nl", "en") for n in (1, 2)
    ]
    shown = 0
    for address in pages:
        page = app.get(address)
        assert injected(page.text) == [], address
        shown += page.text.count("ZQX")
    assert shown > 0  # the payloads are there, as text
    [data] = json_ld_strings(app.get("/nl/products/mug-cafe").text)
    bodies = [entry["reviewBody"] for entry in data.get("review", [])]
    assert bodies and all(body.endswith("is what I think of this mug, truly.") for body in bodies)
    assert {body.split(" is what")[0] for body in bodies} <= {PAYLOADS[i] for i in range(0, 30, 2)}
    assert data["aggregateRating"]["reviewCount"] == len(published)


def test_no_payload_is_active_on_the_moderation_desk(site, planted):
    staff = Browser(site.wsgi)
    login(staff, ADMIN_EMAIL, ADMIN_PASSWORD)
    pages = ["/nl/manage/reviews/", "/nl/manage/reviews/?state=published"]
    pages += [f"/nl/manage/reviews/{pid}/{key}" for pid, key, _state in planted]
    for address in pages:
        page = staff.get(address)
        assert injected(page.text) == [], address
        assert "ZQX" in page.text, address


def test_no_payload_is_active_in_the_mails(site, planted):
    staff = Browser(site.wsgi)
    login(staff, ADMIN_EMAIL, ADMIN_PASSWORD)
    pending = [(pid, key) for pid, key, state in planted if state == "pending"]
    for number, (pid, key) in enumerate(pending):
        page = staff.get(f"/nl/manage/reviews/{pid}/{key}")
        action = "approve" if number % 2 else "reject"
        form = page.forms[f"moderate-{action}"]
        if action == "reject":
            form["reason"] = "other"
            form["text"] = PAYLOADS[number]
        form.submit(status=303)
    mails = [message for _to, message in queued(site) if "ZQX" in message.as_string()]
    assert mails, "no mail about the reviews"
    for message in mails:
        html = message.get_body(("html",))
        if html is not None:
            assert injected(html.get_content()) == []
