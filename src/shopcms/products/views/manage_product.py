"""One product on the desk: creating it, editing it, its stock and its visibility.

Thin views: every input goes through a colander schema (``schemas.desk``) and reaches the
product only through the desk's domain (``products.desk``) and the product's methods, which
record each change for the catalog (ObjectModified).
"""

from functools import partial

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.products import desk
from shopcms.products.resources import Product, Products, StockError
from shopcms.products.schemas import StockSchema, product_schema
from shopcms.products.views.manage_common import MANAGE, refuse_field, visibility_form
from shopcms.tree.resources import FolderKeyError
from shopcms.web.errors import refusal
from shopcms.web.forms import Button, FormView, form_view, make_form, validate
from shopcms.web.i18n import LANGUAGE_NAMES, _, languages
from shopcms.web.notices import notice

EDIT_TEMPLATE = "shopcms.products:templates/manage/product_edit.pt"
_STOCK = StockSchema()
NO_STOCK = _("A gift card is always available: it has no stock to change.")


def product_form(request, with_name):
    """The product form (a new product's has its name in the address)."""
    button = Button("add", _("Create product")) if with_name else Button("save", _("Save"))
    return make_form(
        request,
        partial(product_schema, languages(request.registry), with_name=with_name),
        (button,),
        formid="product",
        action=request.path,
        categories=desk.category_choices(request),
    )


def stock_form(request, product):
    return make_form(
        request,
        _STOCK,
        (Button("change", _("Change stock")),),
        formid="stock-adjust",
        action=request.manage_link(product, "stock"),
    )


def tools(request, product, stock_html=None):
    """The edit page's side forms, rendered: the stock change and the visibility."""
    visibility = visibility_form(request, product.published)
    visibility.action = request.manage_link(product, "visibility")
    return {
        "stock": stock_html or stock_form(request, product).render(),
        "visibility": visibility.render({"published": "false" if product.published else "true"}),
    }


def edit_page(request, product, form_html, error=None, stock_html=None):
    """The edit page's values (``product`` None: a new product)."""
    langs = languages(request.registry)
    return {
        "product": product,
        "languages": [
            {
                "code": lang,
                "name": LANGUAGE_NAMES.get(lang, lang),
                "translated": state == desk.TRANSLATED,
            }
            for lang, state in desk.translation_states(product, langs)
        ],
        "form": form_html,
        "error": error,
        "tools": tools(request, product, stock_html) if product is not None else None,
    }


def _category_names(request):
    return [name for name, _title in desk.category_choices(request)]


@form_view(context=Products, name="add", renderer=EDIT_TEMPLATE, **MANAGE)
class AddProduct(FormView):
    """A new product; then its images."""

    def make(self):
        return product_form(self.request, with_name=True)

    def appstruct(self):
        return {"vat_rate": "21", "stock": 0, "published": True}

    def page(self, form_html, **more):
        return edit_page(self.request, None, form_html, **more)

    def succeeded(self, appstruct):
        request = self.request
        try:
            product = desk.create(
                self.context, appstruct, _category_names(request), languages(request.registry)
            )
        except FolderKeyError as exc:
            # Status 400: the transaction is aborted, so no short id is used up.
            return self.page(refuse_field(request, self.form, "name", exc.message, appstruct))
        notice(request, _("Product created. You can add its images now."))
        return HTTPSeeOther(location=request.manage_link(product, "images"))


@form_view(context=Product, name="edit", renderer=EDIT_TEMPLATE, **MANAGE)
class EditProduct(FormView):
    """A product's texts, price, stock, categories and visibility."""

    def make(self):
        return product_form(self.request, with_name=False)

    def appstruct(self):
        return desk.form_values(self.context, languages(self.request.registry))

    def page(self, form_html, **more):
        return edit_page(self.request, self.context, form_html, **more)

    def succeeded(self, appstruct):
        request = self.request
        desk.save(self.context, appstruct, _category_names(request), languages(request.registry))
        notice(request, _("The product was saved."))
        return HTTPSeeOther(location=request.manage_link(self.context, "edit"))


def _edit_form_html(request, product):
    return product_form(request, with_name=False).render(
        desk.form_values(product, languages(request.registry))
    )


@view_config(context=Product, name="stock", request_method="POST", renderer=EDIT_TEMPLATE, **MANAGE)
def change_stock(context, request):
    """Set the stock (``stock``) or change it by a signed amount (``adjust``); a gift
    card has no stock to change (``products.giftcards``): 400."""
    form = stock_form(request, context)
    appstruct, failed = validate(request, form)
    if appstruct is None:
        return edit_page(request, context, _edit_form_html(request, context), stock_html=failed)
    if context.gift_card:
        request.response.status = 400
        return edit_page(request, context, _edit_form_html(request, context), error=NO_STOCK)
    try:
        stock = context.change_stock(appstruct["stock"], appstruct["adjust"])
    except StockError as exc:
        html = refuse_field(request, form, "adjust", exc.message, appstruct)
        return edit_page(request, context, _edit_form_html(request, context), stock_html=html)
    notice(request, _("Stock is now ${count}.", mapping={"count": stock}))
    return HTTPSeeOther(location=request.manage_link(context, "edit"))


@view_config(
    context=Product,
    name="visibility",
    request_method="POST",
    renderer="shopcms.web:templates/error.pt",
    **MANAGE,
)
def change_visibility(context, request):
    """Publish (``published=true``) or hide (``false``) the product."""
    appstruct, _html = validate(request, visibility_form(request, context.published))
    if appstruct is None:  # hidden fields only: no form of ours sends this
        return refusal(request, _("Something in the request was not right."))
    published = appstruct["published"] == "true"
    context.publish(published)
    if published:
        notice(request, _("The product is published: visitors can see it."))
    else:
        notice(request, _("The product is hidden: visitors cannot see or find it."))
    if appstruct["back"] == "list":
        return HTTPSeeOther(location=request.manage_link(context.__parent__))
    return HTTPSeeOther(location=request.manage_link(context, "edit"))
