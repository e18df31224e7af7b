"""The OSS report in the desk: ``/{lang}/manage/oss?quarter=2026-Q4`` shows the quarter's
table (country, rate, taxable base, VAT, with totals) and ``oss.csv?quarter=...`` gives it
as a file (``shopcms.invoicing.oss`` makes both).

Both need ``manage-orders`` on the Site: the order desk and administrators, who issue the
invoices and credit notes the report adds up (the report holds amounts, no personal data).
Both are GETs and write nothing.  The quarter is chosen in a GET form among the last
twelve (none before the OSS began); without one the page shows the last finished quarter,
the one a return is due for; any other value answers 400 with the form's message.

Where the invoices come from: a function ``f(site, start, end)`` yielding every invoice
and credit note (``Document``) issued on or after the date ``start`` and before the date
``end``; by default :data:`DEFAULT_SOURCE` (the invoicing's storage), looked up when the
report is first asked for, or whatever ``config.set_oss_documents(f)`` (a directive this
module adds) names.
"""

import colander
import deform
from pyramid.path import DottedNameResolver
from pyramid.response import Response

from shopcms.invoicing.oss import Quarter, csv_filename, oss_csv, recent_quarters, report, totals
from shopcms.tree.site import Site
from shopcms.web.clock import site_timezone
from shopcms.web.errors import ERROR_TEMPLATE, refusal
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.forms.types import Text
from shopcms.web.i18n import _
from shopcms.web.security import MANAGE_ORDERS

TEMPLATE = "shopcms.invoicing:templates/manage/oss.pt"
_manage = {"context": Site, "route_name": "manage", "permission": MANAGE_ORDERS}


#: Where the report reads the documents unless ``set_oss_documents`` says otherwise.
DEFAULT_SOURCE = "shopcms.invoicing.resources.documents_between"


def set_oss_documents(config, documents_between):
    """Config directive: where the OSS report reads the invoices and credit notes (see the
    module); a dotted name or the function itself."""
    config.registry.shopcms_oss_documents = config.maybe_dotted(documents_between)


def _today(request):
    return request.now.astimezone(site_timezone(request.registry)).date()


@colander.deferred
def _quarter_widget(node, kw):
    return deform.widget.SelectWidget(values=[(str(q), str(q)) for q in kw["quarters"]])


@colander.deferred
def _quarter_validator(node, kw):
    offered = {str(q) for q in kw["quarters"]}

    def validator(node, value):
        if value not in offered:
            raise colander.Invalid(node, _("Choose a quarter from the list."))

    return validator


@colander.deferred
def _quarter_missing(node, kw):
    return str(kw["default"])


class QuarterSchema(colander.Schema):
    """The report's quarter (a GET form): one of the recent quarters, ``2026-Q4``."""

    quarter = colander.SchemaNode(
        Text(),
        title=_("Quarter"),
        missing=_quarter_missing,
        validator=_quarter_validator,
        widget=_quarter_widget,
    )


def quarter_form(request):
    quarters = recent_quarters(_today(request))
    default = Quarter.of(_today(request)).previous()
    if default not in quarters:  # the OSS's very first quarter
        default = quarters[-1]
    return make_form(
        request,
        QuarterSchema,
        (Button("show", _("Show")),),
        "oss-quarter",
        action=request.manage_link(None, "oss"),
        method="GET",
        css_class="search",
        quarters=quarters,
        default=default,
    ), default


def documents_source(registry):
    """The function the report reads the documents with (see the module)."""
    return registry.shopcms_oss_documents or DottedNameResolver().resolve(DEFAULT_SOURCE)


def _rows(request, quarter):
    return report(documents_source(request.registry), request.root, quarter)


def oss_page(context, request):
    """The quarter's OSS sales as a table, with the link to the CSV."""
    form, default = quarter_form(request)
    chosen, failed = validate(request, form)
    if failed is not None:
        return {"form": failed, "quarter": None, "rows": [], "totals": None, "csv_url": None}
    quarter = Quarter.parse(chosen["quarter"])
    rows = _rows(request, quarter)
    return {
        "form": form.render({"quarter": str(quarter)}),
        "quarter": quarter,
        "rows": rows,
        "totals": totals(rows),
        "csv_url": request.manage_link(None, "oss.csv", query={"quarter": str(quarter)}),
    }


def oss_file(context, request):
    """The quarter's OSS sales as a CSV download (``?quarter=``)."""
    form, _default = quarter_form(request)
    try:
        chosen = form.validate(request.GET.items())
    except deform.ValidationFailure:
        return refusal(request, _("Choose a quarter from the list."))
    quarter = Quarter.parse(chosen["quarter"])
    response = Response(oss_csv(quarter, _rows(request, quarter)), content_type="text/csv")
    response.charset = "utf-8"
    response.content_disposition = f'attachment; filename="{csv_filename(quarter)}"'
    return response


def includeme(config):
    """The report's two views, its desk entry and the ``set_oss_documents`` directive."""
    config.registry.shopcms_oss_documents = None  # DEFAULT_SOURCE
    config.add_directive("set_oss_documents", set_oss_documents)
    config.add_view(oss_page, name="oss", request_method="GET", renderer=TEMPLATE, **_manage)
    config.add_view(
        oss_file, name="oss.csv", request_method="GET", renderer=ERROR_TEMPLATE, **_manage
    )
    config.add_desk_section("oss", _("OSS report"), ("oss",), MANAGE_ORDERS, order=32)
