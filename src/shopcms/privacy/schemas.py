"""What a visitor may post or ask about cookies: the choice of the banner and of the
settings page (``POST /{lang}/cookie-settings``), the banner's way to the settings page
without JavaScript (``GET /{lang}/cookie-settings?next=PATH``) and a consent given in
context (``POST /{lang}/cookie-consent``).

The field names are the contract with ``static/consent.js`` and with the forms of other
packages: ``choice`` (accept | refuse | choose: the button clicked), one checkbox per
optional category (``functional``, ``personalisation``, ``statistics``), ``form`` (where
the choice was made, as the consent ledger records it), ``came_from`` and ``next``.
"""

import colander
import deform

from shopcms.privacy.consent import ACCEPT, BANNER, CHOICES, CHOOSE, REFUSE, SETTINGS
from shopcms.web.cookies import Category
from shopcms.web.forms import CSRFSchema
from shopcms.web.forms.types import LocalPath, Text
from shopcms.web.i18n import _

__all__ = [
    "ACCEPT",
    "CHOOSE",
    "REFUSE",
    "ClickedButton",
    "CookieChoiceSchema",
    "CookieChooserSchema",
    "InContextConsentSchema",
]

#: The message of a choice posted with values no button of ours sends.
NOT_VALID = _("Your choice could not be saved: the request was not valid.")


class ClickedButton(deform.widget.HiddenWidget):
    """The field of the submit button that was clicked: the form's buttons send its value,
    so the field itself shows nothing."""

    def serialize(self, field, cstruct, **kw):
        return ""


def _category(category):
    """The checkbox of an optional ``category``: ticked means allowed; absent (never
    pre-ticked) is not."""
    return colander.SchemaNode(
        colander.Boolean(),
        name=category.value,
        title=category.title,
        description=category.description,
        missing=False,
        widget=deform.widget.CheckboxWidget(),
    )


def _hidden(name, missing="", typ=Text):
    return colander.SchemaNode(
        typ(), name=name, missing=missing, widget=deform.widget.HiddenWidget()
    )


class CookieChoiceSchema(CSRFSchema):
    """``choice``: accept (every category), refuse (every optional one) or choose (those
    ticked); the ticks are read only for ``choose``.

    A ``choice`` or ``form`` that none of our forms sends makes the whole form invalid
    (:data:`NOT_VALID`): the fields are hidden, so the message is the form's, shown in its
    error summary.
    """

    choice = colander.SchemaNode(Text(), missing="", widget=ClickedButton())
    functional = _category(Category.FUNCTIONAL)
    personalisation = _category(Category.PERSONALISATION)
    statistics = _category(Category.STATISTICS)
    form = _hidden("form", missing=SETTINGS)
    came_from = _hidden("came_from", typ=LocalPath)

    def validator(self, node, appstruct):
        if appstruct["choice"] not in CHOICES or appstruct["form"] not in (BANNER, SETTINGS):
            raise colander.Invalid(node, NOT_VALID)


class CookieChooserSchema(colander.Schema):
    """The banner's "Choose" without JavaScript: the settings page, and the page to come
    back to (``next``)."""

    next_ = _hidden("next", typ=LocalPath)


class InContextConsentSchema(CSRFSchema):
    """A category allowed where it is needed (the product page's recently viewed block):
    ``personalisation`` (``true``) and the page to come back to."""

    personalisation = colander.SchemaNode(
        colander.Boolean(), missing=False, widget=deform.widget.HiddenWidget()
    )
    came_from = _hidden("came_from", typ=LocalPath)
