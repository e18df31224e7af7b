"""Everything the shop keeps about one account, as its readable page shows it.

The data itself comes from ``shopcms.privacy.export`` (the same for the customer, for staff
answering a request by mail, and for the JSON download); this module shapes it for the
page: each value as text in the page's language, the sections of contributors as rows, the
titles of purposes, roles, states and lists.  Reading it writes nothing.
"""

from datetime import date, datetime
from decimal import Decimal

from pyramid.i18n import TranslationString

from shopcms.orders.api import shipping_title, state_title
from shopcms.privacy.disclosures import RECIPIENTS
from shopcms.privacy.export import SECTION_TITLES, contributors, export_customer, to_json
from shopcms.privacy.purposes import PURPOSES
from shopcms.web.actors import actor_title
from shopcms.web.clock import site_timezone
from shopcms.web.i18n import LANGUAGE_NAMES, _
from shopcms.web.layout import format_moment
from shopcms.web.security import ROLE_TITLES

LIST_TITLES = {"cart": _("Cart"), "wishlist": _("Wishlist"), "compare": _("Compare")}
#: What a history entry did; a transition shows the state it led to ("Paid").
ACTION_TITLES = {
    "placed": _("Order placed"),
    "erase": _("Personal data erased"),
    "confirm-vat": _("VAT number confirmed"),
}
BY_TITLES = {"customer": _("You"), "staff": _("Our staff")}


def shown(request, value):
    """A value of the export as text for the readable page."""
    translate = request.localizer.translate
    if value is None or value == "":
        return "—"
    if isinstance(value, TranslationString):  # a title (a state's): in the page's language
        return translate(value)
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


def labelled(request, item, labels):
    """``[(label, text or [texts])]`` of one item (a dict) of a contributor's section, its
    fields named by the contributor's ``labels`` in the page's language; a field labelled
    None is left out, a list of dicts (a history) becomes one text per entry."""
    translate = request.localizer.translate
    rows = []
    for key, value in item.items():
        label = labels.get(key, key)
        if label is None:
            continue
        if isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
            value = [
                ", ".join(text for _label, text in labelled(request, entry, labels) if text != "—")
                for entry in value
            ]
        elif isinstance(value, dict):
            value = ", ".join(f"{name}: {text}" for name, text in labelled(request, value, labels))
        else:
            value = shown(request, value)
        rows.append((translate(label) if isinstance(label, TranslationString) else label, value))
    return rows


def contributed_sections(request, data):
    """``(key, title, rows, items)`` of each contributor's section in ``data``: a list of
    dicts as ``items`` (each its labelled rows, see :func:`labelled`), anything else as
    flattened ``rows``."""
    found = []
    for contributor in contributors(request.registry):
        if contributor.export is None or contributor.name not in data:
            continue  # a contributor with nothing about this account has no section
        value = data[contributor.name]
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            items = [labelled(request, item, contributor.labels) for item in value]
            found.append((contributor.name, contributor.title, [], items))
        else:
            found.append((contributor.name, contributor.title, flattened(request, value), []))
    return found


def local_date(request):
    """Today in the site's time zone (for file names)."""
    return request.now.astimezone(site_timezone(request.registry)).date().isoformat()


def export_filename(request, account=None):
    """The JSON file's name: the customer's own has no account id, the staff's has one."""
    if account is None:
        return f"softcactus-data-{local_date(request)}.json"
    return f"softcactus-data-{account.__name__}-{local_date(request)}.json"


def export_json(request, root, account):
    """The export of ``account`` as JSON text."""
    return to_json(export_customer(root, account, request.now, request.registry))


def export_page_values(request, root, account, staff=False):
    """The values of ``templates/export.pt`` for ``account`` (also the staff's)."""
    data = export_customer(root, account, request.now, request.registry)
    extra = contributed_sections(request, data)
    other = flattened(request, {k: v for k, v in data["other"].items() if v})
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
        "by_title": lambda name: BY_TITLES.get(name) or actor_title(request, name) or name,
        "list_title": lambda name: LIST_TITLES.get(name, name),
        "shipping_title": shipping_title,
        "language_name": lambda code: LANGUAGE_NAMES.get(code, code or "—"),
        "json_url": None,
        "filename": export_filename(request, account if staff else None),
    }
