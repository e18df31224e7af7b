"""The product desk's list: every product (hidden ones included), searchable, fifty a page,
each row with its visibility button."""

from pyramid.view import view_config

from shopcms.products import desk
from shopcms.products.resources import Products
from shopcms.products.schemas import DeskSearchSchema
from shopcms.products.views.manage_common import MANAGE, VisibilityForms
from shopcms.products.views.small import Repeated, unnamed_button
from shopcms.web.i18n import _, ngettext

THUMB_WIDTH = 64

_SEARCH = DeskSearchSchema()


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


def _page(request):
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        return 1


@view_config(context=Products, renderer="shopcms.products:templates/manage/products.pt", **MANAGE)
def products_list(context, request):
    """All products the requester may see (hidden ones included for editors), searchable."""
    text = request.GET.get("q", "").strip()
    found = desk.find(request, text, _page(request))
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
    pages = [
        (n, request.manage_link(context, query=[*kept, ("page", n)]))
        for n in range(1, found.pages + 1)
    ]
    return {
        "rows": rows,
        "q": text,
        "all": request.manage_link(context),
        "search_form": search_form(request, context, text),
        "total_text": ngettext("${count} product", "${count} products", found.total, request),
        "page": found.page,
        "pages": pages,
    }
