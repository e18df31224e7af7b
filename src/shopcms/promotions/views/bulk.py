"""The desk's single-use codes of a promotion (``bulk``): generating them
(``CODE/generate``) and their CSV file (``CODE/codes.csv``).  ``EDIT``, as the desk."""

import colander
import deform
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from shopcms.promotions import bulk
from shopcms.promotions.resources import Promotion
from shopcms.promotions.views.desk import FORM, MANAGE
from shopcms.web.forms import Button, CSRFSchema, FormView, form_view
from shopcms.web.i18n import _
from shopcms.web.notices import notice


class GenerateSchema(CSRFSchema):
    count = colander.SchemaNode(
        colander.Int(),
        title=_("How many single-use codes"),
        validator=colander.Range(
            min=1,
            max=bulk.MOST,
            min_err=_("From 1 to ${max}.", mapping={"max": bulk.MOST}),
            max_err=_("From 1 to ${max}.", mapping={"max": bulk.MOST}),
        ),
        widget=deform.widget.TextInputWidget(attributes={"type": "number", "min": "1"}),
    )


@form_view(context=Promotion, name="generate", renderer=FORM, **MANAGE)
class GenerateCodes(FormView):
    """Single-use codes with this code's rules (see ``bulk``)."""

    schema = GenerateSchema
    formid = "generate"
    buttons = (Button("generate", _("Generate")),)

    def values(self):
        heading = _("Single-use codes of ${code}", mapping={"code": self.context.code})
        return {"heading": heading}

    def succeeded(self, appstruct):
        request, source = self.request, self.context
        made = bulk.generate(source.__parent__, source, appstruct["count"], request.registry)
        notice(
            request,
            _("Single-use codes made: ${count}.", mapping={"count": len(made)}),
        )
        return HTTPSeeOther(location=request.manage_link(source.__parent__, slash=True))


@view_config(context=Promotion, name="codes.csv", request_method="GET", **MANAGE)
def codes_csv(context, request):
    """The CSV file of the single-use codes made from this code."""
    data = bulk.csv_file(bulk.batch_of(context.__parent__, context))
    return Response(
        body=data.encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        content_disposition=f'attachment; filename="{context.code.lower()}-codes.csv"',
    )
