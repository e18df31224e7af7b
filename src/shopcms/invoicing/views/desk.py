"""The desk's list of invoices and credit notes (``/{lang}/manage/invoices/``): newest
first, 50 a page (``?page=``), each with its order and downloads.  Staff of the order desk
and administrators (``view`` on the folder)."""

from pyramid.view import view_config

from shopcms.invoicing.resources import Invoices
from shopcms.web.i18n import ngettext
from shopcms.web.security import VIEW

PAGE_SIZE = 50


def _page(request, pages):
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return min(max(page, 1), pages)


@view_config(
    context=Invoices,
    route_name="manage",
    request_method="GET",
    permission=VIEW,
    renderer="shopcms.invoicing:templates/manage/invoices.pt",
)
def invoices_list(context, request):
    total = len(context)
    pages = max(1, -(-total // PAGE_SIZE))
    page = _page(request, pages)
    rows = context.newest((page - 1) * PAGE_SIZE, PAGE_SIZE)
    return {
        "rows": rows,
        "page": page,
        "pages": pages,
        "total_text": ngettext("${count} document", "${count} documents", total, request),
        "page_url": lambda n: request.manage_link(context, query={"page": n}),
        "order_url": lambda number: request.manage_link(None, "orders", number),
    }
