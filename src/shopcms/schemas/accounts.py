"""Role management form (administrators)."""

import colander

from ..forms import CSRFSchema
from ..security import ROLES


class RoleChangeSchema(CSRFSchema):
    role = colander.SchemaNode(colander.String(), validator=colander.OneOf(ROLES))
    action = colander.SchemaNode(colander.String(), validator=colander.OneOf(("grant", "revoke")))
