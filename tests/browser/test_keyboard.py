"""Keyboard only: a customer orders and an editor publishes, with the focus visible at every stop.

No click, no ``fill``: the browser gets key presses (Tab, Shift+Tab, Enter, Space, arrows)
and text typed into the field that has the focus.  ``tab_to`` tabs until the focused element
is the one wanted (found by its role and accessible name, or by where a link goes: the page
structure may change, the names and addresses stay) and checks at EVERY stop on the way that
the focus can be seen (WCAG 2.4.7, 1.4.11, 2.4.11): the focused element is on the screen
and its focus indicator (the outline, or a box-shadow ring) has a contrast of at least 3:1
against the colour behind it.  Every stop that fails is listed in one failure message.
"""

import re

import pytest

from tests.conftest import PASSWORD

#: The least contrast of the focus indicator against what is behind it (WCAG 1.4.11).
FOCUS_CONTRAST = 3.0

#: What the focused element is: role, accessible name (an approximation of the accessible
#: name computation that covers the shop's controls), where a link goes, the form field's
#: name, autocomplete token, type, value and checked state; its box and focus indicator.
FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const text = node => (node ? node.innerText || node.textContent || '' : '').trim();
  const byIds = ids => ids.split(/\\s+/).map(id => text(document.getElementById(id))).join(' ');
  const tag = el.tagName.toLowerCase();
  const type = (el.getAttribute('type') || '').toLowerCase();
  const implicit = {a: el.hasAttribute('href') ? 'link' : '', button: 'button',
    select: 'combobox', textarea: 'textbox', summary: 'button'};
  const inputs = {checkbox: 'checkbox', radio: 'radio', submit: 'button', button: 'button',
    search: 'searchbox'};
  const role = el.getAttribute('role') || implicit[tag] ||
    (tag === 'input' ? inputs[type] || 'textbox' : tag);
  const name = (el.getAttribute('aria-labelledby') && byIds(el.getAttribute('aria-labelledby')))
    || el.getAttribute('aria-label')
    || (el.labels && el.labels.length ? text(el.labels[0]) : '')
    || (['input', 'select', 'textarea'].includes(tag) ? '' : text(el))
    || el.getAttribute('value') || el.getAttribute('title') || '';
  // The colour behind the element: the first opaque background among its ancestors.
  const parse = value => {
    const m = value.match(/rgba?\\(([\\d.]+)[, ]+([\\d.]+)[, ]+([\\d.]+)(?:[,/ ]+([\\d.]+%?))?/);
    if (!m) return null;
    let alpha = m[4] === undefined ? 1 : parseFloat(m[4]) / (m[4].endsWith('%') ? 100 : 1);
    return [+m[1], +m[2], +m[3], alpha];
  };
  const behind = start => {
    const layers = [];
    for (let node = start; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour && colour[3] > 0) { layers.push(colour); if (colour[3] >= 1) break; }
    }
    let result = [255, 255, 255];
    for (const [r, g, b, a] of layers.reverse()) {
      result = [0, 1, 2].map(i => [r, g, b][i] * a + result[i] * (1 - a));
    }
    return result;
  };
  const style = getComputedStyle(el);
  const rings = [];
  const offset = parseFloat(style.outlineOffset) || 0;
  if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) {
    rings.push({kind: 'outline', colour: parse(style.outlineColor),
                width: parseFloat(style.outlineWidth),
                behind: behind(offset < 0 ? el : el.parentElement)});
  }
  if (style.boxShadow && style.boxShadow !== 'none') {
    for (const shadow of style.boxShadow.split(/,(?![^(]*\\))/)) {
      const lengths = shadow.replace(/rgba?\\([^)]*\\)/, '').trim().split(/\\s+/).map(parseFloat);
      const spread = lengths.length >= 4 ? lengths[3] : 0;
      if (spread > 0 && !shadow.includes('inset')) {
        rings.push({kind: 'box-shadow', colour: parse(shadow), width: spread,
                    behind: behind(el.parentElement)});
      }
    }
  }
  const box = el.getBoundingClientRect();
  return {
    tag, role, name: name.replace(/\\s+/g, ' ').trim(), type,
    href: el.href ? new URL(el.href).pathname + new URL(el.href).search : '',
    field: el.getAttribute('name') || '', autocomplete: el.getAttribute('autocomplete') || '',
    value: el.value === undefined ? '' : String(el.value), checked: !!el.checked,
    box: {top: box.top, left: box.left, bottom: box.bottom, right: box.right,
          width: box.width, height: box.height},
    viewport: {width: innerWidth, height: innerHeight},
    rings, page: location.pathname,
  };
}"""


def luminance(rgb):
    """The relative luminance of an sRGB colour (WCAG 2.2's definition)."""

    def linear(channel):
        channel /= 255
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one, other):
    """The contrast ratio of two sRGB colours, 1 to 21."""
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def over(colour, background):
    """``colour`` (r, g, b, alpha) painted over an opaque ``background``."""
    *rgb, alpha = colour
    return [c * alpha + b * (1 - alpha) for c, b in zip(rgb, background, strict=True)]


def describe(focused):
    return f"{focused['role']} {focused['name']!r} on {focused['page']}"


def focus_problems(focused):
    """What makes the focus hard to see on ``focused`` (empty: it is visible)."""
    box, viewport = focused["box"], focused["viewport"]
    problems = []
    on_screen = (
        box["width"] > 0
        and box["height"] > 0
        and box["bottom"] > 0
        and box["right"] > 0
        and box["top"] < viewport["height"]
        and box["left"] < viewport["width"]
    )
    if not on_screen:
        problems.append(f"off the screen at {box}")
    ratios = [
        (ring["kind"], contrast(over(ring["colour"], ring["behind"]), ring["behind"]))
        for ring in focused["rings"]
        if ring["colour"] and ring["width"] >= 1
    ]
    if not ratios:
        problems.append("no focus indicator (neither outline nor box-shadow ring)")
    elif max(ratio for _kind, ratio in ratios) < FOCUS_CONTRAST:
        shown = ", ".join(f"{kind} {ratio:.2f}:1" for kind, ratio in ratios)
        problems.append(f"focus indicator below {FOCUS_CONTRAST}:1 ({shown})")
    return problems


class Keyboard:
    """Drives a page by keys only and records every focus stop that fails the check."""

    def __init__(self, page):
        self.page = page
        self.stops = 0
        self.failures = []

    def focused(self):
        return self.page.evaluate(FOCUSED_JS)

    def press(self, key):
        self.page.keyboard.press(key)

    def check_focus(self):
        """Check the focused element's focus indicator; returns what is focused."""
        focused = self.focused()
        if focused is not None:
            self.stops += 1
            problems = focus_problems(focused)
            if problems:
                self.failures.append(f"{describe(focused)}: {'; '.join(problems)}")
        return focused

    def tab_to(self, predicate, limit=200, backwards=False):
        """Tab (or Shift+Tab) until ``predicate(focused)`` holds, checking every stop."""
        seen = []
        for _ in range(limit):
            self.press("Shift+Tab" if backwards else "Tab")
            focused = self.check_focus()
            if focused is not None and predicate(focused):
                return focused
            if focused is not None:
                seen.append(describe(focused))
        raise AssertionError(
            f"no focus stop matched in {limit} tabs on {self.page.url}; stops:\n"
            + "\n".join(seen[-40:])
        )

    def activate(self, predicate, key="Enter", navigates=True, limit=200):
        """Tab to the element and press ``key`` on it (waiting for the next page)."""
        self.tab_to(predicate, limit)
        if navigates:
            with self.page.expect_navigation():
                self.press(key)
        else:
            self.press(key)

    def type_here(self, text):
        """Replace the focused field's text by ``text``, typed."""
        self.press("Control+A")
        self.page.keyboard.type(text)

    def fill_form(self, values, until, limit=200):
        """Tab through a form: type ``values`` into the fields they name (by autocomplete
        token or field name), choose radio buttons (arrows) and tick checkboxes (Space) the
        same way, until the focus reaches ``until``, which is pressed (Enter)."""
        done = set()
        for _ in range(limit):
            self.press("Tab")
            focused = self.check_focus()
            if focused is None:
                continue
            if until(focused):
                with self.page.expect_navigation():
                    self.press("Enter")
                return
            key = next(
                (k for k in (focused["autocomplete"], focused["field"]) if k in values), None
            )
            if key is None or key in done:
                continue
            wanted = values[key]
            if focused["role"] == "radio":
                for _ in range(10):
                    if focused["value"] == wanted and focused["checked"]:
                        break
                    self.press("ArrowDown")
                    focused = self.check_focus()
                assert focused["value"] == wanted, f"radio {key}: {wanted} not reached"
            elif focused["role"] == "checkbox":
                if focused["checked"] != wanted:
                    self.press("Space")
            else:
                self.type_here(wanted)
            done.add(key)
        raise AssertionError(f"the form on {self.page.url} was not submitted in {limit} tabs")

    def assert_focus_visible(self):
        assert self.stops, "no focus stop was checked"
        assert not self.failures, (
            f"focus not visible at {len(self.failures)} of {self.stops} stops:\n"
            + "\n".join(dict.fromkeys(self.failures))
        )


def named(role, name):
    """A predicate: the focused element has ``role`` and an accessible name matching the
    regular expression ``name`` (whole name, case-insensitive)."""
    pattern = re.compile(name, re.IGNORECASE)
    return lambda focused: focused["role"] == role and bool(pattern.fullmatch(focused["name"]))


def link_to(path):
    """A predicate: the focused element is a link to ``path`` (a regular expression)."""
    pattern = re.compile(path)
    return lambda focused: focused["role"] == "link" and bool(pattern.fullmatch(focused["href"]))


def field(name):
    """A predicate: the focused element is the button or field named ``name`` in its form."""
    return lambda focused: focused["field"] == name


@pytest.fixture
def keyboard_page(new_context):
    return new_context(viewport={"width": 1280, "height": 800}).new_page()


def test_a_customer_orders_with_the_keyboard_only(live_site, keyboard_page):
    page = keyboard_page
    keys = Keyboard(page)
    page.goto("/nl/")
    # The cookie banner first: accept, without leaving the page.
    keys.activate(named("button", "Alles aanvaarden"), navigates=False)
    page.locator("#cookie-banner").wait_for(state="hidden")
    keys.activate(link_to("/nl/products/"))
    # The mug is among the gifts (the whole listing's first page no longer reaches it).
    keys.activate(link_to(r"/nl/products/\?category=gifts"))
    keys.activate(link_to(r"/nl/products/mug-cafe"))
    keys.activate(named("button", "In winkelmandje"))
    keys.activate(link_to("/nl/cart"))
    keys.activate(link_to("/nl/checkout"))
    details = {
        "name": "An Janssens",
        "email": "an.janssens@example.be",
        "tel": "+32 470 12 34 56",
        "shipping address-line1": "Veldstraat 10",
        "shipping postal-code": "9000",
        "shipping address-level2": "Gent",
        "payment": "transfer",
    }
    keys.fill_form(details, until=field("review"))
    assert page.locator("[aria-invalid=true]").count() == 0, "the details were refused"
    keys.fill_form({"accept_terms": True}, until=field("place"))
    assert re.search(r"/nl/order/\d{4}-\d{6}/", page.url), page.url
    number = page.url.split("/")[-2]
    assert live_site.read(lambda root: root["orders"][number].payment_method) == "transfer"
    keys.assert_focus_visible()


def test_an_editor_publishes_a_page_with_the_keyboard_only(live_site, keyboard_page):
    live_site.add_account("toetsenbord@example.be", PASSWORD, roles=("editor",))
    page = keyboard_page
    keys = Keyboard(page)
    page.goto("/nl/login")
    keys.fill_form(
        {"email": "toetsenbord@example.be", "current-password": PASSWORD, "password": PASSWORD},
        until=field("login"),
    )
    assert "/nl/manage/" in page.url, page.url
    keys.activate(link_to("/nl/manage/pages/"))
    keys.activate(link_to("/nl/manage/pages/shipping/"))
    keys.activate(link_to(r"/nl/manage/pages/shipping/edit\?lang=nl"))
    added = "Met het toetsenbord toegevoegd."
    keys.tab_to(lambda focused: focused["role"] == "textbox" and focused["field"] == "body")
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type(added)
    keys.activate(named("button", "Concept opslaan"))
    keys.activate(named("button", "(Nu )?publiceren"))
    page.goto("/nl/pages/shipping")
    assert added in page.locator("main").inner_text()
    keys.assert_focus_visible()
