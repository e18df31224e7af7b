"""The product desk's list: every product (hidden ones included), searchable, sortable by
its column headers (name, price, stock, last change), 25 a page, each row with its
visibility button and a box for the bulk actions.

The bulk form (publish, hide, delete the ticked products) is one POST, one transaction,
with the CSRF token; its boxes sit in the table's rows (``form="bulk"``), outside the form
itself.  Deleting asks first: the first POST shows what would go and changes nothing; only
the confirmation's POST deletes.  A GET writes nothing.
"""

from urllib.parse import parse_qsl, urlsplit

import colander
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.view import view_config

from shopcms.products import desk
from shopcms.products.resources import Products
from shopcms.products.schemas import DeskSearchSchema
from shopcms.products.views.manage_common import MANAGE, VisibilityForms
from shopcms.products.views.small import Repeated, unnamed_button
from shopcms.web.forms import Button, button_form
from shopcms.web.i18n import _, ngettext
from shopcms.web.notices import notice
from shopcms.web.urls import local_path

THUMB_WIDTH = 64
LIST_TEMPLATE = "shopcms.products:templates/manage/products.pt"
BULK_TEMPLATE = "shopcms.products:templates/manage/products_bulk.pt"

_SEARCH = DeskSearchSchema()

#: The columns one can sort by, and their header titles.
SORT_TITLES = {
    "name": _("Product"),
    "price": _("Price"),
    "stock": _("Stock"),
    "changed": _("Last changed"),
}


def thumb(request, product):
    """The first image of ``product`` as the list shows it (URL, width, height), or None."""
    if not product.images:
        return None
    image = product.images[0]
    height = max(1, round(image.height * THUMB_WIDTH / max(1, image.width)))
    url = request.link(product, "image", image.id, "thumb")
    return {"url": url, "width": THUMB_WIDTH, "height": height}


def search_form(request, folder, text):
    button = unnamed_button("search", _("Search"))
    form = Repeated(
        request, _SEARCH, [button], "search", method="GET", attributes={"role": "search"}
    )
    return form.render("desk-search", {"q": text}, action=request.manage_link(folder))


def bulk_form(request, folder, confirm=False):
    """The bulk actions' buttons (with the CSRF token); on the confirmation page only the
    delete."""
    if confirm:
        buttons = (Button("delete", _("Delete these products"), css_class="danger"),)
    else:
        buttons = (
            Button("publish", _("Publish"), css_class="primary"),
            Button("hide", _("Hide"), css_class="secondary"),
            Button("delete", _("Delete…"), css_class="danger"),
        )
    action = request.manage_link(folder, "bulk")
    return button_form(request, "bulk", action, buttons, css_class="bulk-bar")


def _page(params):
    try:
        return max(1, min(int(params.get("page", "1")), 10_000))
    except ValueError:
        return 1


def _sort(params):
    """``(key, descending)`` from the query (``sort=price&dir=desc``); the name by default."""
    key = params.get("sort", "name")
    key = key if key in desk.SORTS else "name"
    return key, params.get("dir") == "desc"


def _columns(request, folder, text, key, descending):
    """The sortable headers: title, link (the other direction when sorted by it) and
    ``aria-sort``."""
    kept = [("q", text)] if text else []
    columns = {}
    for name, title in SORT_TITLES.items():
        current = name == key
        flip = "asc" if current and descending else ("desc" if current else "asc")
        columns[name] = {
            "title": title,
            "href": request.manage_link(folder, query=[*kept, ("sort", name), ("dir", flip)]),
            "sort": ("descending" if descending else "ascending") if current else None,
        }
    return columns


@view_config(context=Products, renderer=LIST_TEMPLATE, **MANAGE)
def products_list(context, request):
    """All products the requester may see (hidden ones included for editors), searchable,
    sortable, paged."""
    return _list(context, request, request.GET, request.path_qs)


def _list(context, request, params, back, bulk_html=None):
    """The list's values for the query ``params``; ``back``: its own address."""
    text = params.get("q", "").strip()
    key, descending = _sort(params)
    found = desk.find(request, text, _page(params), key, descending)
    titles = dict(desk.category_choices(request))
    visibility = VisibilityForms(request)
    rows = [
        {
            "product": product,
            "thumb": thumb(request, product),
            "categories": [titles.get(name, name) for name in product.categories],
            "visibility": visibility.render(product),
        }
        for product in found.products
    ]
    kept = [("q", text)] if text else []
    if key != "name" or descending:
        kept += [("sort", key), ("dir", "desc" if descending else "asc")]
    pages = [
        (n, request.manage_link(context, query=[*kept, ("page", n)]))
        for n in range(1, found.pages + 1)
    ]
    return {
        "rows": rows,
        "q": text,
        "all": request.manage_link(context),
        "search_form": search_form(request, context, text),
        "bulk_form": bulk_html or bulk_form(request, context).render(),
        "back": back,
        "columns": _columns(request, context, text, key, descending),
        "total_text": ngettext(
            "Showing ${first}–${last} of ${count} product",
            "Showing ${first}–${last} of ${count} products",
            found.total,
            request,
            first=found.first,
            last=found.last,
        ),
        "page": found.page,
        "pages": pages,
    }


def _refuse(context, request, message):
    """The list again (status 400) with ``message`` at the head of the bulk form."""
    back = _back(request)
    form = bulk_form(request, context)
    form.error = colander.Invalid(form.schema, message)
    params = dict(parse_qsl(urlsplit(back).query))
    values = _list(context, request, params, back, form.render())
    response = render_to_response(LIST_TEMPLATE, values, request=request)
    response.status = 400
    return response


def _back(request):
    return local_path(request.POST.get("back")) or request.manage_link(request.context)


@view_config(context=Products, name="bulk", request_method="POST", renderer=BULK_TEMPLATE, **MANAGE)
def bulk_action(context, request):
    """Publish, hide or delete the ticked products in this one transaction; a delete is
    first shown for confirmation (nothing changes until it is confirmed)."""
    action = next((name for name in desk.BULK_ACTIONS if name in request.POST), None)
    if action is None:
        return _refuse(context, request, _("Choose what to do with the chosen products."))
    products = desk.chosen(request, request.POST.getall("products"))
    if not products:
        return _refuse(context, request, _("Tick at least one product."))
    if action == "delete" and request.POST.get("confirmed") != "yes":
        form = bulk_form(request, context, confirm=True).render()
        return {"products": products, "form": form, "back": _back(request)}
    count = desk.bulk(request, products, action)
    notice(request, _done(request, action, count))
    return HTTPSeeOther(location=_back(request))


def _done(request, action, count):
    """The notice after a bulk action: how many products changed."""
    if action == "publish":
        return ngettext(
            "${count} product published.", "${count} products published.", count, request
        )
    if action == "hide":
        return ngettext("${count} product hidden.", "${count} products hidden.", count, request)
    return ngettext("${count} product deleted.", "${count} products deleted.", count, request)
