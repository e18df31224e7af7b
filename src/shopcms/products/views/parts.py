"""The personal parts of the catalog's shared pages (``shopcms.web.personal``).

The product page and the listing are the same for every visitor but for these parts, which
the page cache fills in for each visitor from a page rendered once:

- ``product-in-cart`` (``pid``): "N in your cart" under the add-to-cart button, or nothing;
- ``product-toggle`` (``kind``: wishlist or compare, ``pid``, ``came_from``, ``action``):
  the button that adds the product to the list, or takes it off;
- ``recently-viewed`` (``pid``: the page's product or None, ``offer``: show the consent in
  context while personalisation is not allowed, ``came_from``, ``consent_action``,
  ``policy``): the section of the products viewed before (the page's own product left out);
- ``recommended`` (``pid``, ``privacy``): "Recommended for you", only for a logged-in
  customer who gave the personalisation consent (``recommendations.for_customer``);

and the personal effect ``recently-viewed`` (``pid``): the product first in the recently
viewed cookie (only with consent), as the page's response sets it.

Every part follows the contract of ``shopcms.web.personal``: it reads the visitor's cookies,
session and identity, and finds the products from the site's root (:func:`site`), never from
the page's context; what it shows of the page (its URLs) is in its arguments.  The add-to-cart
form itself is not a part: it differs between visitors only by its CSRF token.

The cards of the recently viewed and recommended products are cheap (:func:`card`): a card's
markup is remembered by everything it shows (the product's record serial, its stock and
rating, the language and the site's address), and so is the section around them
(:func:`framed`), so a visitor's recently viewed costs a look-up of each product in the
connection's cache, its permission check and a join.
"""

import deform
from pyramid.csrf import get_csrf_token
from pyramid.renderers import render
from pyramid.traversal import find_root

from shopcms.privacy.consent import allows
from shopcms.products import lists, recommendations
from shopcms.products.schemas import ConsentSchema, ListItemSchema
from shopcms.products.views.cards import RememberedMarkup
from shopcms.products.views.small import Repeated, fill
from shopcms.web import csrf
from shopcms.web.cookies import Category, set_cookie
from shopcms.web.forms import Button
from shopcms.web.i18n import _
from shopcms.web.security import VIEW, effective_principals

CARD_TEMPLATE = "shopcms.products:templates/card.pt"
RECENT_TEMPLATE = "shopcms.products:templates/recent.pt"
RECOMMENDED_TEMPLATE = "shopcms.products:templates/recommended.pt"

_ITEM = ListItemSchema()
_CONSENT = ConsentSchema()

#: The toggles of the product page: formid, button titles (to add, to remove).
TOGGLES = {
    lists.WISHLIST: ("wishlist-toggle", _("Add to wishlist"), _("Remove from wishlist")),
    lists.COMPARE: ("compare-toggle", _("Compare"), _("Remove from comparison")),
}


def site(request):
    """The Site: the request's root (under /account/ the root is the account: its root),
    or, for a request made only to fill personal parts, the one of its connection."""
    root = getattr(request, "root", None)
    if root is None:
        from shopcms.tree.database import root_factory  # the database layer, only here

        return root_factory(request)
    return find_root(root)


def unmasked_token(request):
    """The visitor's CSRF token for a validator: the same for every response to the same
    session (``web.csrf`` masks each token it shows, against BREACH)."""
    return csrf.raw_token(request)


def visible(request, pids):
    """The products ``pids`` the visitor may see, in that order (``listing.visible_products``
    without ``request.root``)."""
    folder = site(request)["products"]
    found = []
    for pid in pids:
        product = folder.by_id(pid)
        if product is not None and request.has_permission(VIEW, product):
            found.append(product)
    return found


CARDS = RememberedMarkup()
#: The sections around the cards, rendered once per language and links (:func:`framed`).
FRAMES = RememberedMarkup(size=256)
_CARDS, _CONSENT_FORM = "\x01cards\x01", "\x01consent\x01"


def framed(request, template, cards, consent=None, **links):
    """``template`` (a section of cards) for this visitor: its frame is rendered once per
    language, links and shape (cards or not, consent form or not) with stand-ins, which are
    then replaced by the visitor's cards and consent form."""
    key = (template, request.application_url, request.locale_name, bool(cards), bool(consent))
    key += tuple(sorted(links.items()))
    frame = FRAMES.get(key)
    if frame is None:
        values = {"cards": [_CARDS] if cards else [], "consent": consent and _CONSENT_FORM}
        frame = render(template, {**values, **links}, request)
        FRAMES.put(key, frame)
    html = frame.replace(_CARDS, "".join(cards))
    return html.replace(_CONSENT_FORM, consent) if consent else html


def card(request, product):
    """The product's card (``macros.pt``'s ``product-card``, loading lazily), remembered."""
    first = product.images[0] if product.images else None
    key = (
        request.application_url,
        request.locale_name,
        product.pid,
        product.__name__,
        product._p_serial,
        product.in_stock,
        product.rating,
        product.rating_count,
        (first.id, tuple(first.variants)) if first is not None else None,
    )
    html = CARDS.get(key)
    if html is None:
        html = render(CARD_TEMPLATE, {"product": product}, request)
        CARDS.put(key, html)
    return html


def in_cart(request, pid):
    """``product-in-cart``: how many of the product the visitor's cart holds, if any."""
    count = lists.Cart(request).quantity(pid)
    if not count:
        return ""
    text = request.localizer.translate(_("${count} in your cart", mapping={"count": count}))
    return f'<p class="muted">{text}</p>'


def toggle(request, kind, pid, came_from, action):
    """``product-toggle``: the wishlist's or comparison's button for the product."""
    listed = pid in lists.read(request, kind)
    key = (deform.Form.default_renderer, request.locale_name, kind, listed, action)
    html = TOGGLE_TEMPLATES.get(key)
    if html is None:
        formid, add, remove = TOGGLES[kind]
        html = Repeated(request, _ITEM, (), "inline").template(
            formid,
            {"op": "remove" if listed else "add", "pid": pid, "came_from": came_from},
            action=action,
            buttons=[Button("toggle", remove if listed else add, css_class="toggle")],
            hidden=("pid", "came_from"),
        )
        TOGGLE_TEMPLATES.put(key, html)
    return fill(html, {"pid": pid, "came_from": came_from}, get_csrf_token(request))


#: The toggles before :func:`~shopcms.products.views.small.fill`, by all they show but
#: the product, the page to come back to and the token: on every product page of every
#: visitor with cookies, twice, so not even the form's key is made anew.
TOGGLE_TEMPLATES = RememberedMarkup(size=256)


def recently_viewed(request, pid, offer, came_from, consent_action, policy):
    """``recently-viewed``: the products the visitor viewed before (read only while they
    allow personalisation), without ``pid``; with ``offer``, the consent in context while
    they do not.  Nothing when there is nothing to show."""
    may = allows(request, Category.PERSONALISATION)
    recent = []
    if may:
        pids = [p for p in lists.read_cookie(request, lists.RECENT) if p != pid]
        if pid is not None:
            # As the list will be after this visit: the page's product first, then these.
            pids = pids[: lists.LIMITS[lists.RECENT] - 1]
        if not pids:
            return ""
        key = _recent_key(request, pids, policy)
        html = RECENT.get(key) if key is not None else None
        if html is None:
            cards = [card(request, p) for p in visible(request, pids)]
            html = framed(request, RECENT_TEMPLATE, cards, None, policy=policy) if cards else ""
            if key is not None:
                RECENT.put(key, html)
        return html
    consent = None
    if offer and not may:
        button = Button("allow", _("Allow personalisation cookies"), css_class="toggle")
        consent = Repeated(request, _CONSENT, [button], "inline").render(
            "allow-personalisation",
            {"came_from": came_from},
            action=consent_action,
            hidden=("came_from",),
        )
    if not recent and consent is None:
        return ""
    cards = [card(request, p) for p in recent]
    return framed(request, RECENT_TEMPLATE, cards, consent, policy=policy)


#: The recently viewed section of a visitor who allows personalisation, by
#: :func:`_recent_key`: the same products seen by the same principals, while the database
#: has not changed.
RECENT = RememberedMarkup(size=4096)


def _recent_key(request, pids, policy):
    """The key of :data:`RECENT` for this visitor, or None (not remembered): only the page
    cache's visitor request knows a transaction its view of the database is at least as
    recent as (``shopcms.web.personal``); the answer is read and kept under it, so the
    database is not opened for a visitor without a login."""
    seen = getattr(request, "shopcms_seen_tid", None)
    if seen is None:
        return None
    principals = tuple(effective_principals(request))
    return (seen, request.application_url, request.locale_name, principals, tuple(pids), policy)


def recommended(request, pid, privacy):
    """``recommended``: the products recommended to a logged-in customer who allowed it."""
    account = request.identity
    if not recommendations.wanted(request, account):
        return ""
    product = site(request)["products"].by_id(pid)
    exclude = (product,) if product is not None else ()
    found = recommendations.for_customer(request, account, exclude)
    if not found:
        return ""
    cards = [card(request, p) for p in found]
    return framed(request, RECOMMENDED_TEMPLATE, cards, privacy=privacy)


def remember(request, response, pid):
    """The effect ``recently-viewed``: ``pid`` first in the recently viewed cookie (only
    while the visitor allows personalisation; unchanged lists are not sent again)."""
    if not allows(request, Category.PERSONALISATION):
        return
    recent = lists.read_cookie(request, lists.RECENT)
    updated, _accepted = lists.add_unique(recent, pid, lists.LIMITS[lists.RECENT], to_front=True)
    if updated != recent:
        value = lists.signed(request, lists.RECENT, updated)
        if request.cookies.get(lists.RECENT) != value:
            set_cookie(request, response, lists.RECENT, value)


def includeme(config):
    config.add_personal_part("product-in-cart", in_cart)
    config.add_personal_part("product-toggle", toggle)
    config.add_personal_part("recently-viewed", recently_viewed)
    config.add_personal_part("recommended", recommended)
    config.add_personal_effect("recently-viewed", remember)
