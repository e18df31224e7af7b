"""The One-Stop Shop (OSS) report: per quarter, per EU country of consumption other than
Belgium and per VAT rate, the taxable base and the VAT of the distance sales to consumers
charged at that country's rate — what the quarterly OSS return declares.

What counts (:func:`oss_rows`): the VAT groups of category ``S`` (rate charged) of the
invoices and credit notes issued in the quarter whose buyer lives in another EU country
than the seller's (:data:`HOME`); a credit note's amounts are subtracted, in the quarter it
is issued (the return's corrections of an earlier quarter are for the accountant to move;
the report says which quarter each amount was issued in by being per quarter).  Reverse
charge (``AE``), exports (``G``) and Belgian sales are not OSS sales and are left out; so
is a buyer outside the EU.

Where the documents come from is not this module's business: :func:`report` takes a
function ``documents_between(site, start, end)`` that yields every invoice and credit note
(:class:`~shopcms.invoicing.document.Document`) issued on or after the date ``start`` and
before the date ``end``; the desk's view gets it from the registry
(``config.set_oss_documents``, see ``invoicing.views.oss``).

:func:`oss_csv` writes the rows for a spreadsheet or the accountant: not translated,
amounts with a decimal point, countries as ISO 3166-1 codes.
"""

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shopcms.invoicing.document import CREDIT_NOTE, INVOICE, STANDARD, ZERO

#: The seller's country: its sales there are declared in the Belgian VAT return.
HOME = "BE"

#: The EU's member states (ISO 3166-1 alpha-2; Greece is GR here, EL only in VAT numbers).
EU_COUNTRIES = frozenset(
    ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU")
    + ("IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK")
)

#: The first quarter of the OSS (the scheme started on 1 July 2021).
FIRST = (2021, 3)

_QUARTER = re.compile(r"^\s*(\d{4})-?Q([1-4])\s*$", re.IGNORECASE)

#: The CSV's header row.
CSV_COLUMNS = ("quarter", "country", "rate", "taxable_base", "vat")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: ``year`` and ``number`` (1 to 4), written ``2026-Q4``."""

    year: int
    number: int

    @classmethod
    def parse(cls, text):
        """The quarter ``text`` names (``2026-Q4``, ``2026q4``), or None."""
        found = _QUARTER.match(text or "")
        if found is None:
            return None
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def of(cls, day):
        """The quarter ``day`` falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self):
        """Its first day."""
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self):
        """The first day after it (the next quarter's start)."""
        return self.next().start

    def next(self):
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self):
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def __str__(self):
        return f"{self.year}-Q{self.number}"


def recent_quarters(today, count=12):
    """The ``count`` quarters up to the one of ``today``, newest first, none before the
    OSS began."""
    quarters, quarter = [], Quarter.of(today)
    while len(quarters) < count and (quarter.year, quarter.number) >= FIRST:
        quarters.append(quarter)
        quarter = quarter.previous()
    return quarters


@dataclass(frozen=True)
class OssRow:
    """The OSS sales of one country at one rate: ``taxable`` base and ``vat`` (euro)."""

    country: str
    rate: Decimal
    taxable: Decimal
    vat: Decimal


def oss_sales(document, home=HOME):
    """Whether ``document`` is an OSS distance sale: its buyer in another EU country."""
    country = document.buyer.country
    return country != home and country in EU_COUNTRIES


def oss_rows(documents, quarter, home=HOME):
    """The rows of ``quarter`` from ``documents`` (see the module): one per (country, rate)
    with a sale or a credit note, by country, the highest rate first."""
    sums = defaultdict(lambda: [ZERO, ZERO])
    for document in documents:
        if not quarter.start <= document.issued < quarter.end or not oss_sales(document, home):
            continue
        if document.kind not in (INVOICE, CREDIT_NOTE):
            raise ValueError(f"not an invoice or a credit note: {document.kind!r}")
        sign = -1 if document.kind == CREDIT_NOTE else 1
        for group in document.groups:
            if group.category != STANDARD:
                continue
            amounts = sums[(document.buyer.country, group.rate)]
            amounts[0] += sign * group.taxable
            amounts[1] += sign * group.vat
    return [
        OssRow(country, rate, taxable, vat)
        for (country, rate), (taxable, vat) in sorted(
            sums.items(), key=lambda kv: (kv[0][0], -kv[0][1])
        )
    ]


def report(documents_between, site, quarter, home=HOME):
    """The rows of ``quarter``, from the documents ``documents_between(site, start, end)``
    gives for the quarter's dates (``end`` excluded)."""
    return oss_rows(documents_between(site, quarter.start, quarter.end), quarter, home)


def totals(rows):
    """``(taxable, vat)``: the sums of ``rows``."""
    return sum((row.taxable for row in rows), ZERO), sum((row.vat for row in rows), ZERO)


def oss_csv(quarter, rows):
    """The rows as CSV text: a header ``quarter,country,rate,taxable_base,vat`` and a row
    per (country, rate); rates as percent (``5.5``), amounts to the cent."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        rate = format(row.rate.normalize(), "f")
        writer.writerow((str(quarter), row.country, rate, f"{row.taxable:.2f}", f"{row.vat:.2f}"))
    return out.getvalue()


def csv_filename(quarter):
    """``oss-2026-Q4.csv``."""
    return f"oss-{quarter}.csv"
