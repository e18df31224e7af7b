"""Business buyers: the company name and VAT number an order (and an account) may carry.

A VAT number is checked with python-stdnum (``stdnum.eu.vat``): the format and the check
digits of the number of every EU member state.  It is kept compact with its country
prefix, upper case, without spaces, dots or dashes: ``NL004495445B01``, ``BE0428759497``;
Greece's prefix is ``EL`` (the VAT prefix, not the ISO code ``GR``), and ``GR...`` typed by a
customer becomes ``EL...``.  Only the 27 member states are accepted (not Northern Ireland's
``XI``: the shop does not deliver to the United Kingdom).

VIES, the EU's service that says whether a number is registered, cannot be reached from the
shop's server, so a number that passes is only as good as its format: the order records
:data:`FORMAT` ("not checked with VIES") in ``Order.buyer_vat_status``, and staff who have
checked it in VIES themselves mark it :data:`CONFIRMED` with the order desk's "Confirm VAT
number" (:func:`confirm`, recorded in the order's history with who did it).

What the checkout requires (``shopcms.orders.schemas.BusinessBuyer``): both fields are
optional; a VAT number needs a company name; and the VAT number's country must be the
country of the address on the invoice, the billing address when one is given, else the
delivery address (:func:`country_problem`).  A number typed without its prefix (a Belgian
often writes ``0428.759.497``) gets the prefix of that country (:func:`with_prefix`).

Privacy: the company name and VAT number of a sole trader are personal data.  They are kept
with the order (contract, then the accounts' legal period), and on the account only while
the customer consents to keeping their account data, like the saved addresses; the data
export and the erasure of an order (``Order.anonymise``) and of an account include them.
"""

from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat as eu_vat
from stdnum.util import clean

from shopcms.orders.resources import ERASED
from shopcms.web.i18n import _
from shopcms.web.layout import territories
from shopcms.workflow import HistoryEntry

#: ``Order.buyer_vat_status`` of a number whose format and check digits are right, not
#: checked with VIES.
FORMAT = "format"
#: ``Order.buyer_vat_status`` once staff confirmed the number (the history says who).
CONFIRMED = "confirmed"
#: The history entry's transition name of a confirmation (not a workflow transition).
CONFIRM_VAT = "confirm-vat"

STATUS_TITLES = {
    FORMAT: _("Format and check digits correct, not checked with VIES"),
    CONFIRMED: _("Confirmed by staff"),
}

#: The longest company name and VAT number a form takes (the longest VAT number, with
#: spaces and dots, is well under 30 characters).
COMPANY_MAX = 160
VAT_NUMBER_MAX = 30

#: The VAT prefix of each EU member state (ISO 3166-1 alpha-2 code -> prefix).
PREFIXES = {
    code: ("EL" if code == "GR" else code)
    for code in (
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    )
}  # fmt: skip
#: The member state of each VAT prefix.
COUNTRIES = {prefix: code for code, prefix in PREFIXES.items()}

#: The form of each member state's VAT number, as the messages show it: ``9`` is a digit,
#: ``A`` a letter, ``X`` a letter or a digit (the messages say so; ``stdnum``'s modules
#: say which forms each country has).
FORMATS = {
    "AT": "ATU99999999",
    "BE": "BE0999999999 / BE1999999999",
    "BG": "BG999999999 / BG9999999999",
    "CY": "CY99999999A",
    "CZ": "CZ99999999 / CZ999999999 / CZ9999999999",
    "DE": "DE999999999",
    "DK": "DK99999999",
    "EE": "EE999999999",
    "EL": "EL999999999",
    "ES": "ESX9999999X",
    "FI": "FI99999999",
    "FR": "FRXX999999999",
    "HR": "HR99999999999",
    "HU": "HU99999999",
    "IE": "IE9999999A / IE9999999AA / IE9X99999A",
    "IT": "IT99999999999",
    "LT": "LT999999999 / LT999999999999",
    "LU": "LU99999999",
    "LV": "LV99999999999",
    "MT": "MT99999999",
    "NL": "NL999999999B99",
    "PL": "PL9999999999",
    "PT": "PT999999999",
    "RO": "RO99 … RO9999999999",
    "SE": "SE999999999901",
    "SI": "SI99999999",
    "SK": "SK9999999999",
}


class VatNumberProblem(ValueError):
    """A VAT number is refused; ``message`` (a TranslationString) says why, naming the
    form the number should have."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _cleaned(number):
    """``number`` as typed, without spaces, dots, dashes and slashes, in upper case, with
    Greece's ``GR`` as ``EL``: what the messages show."""
    cleaned = clean(number or "", " -./,:").upper().strip()
    return "EL" + cleaned[2:] if cleaned.startswith("GR") else cleaned


def compact(number):
    """``number`` compact as :func:`check` gives it back (``NL4495445B01`` is
    ``NL004495445B01``), as far as it can be made so; nothing is checked, nothing raised."""
    cleaned = _cleaned(number)
    try:
        return _cleaned(eu_vat.compact(cleaned))
    except stdnum_errors.ValidationError:
        return cleaned


def with_prefix(number, country):
    """``number`` with the VAT prefix of ``country`` (ISO code) in front when it starts
    with a digit (typed without its prefix); otherwise as it is (only cleaned)."""
    cleaned = _cleaned(number)
    if cleaned[:1].isdigit() and country in PREFIXES:
        return PREFIXES[country] + cleaned
    return cleaned


def country_name(prefix, lang="en"):
    """The name in ``lang`` of the member state of VAT prefix ``prefix``."""
    code = COUNTRIES.get(prefix, prefix)
    return territories(lang).get(code, code)


def check(number, lang="en"):
    """The VAT number ``number`` compact with its prefix (see the module), or
    :class:`VatNumberProblem` with a message that names the expected form (country names
    in ``lang``)."""
    cleaned = _cleaned(number)
    prefix = cleaned[:2]
    if prefix not in COUNTRIES:
        raise VatNumberProblem(
            _(
                "This is not the VAT number of an EU country: a VAT number starts with the "
                "code of its country, for example BE, NL, FR, DE or EL for Greece."
            )
        )
    mapping = {
        "number": cleaned,
        "country": country_name(prefix, lang),
        "format": FORMATS[prefix],
    }
    try:
        valid = eu_vat.validate(cleaned)
    except stdnum_errors.InvalidChecksum:
        raise VatNumberProblem(
            _(
                "The check digits of ${number} are not right: please check the number. A VAT "
                "number of ${country} has the form ${format} (9 stands for a digit, A for a "
                "letter, X for a letter or a digit).",
                mapping=mapping,
            )
        ) from None
    except stdnum_errors.ValidationError:
        raise VatNumberProblem(
            _(
                "${number} is not a VAT number of ${country}: it has the form ${format} (9 "
                "stands for a digit, A for a letter, X for a letter or a digit).",
                mapping=mapping,
            )
        ) from None
    return _cleaned(valid)


def vat_country(number):
    """The ISO code of the member state of a checked VAT number (``EL...`` is ``GR``)."""
    return COUNTRIES.get(number[:2])


def country_problem(number, country, lang="en"):
    """Why the checked VAT number ``number`` does not go with an invoice address in
    ``country`` (a TranslationString), or None when it does."""
    if vat_country(number) == country:
        return None
    return _(
        "This VAT number is one of ${vat_country}, but the invoice goes to an address in "
        "${country}. Give the VAT number of the company at that address, or another "
        "billing address.",
        mapping={
            "vat_country": country_name(number[:2], lang),
            "country": territories(lang).get(country, country),
        },
    )


def invoice_country(details):
    """The country of the address on the invoice of checkout ``details`` (or of a cstruct):
    the billing address's when there is one, else the delivery address's."""
    billing = details.get("billing")
    if isinstance(billing, dict) and billing.get("country"):
        return billing["country"]
    delivery = details.get("delivery")
    return delivery.get("country") if isinstance(delivery, dict) else None


def status_title(status):
    """The title of ``Order.buyer_vat_status`` ``status`` (a TranslationString), or None."""
    return STATUS_TITLES.get(status)


class NotConfirmable(Exception):
    """The order's VAT number cannot be confirmed; ``message`` says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def not_confirmable(order):
    """Why ``order``'s VAT number cannot be confirmed (a TranslationString: it has none,
    an erased order has none left, or it is confirmed already), or None when it can."""
    if order.buyer_vat in (None, ERASED):
        return _("This order has no VAT number to confirm.")
    if order.buyer_vat_status == CONFIRMED:
        return _("This VAT number has been confirmed already.")
    return None


def can_confirm(order):
    """True when ``order`` has a VAT number that staff have not confirmed yet."""
    return not_confirmable(order) is None


def confirm(order, actor, now, comment=""):
    """Mark ``order``'s VAT number confirmed by ``actor`` (staff who checked it with VIES)
    and record it in the order's history (``confirm-vat``, with ``comment``).  Raises
    NotConfirmable (nothing changed) when there is nothing to confirm."""
    problem = not_confirmable(order)
    if problem is not None:
        raise NotConfirmable(problem)
    order.buyer_vat_status = CONFIRMED
    state = order.workflow_state
    order.workflow_history.append(
        HistoryEntry(
            transition=CONFIRM_VAT,
            from_state=state,
            to_state=state,
            actor=actor,
            when=now,
            comment=comment,
        )
    )
    order.touch()
