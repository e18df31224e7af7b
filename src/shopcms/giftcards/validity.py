"""How long a gift card can be spent: ``shopcms.giftcards.valid_months`` from its issue.

The setting cannot go below :data:`LEGAL_MINIMUM_MONTHS`, two years: the floor this shop
holds to as consumer law's minimum for gift vouchers (a shorter validity is attacked as an
unfair term; two years is what Belgian consumer organisations ask and what neighbouring
countries set).  A lower value stops the server at start with a message naming the
setting.  The card's mail and PDF state its expiry, as a voucher must.  A card is valid
until the end of the day its validity ends, in the shop's time zone.
"""

import calendar
from datetime import UTC, date, datetime, time, timedelta

from shopcms.web.clock import site_timezone

SETTING = "shopcms.giftcards.valid_months"
LEGAL_MINIMUM_MONTHS = 24
DEFAULT_MONTHS = 24


def valid_months(settings):
    """The configured validity in months; ValueError naming the setting when it is not a
    whole number of at least :data:`LEGAL_MINIMUM_MONTHS`."""
    raw = str(settings.get(SETTING, DEFAULT_MONTHS)).strip()
    try:
        months = int(raw)
    except ValueError:
        raise ValueError(f"{SETTING} must be a whole number of months, not {raw!r}") from None
    if months < LEGAL_MINIMUM_MONTHS:
        raise ValueError(
            f"{SETTING} = {months}: a gift card must stay valid for at least "
            f"{LEGAL_MINIMUM_MONTHS} months (consumer law's minimum)"
        )
    return months


def expires(registry, issued):
    """When a card issued at ``issued`` (aware) stops being valid: the last moment of the
    day ``valid_months`` later in the shop's time zone, in UTC."""
    zone = site_timezone(registry)
    last_day = add_months(issued.astimezone(zone).date(), valid_months(registry.settings))
    end = datetime.combine(last_day, time(23, 59, 59), tzinfo=zone)
    # Stored in UTC: the ZODB pickles no time zone object.
    return (end + timedelta(microseconds=999999)).astimezone(UTC)


def add_months(day, months):
    """``day`` plus ``months`` calendar months; the 29th to 31st become the month's last
    day where the month is shorter (31 January plus one month is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_settings(settings):
    """Raise ValueError for a validity the law does not allow (called at start)."""
    valid_months(settings)
