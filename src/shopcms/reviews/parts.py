"""The reviews section's personal parts (``shopcms.web.personal``): whose "Write a review"
link a visitor sees, and whether this browser already found a review helpful.  The page's
facts (the links) are found once per page by :func:`links`; the parts are filled for each
visitor.
"""

from html import escape

from shopcms.products.api import RememberedMarkup, Repeated, site
from shopcms.reviews import helpful
from shopcms.reviews.schemas import HelpfulSchema
from shopcms.web.forms import Button
from shopcms.web.i18n import _
from shopcms.web.security import ACCOUNT, VIEW

#: The views the section links to: the writing form (on the product), the review terms.
WRITE, TERMS = "review", "review-terms"
WRITE_TITLE, TERMS_TITLE = _("Write a review"), _("How we handle reviews")
HELPFUL_DONE = _("You found this review helpful.")
_HELPFUL = HelpfulSchema()


def has_view(registry, name):
    """Whether a view called ``name`` is registered (looked up once per application): the
    writing form (``review``) and the review terms (``review-terms``) come from other parts
    of the reviews' work, and the section links to them only once they are there, so that
    no link leads to a 404."""
    known = registry.__dict__.setdefault("shopcms_reviews_views", {})
    if name not in known:
        views = registry.introspector.get_category("views") or ()
        known[name] = any(entry["introspectable"]["name"] == name for entry in views)
    return known[name]


def links(request, product):
    """The section's links, as page facts: ``write``, the writing form (None while it does
    not exist), ``login``, the login that comes back to it, ``terms``, the review terms
    (None while the page they lead to does not exist).  Whose link to writing is shown is
    the visitor's: the personal part ``review-links`` (:func:`links_part`)."""
    terms = None
    if has_view(request.registry, TERMS):
        page = request.root["pages"].get(TERMS)
        if page is not None and request.has_permission(VIEW, page):
            terms = request.link(None, TERMS)
    write = login = None
    if has_view(request.registry, WRITE):
        write = request.link(product, WRITE)
        login = request.link(None, "login", query={"came_from": write})
    return {"write": write, "login": login, "terms": terms}


def visitors_write_link(request, write, login):
    """Where "Write a review" leads this visitor: the form (through the login for a visitor
    who is not logged in: a guest writes through the delivery mail's link), or nowhere for
    staff, who have no customer's account to write from."""
    if write is None:
        return None
    if request.authenticated_userid is None:
        return login
    if not request.has_permission(ACCOUNT, site(request)):
        return None
    return write


def links_part(request, write, login, terms):
    """The personal part ``review-links``: "Write a review" (see
    :func:`visitors_write_link`) and "How we handle reviews", or nothing.  On every product
    page of every visitor with cookies: the markup is kept, by what it shows (:data:`LINKS`)."""
    write = visitors_write_link(request, write, login)
    key = (request.locale_name, write, terms)
    html = LINKS.get(key)
    if html is None:
        translate = request.localizer.translate
        shown = [
            f'<a href="{escape(url)}">{escape(translate(title))}</a>'
            for url, title in ((write, WRITE_TITLE), (terms, TERMS_TITLE))
            if url
        ]
        html = '<p class="reviews-links">' + "\n      ".join(shown) + "</p>" if shown else ""
        LINKS.put(key, html)
    return html


#: :func:`links_part`'s markup by (language, link to writing, link to the terms).
LINKS = RememberedMarkup(size=4096)


def helpful_part(request, key, action, came_from):
    """The personal part ``review-helpful``: the review's "Helpful" button, or "You found
    this review helpful." once this browser voted for it (its cookie, ``helpful.voted``)."""
    if key in helpful.voted(request):
        done = escape(request.localizer.translate(HELPFUL_DONE))
        return f'<p class="muted">{done}</p>'
    vote = Repeated(request, _HELPFUL, [Button("helpful", _("Helpful"))], "inline")
    return vote.render(
        f"helpful-{key}", {"came_from": came_from}, action=action, hidden=("came_from",)
    )
