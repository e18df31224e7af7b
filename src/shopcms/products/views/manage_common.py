"""What the views of the product desk share: their view options, the visibility form, and
a form refused for a reason only the domain knows.

Every desk view needs the ``edit`` permission (editors and administrators); what visitors
see is decided by the product's own ACL (published or hidden).
"""

import colander

from shopcms.products.schemas import VisibilitySchema
from shopcms.products.views.small import Repeated, small
from shopcms.web.forms import Button, make_form
from shopcms.web.i18n import _
from shopcms.web.security import EDIT

#: The view options of every desk view.
MANAGE = {"route_name": "manage", "permission": EDIT}

_VISIBILITY = VisibilitySchema()


def visibility_form(request, published, css_class=None):
    """The form that hides a ``published`` product (or publishes a hidden one)."""
    title = _("Hide") if published else _("Publish")
    return small(
        make_form(
            request,
            _VISIBILITY,
            (Button("toggle", title, css_class=css_class or ("toggle" if published else None)),),
            formid="visibility",
            css_class="visibility",
        )
    )


class VisibilityForms:
    """The visibility forms of many products (the desk's list), built once."""

    def __init__(self, request):
        self.request = request
        self.form = Repeated(request, _VISIBILITY, (), "visibility")
        self.buttons = {
            published: [Button("toggle", _("Hide") if published else _("Publish"), "toggle")]
            for published in (True, False)
        }

    def render(self, product, back="list"):
        published = product.published
        return self.form.render(
            f"visibility-{product.__name__}",
            {"published": "false" if published else "true", "back": back},
            action=self.request.manage_link(product, "visibility"),
            buttons=self.buttons[published],
        )


def refuse_field(request, form, name, message, appstruct):
    """``form`` again (status 400) showing ``appstruct`` with ``message`` as the error of
    its field ``name``: input the schema accepted that the domain refuses (a stock below
    zero, a file that is not an image, a name that is taken)."""
    request.response.status = 400
    field = form[name]
    field.error = colander.Invalid(field.schema, message)
    return form.render(appstruct)
