"""The time, in one place, so that scheduled publication can be tested with a controlled clock.

``request.now`` is the time of the request (UTC, fixed for the whole request).  Code outside a
request asks :func:`now` with the registry.  Times shown to people are in the site's time
zone (``shopcms.timezone``, Europe/Brussels).
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def system_clock():
    return datetime.now(UTC)


def now(registry):
    return registry.shopcms_clock()


def site_timezone(registry):
    return registry.shopcms_timezone


def includeme(config):
    registry = config.registry
    # A test configuration (pyramid.includes) may have installed its own clock first.
    if not hasattr(registry, "shopcms_clock"):
        registry.shopcms_clock = system_clock
    registry.shopcms_timezone = ZoneInfo(
        config.get_settings().get("shopcms.timezone") or "Europe/Brussels"
    )
    config.add_request_method(lambda request: now(request.registry), "now", reify=True)
