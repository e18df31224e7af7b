"""The deform forms of the cookie choice: the banner's, its way to the settings page, and
the settings page's.

- :func:`banner_form` (``cookie-banner-form``): three buttons of one look in one row,
  "Accept all", "Refuse all" and "Choose", then the choice per category (nothing ticked)
  in a fieldset hidden until "Choose" (``static/consent.js`` opens it), with "Save my
  choice".  Without JavaScript "Choose" submits :func:`chooser_form` instead (its
  ``form`` attribute): the settings page, coming back to this page afterwards.  Its
  template (``templates/deform/cookie_banner_form.pt``) keeps what shopcms's form template
  does: the error summary and the ids ``FORMID-FIELD``.
- :func:`settings_form` (``cookie-settings-form``): per optional category a fieldset with
  its checkbox (ticked only when the visitor's valid choice allows it) and the cookies it
  covers (``templates/deform/cookie_category.pt``), then "Save my choice", "Accept all"
  and "Refuse all".

Both post the same fields to ``/{lang}/cookie-settings`` (:mod:`shopcms.privacy.schemas`).
The banner is the same for every visitor without cookies (a shared page): it carries the
stateless CSRF token and nothing personal.
"""

import deform

from shopcms.privacy import consent
from shopcms.privacy.schemas import CookieChoiceSchema, CookieChooserSchema
from shopcms.web.cookies import lifetime_text
from shopcms.web.forms import Button, make_form
from shopcms.web.i18n import _

#: The settings page (a view on the site), where both forms post.
SETTINGS_VIEW = "cookie-settings"
#: The forms' ids (and so the prefix of their fields' ids).
BANNER_FORM, CHOOSER_FORM = "cookie-banner-form", "cookie-choose"
SETTINGS_FORM = "cookie-settings-form"

_TEMPLATES = "shopcms.privacy:templates/deform/"
BANNER_TEMPLATE = _TEMPLATES + "cookie_banner_form.pt"
CATEGORY_TEMPLATE = _TEMPLATES + "cookie_category.pt"

ACCEPT_ALL, REFUSE_ALL, SAVE = _("Accept all"), _("Refuse all"), _("Save my choice")


def settings_link(request, **query):
    """The cookie settings page (``query``: ``next``, ``saved``)."""
    return request.link(None, SETTINGS_VIEW, query=query or None)


def cookie_rows(request, category):
    """The declared cookies of ``category`` as the settings page lists them."""
    return [
        {"name": cookie.name, "purpose": cookie.purpose, "lifetime": lifetime_text(cookie, request)}
        for cookie in consent.cookies_of(request, category)
    ]


def _choice_button(choice, title, css_class="consent-button", **attributes):
    return Button("choice", title, css_class=css_class, value=choice, **attributes)


def banner_form(request):
    """The banner's form (its template puts the last button, "Save my choice", in the
    fieldset of the choices)."""
    buttons = (
        _choice_button(consent.ACCEPT, ACCEPT_ALL),
        _choice_button(consent.REFUSE, REFUSE_ALL),
        # Submits the chooser (a GET form) without JavaScript; consent.js opens the choices.
        Button("choices", _("Choose"), css_class="consent-button choose", form=CHOOSER_FORM),
        _choice_button(consent.CHOOSE, SAVE),
    )
    form = make_form(
        request,
        CookieChoiceSchema,
        buttons,
        BANNER_FORM,
        action=settings_link(request),
        css_class="cookie-consent",
    )
    form.widget.template = BANNER_TEMPLATE
    return form


def chooser_form(request):
    """The banner's "Choose" without JavaScript: a GET form of the settings page."""
    form = make_form(
        request,
        CookieChooserSchema,
        (),
        CHOOSER_FORM,
        action=settings_link(request),
        method="GET",
        css_class="cookie-chooser",
    )
    form.widget.attributes = {"hidden": "hidden"}
    return form


def banner_appstruct(came_from):
    """The banner's values: nothing ticked, where it was shown."""
    return {"form": consent.BANNER, "came_from": came_from}


def settings_form(request):
    """The settings page's form, each category with the cookies it covers."""
    buttons = (
        # Ids of their own: the three share the name of the field they post.
        _choice_button(consent.CHOOSE, SAVE, id=f"{SETTINGS_FORM}-choose"),
        _choice_button(consent.ACCEPT, ACCEPT_ALL, id=f"{SETTINGS_FORM}-accept"),
        _choice_button(consent.REFUSE, REFUSE_ALL, id=f"{SETTINGS_FORM}-refuse"),
    )
    form = make_form(
        request,
        CookieChoiceSchema,
        buttons,
        SETTINGS_FORM,
        action=settings_link(request),
        css_class="cookie-settings-form",
    )
    for category in consent.OPTIONAL:
        form[category.value].widget = deform.widget.CheckboxWidget(
            template=CATEGORY_TEMPLATE,
            # Rendered by the template as a whole (fieldset, legend, cookie list).
            category="structural",
            cookies=cookie_rows(request, category),
        )
    return form


def settings_appstruct(choice, came_from):
    """The settings page's values: ticked what the valid ``choice`` allows (None: nothing)."""
    allowed = choice.allowed if choice is not None else frozenset()
    return {
        "form": consent.SETTINGS,
        "came_from": came_from,
        **{category.value: category in allowed for category in consent.OPTIONAL},
    }
