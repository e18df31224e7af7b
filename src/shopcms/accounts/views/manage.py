"""Accounts and roles (administrators only)."""

from hypatia.query import Eq
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.accounts.resources import Customer, Customers
from shopcms.accounts.schemas import RoleChangeSchema
from shopcms.catalog.query import index, search
from shopcms.web.forms import make_form, validate
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.security import ADMIN, MANAGE_USERS, ROLE_TITLES, ROLES


@view_config(
    context=Customers,
    route_name="manage",
    permission=MANAGE_USERS,
    renderer="shopcms.accounts:templates/manage/accounts.pt",
)
def accounts(context, request):
    found = search(request, Eq(index(request, "content_type"), "customer"))
    listing = sorted(found.all(), key=lambda account: account.email)
    return {"accounts": listing, "roles": ROLES, "role_titles": ROLE_TITLES}


@view_config(
    context=Customer,
    route_name="manage",
    name="roles",
    request_method="POST",
    permission=MANAGE_USERS,
    renderer="shopcms.web:templates/error.pt",
)
def change_role(context, request):
    """Grant or revoke one role; an administrator cannot revoke their own admin role."""
    form = make_form(request, RoleChangeSchema, ())
    appstruct, _html = validate(request, form)
    back = f"/{request.locale_name}/manage/customers/"
    localize = request.localizer.translate
    if appstruct is None:
        return {
            "status": 400,
            "title": _("The request could not be handled"),
            "text": _("Choose a known role and action."),
        }
    role, action = appstruct["role"], appstruct["action"]
    if action == "revoke" and role == ADMIN and context is request.identity:
        request.response.status = 400
        return {
            "status": 400,
            "title": _("The request could not be handled"),
            "text": _("You cannot remove your own administrator role."),
        }
    if action == "grant":
        context.grant(role)
        message = _(
            "${email} is now ${role}.",
            mapping={"email": context.email, "role": localize(ROLE_TITLES[role])},
        )
    else:
        context.revoke(role)
        message = _(
            "${email} is no longer ${role}.",
            mapping={"email": context.email, "role": localize(ROLE_TITLES[role])},
        )
    notice(request, message)
    return HTTPSeeOther(location=back)
