"""The visitor's cookie choice: the banner, the cookie settings page, consent in context.

- ``GET /{lang}/cookie-settings`` (``?next=PATH``: where to go back to; ``?saved=1``): the
  choice as a page, the link in every footer.  Each optional category with its checkbox
  (ticked only when the visitor's valid choice allows it: never in advance) and the cookies
  it covers, the strictly necessary ones listed apart, the date and cookie-policy version of
  the current choice, and what a Global Privacy Control signal does.
- ``POST /{lang}/cookie-settings``: what the banner and that page post (``choice`` =
  accept | refuse | choose, the ticked categories, ``form``, ``came_from``).  The choice is
  stored by :func:`shopcms.privacy.consent.save` (the consent cookie; the ledger for a
  logged-in customer), then the visitor goes back to ``came_from`` (the settings page says
  "saved" when there is none).  ``static/consent.js`` posts the banner with
  ``Accept: application/json``: the answer is then a small JSON document, no redirect, and
  the page hides the banner without reloading.
- ``POST /{lang}/cookie-consent``: a category allowed in context, where it is needed (the
  product page's "allow personalisation cookies"): added to the visitor's current choice.

Accepting and refusing are one click each, on buttons of the same kind and look.
"""

import colander
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from shopcms.privacy import consent
from shopcms.privacy.schemas import ACCEPT, CHOOSE, CookieChoiceSchema, InContextConsentSchema
from shopcms.tree.site import Site
from shopcms.web.cookies import Category, lifetime_text
from shopcms.web.errors import refusal
from shopcms.web.i18n import _
from shopcms.web.security import VIEW
from shopcms.web.urls import local_path

SETTINGS_VIEW = "cookie-settings"
SETTINGS_TEMPLATE = "shopcms.privacy:templates/cookie_settings.pt"


def settings_path(request):
    return f"/{request.locale_name}/{SETTINGS_VIEW}"


def _parse(request, schema_class):
    # Not bound to the request: binding computes the CSRF field's default, which would
    # start a session (and its cookie) merely to read a choice about cookies.
    try:
        return schema_class().deserialize(request.POST.mixed())
    except colander.Invalid:
        return None


def cookie_rows(request, category):
    """The declared cookies of ``category`` as the settings page lists them."""
    return [
        {"name": cookie.name, "purpose": cookie.purpose, "lifetime": lifetime_text(cookie)}
        for cookie in consent.cookies_of(request, category)
    ]


def choice_revision(request, choice):
    """The cookie policy revision ``choice`` was made under, if it still exists."""
    try:
        _name, lang, number = choice.version.split(":")
        page = consent.policy_page(request)
        return page.revision(lang, int(number)) if page is not None else None
    except ValueError:
        return None


def wants_json(request):
    """True for the banner's script (it asks for JSON), False for a plain form POST."""
    return "application/json" in request.headers.get("Accept", "")


@view_config(
    context=Site,
    route_name="public",
    name=SETTINGS_VIEW,
    request_method="GET",
    permission=VIEW,
    renderer=SETTINGS_TEMPLATE,
)
def settings_page(context, request):
    # The visitor's own choice, and what their browser's Sec-GPC header means: never shared
    # with another visitor nor kept by a cache.
    request.shopcms_no_banner = True  # this page is the banner's choice, in full
    choice = consent.valid_choice(request)
    stored = consent.stored_choice(request)
    allowed = choice.allowed if choice is not None else frozenset()
    categories = [
        {
            "category": category,
            "allowed": category in allowed,
            "cookies": cookie_rows(request, category),
        }
        for category in consent.OPTIONAL
    ]
    return {
        "choice": choice,
        # A choice that no longer stands: asked again (6 months, or a new cookie policy).
        "lapsed": stored is not None and choice is None,
        "categories": categories,
        "necessary": cookie_rows(request, Category.NECESSARY),
        "necessary_category": Category.NECESSARY,
        "revision": choice_revision(request, choice) if choice is not None else None,
        "gpc": consent.gpc(request),
        "csrf_token": get_csrf_token(request),
        "came_from": local_path(request.GET.get("next", "")) or "",
        "saved": request.GET.get("saved") == "1",
    }


@view_config(
    context=Site,
    route_name="public",
    name=SETTINGS_VIEW,
    request_method="POST",
    permission=VIEW,
    renderer="shopcms.web:templates/error.pt",
)
def choose(context, request):
    """Store the banner's or the settings page's choice, then go back (or answer JSON)."""
    appstruct = _parse(request, CookieChoiceSchema)
    if appstruct is None:
        return refusal(request, _("Your choice could not be saved: the request was not valid."))
    if appstruct["choice"] == ACCEPT:
        allowed = set(consent.OPTIONAL)
    elif appstruct["choice"] == CHOOSE:
        allowed = {category for category in consent.OPTIONAL if appstruct[category.value]}
    else:
        allowed = set()
    if wants_json(request):
        response = Response(content_type="application/json")
        choice = consent.save(request, response, allowed, appstruct["form"])
        in_effect, _when = consent.choices(request)
        response.json_body = {
            "chosen": sorted(category.value for category in choice.allowed),
            "allowed": sorted(category.value for category in in_effect),  # after Sec-GPC
            "date": choice.when.isoformat(),
            "version": choice.version,
        }
        return response
    target = local_path(appstruct["came_from"])
    if target is None:
        target = (
            f"{settings_path(request)}?saved=1"
            if appstruct["form"] == consent.SETTINGS
            else f"/{request.locale_name}/"
        )
    response = HTTPSeeOther(location=target)
    consent.save(request, response, allowed, appstruct["form"])
    return response


@view_config(
    context=Site,
    route_name="public",
    name="cookie-consent",
    request_method="POST",
    permission=VIEW,
    renderer="shopcms.web:templates/error.pt",
)
def consent_in_context(context, request):
    """Allow a category where it is needed (added to the current choice), then go back."""
    appstruct = _parse(request, InContextConsentSchema)
    if appstruct is None:
        return refusal(request, _("Your choice could not be saved: the request was not valid."))
    choice = consent.valid_choice(request)
    allowed = set(choice.allowed) if choice is not None else set()
    if appstruct["personalisation"]:
        allowed.add(Category.PERSONALISATION)
    target = local_path(appstruct["came_from"]) or f"/{request.locale_name}/"
    response = HTTPSeeOther(location=target)
    consent.save(request, response, allowed, consent.IN_CONTEXT)
    return response
