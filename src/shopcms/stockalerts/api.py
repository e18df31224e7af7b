"""What other capabilities may use of the alerts: ``shopcms retention`` purges the expired
ones (``purge_expired``)."""

from shopcms.stockalerts import alerts

__all__ = ["purge_expired"]


def purge_expired(site, now):
    """Delete the alerts past their retention (never confirmed: 7 days; confirmed: 12
    months); returns how many went."""
    return alerts.purge_expired(site["stockalerts"], now)
