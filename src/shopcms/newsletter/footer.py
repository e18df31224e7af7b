"""The newsletter's part of every page's footer: a subscribe form, and where to read how
to unsubscribe (the layout's ``ui.newsletter_footer``, rendered by the footer part
``newsletter-footer`` of ``templates/macros.pt``).

Contract: the footer is the same for every visitor without cookies, so shared pages stay
shared (``shopcms.web.pagecache``): the form holds no address, no name, nothing of the
visitor, and its CSRF token is the stateless one for a visitor without a session
(``shopcms.web.csrf``: valid with this site's ``Origin``, for a day), so subscribing from
the footer of a cached page starts no session before the POST and needs no cookie at all.
The token is part of every page's validator (:func:`validator`), so a browser revalidating
a page it keeps gets the page again, with a fresh token, once the hour's token changed.

The form posts to the newsletter page (``/{lang}/newsletter``), which answers it (the same
answer whatever the address) or shows it again with its messages.  It is not shown in the
management area nor on the newsletter's own pages (they have the form, or are about one
subscription).
"""

import functools
from dataclasses import dataclass
from html import escape

import deform
from pyramid.csrf import get_csrf_token
from pyramid.threadlocal import get_current_request

from shopcms.newsletter.resources import Newsletter
from shopcms.newsletter.schemas import SubscribeSchema
from shopcms.web.forms import Button, make_form
from shopcms.web.i18n import _

FORMID = "newsletter-footer"
#: The stand-in for the visitor's CSRF token in the remembered form.
_STAND_IN = "shopcms-newsletter-footer-token"


@dataclass(frozen=True)
class Footer:
    """What the ``newsletter-footer`` macro shows."""

    form: str  # the subscribe form, rendered
    page: str  # the newsletter page: what you get, how to unsubscribe


@functools.lru_cache(maxsize=64)
def _rendered(lang, renderer, action):
    """The footer's form in ``lang`` posting to ``action``, with a stand-in for the token.

    It is on every page: rendering it anew each time would cost more than the rest of the
    footer.  The widget templates in use (``renderer``, a theme's) are part of the key.
    """
    request = get_current_request()
    form = make_form(
        request,
        SubscribeSchema,
        (Button("subscribe", _("Subscribe")),),
        FORMID,
        action,
        css_class="newsletter-footer-form",
    )
    return form.render({"csrf_token": _STAND_IN}, required_note=False)


#: Pages whose footer has no subscribe form: the unsubscribe page, and the checkout, which
#: asks for the customer's address and has its own (unticked) newsletter box.
FORMLESS_VIEWS = ("unsubscribe", "checkout")


def footer(request):
    """The footer's values (see the module), or None where it is not shown."""
    route = getattr(request, "matched_route", None)
    if route is not None and route.name.startswith("manage"):
        return None
    if isinstance(getattr(request, "context", None), Newsletter):
        return None
    if getattr(request, "view_name", "") in FORMLESS_VIEWS:
        return None
    page = request.link(None, "newsletter")
    form = _rendered(request.locale_name, deform.Form.default_renderer, page)
    token = escape(get_csrf_token(request), quote=True)
    return Footer(form=form.replace(_STAND_IN, token), page=page)


def validator(request):
    """What of the footer changes for a visitor without cookies (the only one given
    validators): the hour's stateless CSRF token, unmasked (``shopcms.web.csrf``: a masked
    token differs on every call), for the validators of cached pages (``shopcms.web.etags``)."""
    return (request.registry.shopcms_csrf.stateless_token(),)
