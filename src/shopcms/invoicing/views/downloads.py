"""The PDF and UBL files of an invoice or credit note (``shopcms.invoicing.downloads``
says who may have them)."""

from pyramid.httpexceptions import HTTPNotFound
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.traversal import find_root

from shopcms.invoicing.attachments import PDF, XML, ubl_xml
from shopcms.invoicing.downloads import may_download
from shopcms.invoicing.pdf import render
from shopcms.invoicing.resources import CreditNote, Invoice
from shopcms.orders.api import find_order
from shopcms.web.security import VIEW


def _file(request, issued, extension):
    document = issued.document
    if extension == "pdf":
        body, mimetype = render(request.registry, document), PDF
    else:
        body = ubl_xml(document) if document.buyer.vat_number else None
        if body is None:
            raise HTTPNotFound()
        mimetype = XML
    response = request.response
    response.body = body
    response.content_type = mimetype
    # A PDF is bytes, not text; the UBL file is UTF-8 XML.
    response.charset = "utf-8" if extension == "xml" else None
    # The address may carry the order's key: a file leads nowhere, but say it anyway.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.content_disposition = f'attachment; filename="{issued.number}.{extension}"'
    return response


def public_file(context, request):
    order = find_order(find_root(context), context.order_number)
    if not may_download(request, context, order):
        raise HTTPNotFound()
    return _file(request, context, request.view_name.rsplit(".", 1)[1])


def desk_file(context, request):
    return _file(request, context, request.view_name.rsplit(".", 1)[1])


def _register(config):
    for kind in (Invoice, CreditNote):
        for extension in ("pdf", "xml"):
            name = f"{kind.file_stem}.{extension}"
            config.add_view(
                public_file,
                context=kind,
                name=name,
                route_name="public",
                request_method="GET",
                # Checked by may_download: the customer, staff, or a guest with the key.
                permission=NO_PERMISSION_REQUIRED,
            )
            config.add_view(
                desk_file,
                context=kind,
                name=name,
                route_name="manage",
                request_method="GET",
                permission=VIEW,
            )


def includeme(config):
    _register(config)
