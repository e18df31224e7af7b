"""The alerts' side of the privacy statement (purpose ``stock_alerts``).

- **Export** (an account's, or a guest's by address): each alert with its address,
  product, language, when it was asked for and confirmed.  An account's are those of its
  address and those its owner asked while logged in.  The confirmation nonce (a secret
  that only makes the link work) is left out.
- **Erasure**: those alerts are deleted; nothing is kept of them.
- **Retention**: ``alerts.purge_expired`` from ``shopcms retention`` (never confirmed: 7
  days; confirmed: 12 months if the product never comes back); a mailed alert is deleted
  when it is mailed.
"""

from shopcms.privacy.export import Contributor, add_contributor
from shopcms.products.api import product_by_id
from shopcms.stockalerts import alerts
from shopcms.web.i18n import _

#: The names of the exported fields on the readable export page (None: JSON only).
LABELS = {
    "email": _("Email address"),
    "product": _("Product"),
    "product_id": None,
    "language": _("Language"),
    "requested": _("Asked for"),
    "confirmed": _("Confirmed"),
}


def exported(root, alert):
    """One alert as the export shows it (plain values)."""
    product = product_by_id(root, alert.pid)
    titles = product.titles if product is not None else {}
    return {
        "email": alert.address,
        "product": titles.get(alert.lang) or next(filter(None, titles.values()), None),
        "product_id": alert.pid,
        "language": alert.lang,
        "requested": alert.asked,
        "confirmed": alert.confirmed,
    }


def _of_account(folder, account):
    found = {a.key: a for a in alerts.of_address(folder, account.email)}
    found.update((a.key, a) for a in alerts.of_account(folder, account.__name__))
    return list(found.values())


def export_account(root, account):
    found = _of_account(root["stockalerts"], account)
    return [exported(root, alert) for alert in found] or None


def export_guest(root, email):
    found = alerts.of_address(root["stockalerts"], email)
    return [exported(root, alert) for alert in found] or None


def _erase(folder, found):
    for alert in found:
        alerts.remove(folder, alert)
    return f"back-in-stock alerts: {len(found)} deleted" if found else None


def erase_account(root, account, now, registry, options=frozenset()):
    folder = root["stockalerts"]
    return _erase(folder, _of_account(folder, account))


def erase_guest(root, email, now, registry, options=frozenset()):
    folder = root["stockalerts"]
    return _erase(folder, alerts.of_address(folder, email))


def includeme(config):
    add_contributor(
        config.registry,
        Contributor(
            "stock_alerts",
            _("Back-in-stock alerts"),
            export=export_account,
            erase=erase_account,
            export_guest=export_guest,
            erase_guest=erase_guest,
            labels=LABELS,
        ),
    )
