"""Real shopping flows over HTTP, for the benchmarks: a visitor with a cookie jar.

A :class:`Shopper` is one browser: one keep-alive connection (``http.client``, cheaper than
``requests`` when many shoppers share a client machine), its own cookies, an ``Origin``
header on every POST (as browsers send; the site refuses a cookie-less POST without it).
It fills in the site's own forms (read from the page: every hidden field, deform's
``__start__``/``__end__`` markers, the CSRF token) rather than guessing them, so a changed
form keeps working as long as its field names stay.

- ``accept_cookies(path)``: the cookie banner's "accept all" (``cookie_consent``);
- ``add_to_cart(product_path, qty=1)``: the product page's add-to-cart form (a session);
- ``login(email, password)``; ``register_and_login(email, password, verification_link)``
  registers, follows the verification link (``verification_link(email) -> URL``: the
  bench's mail sink) and logs in.  A bench that builds its own storage may instead create
  verified accounts there (``customers.create(email, password)``) and only ``login``;
- ``place_order(product_path, qty=1) -> order number``: the cart, the checkout form, and
  the ``place`` POST (``review=True`` also posts the review step first, as a browser
  does; it writes nothing).  The product page is fetched for its add-to-cart form the
  first time only (``browse=True``: every time); the form's CSRF token stays valid for the
  session.  The contact email is the shopper's own (``email``, default a unique one), as
  each real customer has theirs.  Raises :class:`OutOfStock` (409: the stock, or an empty cart),
  :class:`Busy` (503: the shop gave up after its retries), :class:`FlowError` otherwise;
- ``cookie_header()``: the ``Cookie`` header this shopper sends (for wrk and the like).

Retries are counted by the server, not seen by a client: :func:`server_counters` reads
``/metrics`` (``shopcms.metrics.token``) and returns pyramid_retry's replays and the ZODB
conflicts; a bench takes the difference before and after its run.
"""

import http.client
import re
import secrets
import socket
import urllib.parse
from html.parser import HTMLParser

#: The checkout's details as a customer types them (field name -> value; deform's
#: mappings are in the page's form, so only the leaves are named).
DETAILS = {
    "name": "Jan Peeters",
    "phone": "+32 470 12 34 56",
    "street": "Kerkstraat 1",
    "postcode": "9000",
    "city": "Gent",
    "country": "BE",
    "shipping": "standard",
    "payment": "transfer",
    "accept_terms": "true",
}


class FlowError(Exception):
    """The site answered something a shopper did not expect (status and a bit of body)."""


class OutOfStock(FlowError):
    """The order was refused (409): not enough in stock, or nothing left to order."""


class Busy(FlowError):
    """503: the shop gave up (its retries ran out, or the database is unreachable)."""


class Form:
    """A form of a page: ``action``, ``id`` and its ``fields`` in document order
    (``[name, value]``; unchecked boxes and radios left out, as a browser does)."""

    def __init__(self, attrs):
        self.action = attrs.get("action") or ""
        self.id = attrs.get("id") or ""
        self.fields = []
        self.names = set()

    def set(self, name, value):
        """Give every field ``name`` the ``value``, or add it when the page has none."""
        found = False
        for field in self.fields:
            if field[0] == name:
                field[1], found = value, True
        if not found:
            self.fields.append([name, value])

    def encoded(self, **extra):
        pairs = [tuple(f) for f in self.fields] + list(extra.items())
        return urllib.parse.urlencode(pairs)


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.form, self.select, self.text = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.form = Form(attrs)
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                self.form.names.add(attrs["name"])
            elif kind not in ("checkbox", "radio") or "checked" in attrs:
                self.form.fields.append([attrs["name"], attrs.get("value", "")])
            else:
                self.form.names.add(attrs["name"])
        elif tag == "button" and attrs.get("name"):
            self.form.names.add(attrs["name"])
        elif tag == "select" and attrs.get("name"):
            self.select = [attrs["name"], None, None]  # name, first, selected
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            self.select[1] = value if self.select[1] is None else self.select[1]
            if "selected" in attrs:
                self.select[2] = value
        elif tag == "textarea" and attrs.get("name"):
            self.text = [attrs["name"], ""]

    def handle_data(self, data):
        if self.text is not None:
            self.text[1] += data

    def handle_endtag(self, tag):
        if self.form is None:
            return
        if tag == "select" and self.select is not None:
            name, first, chosen = self.select
            self.form.fields.append([name, chosen if chosen is not None else first or ""])
            self.select = None
        elif tag == "textarea" and self.text is not None:
            self.form.fields.append(self.text)
            self.text = None
        elif tag == "form":
            self.form = None


#: A form of a page, from its start tag to its end (forms do not nest in HTML).
FORM = re.compile(r"<form\b.*?</form\s*>", re.DOTALL | re.IGNORECASE)


def forms(html):
    """The forms of ``html`` (a page's text), in document order."""
    return [form for block in FORM.findall(html) for form in _parsed(block)]


def _parsed(block):
    parser = _Forms()
    parser.feed(block)
    return parser.forms


def find_form(html, action_end=None, form_id=None, having=None):
    """The first form whose action ends with ``action_end`` (path only), whose id is
    ``form_id``, and that has a field or button ``having``; FlowError when none.

    Only the forms whose start tag may match are parsed: a shopper process parses pages for
    several shoppers at once, and its time is the bench's, not the shop's."""
    for block in FORM.findall(html):
        start = block[: block.find(">") + 1]
        if any(text is not None and text not in start for text in (form_id, action_end)):
            continue
        [form] = _parsed(block)
        path = urllib.parse.urlsplit(form.action).path
        if action_end is not None and not path.endswith(action_end):
            continue
        if form_id is not None and form.id != form_id:
            continue
        if having is not None and having not in form.names | {f[0] for f in form.fields}:
            continue
        return form
    raise FlowError(f"no form (action {action_end}, id {form_id}, field {having}) on the page")


class Answer:
    """An HTTP answer: ``status``, ``headers`` (lower-case names; Set-Cookie as a list)
    and ``text``."""

    def __init__(self, status, headers, cookies, body):
        self.status, self.headers, self.set_cookies = status, headers, cookies
        self.text = body.decode("utf-8", "replace")

    @property
    def location(self):
        return self.headers.get("location", "")


class Shopper:
    """One browser on ``base_url`` (``http://127.0.0.1:PORT``), in language ``lang``."""

    def __init__(self, base_url, lang="nl", timeout=60, email=None):
        parts = urllib.parse.urlsplit(base_url)
        self.base, self.host, self.port = base_url.rstrip("/"), parts.hostname, parts.port
        self.lang, self.timeout = lang, timeout
        self.cookies = {}
        self.connection = None
        self.email = email or f"shopper-{secrets.token_hex(6)}@example.be"
        self.cart_forms = {}  # product path -> its add-to-cart Form
        #: Requests sent and seconds spent waiting for answers (client-side).
        self.requests = 0

    # -- HTTP --------------------------------------------------------------------------

    def cookie_header(self):
        """The ``Cookie`` header this shopper sends ("" without cookies)."""
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def _remember(self, header):
        pair, _sep, attributes = header.partition(";")
        name, _eq, value = pair.strip().partition("=")
        attrs = attributes.lower()
        gone = re.search(r"max-age=0\b", attrs) or re.search(r"expires=[^;]*19[0-9]{2}", attrs)
        if gone or value in ("", '""'):
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def request(self, method, path, body=None, headers=None):
        """Send one request (path relative to the base, or a full URL of it); an Answer.
        Reconnects once when the server closed the keep-alive connection."""
        if path.startswith(self.base):
            path = path[len(self.base) :] or "/"
        sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = self.cookie_header()
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = self.base
        for attempt in (0, 1):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.timeout
                )
                self.connection.connect()
                # Headers and body go out in separate writes: without this, Nagle's
                # algorithm and the server's delayed ACK add 40 ms to every POST.
                self.connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.close()
                if attempt:
                    raise
        self.requests += 1
        cookies = response.headers.get_all("Set-Cookie") or []
        for header in cookies:
            self._remember(header)
        headers = {k.lower(): v for k, v in response.headers.items()}
        if response.will_close:
            self.close()
        return Answer(response.status, headers, cookies, data)

    def get(self, path, expect=(200,)):
        answer = self.request("GET", path)
        if answer.status not in expect:
            raise _error(answer, f"GET {path}")
        return answer

    def post(self, path, form, expect=(303,), **extra):
        answer = self.request("POST", path, body=form.encoded(**extra))
        if answer.status not in expect:
            raise _error(answer, f"POST {path}")
        return answer

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    # -- flows -------------------------------------------------------------------------

    def link(self, *segments):
        return "/" + "/".join((self.lang, *segments))

    def accept_cookies(self, path=None):
        """The cookie banner's "accept all" on ``path`` (default: the home page)."""
        page = self.get(path or self.link(""))
        form = find_form(page.text, action_end="/cookie-settings")
        self.post(form.action, form, choice="accept")

    def add_to_cart(self, product_path, qty=1, browse=True):
        """Put ``qty`` of the product at ``product_path`` in the cart (its page's form;
        ``browse=False``: the form seen before, when there is one)."""
        form = self.cart_forms.get(product_path) if not browse else None
        if form is None:
            in_session = "session" in self.cookies
            page = self.get(product_path)
            form = find_form(page.text, action_end="/cart", having="pid")
            if in_session:  # (a token of before the session would not outlive its start)
                self.cart_forms[product_path] = form
        form.set("qty", str(qty))
        if "op" not in {f[0] for f in form.fields}:
            form.set("op", "add")
        answer = self.request("POST", form.action, body=form.encoded())
        if answer.status == 409:  # the product is out of stock (or hidden) by now
            raise OutOfStock(_summary(answer))
        if answer.status != 303:
            raise _error(answer, f"POST {form.action}")

    def login(self, email, password):
        page = self.get(self.link("login"))
        form = find_form(page.text, form_id="login")
        form.set("email", email)
        form.set("password", password)
        self.post(form.action, form, login="login")

    def register_and_login(self, email, password, verification_link):
        """Register ``email``, open the link ``verification_link(email)`` returns (and
        send its confirmation form when the page has one), then log in."""
        page = self.get(self.link("register"))
        form = find_form(page.text, form_id="register")
        form.set("email", email)
        form.set("password", password)
        self.post(form.action, form, expect=(200, 303), register="register")
        page = self.get(verification_link(email), expect=(200, 303))
        if page.status == 200:
            with _suppress_missing_form():
                form = find_form(page.text, action_end="/verify")
                self.post(form.action, form, expect=(200, 303), **_button(form))
        self.login(email, password)

    def place_order(self, product_path, qty=1, details=None, review=False, browse=False):
        """Order ``qty`` of the product at ``product_path`` as a guest or the logged-in
        customer; the order's number.  OutOfStock, Busy or FlowError when refused."""
        self.add_to_cart(product_path, qty, browse=browse)
        page = self.get(self.link("checkout"))
        try:
            form = find_form(page.text, form_id="checkout")
        except FlowError:  # the cart was emptied of what is no longer in stock
            raise OutOfStock(_summary(page)) from None
        for name, value in {**DETAILS, "email": self.email, **(details or {})}.items():
            form.set(name, value)
        if review:
            form.set("step", "review")
            page = self._checkout_post(form, expect=(200,))
            form = find_form(page.text, form_id="place-order")
            form.set("accept_terms", "true")
        form.set("step", "place")
        placed = self._checkout_post(form, expect=(303,), place="place")
        match = re.search(r"/order/([^/]+)/", placed.location)
        if match is None:  # a payment provider's page: the number is not in the address
            return placed.location
        return match.group(1)

    def _checkout_post(self, form, expect, **extra):
        answer = self.request("POST", form.action, body=form.encoded(**extra))
        if answer.status == 409:
            raise OutOfStock(_summary(answer))
        if answer.status == 503:
            raise Busy(_summary(answer))
        if answer.status not in expect:
            raise _error(answer, "POST checkout")
        return answer


def _button(form):
    return {name: name for name in sorted(form.names)[:1]}


class _suppress_missing_form:
    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        return kind is not None and issubclass(kind, FlowError) and "no form" in str(value)


def _summary(answer):
    text = re.sub(r"<[^>]+>", " ", answer.text)
    return f"{answer.status}: {' '.join(text.split())[:300]}"


def _error(answer, what):
    if answer.status == 503:
        return Busy(f"{what}: {_summary(answer)}")
    return FlowError(f"{what}: {_summary(answer)}")


# -- the server's counters ---------------------------------------------------------------

_SAMPLE = re.compile(r"^(\w+)(\{[^}]*\})?\s+([0-9.eE+-]+)$")


def server_counters(base_url, token, path="/metrics"):
    """The server's counters that a checkout bench needs, from its ``/metrics``:
    ``{"retries": pyramid_retry replays, "conflicts": ZODB conflicts met,
    "requests": requests answered}`` (sums over labels).  One process's: with several
    server processes, read each one's."""
    shopper = Shopper(base_url)
    answer = shopper.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    shopper.close()
    if answer.status != 200:
        raise FlowError(f"metrics: {answer.status}")
    wanted = {
        "shopcms_request_retries_total": "retries",
        "shopcms_zodb_conflicts_total": "conflicts",
        "shopcms_requests_total": "requests",
    }
    counts = dict.fromkeys(wanted.values(), 0.0)
    for line in answer.text.splitlines():
        match = _SAMPLE.match(line.strip())
        if match and match.group(1) in wanted:
            counts[wanted[match.group(1)]] += float(match.group(3))
    return counts
