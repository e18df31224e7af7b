"""The cookie banner: whether a page shows it, and what it shows (the layout value
``ui.cookie_banner``, rendered by the macro ``cookie-banner`` of ``templates/macros.pt``).

The banner and its script are personal parts (``shopcms.web.personal``): ``cookie-banner``
(:func:`banner_part`, the section of ``templates/banner.pt``) and ``consent-script``
(:func:`script_part`), with the page's facts as arguments (:func:`part_args`: whether the
page is declared shared, whether it never shows the banner, the page to come back to).  A
page cached as a skeleton thus shows each visitor the banner or not, as their own cookies
(and a ``Sec-GPC`` header on a page they do not share) say.

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
from pyramid.renderers import render
from pyramid.threadlocal import get_current_request

from shopcms.privacy import forms
from shopcms.privacy.choice_cookie import gpc, valid_choice
from shopcms.privacy.cookie_policy import policy_link
from shopcms.privacy.returning import known_visitor
from shopcms.web.sharing import carries_no_state, declared_shared, is_shared

BANNER_TEMPLATE = "shopcms.privacy:templates/banner.pt"


def banner_wanted(request, shared=None):
    """Should this page show the consent banner?

    Yes when the visitor has no valid choice, except with ``Sec-GPC: 1`` (which already
    refuses everything optional) on a page that is not shared.  A shared page (no cookie at
    all) always shows it: its copy in the page cache is served whatever the headers.  Not
    on the cookie settings page (the same choice, in full) nor in the management area.

    ``shared``: whether the page is shared by this visitor (:func:`part_args`); by default
    what the page being rendered says, and only then are the pages without banner known.
    """
    if shared is None:
        if page_hides_banner(request):
            return False
        shared = is_shared(request)
    if valid_choice(request) is not None:
        return False
    return shared or not gpc(request)


def page_hides_banner(request):
    """The cookie settings page (the same choice, in full) and the management area."""
    if getattr(request, "shopcms_no_banner", False):
        return True
    route = getattr(request, "matched_route", None)
    return route is not None and route.name.startswith("manage")


def part_args(request):
    """The layout value ``ui.cookie_banner_args``: the page's facts the banner's parts are
    given (``ui.personal('cookie-banner', **ui.cookie_banner_args)``)."""
    return {
        "declared": declared_shared(request),
        "hidden": page_hides_banner(request),
        "page": request.path_qs,
    }


def _shown(request, declared, hidden):
    # A page declared shared is shared by a visitor who carries no state (web.sharing).
    # Both parts ask: the answer is kept on the request (the cookie is decoded once).
    memo = request.__dict__.setdefault("_shopcms_banner_shown", {})
    if (declared, hidden) not in memo:
        shared = declared and carries_no_state(request)
        memo[declared, hidden] = not hidden and banner_wanted(request, shared)
    return memo[declared, hidden]


def banner_part(request, declared=False, hidden=False, page="/"):
    """The personal part ``cookie-banner``: the banner's section, or nothing."""
    if not _shown(request, declared, hidden):
        return ""
    values = banner(request, page, shown=True)
    return render(BANNER_TEMPLATE, {"banner": values}, request=request)


def script_part(request, declared=False, hidden=False, page="/"):
    """The personal part ``consent-script``: the banner's script tag, or nothing."""
    if not _shown(request, declared, hidden):
        return ""
    src = escape(request.static_path("shopcms.web:static/consent.js"), quote=True)
    return f'<script src="{src}" defer></script>'


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


def banner(request, page=None, shown=False):
    """The banner's values when this page shows it (or when ``shown``), else None.

    Its forms come back to ``page`` (default this page: ``came_from``, ``next``) after the
    choice.
    """
    if not shown and not banner_wanted(request):
        return None
    form, chooser = _rendered(request.locale_name, deform.Form.default_renderer)
    token = escape(get_csrf_token(request), quote=True)
    came_from = escape(request.path_qs if page is None else page, quote=True)
    return Banner(
        form=form.replace(_TOKEN, token).replace(_CAME_FROM, came_from),
        chooser=chooser.replace(_CAME_FROM, came_from),
        policy_url=policy_link(request),
    )


def page_state(request):
    """What of the cookie choice the layout shows, for the validators of cached pages
    (``shopcms.web.etags``): whether the banner shows, whether the login link greets."""
    return (banner_wanted(request), known_visitor(request) and request.identity is None)
