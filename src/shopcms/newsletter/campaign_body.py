"""A campaign's body: Markdown rendered and sanitised as the policy pages are
(``shopcms.web.richtext``), its links, and its plain-text form.

Contracts:

- :func:`render` is the only way a body becomes HTML: Markdown with raw HTML escaped, then
  cleaned against the rich text allow-list (no ``<script>``, no ``<img>``, so no remote
  image and no tracking pixel can reach a campaign mail).  A link to a page of the shop
  written as a path (``/fr/products/aloe-vera``, as the policy pages link) is made
  absolute on the shop's address: a mail is read far from the site.
- :func:`links` lists the http(s) links of that HTML in order, each once: what
  ``campaigns.schedule`` fixes in ``campaign.links`` for the click counter.
- :func:`with_links` and :func:`as_text` give the HTML and the plain text with every
  http(s) link replaced by ``relink(url)`` (the click counter's address, which names the
  campaign and the link's index only); other links (``mailto:``) stay as they are.
"""

import html
import re
from html.parser import HTMLParser

from shopcms.web import richtext

_HREF = re.compile(r'href="([^"]*)"')
#: A link to a path of this site: one slash, then not a second (``//host`` is another site).
_SITE_PATH = re.compile(r'href="(/(?!/)[^"]*)"')


def render(source, base):
    """The sanitised HTML of the Markdown ``source``, its site paths made absolute on
    ``base`` (the shop's address, without a final slash)."""

    def absolute(match):
        path = html.unescape(match.group(1))
        return f'href="{html.escape(base.rstrip("/") + path, quote=True)}"'

    return _SITE_PATH.sub(absolute, richtext.render(source))


def counted(url):
    """Does the click counter count ``url`` (an http or https link)?"""
    return url.lower().startswith(("http://", "https://"))


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href and counted(href) and href not in self.found:
            self.found.append(href)


def links(body_html):
    """The http(s) links of ``body_html`` (sanitised HTML), in order, each once."""
    parser = _Links()
    parser.feed(body_html)
    parser.close()
    return parser.found


def with_links(body_html, relink):
    """``body_html`` with each http(s) ``href`` replaced by ``relink(url)``.

    The sanitiser writes every attribute in double quotes with its value escaped, so a
    plain match of ``href="..."`` finds each link exactly."""

    def replace(match):
        url = html.unescape(match.group(1))
        if not counted(url):
            return match.group(0)
        return f'href="{html.escape(relink(url), quote=True)}"'

    return _HREF.sub(replace, body_html)


_BLOCKS = {"p", "h2", "h3", "h4", "ul", "ol", "blockquote", "pre", "hr"}


class _Text(HTMLParser):
    """Plain text of sanitised HTML: paragraphs apart, list items as "- ", a link as its
    label followed by its address in angle brackets."""

    def __init__(self, relink):
        super().__init__(convert_charrefs=True)
        self.relink = relink
        self.parts = []
        self.href = None

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self.href = dict(attrs).get("href")

    def handle_endtag(self, tag):
        if tag == "a" and self.href:
            url = self.relink(self.href) if counted(self.href) else self.href
            self.parts.append(f" <{url}>")
            self.href = None

    def handle_data(self, data):
        self.parts.append(data)

    def text(self):
        lines = "".join(self.parts).strip().splitlines()
        joined = "\n".join(line.rstrip() for line in lines)
        return re.sub(r"\n{3,}", "\n\n", joined)


def as_text(body_html, relink):
    """The plain-text form of ``body_html`` (sanitised HTML), links through ``relink``."""
    parser = _Text(relink)
    parser.feed(body_html)
    parser.close()
    return parser.text()
