"""The visitor's lists: cart, wishlist, compare and recently viewed.

For a visitor they live in cookies declared in the cookie registry, each signed (HMAC-SHA256
with the site secret and a per-list salt) so that an edited or forged cookie is detected and
ignored, never an error.  They hold only short product ids (and quantities), and have caps,
so a cookie stays far under 4 KB whatever the visitor does.  For a logged-in customer the
cart, wishlist and compare list live on the account, and the visitor's cookies are merged in
at login.  Recently viewed stays in its cookie (it changes on GET requests, which never write
to the database) and is kept only with consent for personalisation.

A list never holds a price: prices are always read from the products.
"""

import hashlib
import re
from datetime import timedelta

from itsdangerous import BadSignature, Signer
from persistent.list import PersistentList

from shopcms.web.cookies import Category, delete_cookie, set_cookie
from shopcms.web.i18n import _

CART, WISHLIST, COMPARE, RECENT = "cart", "wishlist", "compare", "recent"
#: How many entries each list keeps; the cart also caps each quantity.
LIMITS = {CART: 50, WISHLIST: 100, COMPARE: 4, RECENT: 8}
MAX_QUANTITY = 99
ON_ACCOUNT = (CART, WISHLIST, COMPARE)

_CART_ITEM = re.compile(r"^(\d{1,9})x(\d{1,2})$")
_PID = re.compile(r"^\d{1,9}$")


def _signer(request, name):
    secret = request.registry.settings["shopcms.secret"]
    return Signer(secret, salt=f"shopcms.list.{name}", digest_method=hashlib.sha256)


def encode(name, items):
    if name == CART:
        return ".".join(f"{pid}x{qty}" for pid, qty in items)
    return ".".join(str(pid) for pid in items)


def decode(name, value):
    """Parse a verified cookie payload; anything malformed gives an empty list."""
    if not value:
        return []
    items, seen = [], set()
    for part in value.split("."):
        if name == CART:
            match = _CART_ITEM.match(part)
            if not match:
                return []
            pid, qty = int(match.group(1)), int(match.group(2))
            if pid in seen or not 1 <= qty <= MAX_QUANTITY:
                return []
            items.append((pid, qty))
        else:
            if not _PID.match(part) or int(part) in seen:
                return []
            pid = int(part)
            items.append(pid)
        seen.add(pid)
    return items[: LIMITS[name]]


def read_cookie(request, name):
    raw = request.cookies.get(name)
    if not raw:
        return []
    try:
        payload = _signer(request, name).unsign(raw).decode("ascii")
    except (BadSignature, UnicodeDecodeError):
        return []
    return decode(name, payload)


def write_cookie(request, name, items):
    """Send the list in its cookie with this request's response (or expire it when empty)."""
    value = _signer(request, name).sign(encode(name, items)).decode("ascii") if items else None

    def callback(request, response):
        if value is None:
            if name in request.cookies:
                delete_cookie(request, response, name)
        elif request.cookies.get(name) != value:
            set_cookie(request, response, name, value)

    request.add_response_callback(callback)


def _account_list(account, name):
    lists = account.shop_lists
    if name not in lists:
        lists[name] = PersistentList()
    return lists[name]


def read(request, name):
    """The list ``name`` of the requester: ``[(pid, qty)]`` for the cart, else ``[pid]``."""
    account = request.identity
    if account is not None and name in ON_ACCOUNT:
        return [tuple(item) if name == CART else item for item in account.shop_lists.get(name, ())]
    return read_cookie(request, name)


def write(request, name, items):
    items = list(items)[: LIMITS[name]]
    account = request.identity
    if account is not None and name in ON_ACCOUNT:
        stored = _account_list(account, name)
        stored[:] = items
    else:
        write_cookie(request, name, items)


def add_to_cart(items, pid, quantity):
    """The cart with ``quantity`` more of ``pid`` (capped); returns (items, accepted)."""
    items = list(items)
    for i, (existing, qty) in enumerate(items):
        if existing == pid:
            items[i] = (pid, min(qty + quantity, MAX_QUANTITY))
            return items, True
    if len(items) >= LIMITS[CART]:
        return items, False
    items.append((pid, min(quantity, MAX_QUANTITY)))
    return items, True


def set_quantity(items, pid, quantity):
    if quantity <= 0:
        return [(p, q) for p, q in items if p != pid]
    return [(p, min(quantity, MAX_QUANTITY) if p == pid else q) for p, q in items]


def add_unique(items, pid, limit, to_front=False):
    """``items`` with ``pid`` added once; returns (items, accepted)."""
    if pid in items:
        if to_front:
            return [pid, *[p for p in items if p != pid]], True
        return list(items), True
    if to_front:
        return [pid, *items][:limit], True
    if len(items) >= limit:
        return list(items), False
    return [*items, pid], True


def merge_at_login(event):
    """Merge the visitor's cookie lists into the account that logged in and expire the
    cookies (subscriber of ``LoggedIn``: a POST, right after the new session started)."""
    request, account = event.request, event.account
    cart = [tuple(item) for item in account.shop_lists.get(CART, ())]
    for pid, qty in read_cookie(request, CART):
        cart, _accepted = add_to_cart(cart, pid, qty)
    _account_list(account, CART)[:] = cart
    for name in (WISHLIST, COMPARE):
        merged = list(account.shop_lists.get(name, ()))
        for pid in read_cookie(request, name):
            merged, _accepted = add_unique(merged, pid, LIMITS[name])
        _account_list(account, name)[:] = merged
    for name in ON_ACCOUNT:
        write_cookie(request, name, [])


def declare_cookies(config):
    """The cookies of the visitor's lists.

    Cart, wishlist and compare are strictly necessary: each is set only when the visitor
    asks for it (adding a product), to provide that very service, which the ePrivacy
    exemption for services "explicitly requested by the user" covers; none of them
    identifies the visitor or follows them elsewhere.  Recently viewed is set without any
    request of the visitor, so it needs consent (personalisation).
    """
    month = timedelta(days=30)
    config.add_cookie(
        CART,
        Category.NECESSARY,
        purpose=_("Keeps the products in your shopping cart until you order."),
        reason=_("Set only when you add a product to your cart, to keep that cart."),
        lifetime=month,
    )
    config.add_cookie(
        WISHLIST,
        Category.NECESSARY,
        purpose=_("Keeps the products you put on your wishlist."),
        reason=_(
            "Set only when you add a product to your wishlist, to keep the list you asked "
            "for; it holds product numbers only."
        ),
        lifetime=timedelta(days=180),
    )
    config.add_cookie(
        COMPARE,
        Category.NECESSARY,
        purpose=_("Keeps the products you chose to compare (at most 4)."),
        reason=_(
            "Set only when you add a product to the comparison, to keep the comparison "
            "you asked for; it holds product numbers only."
        ),
        lifetime=timedelta(days=7),
    )
    config.add_cookie(
        RECENT,
        Category.PERSONALISATION,
        purpose=_("Remembers the last products you looked at, to show them again."),
        reason=_("Set without you asking for it while you browse: only with your consent."),
        lifetime=month,
    )
