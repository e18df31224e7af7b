"""The customer's rights on their own account: download all their data, delete the account.

- ``GET /{lang}/account/export``: everything the shop keeps about the customer
  (``shopcms.privacy.export``) as a readable page in the page's language;
- ``GET /{lang}/account/export.json``: the same as a JSON download (``Content-Disposition:
  attachment``; Decimal as strings, datetimes in ISO 8601), for another service;
- ``GET /{lang}/account/delete``: what deleting the account erases, what is kept and why,
  and the form; ``POST``: the password again, then the account is erased
  (``shopcms.privacy.erasure``), the session ends and a confirmation page follows.

The exports are GETs and write nothing: who exported is noted in the application log (the
account id and the format), not in the database, where a GET never writes and where such a
record would itself be personal data.  The context of the ``account`` route is always the
requester's own account, so these URLs cannot reach anyone else's data.
"""

import logging
from datetime import date, datetime
from decimal import Decimal

from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.security import forget
from pyramid.traversal import find_root
from pyramid.view import view_config

from shopcms.accounts.passwords import verify_password
from shopcms.accounts.resources import Customer
from shopcms.accounts.schemas import DeleteAccountSchema
from shopcms.orders.api import SHIPPING_METHODS, state_title
from shopcms.privacy import erasure
from shopcms.privacy.disclosures import RECIPIENTS
from shopcms.privacy.export import (
    SECTION_TITLES,
    customer_orders,
    export_customer,
    sections,
    to_json,
)
from shopcms.privacy.purposes import PURPOSES
from shopcms.web.clock import site_timezone
from shopcms.web.forms import make_form, validate
from shopcms.web.i18n import LANGUAGE_NAMES, _
from shopcms.web.layout import format_moment
from shopcms.web.security import ACCOUNT, ROLE_TITLES

log = logging.getLogger(__name__)

EXPORT_TEMPLATE = "shopcms.accounts:templates/export.pt"
LIST_TITLES = {"cart": _("Cart"), "wishlist": _("Wishlist"), "compare": _("Compare")}
#: What a history entry did; a transition shows the state it led to ("Paid").
ACTION_TITLES = {"placed": _("Order placed"), "erase": _("Personal data erased")}
BY_TITLES = {"customer": _("You"), "staff": _("Our staff")}
DELETE_BUTTONS = (("delete", _("Delete my account")),)

_account = {"route_name": "account", "context": Customer, "permission": ACCOUNT}


def exact(request):
    """These pages have no sub-pages: ``/account/export/anything`` is not found."""
    if request.subpath:
        raise HTTPNotFound()


def shown(request, value):
    """A value of the export as text for the readable page."""
    translate = request.localizer.translate
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return translate(_("Yes") if value else _("No"))
    if isinstance(value, datetime):
        return format_moment(request, value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return ", ".join(shown(request, item) for item in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {shown(request, item)}" for key, item in value.items()) or "—"
    return str(value)


def flattened(request, value, prefix=""):
    """``[(path, text)]`` of a nested value, for the sections the page has no layout for."""
    if isinstance(value, dict) and value:
        rows = []
        for key, item in value.items():
            rows.extend(flattened(request, item, f"{prefix}.{key}" if prefix else str(key)))
        return rows
    if isinstance(value, list) and value and any(isinstance(i, dict | list) for i in value):
        rows = []
        for index, item in enumerate(value, 1):
            rows.extend(flattened(request, item, f"{prefix} {index}"))
        return rows
    return [(prefix, shown(request, value))]


def export_page_values(request, root, account, staff=False):
    """The values of ``templates/account/export.pt`` for ``account`` (also the staff's)."""
    data = export_customer(root, account, request.now, request.registry)
    extra = [
        (key, title, flattened(request, data[key])) for key, title in sections(request.registry)
    ]
    extra = [(key, title, rows) for key, title, rows in extra if key in data]
    other = flattened(request, {k: v for k, v in data["other"].items() if v})
    local = request.now.astimezone(site_timezone(request.registry)).date().isoformat()
    return {
        "data": data,
        "staff": staff,
        "show": lambda value: shown(request, value),
        "extra_sections": extra,
        "other_rows": [row for row in other if row[0]],
        "section_titles": SECTION_TITLES,
        "purpose_title": lambda name: PURPOSES[name].title if name in PURPOSES else name,
        "recipient_title": lambda name: RECIPIENTS.get(name, name),
        "role_title": lambda name: ROLE_TITLES.get(name, name),
        "state_title": state_title,
        "action_title": lambda name, to: ACTION_TITLES.get(name) or state_title(to),
        "by_title": lambda name: BY_TITLES.get(name, name),
        "list_title": lambda name: LIST_TITLES.get(name, name),
        "shipping_title": lambda name: SHIPPING_METHODS.get(name, name),
        "language_name": lambda code: LANGUAGE_NAMES.get(code, code or "—"),
        "json_url": None,
        "filename": f"softcactus-data-{local}.json",
    }


def json_download(request, root, account, filename):
    """The export of ``account`` as a JSON attachment."""
    data = export_customer(root, account, request.now, request.registry)
    response = Response(to_json(data), content_type="application/json", charset="utf-8")
    response.content_disposition = f'attachment; filename="{filename}"'
    return response


@view_config(name="export", request_method="GET", renderer=EXPORT_TEMPLATE, **_account)
def export_page(context, request):
    """All my data, readable."""
    exact(request)
    values = export_page_values(request, find_root(context), context)
    values["json_url"] = f"/{request.locale_name}/account/export.json"
    log.info("export: account %s viewed its data (html)", context.__name__)
    return values


@view_config(name="export.json", request_method="GET", **_account)
def export_json(context, request):
    """All my data, as a JSON file."""
    exact(request)
    local = request.now.astimezone(site_timezone(request.registry)).date().isoformat()
    log.info("export: account %s downloaded its data (json)", context.__name__)
    return json_download(request, find_root(context), context, f"softcactus-data-{local}.json")


# -- deleting the account -------------------------------------------------------------------


def _delete_form(request):
    action = f"/{request.locale_name}/account/delete"
    return make_form(request, DeleteAccountSchema, DELETE_BUTTONS, action=action, formid="delete")


def _delete_values(request, account, form_html=None, error=None):
    root = find_root(account)
    orders = customer_orders(root, account)
    try:
        erasure.check_erasable(root, account)
        refused = None
    except erasure.ErasureRefused as exc:
        refused = exc.message
    return {
        "orders": orders,
        "refused": refused,
        "form": None if refused else (form_html or _delete_form(request).render()),
        "error": error,
    }


@view_config(
    name="delete",
    request_method="GET",
    renderer="shopcms.accounts:templates/delete.pt",
    **_account,
)
def delete_page(context, request):
    """What deleting erases and keeps, and the form (or why it cannot be done now)."""
    exact(request)
    return _delete_values(request, context)


@view_config(
    name="delete",
    request_method="POST",
    renderer="shopcms.accounts:templates/delete.pt",
    **_account,
)
def delete_account(context, request):
    """Erase the account after the password is given again; end the session; confirm."""
    exact(request)
    form = _delete_form(request)
    appstruct, html = validate(request, form)
    if appstruct is None:
        return _delete_values(request, context, form_html=html)
    throttle = request.registry.shopcms_login_throttle
    address = request.client_addr or "unknown"
    if throttle.wait_seconds(context.email, address):
        request.response.status = 429
        return _delete_values(
            request,
            context,
            error=_("Too many wrong passwords. Please try again in a few minutes."),
        )
    if not verify_password(context.password_hash, appstruct["password"]):
        throttle.failed(context.email, address)
        request.response.status = 400
        return _delete_values(request, context, error=_("This password is not correct."))
    site = find_root(context)
    try:
        done = erasure.erase_customer(
            site,
            context,
            request.now,
            request.registry,
            request.tm,
            lang=request.locale_name,
            base_url=request.application_url,
        )
    except erasure.ErasureRefused as exc:
        request.response.status = 409
        return _delete_values(request, context, error=exc.message)
    # The account was this route's traversal root and is gone: the Site is the root now, so
    # that the session and the page's layout find nobody logged in.
    request.root = site
    forget(request)
    request.override_renderer = "shopcms.accounts:templates/deleted.pt"
    return {"orders": len(done.orders)}
