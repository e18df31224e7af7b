"""The cookie banner: whether a page shows it, and what it shows (the layout value
``ui.cookie_banner``, rendered by the macro ``cookie-banner`` of ``templates/macros.pt``).

Contract: a page shows the banner while its visitor has no valid choice
(:func:`banner_wanted`).  Pages without any cookie are shared by every such visitor
(``shopcms.web.pagecache``): the banner they show is the same for all of them (no choice
exists yet) and its form carries the stateless CSRF token, so asking about cookies starts
no session.  Nothing here depends on a request header on those pages, the Sec-GPC header
included (``static/consent.js`` hides the banner there when the browser exposes
``navigator.globalPrivacyControl``).
"""

import functools
from dataclasses import dataclass
from html import escape

import deform
from pyramid.csrf import get_csrf_token
from pyramid.threadlocal import get_current_request

from shopcms.privacy import forms
from shopcms.privacy.choice_cookie import gpc, valid_choice
from shopcms.privacy.cookie_policy import policy_link
from shopcms.privacy.returning import known_visitor
from shopcms.web.sharing import is_shared


def banner_wanted(request):
    """Should this page show the consent banner?

    Yes when the visitor has no valid choice, except with ``Sec-GPC: 1`` (which already
    refuses everything optional) on a page that is not shared.  A shared page (no cookie at
    all) always shows it: its copy in the page cache is served whatever the headers.  Not
    on the cookie settings page (the same choice, in full) nor in the management area.
    """
    if getattr(request, "shopcms_no_banner", False):
        return False
    route = getattr(request, "matched_route", None)
    if route is not None and route.name.startswith("manage"):
        return False
    if valid_choice(request) is not None:
        return False
    return is_shared(request) or not gpc(request)


@dataclass(frozen=True)
class Banner:
    """What the ``cookie-banner`` macro shows."""

    form: str  # the banner's form, rendered (forms.banner_form)
    chooser: str  # the settings page for "Choose" without JavaScript (forms.chooser_form)
    policy_url: str  # the cookie policy


#: Stand-ins for what differs between two visitors' banners, in the remembered forms.
_TOKEN, _CAME_FROM = "shopcms-banner-token", "shopcms-banner-came-from"


@functools.lru_cache(maxsize=32)
def _rendered(lang, renderer):
    """The banner's two forms in ``lang`` with stand-ins for the token and the page.

    The banner is on every page of a visitor who has not chosen yet; rendering its forms
    anew each time cost more than the rest of the layout.  What differs between visitors
    (the CSRF token, the page to come back to) is put in afterwards; the widget templates
    in use (``renderer``, a theme's) are part of the key.
    """
    request = get_current_request()
    values = {**forms.banner_appstruct(_CAME_FROM), "csrf_token": _TOKEN}
    return (
        forms.banner_form(request).render(values),
        forms.chooser_form(request).render({"next": _CAME_FROM}),
    )


def banner(request):
    """The banner's values when this page shows it, else None.

    Its forms come back to this page (``came_from``, ``next``) after the choice.
    """
    if not banner_wanted(request):
        return None
    form, chooser = _rendered(request.locale_name, deform.Form.default_renderer)
    token = escape(get_csrf_token(request), quote=True)
    came_from = escape(request.path_qs, quote=True)
    return Banner(
        form=form.replace(_TOKEN, token).replace(_CAME_FROM, came_from),
        chooser=chooser.replace(_CAME_FROM, came_from),
        policy_url=policy_link(request),
    )


def page_state(request):
    """What of the cookie choice the layout shows, for the validators of cached pages
    (``shopcms.web.etags``): whether the banner shows, whether the login link greets."""
    return (banner_wanted(request), known_visitor(request) and request.identity is None)
