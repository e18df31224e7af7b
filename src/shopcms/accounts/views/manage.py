"""Accounts and roles (administrators only): ``/{lang}/manage/customers/``.

The table has one button per account and role, which grants or revokes it
(``POST .../customers/ID/roles``, ``shopcms.accounts.roles``).
"""

from hypatia.query import Eq
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.accounts.resources import Customer, Customers
from shopcms.accounts.roles import GRANT, REVOKE, RoleRefused, change_role
from shopcms.accounts.schemas import RoleChangeSchema
from shopcms.catalog.query import index, search
from shopcms.web.errors import ERROR_TEMPLATE, error_page
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.security import MANAGE_USERS, ROLE_TITLES, ROLES

MANAGE = {"route_name": "manage", "permission": MANAGE_USERS}
NOT_HANDLED = _("The request could not be handled")


def role_form(request, account, has=False, role=""):
    """The form of one button of the table: it grants ``role`` to ``account``, or revokes
    it if the account ``has`` it (each has its own formid: ids stay apart)."""
    button = (
        Button("change", _("Revoke"), css_class="toggle on")
        if has
        else Button("change", _("Grant"), css_class="toggle")
    )
    return make_form(
        request,
        RoleChangeSchema,
        (button,),
        f"role-{account.__name__}-{role}",
        request.manage_link(account, "roles"),
        css_class="inline",
    )


def role_button(request, account, role):
    """The rendered button of ``account`` and ``role``."""
    has = role in account.roles
    form = role_form(request, account, has, role)
    return form.render({"role": role, "action": REVOKE if has else GRANT})


@view_config(
    context=Customers,
    renderer="shopcms.accounts:templates/manage/accounts.pt",
    **MANAGE,
)
def accounts(context, request):
    found = search(request, Eq(index(request, "content_type"), "customer"))
    listing = sorted(found.all(), key=lambda account: account.email)
    return {
        "accounts": listing,
        "roles": ROLES,
        "role_titles": ROLE_TITLES,
        "button": lambda account, role: role_button(request, account, role),
    }


@view_config(
    context=Customer, name="roles", request_method="POST", renderer=ERROR_TEMPLATE, **MANAGE
)
def roles(context, request):
    """Grant or revoke one role; an administrator cannot revoke their own admin role."""
    appstruct, _failed = validate(request, role_form(request, context))
    if appstruct is None:
        return error_page(request, 400, NOT_HANDLED, _("Choose a known role and action."))
    try:
        message = change_role(
            context,
            appstruct["role"],
            appstruct["action"],
            request.identity,
            request.localizer.translate,
        )
    except RoleRefused as exc:
        return error_page(request, 400, NOT_HANDLED, exc.message)
    notice(request, message)
    return HTTPSeeOther(location=request.manage_link(context.__parent__))
