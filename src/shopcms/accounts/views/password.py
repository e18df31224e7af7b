"""The password form of ``/{lang}/account/security``: the current password, then the new
one (which must meet ``passwords.password_problem``'s rules).

Once stored, every session of the account ends and this browser gets a fresh one: other
devices are logged out, and even this browser's previous cookie is worth nothing (a copy of
it cannot be replayed).
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.accounts import security
from shopcms.accounts.views.security import (
    SECURITY_POST,
    password_form,
    password_refused,
    security_page,
)
from shopcms.web.forms import validate
from shopcms.web.i18n import _
from shopcms.web.notices import notice


@view_config(request_param="change_password", **SECURITY_POST)
def change_password(context, request):
    form = password_form(request)
    appstruct, failed = validate(request, form)
    if appstruct is None:
        return security_page(request, context, password_form=failed)
    refused = password_refused(request, context, form, appstruct, appstruct["current"])
    if refused is not None:
        return security_page(request, context, password_form=refused)
    security.change_password(request, context, appstruct["password"])
    notice(request, _("Your password is changed. Everywhere else you are logged out."))
    return HTTPSeeOther(location=request.account_link("security"))
