"""The company's details in a page's text: ``{company.NAME}`` placeholders.

A page body (Markdown, any plain or policy page) may name a detail of the company instead of
writing it out: ``{company.enterprise}`` becomes ``0123.456.749``.  The value comes from the
settings ``shopcms.company.*`` (:mod:`shopcms.web.company`) when the page is shown, so a
move or a new VAT number changes every page at the next start, with no new revision: the
stored (and published, hashed) revision keeps the placeholder.  What a customer agreed to is
the text with its placeholders; the details they stand for are facts about the seller.

Only the names of :data:`PLACEHOLDERS` are replaced, in text, never in a link's address.
Each value is HTML-escaped before it goes into the sanitised HTML, so a setting cannot add
markup.  An unknown name (``{company.iban}``) is left as it is written, visible, and the
editor's form refuses to save it (:func:`unknown`): a typo shows, it never vanishes.

An empty setting gives an empty text.  A list item all of whose placeholders are empty is
left out (so a list of the company's details shows only those that are set); the readiness
check ``company`` names the details an invoice needs that are not set.
"""

import re
from html import escape

from shopcms.web.company import company

#: The names an editor may use, with what each stands for (``web.company.Company``).
PLACEHOLDERS = {
    "brand": lambda c: c.brand,
    # The name as the law knows it: with its legal form when that is set apart.
    "name": lambda c: c.legal_name,
    "address": lambda c: c.address,
    "enterprise": lambda c: c.enterprise,
    "vat": lambda c: c.vat,
    "register": lambda c: c.register,
    "email": lambda c: c.email,
    "phone": lambda c: c.phone,
    "website": lambda c: c.website,
}

#: A placeholder as written (Markdown leaves braces, dots and letters as they are).
PATTERN = re.compile(r"\{company\.([a-z_]+)\}")
#: A list item with no list inside it (nh3's output is well formed).
_ITEM = re.compile(r"<li>((?:(?!</?li\b).)*)</li>\s*", re.S)
#: An attribute value (a link's address): placeholders there are never replaced.
_TAG = re.compile(r"<[^>]*>")


def values(company):
    """``{name: text}`` of every placeholder for ``company`` (a ``web.company.Company``)."""
    return {name: read(company) for name, read in PLACEHOLDERS.items()}


def unknown(text):
    """The placeholders of ``text`` whose name is not one of :data:`PLACEHOLDERS`, in the
    order written, each once (``["{company.iban}"]``)."""
    found = []
    for match in PATTERN.finditer(text or ""):
        if match.group(1) not in PLACEHOLDERS and match.group(0) not in found:
            found.append(match.group(0))
    return found


def _replace_text(text, known):
    def one(match):
        name = match.group(1)
        return escape(known[name]) if name in known else match.group(0)

    return PATTERN.sub(one, text)


def _drop_empty_items(html, known):
    def item(match):
        names = PATTERN.findall(match.group(1))
        if names and all(name in known and not known[name] for name in names):
            return ""
        return match.group(0)

    return _ITEM.sub(item, html)


def substitute(html, company):
    """``html`` (a revision's sanitised HTML) with the company's details in place of its
    placeholders; unknown names stay as written.  Tags (and so link addresses) are kept
    as they are."""
    if "{company." not in html:
        return html
    known = values(company)
    html = _drop_empty_items(html, known)
    parts, last = [], 0
    for tag in _TAG.finditer(html):
        parts.append(_replace_text(html[last : tag.start()], known))
        parts.append(tag.group(0))
        last = tag.end()
    parts.append(_replace_text(html[last:], known))
    return "".join(parts)


def shown(request, html):
    """``html`` as ``request``'s page shows it: :func:`substitute` with the company of the
    request's settings."""
    return substitute(html, company(request.registry))
