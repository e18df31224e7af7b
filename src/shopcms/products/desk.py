"""The product desk's domain: finding products for the desk (hidden ones included), the
categories as the desk names them, and a product as the desk's form shows and saves it.

Products are found through the catalog, never by a scan: the desk's search reads the UI
language's text index (words only, never query syntax) and orders by the title in the UI
language, then in the default language (or by price or last change through their
indexes; by stock, which no index holds, from the products themselves).  Writing goes
through the product's own methods, so only the fields of the form reach it and the catalog
is told of every change; the list's bulk actions (publish, hide, delete) change many
products in the one transaction of their request.
"""

from dataclasses import dataclass

from hypatia.query import And, Contains, Eq
from hypatia.text.parsetree import ParseError, QueryError

from shopcms.catalog.indexes import search_terms
from shopcms.catalog.query import index, search
from shopcms.products.giftcards import is_gift_card, set_gift_card
from shopcms.products.listing import MAX_QUERY
from shopcms.products.resources import Product
from shopcms.products.schemas import CENT, vat_rate, vat_value
from shopcms.web.i18n import languages, pick
from shopcms.web.security import EDIT

PER_PAGE = 25
#: The list's sort keys: by title, price, stock or last change.
SORTS = ("name", "price", "stock", "changed")
#: The catalog index of each sort key that has one.
_SORT_INDEXES = {"price": "price", "changed": "modified"}
#: What the list's bulk form can do to the chosen products.
BULK_ACTIONS = ("publish", "hide", "delete")


def category_choices(request):
    """``[(name, title)]`` of the categories in the UI language, in their order."""
    return [
        (name, pick(category.titles, request)[1] or name)
        for name, category in request.root["categories"].ordered()
    ]


def category_counts(request):
    """``{category name: number of products in it}`` (hidden products included)."""
    categories = index(request, "categories")
    products = Eq(index(request, "content_type"), "product")
    return {
        name: len(search(request, And(products, Eq(categories, name))))
        for name in request.root["categories"]
    }


def _text_query(request, text):
    """A hypatia query on the UI language's text index: only words, each quoted."""
    terms = search_terms(text[:MAX_QUERY])
    if terms is None:
        return None
    return Contains(index(request, f"text_{request.locale_name}"), terms)


def _ordered(request, docids):
    """``docids`` by title in the UI language, then by title in the default language (the
    products without a title in the UI language), then the rest."""
    docids = list(docids)
    ordered = []
    seen = set()
    for lang in dict.fromkeys((request.locale_name, languages(request.registry)[0])):
        remaining = [docid for docid in docids if docid not in seen]
        if not remaining:
            break
        for docid in index(request, f"title_{lang}").sort(remaining, raise_unsortable=False):
            ordered.append(docid)
            seen.add(docid)
    ordered.extend(docid for docid in docids if docid not in seen)
    return ordered


def _sorted(request, docids, sort, reverse):
    """``docids`` in the order of ``sort`` (one of :data:`SORTS`), descending if
    ``reverse``; ties and products without a value keep the title order."""
    by_title = _ordered(request, docids)
    if sort == "name":
        return by_title[::-1] if reverse else by_title
    if sort == "stock":
        resolve = request.root.catalog.resolver(request.root)
        stock = {docid: getattr(resolve(docid), "stock", 0) for docid in by_title}
        return sorted(by_title, key=stock.__getitem__, reverse=reverse)
    ordered = list(
        index(request, _SORT_INDEXES[sort]).sort(by_title, reverse=reverse, raise_unsortable=False)
    )
    seen = set(ordered)
    return ordered + [docid for docid in by_title if docid not in seen]


@dataclass
class DeskPage:
    """One page of the desk's list: its products, how many matched, the page and pages,
    and the first and last position shown (1-based; 0 and 0 for none)."""

    products: list
    total: int
    page: int
    pages: int

    @property
    def first(self):
        return (self.page - 1) * PER_PAGE + 1 if self.products else 0

    @property
    def last(self):
        return (self.page - 1) * PER_PAGE + len(self.products)


def find(request, text="", page=1, sort="name", reverse=False):
    """The products the requester may see (editors see hidden ones) whose text in the UI
    language has every word of ``text`` (or whose code is one of them), in the order of
    ``sort`` (:data:`SORTS`, descending if ``reverse``), page ``page`` of ``PER_PAGE``."""
    text = text.strip()[:MAX_QUERY]
    query = Eq(index(request, "content_type"), "product")
    words = _text_query(request, text) if text else None
    if text and words is None:
        docids = []
    else:
        try:
            docids = search(request, And(query, words) if words is not None else query).ids
        except (ParseError, QueryError):
            docids = []
    ordered = _sorted(request, docids, sort if sort in SORTS else "name", reverse)
    pages = max(1, -(-len(ordered) // PER_PAGE))
    page = max(1, min(page, pages))
    resolve = request.root.catalog.resolver(request.root)
    start = (page - 1) * PER_PAGE
    products = [resolve(docid) for docid in ordered[start : start + PER_PAGE]]
    return DeskPage(products, len(ordered), page, pages)


#: A language's state on the product's edit page: it has a title in it, or not.
TRANSLATED, MISSING = "translated", "missing"


def translation_states(product, langs):
    """``[(lang, state)]``: whether ``product`` (None: a new one) has its texts in each of
    ``langs`` (a title; products keep no per-language dates, so "older than" cannot be
    told)."""
    titles = product.titles if product is not None else {}
    return [(lang, TRANSLATED if titles.get(lang) else MISSING) for lang in langs]


def form_values(product, langs):
    """``product`` as the desk's product form shows it."""
    values = {
        "sku": product.sku,
        "price": product.price,
        "vat_rate": vat_value(product.vat_rate),
        "gift_card": is_gift_card(product),
        "stock": product.stock,
        "stock_seen": product.stock,
        "categories": set(product.categories),
        "published": product.published,
    }
    for lang in langs:
        values[lang] = {
            "title": product.titles.get(lang, ""),
            "description": product.descriptions.get(lang, ""),
            "meta_description": product.meta_descriptions.get(lang, ""),
            "attributes": {
                key: per_lang.get(lang, "") for key, per_lang in product.attributes.items()
            },
        }
    return values


def _apply(product, appstruct, category_names, langs):
    """Write the validated form to ``product`` through its domain methods.

    An unchanged stock field (``stock_seen``) leaves alone what orders or a stock change did
    to the stock while the form was open; a gift card's stock is not counted
    (``products.giftcards``); categories keep the categories' order.
    """
    product.sku = appstruct["sku"]
    product.set_price(appstruct["price"].quantize(CENT), vat_rate(appstruct["vat_rate"]))
    set_gift_card(product, appstruct.get("gift_card", False))
    if not product.gift_card and appstruct["stock"] != appstruct["stock_seen"]:
        product.set_stock(appstruct["stock"])
    chosen = appstruct["categories"]
    product.categories = tuple(name for name in category_names if name in chosen)
    for lang in langs:
        texts = appstruct[lang]
        product.set_texts(lang, texts["title"], texts["description"])
        product.set_meta_description(lang, texts["meta_description"])
        for key, value in texts["attributes"].items():
            if value or key in product.attributes:
                product.set_attribute(key, lang, value)


def create(products, appstruct, category_names, langs):
    """A new product from the validated form, added to ``products`` under its name
    (FolderKeyError when the name is taken or reserved) and catalogued."""
    product = Product(
        appstruct["sku"],
        appstruct["price"].quantize(CENT),
        vat_rate(appstruct["vat_rate"]),
        published=appstruct["published"],
    )
    _apply(product, appstruct, category_names, langs)
    products.add_product(appstruct["name"], product)
    product.changed()
    return product


def save(product, appstruct, category_names, langs):
    """Write the validated form to ``product``, its visibility included, and record it."""
    _apply(product, appstruct, category_names, langs)
    product.set_visibility(appstruct["published"])
    product.changed()


def chosen(request, names):
    """The products named in ``names`` that the requester may see (the bulk form's ticked
    boxes; unknown names are left out), in the order given, each once."""
    products = request.root["products"]
    found = []
    for name in dict.fromkeys(names):
        product = products.get(name) if isinstance(name, str) else None
        if isinstance(product, Product) and request.has_permission(EDIT, product):
            found.append(product)
    return found


def bulk(request, products, action):
    """Publish, hide or delete (``action``, one of :data:`BULK_ACTIONS`) ``products``;
    returns how many changed (publishing a visible product changes nothing)."""
    changed = 0
    folder = request.root["products"]
    for product in products:
        if action == "delete":
            folder.remove_product(product.__name__, registry=request.registry)
            changed += 1
        elif product.published != (action == "publish"):
            product.publish(action == "publish")
            changed += 1
    return changed
