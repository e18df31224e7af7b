"""What other capabilities may use of the alerts: ``shopcms retention`` purges the expired
ones (``purge_expired``); the management dashboard shows how many wait for which products
(``waiting_by_product``: counts, never who)."""

from shopcms.stockalerts import alerts

__all__ = ["purge_expired", "waiting_by_product"]


def purge_expired(site, now):
    """Delete the alerts past their retention (never confirmed: 7 days; confirmed: 12
    months); returns how many went."""
    return alerts.purge_expired(site["stockalerts"], now)


def waiting_by_product(site):
    """``{pid: count}`` of the confirmed alerts waiting for each product (none before the
    folder's evolve step)."""
    folder = site.get("stockalerts")
    return alerts.waiting_by_product(folder) if folder is not None else {}
