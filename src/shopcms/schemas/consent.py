"""What a customer may post to give, withdraw or confirm a consent (``/{lang}/account/consent``)."""

import colander

from ..forms import CSRFSchema
from ..privacy.purposes import CONSENT_PURPOSES

GIVE, WITHDRAW, RENEW = "give", "withdraw", "renew"
#: The forms that post here; the ledger records which one (where consent was given).
FORMS = ("account-privacy", "account")


class ConsentChangeSchema(CSRFSchema):
    purpose = colander.SchemaNode(colander.String(), validator=colander.OneOf(CONSENT_PURPOSES))
    op = colander.SchemaNode(colander.String(), validator=colander.OneOf((GIVE, WITHDRAW, RENEW)))
    form = colander.SchemaNode(colander.String(), missing=FORMS[0], validator=colander.OneOf(FORMS))
    came_from = colander.SchemaNode(colander.String(), missing="")
