"""The front page's choice on the desk (``/{lang}/manage/storefront``): which products and
categories the home page features, in the catalog's order of titles.

Editors and administrators (``edit``) choose; the choice is kept by the products package
(``products.api.choose_featured``) in the one POST that saves it."""

import colander
import deform
from pyramid.httpexceptions import HTTPSeeOther

from shopcms.products import api as products
from shopcms.tree.site import Site
from shopcms.web.forms import Button, CSRFSchema, FormView, form_view, make_form
from shopcms.web.i18n import _, pick
from shopcms.web.notices import notice
from shopcms.web.security import EDIT

#: How many products or categories the home page features at most.
MAX_FEATURED = 8


def product_choices(request):
    """``[(id, title)]`` of the catalog's products, by title in the editor's language;
    a hidden product says so (it is never shown to visitors)."""
    found = []
    for product in request.root["products"].values():
        if not isinstance(product, products.Product):
            continue
        title = pick(product.titles, request)[1] or product.__name__
        if not product.published:
            title = request.localizer.translate(_("${title} (hidden)", mapping={"title": title}))
        found.append((str(product.pid), title))
    return sorted(found, key=lambda choice: choice[1].lower())


def category_choices(request):
    """``[(name, title)]`` of the categories in their order."""
    return [
        (name, pick(category.titles, request)[1] or name)
        for name, category in request.root["categories"].ordered()
    ]


@colander.deferred
def _widget(node, kw):
    return deform.widget.CheckboxChoiceWidget(values=kw[node.name])


@colander.deferred
def _one_of(node, kw):
    known = {value for value, _title in kw[node.name]}

    def check(node, value):
        if not set(value) <= known:
            raise colander.Invalid(node, _("Choose from the list."))
        if len(value) > MAX_FEATURED:
            raise colander.Invalid(
                node, _("Choose at most ${count}.", mapping={"count": MAX_FEATURED})
            )

    return check


class StorefrontSchema(CSRFSchema):
    products = colander.SchemaNode(
        colander.Set(),
        title=_("Featured products"),
        description=_("At most 8; hidden products are never shown."),
        missing=(),
        widget=_widget,
        validator=_one_of,
    )
    categories = colander.SchemaNode(
        colander.Set(),
        title=_("Featured categories"),
        missing=(),
        widget=_widget,
        validator=_one_of,
    )


@form_view(
    context=Site,
    route_name="manage",
    name="storefront",
    permission=EDIT,
    renderer="shopcms.home:templates/manage/storefront.pt",
)
class Storefront(FormView):
    """The featured products and categories of the home page."""

    formid = "storefront"
    buttons = (Button("save", _("Save"), css_class="btn primary"),)

    def make(self):
        self.choices = {
            "products": product_choices(self.request),
            "categories": category_choices(self.request),
        }
        return make_form(
            self.request,
            StorefrontSchema,
            self.buttons,
            self.formid,
            action=self.request.path,
            **self.choices,
        )

    def appstruct(self):
        pids, names = products.featured_choice(self.request.root)
        return {"products": {str(pid) for pid in pids}, "categories": set(names)}

    def succeeded(self, appstruct):
        site = self.request.root
        old_pids, old_names = products.featured_choice(site)
        wanted = {int(pid) for pid in appstruct["products"]}
        # Those chosen before keep their place; new ones follow in the list's order.
        pids = [pid for pid in old_pids if pid in wanted]
        pids += [
            int(pid)
            for pid, _t in self.choices["products"]
            if int(pid) not in pids and int(pid) in wanted
        ]
        names = [name for name in old_names if name in appstruct["categories"]]
        names += [
            name
            for name, _t in self.choices["categories"]
            if name in appstruct["categories"] and name not in names
        ]
        products.choose_featured(site, pids, names)
        notice(self.request, _("The home page's choice was saved."))
        return HTTPSeeOther(location=self.request.manage_link(None, "storefront"))
