"""Rich text that is safe: Markdown in, sanitised HTML out, once, when it is saved.

Editors write Markdown.  Raw HTML in the source is not interpreted (markdown-it's
``html=False`` escapes it) and the rendered HTML is then cleaned by nh3 (Ammonia) against a
small allow-list of tags, attributes and URL schemes.  What is stored is the clean HTML; a
template may insert it as structure because nothing else ever reaches it.
"""

import hashlib

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote",
    "code", "pre", "br", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def render(source):
    """Sanitised HTML for the Markdown ``source``."""
    return sanitise(_markdown.render(source or ""))


def sanitise(html):
    """Clean ``html`` against the allow-list; links get ``rel="noopener noreferrer"``."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def text_hash(*parts):
    """SHA-256 (hex) of the parts joined by newlines: identifies an exact text."""
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
