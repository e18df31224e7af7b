"""The promotions desk (``/{lang}/manage/promotions/``) for editors and administrators
(``EDIT``, as the product desk): the list with each code's uses, a new code, a code's
form, deleting a code.  The changes are ``editing``'s."""

import functools

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.promotions import editing
from shopcms.promotions.editing import EditRefused
from shopcms.promotions.resources import Promotion, Promotions
from shopcms.promotions.schemas import KIND_TITLES, SCOPE_TITLES, promotion_schema
from shopcms.web.clock import site_timezone
from shopcms.web.forms import Button, FormView, button_form, form_view, make_form, validate
from shopcms.web.i18n import _, pick
from shopcms.web.notices import notice
from shopcms.web.security import EDIT

MANAGE = {"route_name": "manage", "permission": EDIT}
FORM = "shopcms.web:templates/manage/form.pt"


def _categories(request):
    """``[(name, title)]`` of the shop's categories, in the editor's language."""
    folder = request.root["categories"]
    return [
        (name, pick(category.titles, request)[1] or name) for name, category in folder.ordered()
    ]


def _products(request):
    """A product's name -> its pid (the products field names them)."""
    return {name: product.pid for name, product in request.root["products"].items()}


def _form(request, action, new, automatic=False):
    return make_form(
        request,
        functools.partial(promotion_schema, new=new, automatic=automatic),
        (Button("save", _("Save")),),
        "promotion",
        action,
        timezone=site_timezone(request.registry),
        categories=_categories(request),
        products=_products(request),
    )


def delete_form(request, promotion):
    return button_form(
        request,
        f"delete-{promotion.__name__}",
        request.manage_link(promotion, "delete"),
        (Button("delete", _("Delete"), css_class="danger"),),
    )


def _name(request, promotion):
    """How a notice names ``promotion``: its code, else its name (automatic)."""
    return promotion.code or pick(promotion.names, request)[1] or ""


def _title(request, appstruct):
    """How a notice names the promotion of the form's ``appstruct``."""
    code = appstruct["code"].upper()
    return code or appstruct.get(f"name_{request.locale_name}") or ""


@view_config(
    context=Promotions,
    request_method="GET",
    renderer="shopcms.promotions:templates/manage/promotions.pt",
    **MANAGE,
)
def promotion_list(context, request):
    """Every code, by code, with what it gives, its period and its uses; single-use codes
    (``bulk``) counted under the code they were made from."""
    kinds, scopes = dict(KIND_TITLES), dict(SCOPE_TITLES)
    found = sorted(
        (p for p in context.values() if p.batch is None), key=lambda p: (p.automatic, p.code)
    )
    batches = {}
    for promotion in context.values():
        if promotion.batch is not None:
            made, used = batches.get(promotion.batch, (0, 0))
            batches[promotion.batch] = (made + 1, used + promotion.used)
    return {
        "rows": [
            {
                "promotion": promotion,
                "name": pick(promotion.names, request)[1] or "",
                "kind": kinds.get(promotion.kind),
                "scope": scopes.get(promotion.scope),
                "delete": delete_form(request, promotion).render(),
                "batch": batches.get(promotion.code),
            }
            for promotion in found
        ]
    }


@form_view(context=Promotions, name="add", renderer=FORM, **MANAGE)
class AddPromotion(FormView):
    """A new code."""

    def make(self):
        return _form(self.request, self.request.path_qs, new=True)

    def appstruct(self):
        return {"kind": "percent", "scope": "all"}

    def values(self):
        return {"heading": _("New discount code")}

    def succeeded(self, appstruct):
        request = self.request
        try:
            editing.create(self.context, appstruct, _products(request), request.registry)
        except EditRefused as exc:
            return self.refuse(exc.message, appstruct)
        notice(
            request,
            _("The promotion ${name} was saved.", mapping={"name": _title(request, appstruct)}),
        )
        return HTTPSeeOther(location=request.manage_link(self.context, slash=True))


@form_view(context=Promotion, name="edit", renderer=FORM, **MANAGE)
class EditPromotion(FormView):
    """A code's rules (its code stays; its uses are the checkouts')."""

    def make(self):
        return _form(
            self.request, self.request.path_qs, new=False, automatic=self.context.automatic
        )

    def appstruct(self):
        pids = {pid: name for name, pid in _products(self.request).items()}
        return editing.form_values(self.context, pids)

    def values(self):
        return {
            "heading": _("Discount code ${code}", mapping={"code": self.context.code})
            if self.context.code
            else _(
                "Automatic promotion ${name}", mapping={"name": _name(self.request, self.context)}
            ),
        }

    def succeeded(self, appstruct):
        request = self.request
        editing.apply(self.context, appstruct, _products(request))
        notice(
            request,
            _("The promotion ${name} was saved.", mapping={"name": _name(request, self.context)}),
        )
        return HTTPSeeOther(location=request.manage_link(self.context.__parent__, slash=True))


@view_config(context=Promotion, name="delete", request_method="POST", **MANAGE)
def delete_promotion(context, request):
    """Delete a code (orders keep what it gave them)."""
    folder = context.__parent__
    accepted, _failed = validate(request, delete_form(request, context))
    if accepted is not None:
        folder.remove(context.__name__, registry=request.registry)
        notice(
            request,
            _("The promotion ${name} was deleted.", mapping={"name": _name(request, context)}),
        )
    return HTTPSeeOther(location=request.manage_link(folder, slash=True))
