"""Index definitions and the values each resource gives them.

Index values are computed from the resource by small functions here; a content type adds
searchable text by defining ``searchable_text(lang)`` (and ``titles`` for sorting by name).
A new index is declared in ``make_indexes``; an evolve step then calls
``Catalog.ensure_indexes`` and reindexes.  Text is folded (case and accents) both when it
is indexed and when it is searched, so "cafe" finds "Café".
"""

import re
import unicodedata

from hypatia.field import FieldIndex
from hypatia.keyword import KeywordIndex
from hypatia.text import TextIndex
from hypatia.text.interfaces import IPipelineElement
from hypatia.text.lexicon import Lexicon, Splitter
from pyramid.authorization import ALL_PERMISSIONS, Allow, Authenticated, Everyone
from pyramid.location import lineage
from pyramid.traversal import resource_path_tuple
from zope.interface import implementer

from shopcms.web.security import VIEW


def _acl(resource):
    acl = getattr(resource, "__acl__", ())
    return acl() if callable(acl) else acl


def _concerns(permissions, permission):
    if permissions is ALL_PERMISSIONS:
        return True
    if isinstance(permissions, str):
        return permissions == permission
    return permission in permissions


def allowed_principals(resource, permission=VIEW):
    """The principals that have ``permission`` on ``resource``, as Pyramid's ACLHelper decides.

    The ACEs about ``permission`` are read from the resource up to the root; the first one
    that names one of a requester's principals decides.  A principal is judged together with
    the principals every requester holding it also carries (``Everyone``, and
    ``Authenticated`` for any principal but Everyone), so a Deny for Everyone shuts out every
    principal allowed only below it.
    """
    aces = [
        (action, principal)
        for location in lineage(resource)
        for action, principal, permissions in _acl(location)
        if _concerns(permissions, permission)
    ]
    allowed = []
    for principal in {principal for action, principal in aces if action == Allow}:
        carried = {Everyone} if principal == Everyone else {Everyone, Authenticated}
        carried.add(principal)
        first = next(action for action, ace_principal in aces if ace_principal in carried)
        if first == Allow:
            allowed.append(principal)
    return sorted(allowed)


def fold(text):
    """Lower case without accents: "Café" -> "cafe", so searching ignores both."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


WORD = re.compile(r"\w+")


def search_words(text, max_words=10):
    """The folded words of ``text`` (what a person typed), at most ``max_words``."""
    return WORD.findall(fold(text))[:max_words]


def quoted(words):
    """The query text for a ``text_LANG`` index of ``words``, each quoted, or None."""
    return " ".join(f'"{word}"' for word in words) or None


def search_terms(text, max_words=10):
    """The query text for a ``text_LANG`` index from what a person typed, or None.

    Only the words are kept, folded and each quoted: a visitor's input is never parsed as
    query syntax (AND, OR, NOT, globs, parentheses).
    """
    return quoted(search_words(text, max_words))


@implementer(IPipelineElement)
class AccentFolder:
    """Lexicon pipeline element that folds case and accents (see :func:`fold`)."""

    def process(self, words):
        return [fold(word) for word in words]

    def processGlob(self, words):
        return self.process(words)


def content_type(resource, default):
    return getattr(resource, "content_type", default)


def path(resource, default):
    """Every ancestor path, so "everything under /products" is one keyword lookup.

    A folder's own path is among them (a query for what is under it finds it too); a leaf
    (a resource without ``values``: an order, a review) gives only its ancestors', since
    nothing is ever under it.  That matters for orders: their paths are keyed by number,
    and a key per order would be one more BTree whose last bucket every checkout inserts
    into (issue 18).
    """
    parts = resource_path_tuple(resource)
    end = len(parts) + 1 if hasattr(resource, "values") else len(parts)
    return ["/".join(parts[:i]) or "/" for i in range(1, end)]


def allowed(resource, default):
    return allowed_principals(resource, VIEW) or default


def _date_key(resource, value):
    """The key of a date in the ``created``/``modified`` indexes: the date itself, or for
    a resource whose class sets ``index_dates_by_minute`` (orders) the start of its minute.

    Orders come by the dozen a second under load, each with a new date at the end of
    these indexes: a key per order made concurrent checkouts conflict whenever the last
    bucket split, a key per second whenever two created the same new key in one second
    (issue 18).  A key per minute is created once a minute; what the indexes serve for
    orders (the desk's days, its newest-first list) does not need finer keys.
    """
    if getattr(resource, "index_dates_by_minute", False) and hasattr(value, "replace"):
        return value.replace(second=0, microsecond=0)
    return value


def modified(resource, default):
    value = getattr(resource, "modified", default)
    return default if value is default else _date_key(resource, value)


def created(resource, default):
    value = getattr(resource, "created", default)
    return default if value is default else _date_key(resource, value)


def categories(resource, default):
    return list(getattr(resource, "categories", ())) or default


def price_cents(resource, default):
    price = getattr(resource, "price", None)
    return int(price * 100) if price is not None else default


def price_euros(resource, default):
    """Whole euros of the price: a coarse index that makes price ranges cheap."""
    price = getattr(resource, "price", None)
    return int(price) if price is not None else default


class Attribute:
    """Discriminator of an index on a plain attribute (``None`` or missing: not indexed).

    The generic indexes read attributes that several kinds of content may have: its
    workflow ``state``, a ``rating``, the ``language`` it is written in, its ``author``, the
    ``votes`` people gave it, the ``flags`` (reports) people raised on it.  A class,
    because indexes are stored with their discriminators.
    """

    def __init__(self, name):
        self.name = name

    def __call__(self, resource, default):
        value = getattr(resource, self.name, None)
        return default if value is None else value


class SearchableText:
    """Discriminator of ``text_LANG``: the resource's ``searchable_text(lang)``.

    A class rather than a closure because indexes, with their discriminators, are stored
    in the database.
    """

    def __init__(self, lang):
        self.lang = lang

    def __call__(self, resource, default):
        text = getattr(resource, "searchable_text", None)
        return (text(self.lang) or default) if text is not None else default


class SortableTitle:
    """Discriminator of ``title_LANG``: the folded title, for sorting by name."""

    def __init__(self, lang):
        self.lang = lang

    def __call__(self, resource, default):
        titles = getattr(resource, "titles", None)
        title = titles.get(self.lang) if titles is not None else None
        return fold(title) if title else default


def make_indexes(languages):
    """A fresh set of the catalog's indexes, by name (per-language ones for ``languages``)."""
    indexes = {
        "content_type": FieldIndex(content_type),
        "path": KeywordIndex(path),
        "allowed": KeywordIndex(allowed),
        "modified": FieldIndex(modified),
        "created": FieldIndex(created),
        "categories": KeywordIndex(categories),
        "price": FieldIndex(price_cents),
        "price_euros": FieldIndex(price_euros),
        "state": FieldIndex(Attribute("workflow_state")),
        "rating": FieldIndex(Attribute("rating")),
        "language": FieldIndex(Attribute("language")),
        "author": FieldIndex(Attribute("author")),
        "votes": FieldIndex(Attribute("votes")),
        "flags": FieldIndex(Attribute("flags")),
    }
    for lang in languages:
        lexicon = Lexicon(Splitter(), AccentFolder())
        indexes[f"text_{lang}"] = TextIndex(SearchableText(lang), lexicon=lexicon)
        indexes[f"title_{lang}"] = FieldIndex(SortableTitle(lang))
    return indexes
