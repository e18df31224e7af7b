"""Issuing invoices and credit notes: the Documents made from an order, and the subscribers.

- An order that enters the state ``paid`` (the order workflow's ``AfterTransition``) gets
  its invoice in that same transaction: :func:`issue_invoice`.  One per order, ever: a
  second payment, a replayed webhook or an order paid again after a refund finds it and
  issues nothing.
- A refund (``orders.api.OrderRefunded``, notified in the refund's transaction before its
  mail is queued) gets a credit note referring to the order's invoice:
  :func:`issue_credit_note`.  One per refund (its id), ever.

Both are refused while the company's details an invoice must name are not set
(``shopcms.web.company.Company.missing``): the error is logged, nothing is issued and the
payment or refund goes on (the readiness check reports the missing settings).  Nothing is
rendered here: the PDF and UBL files are made from the stored Document when they are
downloaded or mailed (``shopcms.invoicing.pdf``).

The Document says what the order says, frozen: its lines (title in the order's language,
SKU, quantity, unit price and total VAT included, rate), a line per discount code and VAT
rate (quantity -1, the code's reduction at that rate: ``document.DISCOUNT_SKU``), the
shipping as a line of its own when it cost something, VAT per rate through
:func:`~shopcms.invoicing.document.net_lines`
(category ``AE`` at 0 % for an order under reverse charge, ``S`` otherwise; a gift card's
line at 0 %, outside the scope of VAT: :func:`_line_vat`), the buyer as
the order names them (contact name, billing address or else the delivery address, the
business buyer's company and VAT number) and the seller as the settings name it that day
(``shopcms.web.company``, the bank account of ``shopcms.bank.*``).
"""

import logging
from decimal import ROUND_HALF_UP, Decimal

from pyramid.threadlocal import get_current_registry
from stdnum import iban as iban_number
from stdnum.be import vat as be_vat

from shopcms.invoicing.document import (
    CENT,
    CREDIT_NOTE,
    DISCOUNT_SKU,
    EXEMPT,
    INVOICE,
    OUTSIDE_SCOPE,
    REVERSE_CHARGE,
    SHIPPING_SKU,
    STANDARD,
    ZERO,
    Document,
    Party,
    net_lines,
)
from shopcms.invoicing.folder import invoices_folder
from shopcms.invoicing.language import language_request
from shopcms.invoicing.resources import CreditNote, Invoice
from shopcms.orders.api import ORDER_WORKFLOW, shipping_title
from shopcms.web.clock import now, site_timezone
from shopcms.web.company import company as company_of
from shopcms.web.i18n import _

log = logging.getLogger(__name__)

PAID = "paid"


class CompanyDetailsMissing(Exception):
    """The company's details an invoice must name are not all set (``missing``)."""

    def __init__(self, missing):
        super().__init__(", ".join(f"shopcms.company.{name}" for name in missing))
        self.missing = tuple(missing)


def seller(registry):
    """The seller :class:`Party`: the company and its bank account (CompanyDetailsMissing
    when an invoice cannot name it)."""
    company = company_of(registry)
    missing = company.missing()
    if missing:
        raise CompanyDetailsMissing(missing)
    settings = registry.settings
    iban = iban_number.compact(settings.get("shopcms.bank.iban", "")) or None
    return Party(
        name=company.name,
        street=company.street,
        postcode=company.postcode,
        city=company.city,
        country=company.country,
        vat_number=company.vat.replace(" ", "").replace(".", "").upper(),
        enterprise_number=be_vat.compact(company.enterprise),
        email=company.email or None,
        phone=company.phone or None,
        iban=iban,
        bic=settings.get("shopcms.bank.bic", "").strip() or None,
        legal_form=company.legal_form or None,
        register=company.register or None,
    )


def buyer(order):
    """The buyer :class:`Party` as ``order`` names them (see the module)."""
    address = order.billing or order.delivery
    return Party(
        name=order.contact.get("name", ""),
        street=address.get("street", ""),
        postcode=address.get("postcode", ""),
        city=address.get("city", ""),
        country=address.get("country", "") or order.delivery.get("country", ""),
        company=getattr(order, "buyer_company", None) or None,
        vat_number=getattr(order, "buyer_vat", None) or None,
        email=order.contact.get("email") or None,
    )


def _category(order):
    return (
        REVERSE_CHARGE if getattr(order, "vat_scheme", "domestic") == "reverse_charge" else STANDARD
    )


def _rate(order, rate):
    return Decimal(0) if _category(order) == REVERSE_CHARGE else Decimal(rate)


def _line_vat(order, line, category):
    """``(category, rate)`` of an order's ``line``: a gift card is a multi-purpose voucher,
    outside the scope of VAT when sold (the VAT is due when it is spent): ``O`` on an order
    of gift cards alone, ``E`` beside goods (``document``'s module says why)."""
    if not line.get("gift_card"):
        return category, _rate(order, line["vat_rate"])
    alone = all(other.get("gift_card") for other in order.lines)
    return (OUTSIDE_SCOPE if alone else EXEMPT), Decimal(0)


def _shipping_description(registry, order):
    request = language_request(registry, order.lang)
    return request.localizer.translate(shipping_title(order.shipping["method"]))


def _discount_items(registry, order, category):
    """The invoice's lines of the order's discount codes: one per code and VAT rate
    (:data:`~shopcms.invoicing.document.DISCOUNT_SKU`), so each rate's base and VAT are
    those the customer paid."""
    request = language_request(registry, order.lang)
    items = []
    for discount in getattr(order, "discounts", ()):
        name = discount["names"].get(order.lang)
        mapping = {"code": discount["code"], "name": name}
        title = request.localizer.translate(
            # (One message: French puts a narrow no-break space before the colon.)
            _("Discount code ${code}: ${name}", mapping=mapping)
            if name
            else _("Discount code ${code}", mapping=mapping)
        )
        if not discount["code"]:  # an automatic promotion: its name alone
            title = name or ""
        for rate, amount in discount["by_rate"]:
            items.append(
                {
                    "description": title,
                    "sku": DISCOUNT_SKU,
                    "quantity": -1,
                    "unit_price": amount,
                    "total": -amount,
                    "category": category,
                    "rate": _rate(order, rate),
                }
            )
    return items


def _codes_label(registry, order):
    """ "Discount code X" for each code of the order, in its language ("" without any)."""
    request = language_request(registry, order.lang)
    return ", ".join(
        request.localizer.translate(_("Discount code ${code}", mapping={"code": d["code"]}))
        for d in getattr(order, "discounts", ())
        if d["code"]  # (an automatic promotion has none)
    )


def _payment(order):
    """``(means, reference)`` of the document: the transfer's OGM, the provider's id, or
    the order's number for an order a gift card paid alone (``giftcard``)."""
    if order.payment_method == "transfer":
        reference = order.payment_reference
        return "transfer", str(reference) if reference is not None else order.number
    if order.payment_method == "giftcard":
        return "giftcard", order.number
    return "card", order.payment_ids[-1] if order.payment_ids else order.number


def invoice_document(registry, order, number, issued):
    """The :class:`Document` of the invoice ``number`` of ``order``, issued on ``issued``."""
    category = _category(order)
    items = [
        {
            "description": line["title"],
            "sku": line["sku"],
            "quantity": line["qty"],
            "unit_price": line["unit_price"],
            "total": line["total"],
            **dict(zip(("category", "rate"), _line_vat(order, line, category), strict=True)),
        }
        for line in order.lines
    ]
    items += _discount_items(registry, order, category)
    cost = Decimal(order.shipping.get("cost") or 0)
    if cost:
        items.append(
            {
                "description": _shipping_description(registry, order),
                "sku": SHIPPING_SKU,
                "quantity": 1,
                "unit_price": cost,
                "total": cost,
                "category": category,
                "rate": _rate(order, order.shipping.get("vat_rate") or 0),
            }
        )
    lines, groups = net_lines(items)
    means, reference = _payment(order)
    return Document(
        kind=INVOICE,
        number=number,
        issued=issued,
        lang=order.lang,
        seller=seller(registry),
        buyer=buyer(order),
        order_number=order.number,
        lines=lines,
        groups=groups,
        paid=sum((line.total for line in lines), ZERO),
        payment_means=means,
        payment_reference=reference,
        gift_cards=_gift_cards(getattr(order, "gift_cards", ())),
    )


def credit_note_document(registry, order, refund, invoice, number, issued):
    """The :class:`Document` of credit note ``number`` for ``refund`` of ``order``,
    correcting ``invoice`` (an :class:`Invoice`, or None for an order paid before the
    shop issued invoices)."""
    category = _category(order)
    items = []
    codes = _codes_label(registry, order)
    for index, qty, amount in refund.lines:
        line = order.lines[index]
        amount = Decimal(amount)
        discounted = codes and Decimal(line.get("discount") or 0)
        items.append(
            {
                # A line paid less a code's discount is refunded what was paid: say why.
                "description": f"{line['title']} ({codes})" if discounted else line["title"],
                "sku": line["sku"],
                "quantity": qty,
                "unit_price": (amount / qty).quantize(CENT, rounding=ROUND_HALF_UP),
                "total": amount,
                **dict(zip(("category", "rate"), _line_vat(order, line, category), strict=True)),
            }
        )
    shipping = Decimal(refund.shipping or 0)
    if shipping:
        items.append(
            {
                "description": _shipping_description(registry, order),
                "sku": SHIPPING_SKU,
                "quantity": 1,
                "unit_price": shipping,
                "total": shipping,
                "category": category,
                "rate": _rate(order, order.shipping.get("vat_rate") or 0),
            }
        )
    lines, groups = net_lines(items)
    means = refund.means if refund.means in ("transfer", "giftcard") else "card"
    return Document(
        kind=CREDIT_NOTE,
        number=number,
        issued=issued,
        lang=order.lang,
        seller=seller(registry),
        buyer=invoice.document.buyer if invoice is not None else buyer(order),
        order_number=order.number,
        lines=lines,
        groups=groups,
        paid=sum((line.total for line in lines), ZERO),
        payment_means=means,
        payment_reference=str(refund.reference or order.number),
        refers_to=invoice.number if invoice is not None else None,
        refers_to_date=invoice.issued if invoice is not None else None,
        note=str(refund.reason or ""),
        gift_cards=_gift_cards(getattr(refund, "gift_cards", ())),
    )


def _gift_cards(parts):
    """``((last4, amount), ...)`` of an order's or a refund's gift card parts (read
    duck-typed: ``orders.gift_cards``)."""
    return tuple((part["last4"], Decimal(part["amount"])) for part in parts)


def _today(registry):
    moment = now(registry)
    return moment, moment.astimezone(site_timezone(registry)).date()


def _site_of(order):
    return order.__parent__.__parent__


def issue_invoice(order, registry):
    """Issue the invoice of ``order`` (paid) unless it has one; the :class:`Invoice`, or
    None when the company's details are missing (logged)."""
    site = _site_of(order)
    invoices = invoices_folder(site, registry, create=True)
    existing = invoices.invoice_of(order.number)
    if existing is not None:
        return existing
    moment, today = _today(registry)
    try:
        seller(registry)
    except CompanyDetailsMissing as missing:
        log.error(
            "no invoice for order %s: the company's details are not set: %s", order.number, missing
        )
        return None
    number = invoices.next_number(INVOICE, today.year)
    document = invoice_document(registry, order, number, today)
    invoice = Invoice(document, account=order.customer)
    invoices.store(invoice, moment, registry=registry)
    log.info("invoice %s issued for order %s", number, order.number)
    return invoice


def issue_credit_note(order, refund, registry):
    """Issue the credit note of ``refund`` of ``order`` unless it has one; the
    :class:`CreditNote`, or None when the company's details are missing (logged)."""
    site = _site_of(order)
    invoices = invoices_folder(site, registry, create=True)
    key = (order.number, str(refund.id))
    if key in invoices.by_refund:
        return invoices[invoices.by_refund[key]]
    moment, today = _today(registry)
    try:
        seller(registry)
    except CompanyDetailsMissing as missing:
        log.error(
            "no credit note for refund %s of order %s: the company's details are not set: %s",
            refund.id,
            order.number,
            missing,
        )
        return None
    invoice = invoices.invoice_of(order.number)
    number = invoices.next_number(CREDIT_NOTE, today.year)
    document = credit_note_document(registry, order, refund, invoice, number, today)
    note = CreditNote(document, account=order.customer, refund_id=str(refund.id))
    invoices.store(note, moment, registry=registry)
    invoices.by_refund[key] = number
    log.info("credit note %s issued for refund %s of order %s", number, refund.id, order.number)
    return note


def _registry(event):
    request = getattr(event, "request", None)
    return request.registry if request is not None else get_current_registry()


def order_paid(event):
    """AfterTransition subscriber: an order that became paid gets its invoice."""
    if event.workflow is not ORDER_WORKFLOW or event.to_state.name != PAID:
        return
    issue_invoice(event.content, _registry(event))


def order_refunded(event):
    """OrderRefunded subscriber: the refund gets its credit note."""
    issue_credit_note(event.order, event.refund, _registry(event))
