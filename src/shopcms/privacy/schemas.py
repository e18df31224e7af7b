"""What a visitor may post about cookies: the banner's and the settings page's choice
(``/{lang}/cookie-settings``) and a consent given in context (``/{lang}/cookie-consent``)."""

import colander

from shopcms.privacy.consent import BANNER, SETTINGS
from shopcms.web.forms import CSRFSchema

ACCEPT, REFUSE, CHOOSE = "accept", "refuse", "choose"


def _category():
    """One checkbox of the choice: ticked means allowed; absent (never pre-ticked) is not."""
    return colander.SchemaNode(colander.Boolean(), missing=False)


class CookieChoiceSchema(CSRFSchema):
    """``choice``: accept (every category), refuse (every optional one) or choose (those
    ticked); the ticks are read only for ``choose``."""

    choice = colander.SchemaNode(
        colander.String(), validator=colander.OneOf((ACCEPT, REFUSE, CHOOSE))
    )
    functional = _category()
    personalisation = _category()
    statistics = _category()
    form = colander.SchemaNode(
        colander.String(), missing=SETTINGS, validator=colander.OneOf((BANNER, SETTINGS))
    )
    came_from = colander.SchemaNode(colander.String(), missing="")


class InContextConsentSchema(CSRFSchema):
    """A category allowed where it is needed (the product page's recently viewed block)."""

    personalisation = _category()
    came_from = colander.SchemaNode(colander.String(), missing="")
