"""The customer's data export (GDPR art. 15 access and art. 20 portability).

:func:`export_customer` gathers every piece of personal data the shop keeps about one
account into one dict: the account, its preferences (addresses, phone, company name and
VAT number, saved payment methods as shown, never the sealed token), the consent ledger,
the shop lists, the orders (their snapshots and history, a business buyer's company and
VAT number) and their disclosures to third parties, and whatever the modules registered
as *contributors* add.  The same dict is rendered as a readable page and as JSON
(:func:`to_json`: Decimal as strings, datetimes in ISO 8601).

Keeping it complete as the shop grows:

- A module that keeps personal data elsewhere than on the account (reviews, contest
  entries, the newsletter) registers a :class:`Contributor` with :func:`add_contributor`
  in its ``includeme``: its ``export`` adds a section here and its ``erase`` runs when the
  account is erased (``shopcms.privacy.erasure``).
- Data added on the account or its preferences is exported even if nobody updates this
  module: attributes not listed in :data:`ACCOUNT_FIELDS` / :data:`PREFERENCE_FIELDS` land
  in an ``other`` section.  Only :data:`WITHHELD` is never exported, with the reason.

Reading never writes: exporting is allowed on a GET.  Who exported what is written to the
application log by the views, not to the database.
"""

import dataclasses
import json
from datetime import UTC, date, datetime
from decimal import Decimal

from persistent import Persistent
from pyramid.threadlocal import get_current_registry

from shopcms.catalog.query import docids

# Re-exported: the contributors and the sections' titles live in their own module.
from shopcms.privacy.contributors import SECTION_TITLES as SECTION_TITLES
from shopcms.privacy.contributors import Contributor as Contributor
from shopcms.privacy.contributors import add_contributor as add_contributor
from shopcms.privacy.contributors import contributors
from shopcms.web.security import user_principal

FORMAT = "shopcms-customer-data"
VERSION = 1

#: The account's attributes this module exports in its own sections.
ACCOUNT_FIELDS = frozenset(
    {
        "email",
        "email_verified",
        "registered",
        "created",
        "modified",
        "roles",
        "active",
        "sessions",
        "preferences",
        "shop_lists",
        "totp_secret",
        "disclosures",
    }
)
#: The preferences' attributes this module exports in its own sections.
PREFERENCE_FIELDS = frozenset(
    {
        "language",
        "consents",
        "addresses",
        "default_address",
        "phone",
        "company",
        "vat_number",
        "payment_methods",
    }
)
#: What is never exported, and why.
WITHHELD = {
    "password_hash": "a one-way hash of the password: a secret, and not the password",
    "token_nonces": "random values that make mailed links single-use: no data about you",
}
#: Attributes that are the tree's, not data: the account's name is exported as its id.
_STRUCTURE = frozenset({"__name__", "__parent__"})


# -- plain values ---------------------------------------------------------------------------


def plain(value):
    """``value`` made of dicts, lists and plain values (Decimal and datetime stay).

    Persistent containers become dicts and lists, dataclasses and other objects their
    fields; bytes (a sealed value) are never shown.
    """
    if value is None or isinstance(value, str | bool | int | float | Decimal | date):
        return value
    if isinstance(value, bytes):
        return "[encrypted, not shown]"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "items"):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset) or hasattr(value, "__iter__"):
        items = [plain(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, Persistent) or hasattr(value, "__dict__"):
        return {
            key: plain(item)
            for key, item in vars(value).items()
            if not key.startswith(("_p_", "_v_")) and key != "__parent__"
        }
    return str(value)


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not exported")


def to_json(data):
    """``data`` (as :func:`export_customer` returns it) as JSON text."""
    return json.dumps(plain(data), default=_json_default, ensure_ascii=False, indent=2)


# -- what belongs to the account ------------------------------------------------------------


def customer_orders(root, account):
    """Every order placed with ``account``, oldest first.

    Found two ways, so that an erasure misses none: the orders folder's lookup by customer
    and the catalog (each order grants its customer's own principal, and only it).
    """
    orders = root["orders"]
    userid = account.__name__
    found = {}
    by_customer = getattr(orders, "by_customer", None)
    if by_customer is not None:
        for number in by_customer.get(userid, ()):
            order = orders.get(number)
            if order is not None:
                found[number] = order
    catalog = getattr(root, "catalog", None)
    if catalog is not None:
        mine = catalog.family.IF.intersection(
            docids(catalog["allowed"], user_principal(userid)),
            docids(catalog["content_type"], "order"),
        )
        resolve = catalog.resolver(root)
        for docid in mine or ():
            order = resolve(docid)
            found[order.number] = order
    return [order for number, order in sorted(found.items()) if order.customer == userid]


def _actor(actor, account):
    """Who did something, as the export shows it: no other person's identifier."""
    if actor is None or (account is not None and actor == account.__name__):
        return "customer"
    if actor.startswith("system:") or actor in ("guest", "erased"):
        return actor
    return "staff"


def _account(account):
    sessions = getattr(account, "sessions", {}) or {}
    return {
        "id": account.__name__,
        "email": account.email,
        "email_verified": getattr(account, "email_verified", True),
        "registered": getattr(account, "registered", None),
        "created": account.created,
        "modified": account.modified,
        "roles": sorted(account.roles),
        "active": account.active,
        "two_factor": getattr(account, "totp_secret", None) is not None,
        # The times of the open logins; the session ids are credentials, not shown.
        "logins_open_since": sorted(
            datetime.fromtimestamp(started, UTC) for started in sessions.values()
        ),
    }


def _payment_method(method):
    return {
        "id": method.id,
        "provider": method.provider,
        "method": method.method,
        "brand": method.brand,
        "last4": method.last4,
        "expiry": method.expiry,
        "provider_customer": getattr(method, "customer_ref", ""),
    }


def _preferences(preferences):
    default = getattr(preferences, "default_address", None)
    return {
        "language": preferences.language,
        "phone": getattr(preferences, "phone", ""),
        # A business customer's (a sole trader's are personal data); "" when none.
        "company": getattr(preferences, "company", ""),
        "vat_number": getattr(preferences, "vat_number", ""),
        "addresses": [
            {**plain(address), "default": address.get("id") == default}
            for address in getattr(preferences, "addresses", ())
        ],
        "payment_methods": [
            _payment_method(method) for method in getattr(preferences, "payment_methods", ())
        ],
    }


def _consents(preferences):
    return [
        {
            "purpose": event.purpose,
            "granted": event.granted,
            "when": event.when,
            "form": event.form,
            "policy_revision": event.policy_revision,
            "policy_hash": event.policy_hash,
            "lang": event.lang,
        }
        for event in getattr(preferences, "consents", ())
    ]


def _shop_lists(root, account):
    products = root["products"]
    lists = {}
    for name, items in sorted((getattr(account, "shop_lists", None) or {}).items()):
        rows = []
        for item in items:
            pid, qty = item if isinstance(item, tuple | list) else (item, None)
            product = products.by_id(pid)
            row = {
                "product_id": pid,
                "product": product.__name__ if product is not None else None,
                "sku": product.sku if product is not None else None,
            }
            if qty is not None:
                row["quantity"] = qty
            rows.append(row)
        lists[name] = rows
    return lists


def _disclosure(disclosure, account, order=None):
    return {
        "order": order.number if order is not None else None,
        "when": disclosure.when,
        "recipient": disclosure.recipient,
        "purpose": disclosure.purpose,
        "fields": list(disclosure.fields),
        "by": _actor(disclosure.actor, account),
    }


def _order(order, account):
    return {
        "number": order.number,
        "created": order.created,
        "lang": order.lang,
        "state": order.state,
        "contact": plain(order.contact),
        "delivery": plain(order.delivery),
        "billing": plain(order.billing),
        "buyer_company": getattr(order, "buyer_company", None),
        "buyer_vat": getattr(order, "buyer_vat", None),
        "buyer_vat_status": getattr(order, "buyer_vat_status", None),
        "lines": [plain(line) for line in order.lines],
        "shipping": plain(order.shipping),
        "total": order.total,
        "vat": [{"rate": rate, "amount": amount} for rate, amount in order.vat_by_rate],
        "payment_method": order.payment_method,
        "payment_reference": str(order.payment_reference) if order.payment_reference else None,
        "payer": {"name": order.payer_name, "iban": order.payer_iban},  # from a bank statement
        "history": [
            {
                "when": entry.when,
                "action": entry.transition or "placed",
                "from": entry.from_state,
                "to": entry.to_state,
                "by": _actor(entry.actor, account),
                "comment": entry.comment,
            }
            for entry in order.workflow_history
        ],
        "disclosures": [_disclosure(d, account, order) for d in order.disclosures],
        # Withdrawals, the parcel's tracking, refunds (orders.withdrawal, .tracking, .refunds).
        "withdrawals": [
            {**plain(w), "received_by": w.received_by and _actor(w.received_by, account)}
            for w in order.withdrawals
        ],
        "tracking": plain(order.tracking),
        "refunds": [
            {**plain(refund), "actor": _actor(refund.actor, account)}
            for refund in getattr(order, "refunds", ())
        ],
    }


def _other(obj, known):
    """The attributes of ``obj`` that no section exports (added later, by other modules)."""
    return {
        key: plain(value)
        for key, value in sorted(vars(obj).items())
        if key not in known
        and key not in WITHHELD
        and key not in _STRUCTURE
        and not key.startswith(("_p_", "_v_"))
    }


def export_customer(root, account, now, registry=None, progress=None):
    """All the personal data kept about ``account`` (see the module docstring), as a dict.

    Sections: ``about``, ``account``, ``preferences``, ``consents``, ``shop_lists``,
    ``orders``, ``disclosures`` (of the orders and of the account, oldest first), ``other``
    (attributes of the account and preferences that no section knows), then one section
    per contributor that has data.  Values are plain (dicts, lists, text, numbers, bool,
    None, Decimal, datetime).  Reads only.  ``progress(done, total)``, if given, is called
    after each order and each contributor's section (``shopcms export-customer``).
    """
    registry = registry or get_current_registry()
    orders = customer_orders(root, account)
    sources = contributors(registry)
    total = len(orders) + len(sources)

    def advance(done):
        if progress is not None:
            progress(done, total)

    disclosures = [_disclosure(d, account) for d in getattr(account, "disclosures", ())]
    for order in orders:
        disclosures.extend(_disclosure(d, account, order) for d in order.disclosures)
    disclosures.sort(key=lambda d: d["when"])
    data = {
        "about": {
            "format": FORMAT,
            "version": VERSION,
            "exported": now,
            "shop": "Soft Cactus (onto object bvba)",
            "not_included": dict(sorted(WITHHELD.items())),
        },
        "account": _account(account),
        "preferences": _preferences(account.preferences),
        "consents": _consents(account.preferences),
        "shop_lists": _shop_lists(root, account),
        "orders": [],
        "disclosures": disclosures,
        "other": {
            "account": _other(account, ACCOUNT_FIELDS),
            "preferences": _other(account.preferences, PREFERENCE_FIELDS),
        },
    }
    for order in orders:
        data["orders"].append(_order(order, account))
        advance(len(data["orders"]))
    for number, contributor in enumerate(sources, len(orders) + 1):
        if contributor.export is not None:
            section = contributor.export(root, account)
            if section is not None:
                data[contributor.name] = plain(section)
        advance(number)
    return data


def export_guest(root, email, now, registry=None):
    """The personal data kept about a guest who ordered without an account with ``email``:
    their orders (contact, addresses, lines, history, disclosures), then one section per
    contributor with data about them (their reviews), as a dict like
    :func:`export_customer`'s.  Reads only."""
    registry = registry or get_current_registry()
    orders = root["orders"].guest_orders(email)
    disclosures = [_disclosure(d, None, order) for order in orders for d in order.disclosures]
    data = {
        "about": {
            "format": FORMAT,
            "version": VERSION,
            "exported": now,
            "shop": "Soft Cactus (onto object bvba)",
            "guest": True,
        },
        "orders": [_order(order, None) for order in orders],
        "disclosures": sorted(disclosures, key=lambda d: d["when"]),
    }
    for contributor in contributors(registry):
        if contributor.export_guest is not None:
            section = contributor.export_guest(root, email)
            if section is not None:
                data[contributor.name] = plain(section)
    return data


def sections(registry):
    """``(key, title)`` of the contributors' sections, for the readable page."""
    return [(c.name, c.title) for c in contributors(registry) if c.export is not None]
