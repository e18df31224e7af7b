"""The visitor's lists: cart, wishlist, compare and recently viewed.

For a visitor they live in cookies declared in the cookie registry, each signed (HMAC-SHA256
with the site secret and a per-list salt) so that an edited or forged cookie is detected and
ignored, never an error.  They hold only short product ids (and quantities), and have caps,
so a cookie stays far under 4 KB whatever the visitor does.  For a logged-in customer the
cart, wishlist and compare list live on the account, and the visitor's cookies are merged in
at login.  Recently viewed stays in its cookie (it changes on GET requests, which never write
to the database) and is kept only with consent for personalisation: the product page
updates it through the personal effect ``recently-viewed`` and shows it through the personal
part of the same name (``views.parts``).

A list never holds a price: prices are always read from the products.

:class:`Cart` and :class:`ProductList` are the services the pages use to change the lists:
they name products by their short id, find only products the requester may see, and keep
the rules (stock, quantities, sizes); a change they cannot make raises :class:`Refused`.
"""

import functools
import hashlib
import re
from dataclasses import dataclass

from itsdangerous import BadSignature, Signer
from persistent.list import PersistentList

from shopcms.products.listing import visible_products
from shopcms.products.resources import ATTRIBUTES
from shopcms.web.cookies import delete_cookie, set_cookie
from shopcms.web.i18n import _, pick

CART, WISHLIST, COMPARE, RECENT = "cart", "wishlist", "compare", "recent"
#: How many entries each list keeps; the cart also caps each quantity.
LIMITS = {CART: 50, WISHLIST: 100, COMPARE: 4, RECENT: 8}
MAX_QUANTITY = 99
ON_ACCOUNT = (CART, WISHLIST, COMPARE)

_CART_ITEM = re.compile(r"^(\d{1,9})x(\d{1,2})$")
_PID = re.compile(r"^\d{1,9}$")


class _Signer(Signer):
    """itsdangerous's signer, deriving its key once: it derives it anew (an HMAC) for each
    value signed or checked, the same key every time."""

    @functools.cached_property
    def _key(self):
        return super().derive_key()

    def derive_key(self, secret_key=None):
        if secret_key is None or secret_key is self.secret_keys[-1]:  # (the newest)
            return self._key
        return super().derive_key(secret_key)


@functools.lru_cache(maxsize=16)
def _signer_for(secret, name):
    return _Signer(secret, salt=f"shopcms.list.{name}", digest_method=hashlib.sha256)


def _signer(request, name):
    """The signer of list ``name`` (one per secret and list: each page reads or writes the
    lists' cookies a few times)."""
    return _signer_for(request.registry.settings["shopcms.secret"], name)


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
    """The list ``name`` of the request's cookie (``[]`` when missing, forged or malformed).
    Its signature is checked once per value (:func:`_verified`): a page's personal parts
    read the same lists again and again, and a visitor's pages the same cookies."""
    raw = request.cookies.get(name)
    if not raw:
        return []
    return list(_verified(request.registry.settings["shopcms.secret"], name, raw))


@functools.lru_cache(maxsize=4096)
def _verified(secret, name, raw):
    """The items of cookie value ``raw`` of list ``name`` (a tuple; empty when forged or
    malformed).  Remembered: a pure function of its arguments, asked on every page a
    visitor with lists sees (the recently viewed section reads its cookie on each)."""
    try:
        payload = _signer_for(secret, name).unsign(raw).decode("ascii")
    except (BadSignature, UnicodeDecodeError):
        payload = ""
    return tuple(decode(name, payload))


def signed(request, name, items):
    """The cookie value of list ``name`` holding ``items`` (signed), or None when empty."""
    return _signer(request, name).sign(encode(name, items)).decode("ascii") if items else None


def write_cookie(request, name, items):
    """Send the list in its cookie with this request's response (or expire it when empty)."""
    value = signed(request, name, items)

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


class Refused(Exception):
    """A change of a list that cannot be made: ``message`` (translatable) says why, and
    ``status`` is the answer's HTTP status (404 no such product, 409 stock or size)."""

    def __init__(self, message, status=409):
        super().__init__(str(message))
        self.message = message
        self.status = status


def _visible(request, pid):
    """The product ``pid`` if the requester may see it, else Refused (404)."""
    found = visible_products(request, [pid])
    if not found:
        raise Refused(_("This product is not available."), status=404)
    return found[0]


@dataclass(frozen=True)
class CartChange:
    """What a change did: the product, how many the cart now holds of it, and whether the
    stock held the quantity back (``capped``: the cart holds all there is)."""

    product: object
    quantity: int
    capped: bool = False


class Cart:
    """The requester's cart and its rules.

    A product is added or its quantity set only while it is visible and in stock, and never
    beyond its stock (the quantity is lowered to the stock: ``capped``) nor beyond
    ``MAX_QUANTITY``; the cart holds at most ``LIMITS[CART]`` products.  Removing needs no
    product: a product that is gone can still leave the cart.
    """

    def __init__(self, request):
        self.request = request
        self.items = read(request, CART)

    def quantity(self, pid):
        """How many of product ``pid`` the cart holds."""
        return dict(self.items).get(pid, 0)

    def _available(self, pid):
        product = _visible(self.request, pid)
        if not product.in_stock:
            raise Refused(_("Sorry, this product is out of stock."))
        return product

    def _save(self, items):
        self.items = list(items)
        write(self.request, CART, self.items)

    def add(self, pid, quantity):
        """Add ``quantity`` (at least one) of product ``pid``; a CartChange, or Refused."""
        product = self._available(pid)
        already = self.quantity(pid)
        wanted = already + max(quantity, 1)
        capped = wanted > product.stock
        wanted = min(wanted, product.stock)
        updated, accepted = add_to_cart(self.items, pid, wanted - already)
        if not accepted:
            raise Refused(
                _(
                    "Your cart is full (${max} products). Order or remove some first.",
                    mapping={"max": LIMITS[CART]},
                )
            )
        self._save(updated)
        return CartChange(product, self.quantity(pid), capped)

    def set(self, pid, quantity):
        """Hold ``quantity`` of product ``pid`` (zero removes it); a CartChange, or Refused."""
        if quantity <= 0:
            return self.remove(pid)
        product = self._available(pid)
        capped = quantity > product.stock
        self._save(set_quantity(self.items, pid, min(quantity, product.stock)))
        return CartChange(product, self.quantity(pid), capped)

    def remove(self, pid):
        """Take product ``pid`` out of the cart (whether or not it still exists)."""
        self._save(set_quantity(self.items, pid, 0))
        return CartChange(None, 0)

    def lines(self):
        """``(lines, gone)``: a dict per line the requester may still buy (product, title in
        the page's language, quantity, line total, ``short`` when the stock is lower), and
        how many lines were left out because their product is gone or hidden."""
        found = {p.pid: p for p in visible_products(self.request, [pid for pid, _q in self.items])}
        lines = [
            {
                "product": product,
                "title": pick(product.titles, self.request)[1],
                "qty": qty,
                "total": product.price * qty,
                "short": qty > product.stock,
            }
            for pid, qty in self.items
            if (product := found.get(pid)) is not None
        ]
        return lines, len(self.items) - len(lines)


#: Why the wishlist or the comparison cannot take one more product.
FULL = {
    WISHLIST: _("Your wishlist is full (${max} products).", mapping={"max": LIMITS[WISHLIST]}),
    COMPARE: _(
        "You can compare at most ${max} products: remove one first.",
        mapping={"max": LIMITS[COMPARE]},
    ),
}


class ProductList:
    """The requester's wishlist or comparison (``name``): visible products, each once, at
    most ``LIMITS[name]``."""

    def __init__(self, request, name):
        if name not in FULL:
            raise ValueError(name)
        self.request = request
        self.name = name
        self.items = read(request, name)

    def __contains__(self, pid):
        return pid in self.items

    def products(self):
        """The products of the list the requester may see, in the list's order."""
        return visible_products(self.request, self.items)

    def add(self, pid):
        """Add product ``pid`` (once); returns it, or Refused (404, or 409 when full)."""
        product = _visible(self.request, pid)
        updated, accepted = add_unique(self.items, pid, LIMITS[self.name])
        if not accepted:
            raise Refused(FULL[self.name])
        self.items = updated
        write(self.request, self.name, updated)
        return product

    def remove(self, pid):
        """Take product ``pid`` off the list."""
        self.items = [item for item in self.items if item != pid]
        write(self.request, self.name, self.items)


def compare_rows(request, products):
    """``[(label, [value or None per product])]``: the attributes that at least one of
    ``products`` has, in the order of ``ATTRIBUTES``, valued in the page's language."""
    rows = []
    for key, label in ATTRIBUTES.items():
        values = [
            pick(p.attributes[key], request)[1] if key in p.attributes else None for p in products
        ]
        if any(values):
            rows.append((label, values))
    return rows


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
