"""Products and categories.

Money is ``Decimal`` euro, VAT included (consumer prices); the VAT contained in a price is
computed by :func:`shopcms.pricing.vat_included`.  A product is visible to visitors only
while published: its ACL says so, so every catalog query and URL agrees.  Each product gets
a short numeric ``pid`` so the cart, wishlist and compare cookies stay small.
Stock: :mod:`shopcms.products.stock` (a record of its own, merging; ``stock_shown``).
Price history (Omnibus): :mod:`shopcms.products.price_history` (a record of its own).
"""

import secrets
from decimal import Decimal
from types import MappingProxyType

from BTrees.IOBTree import IOBTree
from pyramid.authorization import DENY_ALL, Allow, Everyone
from ZODB.blob import Blob

from shopcms.products import price_history
from shopcms.products.changes import ChangesKept
from shopcms.products.events import stock_change
from shopcms.products.stock import FEW_LEFT, Stock
from shopcms.tree.events import ACLModified, ObjectModified, notify
from shopcms.tree.resources import Content, Folder, FolderKeyError, Translations
from shopcms.web import richtext, security
from shopcms.web.i18n import _

VAT_RATES = (Decimal("21"), Decimal("12"), Decimal("6"), Decimal("0"))

#: The comparable attributes a product can have, with their labels (shown in the compare
#: table in this order).  Values are per language.
ATTRIBUTES = {
    "height": _("Height"),
    "diameter": _("Pot diameter"),
    "light": _("Light"),
    "water": _("Water"),
    "material": _("Material"),
    "colour": _("Colour"),
    "pet_safe": _("Safe for pets"),
    "care": _("Care level"),
}

_EDITORS = security.role_principal(security.EDITOR)
_ADMINS = security.role_principal(security.ADMIN)


class Category(Content):
    """A product category; its name is the slug used in URLs (``?category=plants``)."""

    content_type = "category"

    def __init__(self, titles=None, position=0):
        super().__init__()
        self.titles = Translations(titles or {})
        self.position = position

    def update(self, titles, position):
        """Set the titles (``{lang: title}``; an empty title removes that language's) and
        the position, and record the change (see :meth:`changed`)."""
        for lang, title in titles.items():
            if title:
                self.titles[lang] = title
            else:
                self.titles.pop(lang, None)
        self.position = position
        self.changed()

    def changed(self):
        """Call after a change: the catalog reindexes the category (ObjectModified), and the
        public listing, whose validator is the products folder's modification time (kept in
        its ``Changes`` record, not the folder), shows the new facets."""
        self.touch()
        notify(ObjectModified(self))
        site = self.__parent__.__parent__ if self.__parent__ is not None else None
        if site is not None and "products" in site:
            site["products"].touch()


class Categories(ChangesKept, Folder):
    """All categories; :meth:`ordered` is the order every page shows them in."""

    content_type = "categories"
    #: The front page's featured categories, in order (``products.storefront``; a default).
    featured_names = ()

    def ordered(self):
        """``[(name, category)]`` by position, then by name."""
        return sorted(self.items(), key=lambda item: (item[1].position, item[0]))

    def create(self, name, titles, position, registry=None):
        """Add the category ``name`` (FolderKeyError when the name is taken or not allowed)
        with its non-empty ``titles`` and ``position``, and record the change."""
        category = Category({lang: title for lang, title in titles.items() if title}, position)
        self.add(name, category, registry=registry)
        category.changed()
        return category


class StockError(ValueError):
    """A stock change that cannot be made; ``message`` says why (translatable)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _blob(data):
    blob = Blob()
    with blob.open("w") as f:
        f.write(data)
    return blob


class ProductImage:
    """One image of a product: its two re-encoded JPEG sizes as blobs, the same sizes in
    the modern formats (``variants``: ``{format: {size: blob}}``), and what a page needs
    to show it.

    Not persistent on its own: it is stored inside the product's record, so a product page
    loads the product alone; the blobs (persistent) are loaded only when an image is served.
    Treated as immutable, except that the formats an image was stored without may be added
    (``products.images.add_missing_variants``).
    """

    #: Images stored before the modern formats have none (never mutated: replaced).
    variants = MappingProxyType({})

    def __init__(self, sizes, dimensions, alt=None, variants=None):
        self.id = secrets.token_hex(6)
        self.blobs = {size: _blob(data) for size, data in sizes.items()}
        self.width, self.height = dimensions
        self.alt = dict(alt or {})
        self.variants = {}
        self.add_variants(variants or {})

    def add_variants(self, variants):
        """Store ``{format: {size: bytes}}`` beside what the image has (the caller marks the
        product changed: the image lives in its record)."""
        self.variants = {
            **self.variants,
            **{
                fmt: {size: _blob(data) for size, data in sizes.items()}
                for fmt, sizes in variants.items()
            },
        }


class Products(ChangesKept, Folder):
    """All products.  Hands out the short product ids (``pid``)."""

    content_type = "products"
    #: The ids of the products the front page features, in order (``products.storefront``);
    #: a class-level default, so a stored folder from before has none.
    featured_pids = ()

    def __init__(self):
        super().__init__()
        # A plain counter on purpose: two concurrent additions conflict and one is retried,
        # where a merging counter (BTrees.Length) would hand out the same id twice.
        self.last_pid = 0
        self.by_pid = IOBTree()

    def add_product(self, name, product, registry=None):
        """Add ``product`` under ``name`` with the next short id."""
        self.last_pid += 1
        pid = self.last_pid
        product.pid = pid
        self.add(name, product, registry=registry)
        self.by_pid[pid] = name
        self.touch()
        return product

    def remove_product(self, name, registry=None):
        """Take the product ``name`` out of the shop for good (the desk's delete): its
        short id no longer finds it, so carts and lists that hold it leave it out, as they
        do a hidden product; orders keep their own copy of each line."""
        product = self.remove(name, registry=registry)
        self.by_pid.pop(getattr(product, "pid", None), None)
        self.touch()
        return product

    def by_id(self, pid):
        """The product with short id ``pid``, or None."""
        name = self.by_pid.get(pid)
        return self.get(name) if name is not None else None

    #: Names of management views on this folder: a product cannot take them.
    RESERVED = frozenset({"add"})

    def check_name(self, name):
        super().check_name(name)
        if not all(c.isalnum() or c == "-" for c in name) or name != name.lower():
            raise FolderKeyError(_("Use lower-case letters, digits and hyphens."))
        if name in self.RESERVED:
            raise FolderKeyError(_("This name is reserved."))
        return name


class Product(Content):
    """A product as the shop sells it.

    Its texts, attributes and images are plain values inside its own record (replaced, never
    mutated in place), so showing a product costs one database load.
    """

    content_type = "product"
    #: The mean rating of its published reviews (a float; None without any) and their number,
    #: set by the reviews (``products.api.set_rating``), indexed for the listing's facet.
    rating = None
    rating_count = 0
    #: The meta description per language, plain text, as the editor wrote it (empty:
    #: made from the description).  A class default: products stored before it have none.
    meta_descriptions = {}
    #: Buying it sends a gift card of its price by mail (``products.giftcards``).
    gift_card = False

    def __init__(self, sku, price, vat_rate, stock=0, categories=(), published=True):
        super().__init__()
        self.pid = None
        self.sku = sku
        self.titles = {}
        self.descriptions = {}  # Markdown sources
        self.description_html = {}  # sanitised, rendered once when saved
        self.attributes = {}  # key -> {lang: value}
        self.images = ()
        self.set_price(price, vat_rate)
        self.stock_record = Stock()
        self.set_stock(stock)
        self.categories = tuple(categories)
        self.published = published

    @property
    def __acl__(self):
        editors = (Allow, _EDITORS, (security.VIEW, security.EDIT))
        admins = (Allow, _ADMINS, (security.VIEW, security.EDIT))
        if self.published:
            return [(Allow, Everyone, security.VIEW), editors, admins, DENY_ALL]
        return [editors, admins, DENY_ALL]

    # -- reading ---------------------------------------------------------------
    @property
    def stock(self):
        """The number in stock (the :class:`Stock` record's: read it only where the exact
        number matters, e.g. a checkout or the desk; pages show :attr:`stock_shown`)."""
        record = self.__dict__.get("stock_record")
        if record is None:  # stored before issue 18: the number in the product's record
            return self.__dict__.get("stock", 0)
        return record.value

    @stock.setter
    def stock(self, value):
        self.set_stock(value)

    @property
    def stock_shown(self):
        """What the product's pages show of the stock, from its own record: the number
        while it is at most :data:`FEW_LEFT`, else ``FEW_LEFT + 1`` ("in stock")."""
        shown = self.__dict__.get("shown")
        return min(self.stock, FEW_LEFT + 1) if shown is None else shown

    @property
    def in_stock(self):
        return self.stock_shown > 0

    def image(self, image_id):
        for image in self.images:
            if image.id == image_id:
                return image
        return None

    def searchable_text(self, lang):
        return " ".join(
            filter(None, [self.titles.get(lang), self.descriptions.get(lang), self.sku])
        )

    # -- writing ---------------------------------------------------------------
    def set_price(self, price, vat_rate, registry=None):
        price, vat_rate = Decimal(price), Decimal(vat_rate)
        if vat_rate not in VAT_RATES:
            raise ValueError(f"VAT rate {vat_rate} is not a Belgian rate")
        if price < 0 or price != price.quantize(Decimal("0.01")):
            raise ValueError("a price is a non-negative amount in cents")
        price_history.record(self, price, registry)  # first: it reads the price replaced
        self.price, self.vat_rate = price, vat_rate

    def set_stock(self, stock):
        """Set the number in stock; ValueError below zero (stock is never negative).
        Returns whether what the pages show changed (``stock_shown``: then the product's
        record was written too).  From 0 to more it sends ``events.StockReturned``."""
        stock = int(stock)
        if stock < 0:
            raise ValueError("stock cannot be negative")
        self._p_activate()
        with stock_change(self, stock):
            if self.__dict__.get("stock_record") is None:  # a product stored before issue 18
                self.__dict__.pop("stock", None)
                self.stock_record = Stock(stock)
            elif self.stock_record.value != stock:
                self.stock_record.value = stock
        shown = min(self.stock, FEW_LEFT + 1)  # (a gift card's stock keeps no write)
        if self.__dict__.get("shown") == shown:
            return False
        self.shown = shown
        return True

    def adjust_stock(self, delta):
        """Add ``delta`` to the stock (negative when sold); ValueError below zero.

        Writes the :class:`Stock` record; the product's own record only when what its
        pages show changes (then the change is recorded for the product page's
        validator, and the listing's when the product goes in or out of stock).  No
        catalog index reads the stock, so nothing is reindexed: a checkout of "plenty"
        writes no product at all, only stock records, which merge (see the module).
        """
        was_in_stock = self.in_stock
        if self.set_stock(self.stock + delta):
            self.touch()
        if self.in_stock != was_in_stock and self.__parent__ is not None:
            self.__parent__.touch()

    def change_stock(self, stock=None, adjust=None):
        """Set the stock to ``stock``, or change it by the signed ``adjust``, and record the
        change (:meth:`changed`); StockError when it would go below zero.  Returns the new
        stock."""
        new = stock if stock is not None else self.stock + adjust
        if new < 0:
            raise StockError(
                _(
                    "The stock cannot go below zero: there are only ${count} in stock.",
                    mapping={"count": self.stock},
                )
            )
        self.set_stock(new)
        self.changed()
        return new

    def set_texts(self, lang, title, description):
        self.titles = {**self.titles, lang: title.strip()}
        self.descriptions = {**self.descriptions, lang: description}
        self.description_html = {**self.description_html, lang: richtext.render(description)}

    def set_meta_description(self, lang, text):
        """Set the meta description of ``lang`` (plain text on one line; empty: none)."""
        text = " ".join((text or "").split())
        descriptions = {k: v for k, v in self.meta_descriptions.items() if k != lang}
        if text:
            descriptions[lang] = text
        self.meta_descriptions = descriptions

    def set_attribute(self, key, lang, value):
        if key not in ATTRIBUTES:
            raise KeyError(key)
        values = dict(self.attributes.get(key, {}))
        if value:
            values[lang] = value
        else:
            values.pop(lang, None)
        attributes = {**self.attributes, key: values}
        if not values:
            del attributes[key]
        self.attributes = attributes

    def add_image(self, sizes, dimensions, alt=None, variants=None):
        self.images = (*self.images, ProductImage(sizes, dimensions, alt, variants))
        return self.images[-1]

    def remove_image(self, image_id):
        self.images = tuple(image for image in self.images if image.id != image_id)

    def set_visibility(self, published):
        """Publish or hide; the catalog learns who may see it through ACLModified."""
        if published != self.published:
            self.published = published
            self._touch_catalog()
            notify(ACLModified(self))

    def publish(self, published=True):
        """Publish (or hide) the product and record the change: from the next request on,
        visitors see it (or find no trace of it)."""
        self.set_visibility(published)
        self.changed()

    def set_rating(self, average, count):
        """Record the mean rating and the number of published reviews (see ``rating``)."""
        average = round(average, 2) if count else None
        if (average, count) != (self.rating, self.rating_count):
            self.rating, self.rating_count = average, count
            self.changed()

    def changed(self):
        """Call after editing: records the time; the catalog reindexes (ObjectModified)."""
        self._touch_catalog()
        notify(ObjectModified(self))

    def _touch_catalog(self):
        # The listing's validator is the Products folder's modification time, which lives
        # in the folder's Changes record: the folder, read by every page, stays unwritten.
        self.touch()
        if self.__parent__ is not None:
            self.__parent__.touch()
