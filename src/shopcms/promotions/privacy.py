"""The promotions' side of the privacy statement: who used which code.

A promotion counts its uses per customer (``Promotion.by_customer``: ``account:ID`` or
``email:ADDRESS`` -> uses) so that a code allowed once per customer is used once.  That is
part of the order (the discount is part of the contract: purpose ``order_fulfilment``), kept
as long as the promotion exists.

- **Export**: the codes used and how often, under the account and under its email (a
  guest's orders before the account).
- **Erasure**: those keys are deleted; the promotion's total of uses stays (it never said
  who), so the code is not given back by an erasure.
"""

from shopcms.privacy.contributors import Contributor, add_contributor
from shopcms.promotions.resources import customer_key
from shopcms.web.i18n import _

LABELS = {"code": _("Discount code"), "uses": _("Uses")}


def _keys(account=None, email=None):
    return [key for key in (customer_key(account), customer_key(None, email)) if key]


def _used(root, keys):
    folder = root.get("promotions")
    if folder is None:
        return []
    return [
        (promotion, key)
        for promotion in folder.values()
        for key in keys
        if key in promotion.by_customer
    ]


def export_account(root, account):
    return export_guest(root, account.email, account.__name__)


def export_guest(root, email, account=None):
    used = _used(root, _keys(account, email))
    found = [{"code": p.code, "uses": p.by_customer[key]} for p, key in used]
    return found or None


def erase_account(root, account, now, registry, options=frozenset()):
    return erase_guest(root, account.email, now, registry, options, account.__name__)


def erase_guest(root, email, now, registry, options=frozenset(), account=None):
    """Forget who used which code; the report's line (no personal value)."""
    used = _used(root, _keys(account, email))
    for promotion, key in used:
        del promotion.by_customer[key]
    return f"promotions: {len(used)} code uses forgotten" if used else None


def includeme(config):
    add_contributor(
        config.registry,
        Contributor(
            "promotions",
            _("Discount codes used"),
            export=export_account,
            erase=erase_account,
            export_guest=export_guest,
            erase_guest=erase_guest,
            labels=LABELS,
        ),
    )
