"""The one place alerts change: ask, confirm, take the confirmed ones of a product back in
stock, erase, purge.

Contracts:

- :func:`ask` stores at most one alert per product and address, whoever asks and however
  often.  A guest's alert waits for its owner's confirmation (double opt-in: the caller
  queues the confirmation mail's intent, the same for every address; its composer decides
  whether a mail goes).  An alert asked by the logged-in customer whose account's address
  it is is confirmed at once.  It tells the caller nothing about what was there before.
- :func:`confirm` uses up every confirmation link of the alert.
- :func:`take_confirmed` removes the confirmed alerts of a product and returns them (the
  caller mails each once, in the same transaction); waiting ones stay, and get nothing.
- :func:`purge_expired` (``shopcms retention``): an alert never confirmed goes once its link
  has expired (:data:`CONFIRM_MAX_AGE`, 7 days after it was last asked for), a confirmed
  one after :data:`KEPT` if its product never came back.

Every function but the readers writes: call them in a POST, or the transaction of a stock
change or of a command.
"""

from datetime import timedelta

from shopcms.newsletter.api import normalise_address
from shopcms.stockalerts.resources import Alert, new_key

#: Seconds a confirmation link stays valid, and an unconfirmed alert is kept: 7 days.
CONFIRM_MAX_AGE = 7 * 24 * 3600
#: How long a confirmed alert waits for its product: 12 months.
KEPT = timedelta(days=365)


def normalise(address):
    """``address`` as the alerts compare it; ValueError if it is not a mail address."""
    return normalise_address(address)


def find(folder, pid, address):
    """The alert of product ``pid`` for ``address`` (any spelling), or None."""
    try:
        key = folder.by_product.get((pid, normalise(address)))
    except ValueError:
        return None
    return folder.alerts.get(key) if key is not None else None


def ask(folder, pid, address, lang, now, account=None):
    """Ask to be mailed in ``lang`` when product ``pid`` is back; returns the alert.

    ``account``: the id of the logged-in customer whose own address ``address`` is: the
    alert is confirmed at once.  Otherwise a new alert waits for confirmation, and one
    that waits already is asked anew (its language and time; its link stays the same).  A
    confirmed alert stays as it is.  ValueError for a malformed address.
    """
    normalised = normalise(address)
    alert = find(folder, pid, normalised)
    if alert is None:
        key = new_key()
        alert = Alert(key, pid, address.strip(), normalised, lang, now, account)
        folder.alerts[key] = alert
        folder.by_product[(pid, normalised)] = key
        folder.by_address[(normalised, pid)] = key
    elif not alert.is_confirmed:
        alert.lang, alert.asked = lang, now
    if account is not None and not alert.is_confirmed:
        alert.account = account
        confirm(alert, now)
    return alert


def confirm(alert, now):
    """The owner confirmed ``alert`` (or asked while logged in): every link is used up."""
    alert.confirmed = now
    alert.nonce = None


def remove(folder, alert):
    """Delete ``alert`` and its index entries."""
    folder.by_product.pop((alert.pid, alert.normalised), None)
    folder.by_address.pop((alert.normalised, alert.pid), None)
    folder.alerts.pop(alert.key, None)


def of_product(folder, pid):
    """The alerts of product ``pid`` (confirmed or not)."""
    keys = folder.by_product.values(min=(pid, ""), max=(pid, "\U0010ffff"))
    return [folder.alerts[key] for key in keys]


def take_confirmed(folder, pid):
    """Remove the confirmed alerts of product ``pid`` and return them (see the module)."""
    taken = [alert for alert in of_product(folder, pid) if alert.is_confirmed]
    for alert in taken:
        remove(folder, alert)
    return taken


def waiting_count(folder, pid):
    """How many confirmed alerts wait for product ``pid``."""
    return sum(1 for alert in of_product(folder, pid) if alert.is_confirmed)


def waiting_by_product(folder):
    """``{pid: how many confirmed alerts wait for it}``, for the products that have any
    (one pass over the alerts: the management dashboard's figure)."""
    counts = {}
    for alert in folder.alerts.values():
        if alert.is_confirmed:
            counts[alert.pid] = counts.get(alert.pid, 0) + 1
    return counts


def of_address(folder, address):
    """The alerts of ``address`` (any spelling), for every product."""
    try:
        normalised = normalise(address)
    except ValueError:
        return []
    keys = folder.by_address.values(min=(normalised, -(2**63)), max=(normalised, 2**63))
    return [folder.alerts[key] for key in keys]


def of_account(folder, account_id):
    """The alerts asked by the logged-in customer ``account_id`` (a scan: for the rare
    export or erasure of an account whose address changed since)."""
    return [alert for alert in folder.alerts.values() if alert.account == account_id]


def purge_expired(folder, now):
    """Delete the alerts past their retention (see the module); returns how many went."""
    unconfirmed = now - timedelta(seconds=CONFIRM_MAX_AGE)
    confirmed = now - KEPT
    gone = [
        alert
        for alert in folder.alerts.values()
        if (alert.confirmed or alert.asked) < (confirmed if alert.is_confirmed else unconfirmed)
    ]
    for alert in gone:
        remove(folder, alert)
    return len(gone)
