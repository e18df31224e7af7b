"""The privacy desk (administrators): requests that arrive by mail, and the record of
processing activities.

- ``/{lang}/manage/privacy/``: find an account by its email address (POSTed, so that the
  address appears in no URL and no access log), then its export or its erasure;
- ``/{lang}/manage/customers/ID/export`` and ``export.json``: the same export the customer
  gets (``shopcms.privacy.export``), readable or as a JSON file to send them;
- ``/{lang}/manage/customers/ID/erase``: what erasing does, and a form that needs a note of
  the request (kept in the orders' history); the POST erases the account as the customer's
  own deletion does (``shopcms.privacy.erasure``) and the confirmation mail goes to them;
- ``/{lang}/manage/privacy/purposes``: the record of processing activities (GDPR art. 30)
  rendered from the purpose registry in the page's language.

Every view needs ``manage-users`` (administrators): the accounts' ACL grants it on each
account, the site's on the desk.  The exports write nothing; each is noted in the
application log (who, which account id, which format).
"""

import logging

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from shopcms.accounts.resources import Customer
from shopcms.accounts.schemas import EraseRequestSchema, FindCustomerSchema, GuestEraseSchema
from shopcms.accounts.views.rights import EXPORT_TEMPLATE, exact, export_page_values, json_download
from shopcms.orders.api import ORDER_WORKFLOW
from shopcms.privacy import erasure
from shopcms.privacy.disclosures import RECIPIENTS
from shopcms.privacy.export import contributors, customer_orders, export_guest, to_json
from shopcms.privacy.purposes import BASIS_TITLES, PURPOSES
from shopcms.tree.site import Site
from shopcms.web.clock import site_timezone
from shopcms.web.forms import make_form, validate
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.security import MANAGE_USERS

log = logging.getLogger(__name__)

DESK_TEMPLATE = "shopcms.accounts:templates/manage/privacy.pt"
PURPOSES_TEMPLATE = "shopcms.accounts:templates/manage/privacy_purposes.pt"
ERASE_TEMPLATE = "shopcms.accounts:templates/manage/privacy_erase.pt"

_manage = {"route_name": "manage", "permission": MANAGE_USERS}
STATE_NAMES = [state.name for state in ORDER_WORKFLOW.states]


def desk_url(request):
    return f"/{request.locale_name}/manage/privacy/"


def _find_form(request):
    return make_form(
        request, FindCustomerSchema, (("find", _("Find")),), action=desk_url(request), formid="find"
    )


def _desk(request, form_html=None, account=None, searched=False, email=None, error=None):
    guest_orders = request.root["orders"].guest_orders(email) if email else []
    return {
        "form": form_html or _find_form(request).render(),
        "account": account,
        "searched": searched,
        "orders": len(customer_orders(request.root, account)) if account else 0,
        "email": email,
        "guest_orders": guest_orders,
        "states": {name: ORDER_WORKFLOW.get_state(name).title for name in STATE_NAMES},
        "error": error,
    }


@view_config(context=Site, name="privacy", request_method="GET", renderer=DESK_TEMPLATE, **_manage)
def privacy_desk(context, request):
    """The desk (``/privacy/``) or the record of processing (``/privacy/purposes``)."""
    if request.subpath == ("purposes",):
        request.override_renderer = PURPOSES_TEMPLATE
        return purposes_values(request)
    if request.subpath:
        raise HTTPNotFound()
    return _desk(request)


@view_config(context=Site, name="privacy", request_method="POST", renderer=DESK_TEMPLATE, **_manage)
def find_customer(context, request):
    """Look an account, and the orders placed without one, up by email address; shows them
    (or that there are none) on the desk.  ``…/guest-export`` and ``…/guest-erase`` act on
    those guest orders."""
    if request.subpath == ("guest-export",):
        return guest_export(context, request)
    if request.subpath == ("guest-erase",):
        return guest_erase(context, request)
    if request.subpath:
        raise HTTPNotFound()
    form = _find_form(request)
    appstruct, html = validate(request, form)
    if appstruct is None:
        return _desk(request, form_html=html)
    account = context["customers"].find(appstruct["email"])
    return _desk(
        request, form.render(appstruct), account=account, searched=True, email=appstruct["email"]
    )


def guest_export(context, request):
    """The data of a guest's orders as a JSON download (a POST: no address in the URL)."""
    appstruct, _html = validate(request, _find_form(request))
    if appstruct is None:
        return _desk(request)
    data = export_guest(context, appstruct["email"], request.now)
    log.info("export: %s downloaded the data of guest orders", request.authenticated_userid)
    local = request.now.astimezone(site_timezone(request.registry)).date().isoformat()
    response = Response(body=to_json(data).encode("utf-8"), content_type="application/json")
    response.charset = "utf-8"
    response.content_disposition = f'attachment; filename="softcactus-guest-data-{local}.json"'
    return response


def guest_erase(context, request):
    """Erase the personal data of a guest's orders for the request the note names."""
    form = make_form(request, GuestEraseSchema, ())
    appstruct, _html = validate(request, form)
    if appstruct is None:
        return _desk(request, error=_("Give the email address and the request."))
    email = appstruct["email"]
    try:
        done = erasure.erase_guest(
            context,
            email,
            request.now,
            request.registry,
            request.tm,
            actor=request.authenticated_userid,
            note=appstruct["note"],
        )
    except erasure.ErasureRefused as exc:
        request.response.status = 409
        return _desk(request, searched=True, email=email, error=exc.message)
    notice(
        request,
        _(
            "${count} order(s) placed without an account are kept without personal data. "
            "The confirmation mail is on its way.",
            mapping={"count": len(done.orders)},
        ),
    )
    return HTTPSeeOther(location=desk_url(request))


def purposes_values(request):
    """The record of processing activities: each purpose with its basis, data, retention,
    recipients and description; the recipients of disclosures; the contributors."""
    return {
        "purposes": [
            {"name": name, "purpose": purpose, "basis": BASIS_TITLES[purpose.basis]}
            for name, purpose in PURPOSES.items()
        ],
        "recipients": sorted(RECIPIENTS.items()),
        "contributors": [(c.name, c.title) for c in contributors(request.registry)],
    }


# -- one account ----------------------------------------------------------------------------


def _filename(request, account):
    local = request.now.astimezone(site_timezone(request.registry)).date().isoformat()
    return f"softcactus-data-{account.__name__}-{local}.json"


@view_config(
    context=Customer, name="export", request_method="GET", renderer=EXPORT_TEMPLATE, **_manage
)
def staff_export_page(context, request):
    exact(request)
    values = export_page_values(request, request.root, context, staff=True)
    values["json_url"] = f"/{request.locale_name}/manage/customers/{context.__name__}/export.json"
    values["filename"] = _filename(request, context)
    log.info(
        "export: %s viewed the data of account %s (html)",
        request.authenticated_userid,
        context.__name__,
    )
    return values


@view_config(context=Customer, name="export.json", request_method="GET", **_manage)
def staff_export_json(context, request):
    exact(request)
    log.info(
        "export: %s downloaded the data of account %s (json)",
        request.authenticated_userid,
        context.__name__,
    )
    return json_download(request, request.root, context, _filename(request, context))


def _erase_form(request, account):
    action = f"/{request.locale_name}/manage/customers/{account.__name__}/erase"
    buttons = (("erase", _("Erase this account")),)
    return make_form(request, EraseRequestSchema, buttons, action=action, formid="erase")


def _erase_values(request, account, form_html=None, error=None):
    orders = customer_orders(request.root, account)
    try:
        erasure.check_erasable(request.root, account)
        refused = None
    except erasure.ErasureRefused as exc:
        refused = exc.message
    return {
        "account": account,
        "orders": orders,
        "refused": refused,
        "error": error,
        "form": None if refused else (form_html or _erase_form(request, account).render()),
    }


@view_config(
    context=Customer, name="erase", request_method="GET", renderer=ERASE_TEMPLATE, **_manage
)
def erase_page(context, request):
    """What erasing this account does, and the form asking which request it answers."""
    exact(request)
    return _erase_values(request, context)


@view_config(
    context=Customer, name="erase", request_method="POST", renderer=ERASE_TEMPLATE, **_manage
)
def erase(context, request):
    """Erase the account for the request the note names; back to the desk with a notice."""
    exact(request)
    appstruct, html = validate(request, _erase_form(request, context))
    if appstruct is None:
        return _erase_values(request, context, form_html=html)
    try:
        done = erasure.erase_customer(
            request.root,
            context,
            request.now,
            request.registry,
            request.tm,
            actor=request.authenticated_userid,
            note=appstruct["note"],
        )
    except erasure.ErasureRefused as exc:
        request.response.status = 409
        return _erase_values(request, context, error=exc.message)
    notice(
        request,
        _(
            "The account is erased; ${count} order(s) kept without personal data. The "
            "confirmation mail is on its way.",
            mapping={"count": len(done.orders)},
        ),
    )
    return HTTPSeeOther(location=desk_url(request))
