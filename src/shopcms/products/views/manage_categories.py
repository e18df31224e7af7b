"""The categories on the desk: the list with the number of products in each, a new
category, and a category's titles and position (``Categories.create``, ``Category.update``
record each change for the catalog and the public listing's facets)."""

from functools import partial

from pyramid.httpexceptions import HTTPSeeOther

from shopcms.products import desk
from shopcms.products.resources import Categories, Category
from shopcms.products.schemas import category_schema
from shopcms.products.views.manage_common import MANAGE, refuse_field
from shopcms.tree.resources import FolderKeyError
from shopcms.web.forms import Button, FormView, form_view, make_form
from shopcms.web.i18n import _, languages
from shopcms.web.notices import notice


class _CategoryForm(FormView):
    with_name = False

    def make(self):
        request = self.request
        return make_form(
            request,
            partial(category_schema, languages(request.registry), with_name=self.with_name),
            self.buttons,
            formid=self.formid,
            action=request.path,
        )


@form_view(context=Categories, renderer="shopcms.products:templates/manage/categories.pt", **MANAGE)
class CategoriesList(_CategoryForm):
    """The categories, and the form to create one."""

    formid = "add-category"
    buttons = (Button("add", _("Create category")),)
    with_name = True

    def values(self):
        return {
            "categories": self.context.ordered(),
            "counts": desk.category_counts(self.request),
            "languages": languages(self.request.registry),
        }

    def succeeded(self, appstruct):
        request = self.request
        try:
            self.context.create(appstruct["name"], appstruct["titles"], appstruct["position"])
        except FolderKeyError as exc:
            return self.page(refuse_field(request, self.form, "name", exc.message, appstruct))
        notice(request, _("The category was created."))
        return HTTPSeeOther(location=request.manage_link(self.context))


@form_view(
    context=Category,
    name="edit",
    renderer="shopcms.products:templates/manage/category_edit.pt",
    **MANAGE,
)
class EditCategory(_CategoryForm):
    """A category's titles and position (its name, in addresses, never changes)."""

    formid = "category"
    buttons = (Button("save", _("Save")),)

    def appstruct(self):
        return {"titles": dict(self.context.titles), "position": self.context.position}

    def values(self):
        return {"category": self.context}

    def succeeded(self, appstruct):
        self.context.update(appstruct["titles"], appstruct["position"])
        notice(self.request, _("The category was saved."))
        return HTTPSeeOther(location=self.request.manage_link(self.context.__parent__))
