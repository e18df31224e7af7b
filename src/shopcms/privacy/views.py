"""The visitor's cookie choice: the cookie settings page, the banner's posts, consent in
context.

- ``GET /{lang}/cookie-settings`` (``?next=PATH``: where to go back to; ``?saved=1``): the
  choice as a page, the link in every footer.  Its form (``forms.settings_form``) shows
  each optional category with its checkbox (ticked only when the visitor's valid choice
  allows it: never in advance) and the cookies it covers; the page lists the strictly
  necessary ones apart, the date and cookie-policy version of the current choice, and what
  a Global Privacy Control signal does.
- ``POST /{lang}/cookie-settings``: what the banner and that page post (``choice`` =
  accept | refuse | choose, the ticked categories, ``form``, ``came_from``).  The choice is
  stored by :func:`shopcms.privacy.consent.save` (the consent cookie; the ledger for a
  logged-in customer), then the visitor goes back to ``came_from`` (the settings page says
  "saved" when there is none).  ``static/consent.js`` posts the banner with
  ``Accept: application/json``: the answer is then a small JSON document, no redirect, and
  the page hides the banner without reloading.  Values no form of ours sends answer 400
  with the settings page and its form's error summary.
- ``POST /{lang}/cookie-consent``: a category allowed in context, where it is needed (the
  product page's "allow personalisation cookies"): added to the visitor's current choice.

Accepting and refusing are one click each, on buttons of the same kind and look.
"""

import colander
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from shopcms.privacy import consent, forms
from shopcms.privacy.schemas import NOT_VALID, CookieChoiceSchema, InContextConsentSchema
from shopcms.tree.site import Site
from shopcms.web.cookies import Category
from shopcms.web.errors import refusal
from shopcms.web.forms import FormView, form_view
from shopcms.web.security import VIEW
from shopcms.web.urls import local_path

SETTINGS_VIEW = forms.SETTINGS_VIEW
SETTINGS_TEMPLATE = "shopcms.privacy:templates/cookie_settings.pt"


def wants_json(request):
    """True for the banner's script (it asks for JSON), False for a plain form POST."""
    return "application/json" in request.headers.get("Accept", "")


@form_view(
    context=Site,
    route_name="public",
    name=SETTINGS_VIEW,
    permission=VIEW,
    renderer=SETTINGS_TEMPLATE,
)
class CookieSettings(FormView):
    """The settings page (GET) and the choice that it and the banner post (POST)."""

    schema = CookieChoiceSchema
    formid = forms.SETTINGS_FORM

    def __init__(self, context, request):
        super().__init__(context, request)
        # The visitor's own choice, and what their browser's Sec-GPC header means: never
        # shared with another visitor nor kept by a cache (views are private by default).
        request.shopcms_no_banner = True  # this page is the banner's choice, in full

    def make(self):
        return forms.settings_form(self.request)

    def came_from(self):
        return local_path(self.request.GET.get("next", "")) or ""

    def appstruct(self):
        return forms.settings_appstruct(consent.valid_choice(self.request), self.came_from())

    def values(self):
        state = consent.choice_state(self.request)
        return {
            "choice": state.choice,
            "lapsed": state.lapsed,
            "revision_url": consent.policy_link(self.request, state.revision),
            "policy_url": consent.policy_link(self.request),
            "gpc": state.gpc,
            "necessary": forms.cookie_rows(self.request, Category.NECESSARY),
            "necessary_category": Category.NECESSARY,
            "came_from": self.came_from(),
            "saved": self.request.GET.get("saved") == "1",
        }

    def succeeded(self, appstruct):
        """Store the banner's or the settings page's choice, then go back (or answer JSON)."""
        request = self.request
        ticked = {c for c in consent.OPTIONAL if appstruct[c.value]}
        allowed = consent.chosen_categories(appstruct["choice"], ticked)
        if wants_json(request):
            response = Response(content_type="application/json")
            choice = consent.save(request, response, allowed, appstruct["form"])
            response.json_body = consent.saved_answer(request, choice)
            return response
        target = local_path(appstruct["came_from"])
        if target is None:
            settings = appstruct["form"] == consent.SETTINGS
            target = forms.settings_link(request, saved="1") if settings else request.link()
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
    """Allow a category where it is needed (added to the current choice), then go back.

    The form is the page's that needs the category (products' recently viewed block): the
    schema (not bound, so nothing computes a token) only reads what it posts.
    """
    try:
        appstruct = InContextConsentSchema().deserialize(request.POST.mixed())
    except colander.Invalid:
        return refusal(request, NOT_VALID)
    choice = consent.valid_choice(request)
    allowed = set(choice.allowed) if choice is not None else set()
    if appstruct["personalisation"]:
        allowed.add(Category.PERSONALISATION)
    target = local_path(appstruct["came_from"]) or request.link()
    response = HTTPSeeOther(location=target)
    consent.save(request, response, allowed, consent.IN_CONTEXT)
    return response
