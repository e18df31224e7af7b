"""The VAT rates of the EU member states, per product VAT class: KEEP THEM CURRENT.

A product carries its Belgian rate (``Product.vat_rate``: 21, 12, 6 or 0).  Its *VAT class*
follows from it (:func:`vat_class`): 21 is ``standard`` (pots, planters, mugs, cards), 6 is
``reduced`` (live ornamental plants, CN chapter 06: the shop's cacti, succulents and
houseplants), 0 is ``zero`` (0 % everywhere).  12 % is charged on none of the shop's goods
(margarine, some phytosanitary products, ...); it has no common class abroad, so a product
at 12 % is taxed at the destination's standard rate: the safe side, until such a product
appears and gets a class of its own.  No attribute is stored on the product: the class is a
function of its rate, so no evolve step is needed.

The rate of each country for each class (:func:`country_rates`) comes from
``data/eu_vat_rates.json``, seeded with the rates in force when it was compiled (its
``checked`` date), and can be corrected at once from the ini, one line per country::

    shopcms.vat.rates.FR = standard 20, reduced 10

(only the classes named change; a country not named keeps the file's rates).  A malformed
line stops the server at start (:func:`check_settings`): a wrong rate must not be charged
silently.

Keep current: the member states change their rates (Estonia, Finland, Romania, Slovakia and
Czechia did in 2024 and 2025).  Before turning ``shopcms.vat.oss`` on, and with every
quarterly OSS return, compare the table with the European Commission's Taxes in Europe
Database (TEDB) and fix the file (or the ini at once).  docs/vat.md says how.
"""

import functools
import json
import re
from decimal import Decimal, InvalidOperation
from importlib.resources import files

STANDARD, REDUCED, ZERO = "standard", "reduced", "zero"
#: The classes the data file and the ini give a rate for (``zero`` is 0 % everywhere).
CLASSES = (STANDARD, REDUCED)

#: The class of each Belgian rate a product can have (see the module docstring for 12 %).
CLASS_OF_BELGIAN_RATE = {
    Decimal("21"): STANDARD,
    Decimal("12"): STANDARD,
    Decimal("6"): REDUCED,
    Decimal("0"): ZERO,
}

#: Where the seeded table is (relative to the shopcms package).
DATA_FILE = "data/eu_vat_rates.json"
#: The ini setting that overrides a country's rates: the prefix, then the country code.
SETTING = "shopcms.vat.rates."

#: The country prefix of VAT numbers where it differs from the ISO code (Greece: EL).
VAT_PREFIX = {"GR": "EL"}

_OVERRIDE = re.compile(r"^\s*([a-z]+)\s+(\d{1,2}(?:\.\d{1,2})?)\s*%?\s*$")


def vat_class(belgian_rate):
    """The VAT class of a product whose Belgian rate is ``belgian_rate``; ValueError for a
    rate Belgium does not have."""
    try:
        return CLASS_OF_BELGIAN_RATE[Decimal(belgian_rate)]
    except KeyError:
        raise ValueError(f"VAT rate {belgian_rate} is not a Belgian rate") from None


@functools.cache
def seeded():
    """The data file: ``{"checked": ..., "countries": {CODE: {class: Decimal}}}``."""
    data = json.loads(files("shopcms").joinpath(DATA_FILE).read_text(encoding="utf-8"))
    countries = {
        code: {name: Decimal(rate) for name, rate in rates.items()}
        for code, rates in data["countries"].items()
    }
    return {"checked": data["checked"], "countries": countries}


def checked():
    """The date (ISO text) the seeded rates were compiled on."""
    return seeded()["checked"]


def parse_override(text):
    """``{class: Decimal}`` of an ini line ``standard 20, reduced 10``; ValueError for
    anything else (an unknown class, a rate that is not 0 to 99.99, a class twice)."""
    found = {}
    for part in text.split(","):
        match = _OVERRIDE.match(part.lower())
        if match is None or match[1] not in CLASSES or match[1] in found:
            raise ValueError(
                f"{text!r}: expected e.g. 'standard 20, reduced 10' (classes: "
                f"{', '.join(CLASSES)}; each once)"
            )
        try:
            found[match[1]] = Decimal(match[2])
        except InvalidOperation:  # pragma: no cover - the pattern allows only numbers
            raise ValueError(f"{text!r}: {match[2]} is not a rate") from None
    return found


def overrides(settings):
    """``{COUNTRY: {class: Decimal}}`` of the ``shopcms.vat.rates.XX`` lines of ``settings``
    (the code in either case); ValueError for a malformed one or an unknown country."""
    countries = seeded()["countries"]
    found = {}
    for key, value in settings.items():
        if not key.lower().startswith(SETTING) or not str(value).strip():
            continue
        code = key[len(SETTING) :].upper()
        if code not in countries:
            raise ValueError(f"{key}: {code} is not an EU member state")
        try:
            found[code] = parse_override(str(value))
        except ValueError as exc:
            raise ValueError(f"{key}: {exc}") from None
    return found


def country_rates(settings, country):
    """``{class: Decimal}`` of ``country`` (ISO code): the data file's rates with the ini's
    overrides; KeyError for a country outside the EU."""
    rates = dict(seeded()["countries"][country])
    rates.update(overrides(settings).get(country, {}))
    return rates


def rate(settings, country, klass):
    """The rate ``country`` charges on goods of VAT class ``klass``."""
    if klass == ZERO:
        return Decimal("0")
    return country_rates(settings, country)[klass]


def table(settings):
    """``[(country, {class: Decimal}, overridden)]`` for every member state, by code: what
    the shop charges under OSS (docs and checks show it)."""
    changed = overrides(settings)
    return [
        (code, country_rates(settings, code), code in changed)
        for code in sorted(seeded()["countries"])
    ]


def check_settings(settings):
    """Raise ValueError when a ``shopcms.vat.rates.XX`` line is malformed (called when the
    application starts), or when Belgium's own rates would differ from the products'."""
    belgium = country_rates(settings, "BE")
    if belgium != {STANDARD: Decimal("21"), REDUCED: Decimal("6")}:
        raise ValueError(
            "shopcms.vat.rates.BE: Belgium's rates are the products' own (21 and 6); "
            "change a product's rate in the desk instead"
        )


def vat_prefix(country):
    """The prefix of ``country``'s VAT numbers (``EL`` for Greece)."""
    return VAT_PREFIX.get(country, country)


def country_of_vat_prefix(prefix):
    """The member state whose VAT numbers start with ``prefix``, or None."""
    for code in seeded()["countries"]:
        if vat_prefix(code) == prefix:
            return code
    return None
