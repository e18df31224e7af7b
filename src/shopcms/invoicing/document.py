"""What an invoice or a credit note says: one frozen value that the PDF and the Peppol UBL
file are both rendered from, so the two can never disagree.

A :class:`Document` is built once, when the invoice or credit note is issued, from the
order as it was sold (its lines, shipping, VAT scheme, buyer) and the company's details in
force that day, and is stored as it is: an invoice is never recomputed afterwards.

Amounts are ``Decimal`` euro.  The shop's prices include VAT (``products.pricing``); the law
and Peppol want the taxable base per VAT rate and the VAT on it.  The VAT of a rate is the
VAT contained in the gross total of its lines (rounded once per rate, the shop's rule); the
base is that gross total less its VAT.  :func:`net_lines` spreads a rate's base over its
lines so that the lines' net amounts add up to it exactly, which the EN 16931 calculation
rules (BR-CO-10, BR-CO-13, BR-S-08) demand and a per-line rounding would break by a cent.

VAT categories (UNCL5305, as Peppol BIS Billing 3.0 uses them): ``S`` standard or reduced
rate charged; ``AE`` reverse charge (an intra-EU sale to a business with a valid VAT
number: 0 % here, the buyer accounts for the VAT; :data:`REVERSE_CHARGE_NOTE` is the
mention the invoice must carry); ``G`` export outside the EU (0 %).

A multi-purpose voucher sold (a gift card, issue 19; VAT directive art. 30b, Belgian VAT
code art. 18/1) is outside the scope of VAT: its VAT is due when it is spent
(:data:`VOUCHER_NOTE`).  Its lines are ``O`` (outside the scope) on an invoice of vouchers
alone; beside goods they are ``E`` at 0 % with the mention as the exemption's text, since
EN 16931 lets no other category stand beside ``O`` (BR-O-11).  Both are
:data:`VOUCHER_CATEGORIES`, which no other line uses; the OSS report counts neither.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"

STANDARD = "S"
REVERSE_CHARGE = "AE"
EXPORT = "G"
OUTSIDE_SCOPE = "O"
EXEMPT = "E"
#: The categories of a multi-purpose voucher's lines (see the module).
VOUCHER_CATEGORIES = (OUTSIDE_SCOPE, EXEMPT)

#: The exemption reason code (VATEX, BT-121) of each zero-rated category.
EXEMPTION_CODES = {REVERSE_CHARGE: "VATEX-EU-AE", EXPORT: "VATEX-EU-G", OUTSIDE_SCOPE: "VATEX-EU-O"}

#: The mention an intra-EU reverse-charge invoice carries (art. 226 (11a) of the VAT
#: Directive; in Belgium art. 5 § 1, 7° of Royal Decree no. 1), in English: the templates
#: translate it.
REVERSE_CHARGE_NOTE = (
    "Reverse charge: VAT to be accounted for by the recipient (art. 196 Directive 2006/112/EC)."
)


#: The mention of an invoice that sells gift cards (multi-purpose vouchers), in English: the
#: templates translate it.
VOUCHER_NOTE = "Multi-purpose voucher: VAT is due when it is spent"


@dataclass(frozen=True)
class Party:
    """The seller or the buyer as the document names them.

    ``name``: a person's or the company's name; ``company``: the legal name of a business
    buyer (None for a consumer); ``vat_number``: with its country prefix, compact
    (``NL123456789B01``), or None; ``enterprise_number``: the seller's KBO/BCE number
    (``0123456749``), None for a buyer; the address as one street line, postcode, city and
    ISO 3166-1 alpha-2 ``country``; ``email``: who the document is sent to, or None;
    ``iban``, ``bic``: the seller's bank account (payment instructions).
    """

    name: str
    street: str
    postcode: str
    city: str
    country: str
    company: str | None = None
    vat_number: str | None = None
    enterprise_number: str | None = None
    email: str | None = None
    phone: str | None = None
    iban: str | None = None
    bic: str | None = None
    #: The seller's legal form as written after its name (``bv``) and its register of
    #: legal entities (``RPR Gent``), which a Belgian invoice names; None for a buyer.
    legal_form: str | None = None
    register: str | None = None

    @property
    def legal_name(self):
        return self.company or self.name


@dataclass(frozen=True)
class Line:
    """One line: ``quantity`` of ``description`` at ``unit_price`` (VAT included), ``total``
    (VAT included), ``net`` (its share of its rate's taxable base, see :func:`net_lines`),
    VAT ``category`` and ``rate`` (percent).  Shipping is a line of its own whose ``sku``
    is :data:`SHIPPING_SKU`."""

    description: str
    sku: str
    quantity: int
    unit_price: Decimal
    total: Decimal
    net: Decimal
    category: str
    rate: Decimal

    @property
    def net_unit_price(self):
        """The price of one unit without VAT, as Peppol's line price (BT-146): the line's
        net amount divided by its quantity, to four decimals (BR-LIN-04 multiplies back)."""
        return (self.net / self.quantity).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


SHIPPING_SKU = "SHIPPING"
#: The line of a discount code's reduction at one VAT rate (issue 19): quantity -1 at the
#: reduction's amount, so the price stays positive (Peppol BR-27) and the line's total,
#: negative, lowers its rate's base and VAT.
DISCOUNT_SKU = "DISCOUNT"


@dataclass(frozen=True)
class VatGroup:
    """The VAT of one (category, rate): ``taxable`` base and ``vat`` on it."""

    category: str
    rate: Decimal
    taxable: Decimal
    vat: Decimal

    @property
    def gross(self):
        return self.taxable + self.vat


@dataclass(frozen=True)
class Document:
    """An invoice or a credit note as issued (see the module).

    ``kind``: :data:`INVOICE` or :data:`CREDIT_NOTE`; ``number``: its number in its series;
    ``issued``: its date; ``lang``: the language it is written in (the order's);
    ``order_number``: the order it bills; ``refers_to`` and ``refers_to_date``: for a
    credit note, the invoice it corrects; ``lines`` (shipping included), ``groups`` (one
    per category and rate, highest rate first); ``paid``: what the buyer has already paid
    of the total (an invoice is issued once the order is paid: all of it; a credit note:
    what is paid back); ``payment_means``: ``transfer``, ``card`` or ``giftcard`` (the
    method's kind); ``payment_reference``: the structured communication (OGM) or the
    provider's payment id (the order's number for a gift card);
    ``note``: a free text the document carries (the reason of a credit note), or "";
    ``gift_cards``: ``((last4, amount), ...)``, what gift cards paid of an invoice's total
    (a payment: multi-purpose vouchers, taxed here as the goods are) or what a credit note
    puts back on them; the rest (:attr:`paid_otherwise`) was paid or paid back otherwise.
    """

    kind: str
    number: str
    issued: date
    lang: str
    seller: Party
    buyer: Party
    order_number: str
    lines: tuple
    groups: tuple
    paid: Decimal
    payment_means: str
    payment_reference: str
    refers_to: str | None = None
    refers_to_date: date | None = None
    note: str = ""
    currency: str = field(default="EUR")
    gift_cards: tuple = ()

    @property
    def net_total(self):
        return sum((g.taxable for g in self.groups), ZERO)

    @property
    def vat_total(self):
        return sum((g.vat for g in self.groups), ZERO)

    @property
    def total(self):
        return self.net_total + self.vat_total

    @property
    def payable(self):
        return self.total - self.paid

    @property
    def paid_otherwise(self):
        """What was paid (or paid back) by other means than gift cards."""
        return self.paid - sum((Decimal(amount) for _last4, amount in self.gift_cards), ZERO)

    @property
    def reverse_charge(self):
        return any(g.category == REVERSE_CHARGE for g in self.groups)


def vat_included(amount, rate):
    """The VAT contained in ``amount`` (VAT included) at ``rate`` percent, rounded half up
    to the cent (the same rule as ``products.pricing``)."""
    return (amount * rate / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def net_lines(items):
    """Lines and VAT groups from ``items``: dicts with ``description``, ``sku``,
    ``quantity``, ``unit_price``, ``total`` (VAT included), ``category`` and ``rate``.

    Returns ``(lines, groups)``: the lines in the order of ``items``, the groups highest
    rate first.  Per (category, rate) the VAT is that contained in the gross total, the
    base is the rest; each line's net is its gross less its own contained VAT, the group's
    last line taking what rounding left, so the nets add up to the base to the cent.
    """
    items = [dict(item, rate=Decimal(item["rate"]), total=Decimal(item["total"])) for item in items]
    members = defaultdict(list)
    for index, item in enumerate(items):
        members[(item["category"], item["rate"])].append(index)
    groups, nets = [], {}
    for (category, rate), indexes in sorted(members.items(), key=lambda kv: -kv[0][1]):
        gross = sum((items[i]["total"] for i in indexes), ZERO)
        vat = vat_included(gross, rate)
        groups.append(VatGroup(category, rate, gross - vat, vat))
        spread = ZERO
        for i in indexes[:-1]:
            nets[i] = items[i]["total"] - vat_included(items[i]["total"], rate)
            spread += nets[i]
        nets[indexes[-1]] = gross - vat - spread
    lines = tuple(
        Line(
            description=item["description"],
            sku=item["sku"],
            quantity=int(item["quantity"]),
            unit_price=Decimal(item["unit_price"]),
            total=item["total"],
            net=nets[index],
            category=item["category"],
            rate=item["rate"],
        )
        for index, item in enumerate(items)
    )
    return lines, tuple(groups)
