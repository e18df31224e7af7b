"""The outbox seen from outside: a readiness check and metric gauges (shopcms.operations).

The check fails when the oldest waiting mail is older than ``shopcms.mail.stuck_after``
seconds (default 900): the sender is not running, or the SMTP server has refused mail for
that long.  It is reported by ``/readyz`` but not critical: a stuck outbox does not stop a
process from serving pages and taking orders (their mails wait, nothing is lost), and
taking every process out of the load balancer because the mail server is down would close
the shop.  Monitoring reads the check's detail (and the gauges) and alerts.
"""

from shopcms.mail.outbox import outbox_state
from shopcms.operations.health import NotReady, database_reachable, read_root

DEFAULT_STUCK_AFTER = 900


def current_state(registry):
    """:func:`outbox_state`, read in a connection of its own.  The database is asked first
    (``database_reachable``): a ZODB connection that fails to open while the server is gone
    would be left half-registered in the pool (RelStorage)."""
    database_reachable(registry)
    return read_root(registry, outbox_state)


def outbox_check(registry):
    """The outbox's state (for ``/readyz``'s detail); NotReady when it is stuck."""
    state = current_state(registry)
    limit = float(registry.settings.get("shopcms.mail.stuck_after", DEFAULT_STUCK_AFTER))
    if state["oldest_age_seconds"] > limit:
        raise NotReady(
            f"the oldest of {state['size']} waiting mails is "
            f"{state['oldest_age_seconds']:.0f} s old (last error: {state['last_error']})"
        )
    return state


def includeme(config):
    config.add_readiness_check("outbox", outbox_check, critical=False)
    config.add_metric_gauge(
        "shopcms_outbox_messages",
        "Mails waiting in the outbox",
        lambda registry: current_state(registry)["size"],
    )
    config.add_metric_gauge(
        "shopcms_outbox_oldest_age_seconds",
        "Age of the oldest mail waiting in the outbox",
        lambda registry: current_state(registry)["oldest_age_seconds"],
    )
