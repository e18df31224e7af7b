"""What a view says of its page to search engines and link previews.

A view calls :func:`describe` while it makes its page's values; the head of the page
(:mod:`.head`) reads it.  A page that says nothing still gets its canonical link and the
shop's own description: the description is a default, never missing.
"""

from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

#: The length search engines show of a description; a longer one is cut on a word.
DESCRIPTION_LENGTH = 155

#: Open Graph types a page may have (https://ogp.me/#types).
KINDS = ("website", "article", "product")


@dataclass(frozen=True)
class Description:
    """What the head says of a page (every field optional).

    - ``title``: the page's title without the site's name (og:title);
    - ``text``: its meta description, plain text (see :func:`summary` for a default);
    - ``image``, ``image_alt``: an absolute image URL and its alternative text;
    - ``kind``: the Open Graph type, one of :data:`KINDS`;
    - ``structured``: schema.org objects (dicts) written as JSON-LD, one block each;
    - ``canonical_query``: the query pairs that are part of the page's canonical address
      (a listing's category and page); every other parameter is left out of it;
    - ``canonical_lang``: the language whose address is canonical, when the page shows
      another language's text (a page not yet translated): that language's page.
    """

    title: str | None = None
    text: str | None = None
    image: str | None = None
    image_alt: str | None = None
    kind: str = "website"
    structured: tuple = ()
    canonical_query: tuple = ()
    canonical_lang: str | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown Open Graph type {self.kind!r}")


def describe(request, **fields):
    """Say what the head of this request's page shows (the fields of :class:`Description`).

    The last call wins; nothing is stored but on the request."""
    request.shopcms_description = Description(
        **{**fields, "structured": tuple(fields.get("structured", ()))}
    )


def described(request):
    """What the view said of its page, or an empty :class:`Description`."""
    return getattr(request, "shopcms_description", None) or Description()


class _Text(HTMLParser):
    """The text of (sanitised) HTML, with a space where a block or a line break was."""

    BREAKS = frozenset({"p", "h2", "h3", "h4", "li", "blockquote", "pre", "br", "hr", "ul", "ol"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.BREAKS:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(html):
    """The words of ``html`` on one line (tags out, entities read, spaces folded)."""
    parser = _Text()
    parser.feed(html or "")
    parser.close()
    return " ".join(unescape("".join(parser.parts)).split())


def summary(html, length=DESCRIPTION_LENGTH):
    """A meta description made from ``html`` (a product's description, a page's body):
    its plain text, cut on a word before ``length`` characters with an ellipsis, or None
    when it holds no text."""
    text = plain_text(html)
    if not text:
        return None
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if " " in cut and not text[length - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") + "…"


def chosen_or_summary(chosen, html):
    """The editor's ``chosen`` description when there is one, else :func:`summary`."""
    chosen = " ".join((chosen or "").split())
    return chosen or summary(html)
