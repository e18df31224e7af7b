"""The parcel's carrier and tracking number, entered at the desk with "Mark shipped".

Staff may give, with the ``ship`` transition, a carrier of :data:`CARRIERS` and the
parcel's tracking number; the order keeps them as ``order.tracking``::

    {"carrier": "bpost", "number": "323212345678901234567890", "url": "https://..."}

(``None``, the class default, when none was given: older orders, a parcel handed over
without one).  The "shipped" mail names the carrier and links to its public tracking page.

The carriers are those a Belgian web shop ships with; each has the public page where
anyone follows a parcel by its number, a pattern with ``{number}`` (the number, URL-quoted),
``{lang}`` (the order's language), ``{country}`` and ``{postcode}`` (of the delivery
address, PostNL asks for them).  These addresses are the carriers' own and change now and
then: a setting ``shopcms.tracking.CARRIER`` (the name in lower case, e.g.
``shopcms.tracking.dhl = https://...{number}``) replaces a pattern without a code change.
A carrier is stored by its name as customers know it (``bpost``, ``PostNL``, ...): the
mails show it as it is.  Checked 2026-12:

- bpost: ``https://track.bpost.cloud/btr/web/#/search?itemCode={number}&lang={lang}``
- PostNL: ``https://jouw.postnl.nl/track-and-trace/{number}-{country}-{postcode}``
- DPD: ``https://tracking.dpd.de/status/{lang}_BE/parcel/{number}``
- GLS: ``https://gls-group.com/BE/en/parcel-tracking?match={number}``
- DHL: ``https://www.dhl.com/be-{lang}/home/tracking/tracking-parcel.html?submit=1&tracking-id={number}``

A tracking number is 6 to 40 letters and digits (spaces and hyphens, which people copy
from labels, are taken out); it is stored in capitals.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

import colander
import deform

from shopcms.orders.schemas import TransitionSchema
from shopcms.web.forms.types import Text, strip
from shopcms.web.i18n import _


@dataclass(frozen=True)
class Carrier:
    """A carrier: its ``title`` (its brand name, also its key: not translated) and its
    tracking page's ``pattern``."""

    title: str
    pattern: str


CARRIERS = {
    "bpost": Carrier(
        "bpost", "https://track.bpost.cloud/btr/web/#/search?itemCode={number}&lang={lang}"
    ),
    "PostNL": Carrier(
        "PostNL", "https://jouw.postnl.nl/track-and-trace/{number}-{country}-{postcode}"
    ),
    "DPD": Carrier("DPD", "https://tracking.dpd.de/status/{lang}_BE/parcel/{number}"),
    "GLS": Carrier("GLS", "https://gls-group.com/BE/en/parcel-tracking?match={number}"),
    "DHL": Carrier(
        "DHL",
        "https://www.dhl.com/be-{lang}/home/tracking/tracking-parcel.html?submit=1&tracking-id={number}",
    ),
}

NUMBER = re.compile(r"^[A-Z0-9]{6,40}$")


def normalise(number):
    """The tracking number as stored: without spaces and hyphens, in capitals."""
    return re.sub(r"[\s-]+", "", str(number)).upper()


def valid_number(number):
    return bool(NUMBER.match(normalise(number)))


def pattern(settings, carrier):
    """The tracking page's pattern of ``carrier``: the setting's, else :data:`CARRIERS`'."""
    return settings.get(f"shopcms.tracking.{carrier.lower()}") or CARRIERS[carrier].pattern


def tracking_url(settings, carrier, number, order):
    """The public tracking page of parcel ``number`` of ``carrier`` for ``order``."""
    delivery = order.delivery or {}
    values = {
        "number": quote(number, safe=""),
        "lang": quote(order.lang or "en", safe=""),
        "country": quote(str(delivery.get("country", "")), safe=""),
        "postcode": quote(str(delivery.get("postcode", "")).replace(" ", ""), safe=""),
    }
    return pattern(settings, carrier).format(**values)


def record(settings, order, carrier, number):
    """Keep ``order.tracking`` for ``carrier`` and ``number`` (both checked by the form:
    a carrier of :data:`CARRIERS`, a valid number); ``carrier`` empty: nothing kept."""
    if not carrier:
        order.tracking = None
        return None
    number = normalise(number)
    order.tracking = {
        "carrier": carrier,
        "number": number,
        "url": tracking_url(settings, carrier, number, order),
    }
    return order.tracking


def carrier_title(tracking):
    """The carrier's name of ``order.tracking`` (its key if no longer listed)."""
    carrier = CARRIERS.get(tracking["carrier"]) if tracking else None
    return carrier.title if carrier is not None else (tracking or {}).get("carrier", "")


CARRIER_NAMES = tuple(CARRIERS)


def _number(node, value):
    if not valid_number(value):
        raise colander.Invalid(node, _("A tracking number has 6 to 40 letters and digits."))


class ShipSchema(TransitionSchema):
    """ "Mark shipped" at the desk: the transition's comment, and optionally the carrier
    and the parcel's tracking number (both or neither; the carrier one of
    :data:`CARRIERS`: any other is refused)."""

    carrier = colander.SchemaNode(
        Text(),
        title=_("Carrier (optional)"),
        missing="",
        validator=colander.OneOf(("", *CARRIER_NAMES)),
        widget=deform.widget.SelectWidget(
            values=[("", _("None")), *((n, c.title) for n, c in CARRIERS.items())]
        ),
    )
    tracking_number = colander.SchemaNode(
        Text(max_length=60),
        title=_("Tracking number (optional)"),
        preparer=strip,
        missing="",
        validator=_number,
        widget=deform.widget.TextInputWidget(attributes={"maxlength": "60"}),
    )

    def validator(self, node, value):
        if bool(value["carrier"]) != bool(value["tracking_number"]):
            error = colander.Invalid(node)
            missing = "tracking_number" if value["carrier"] else "carrier"
            error[missing] = _("Give the carrier and the tracking number together.")
            raise error
