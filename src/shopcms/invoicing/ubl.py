"""Peppol BIS Billing 3.0 e-invoices: a UBL 2.1 ``Invoice`` or ``CreditNote`` from a
:class:`~shopcms.invoicing.document.Document`.

:func:`to_xml` renders a document by its kind (:func:`invoice_xml` and
:func:`credit_note_xml` insist on one); the result is UTF-8 bytes, the elements in the
order of the UBL 2.1 schema's sequences (an XSD validator refuses any other order).  The
PDF is rendered from the same ``Document``, so the two never disagree.

What the file says and why:

- ``CustomizationID`` and ``ProfileID`` of Peppol BIS Billing 3.0; type code 380 (commercial
  invoice) or 381 (credit note); a credit note refers to its invoice (``BillingReference``,
  BT-25/BT-26).
- ``BuyerReference`` and ``OrderReference`` carry the order number: Peppol requires one of
  them (PEPPOL-EN16931-R003) and the order number is what the buyer knows the sale by.
- Electronic addresses (``EndpointID``, BT-34/BT-49) from the Peppol EAS code list, see
  :func:`endpoint`: a Belgian company by its enterprise number (``0208``, the scheme the
  Belgian Peppol authority recommends; the seller always), a company of another EU country
  by its VAT number's scheme (``9944`` for the Netherlands, ``9957`` France, ``9930``
  Germany, ...; Denmark, Finland, Italy and Sweden by the identifier their VAT number
  contains, as the code list has no VAT scheme for them).  A consumer has no Peppol address
  (the EAS list knows none for a private person; ``EM``, e-mail, was taken out of it): the
  buyer's ``EndpointID`` is left out, which Peppol's R010 flags, and is right, because such
  a document is never sent over Peppol; :func:`peppol_ready` tells which documents can be.
- ``PartyTaxScheme`` with the VAT numbers; ``PartyLegalEntity`` with the legal name and,
  for a Belgian party, the enterprise number (scheme ``0208``); ``Contact`` with the
  person, phone and e-mail that are known.
- ``Delivery``: the buyer's address as the place of delivery (the place of supply for VAT:
  the country whose rates were charged).
- ``PaymentMeans``: a transfer is a SEPA credit transfer (``58``) to the seller's IBAN with
  the structured communication (OGM) as ``PaymentID``; a card or other online payment is
  ``48`` (bank card) with the provider's payment id.  A credit note paid back by transfer
  names the buyer's IBAN if the document has it, else has no payment means (``58`` without
  an account breaks BR-61).
- ``TaxTotal``: one ``TaxSubtotal`` per (category, rate) of ``document.groups``; a zero-rated
  category (reverse charge ``AE``, export ``G``) carries its VATEX exemption code and text.
- ``LegalMonetaryTotal``: the lines' net sum, the same without and with VAT, what was
  already paid (``PrepaidAmount``: an invoice is issued once paid, a credit note once paid
  back) and what is left.
- Lines (shipping is a line of its own): the net amount (``Line.net``: the lines add up to
  each rate's base exactly), the net unit price, the VAT category and rate.  When the unit
  price to four decimals times the quantity does not give the net amount back to the cent,
  the price is given for the whole quantity (``BaseQuantity``), so BR-LIN/PEPPOL-R120 hold.
- At most one ``Note`` (PEPPOL-EN16931-R002): the reverse-charge mention, the document's
  own note and what gift cards paid (or got back; part of ``PrepaidAmount``), joined.
"""

import re
from decimal import Decimal

from lxml import etree

from shopcms.invoicing.document import (
    CENT,
    CREDIT_NOTE,
    EXEMPTION_CODES,
    INVOICE,
    OUTSIDE_SCOPE,
    REVERSE_CHARGE_NOTE,
    ZERO,
)

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

INVOICE_TYPE = "380"  #: UNCL1001 commercial invoice
CREDIT_NOTE_TYPE = "381"  #: UNCL1001 credit note

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
ROOTS = {
    INVOICE: ("Invoice", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"),
    CREDIT_NOTE: ("CreditNote", "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"),
}

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

#: UN/ECE Recommendation 20: "one" (a unit), for goods and the shipping line alike.
UNIT = "C62"

#: UNCL4461 payment means by ``Document.payment_means``; any other kind: "1", not defined.
PAYMENT_MEANS = {"transfer": "58", "card": "48", "giftcard": "1"}  # a gift card: no code
SEPA_CREDIT_TRANSFER = "58"

#: The exemption reason's text (BT-120) beside its VATEX code, for a reader of the file.
_EXEMPTION_REASONS = {
    "AE": "Reverse charge",
    "G": "Export outside the EU",
    "O": "Multi-purpose voucher: VAT is due when it is spent",
    "E": "Multi-purpose voucher: VAT is due when it is spent",
}

#: Belgian enterprise number (KBO/BCE), ICD and EAS 0208.
BELGIAN_ENTERPRISE = "0208"

#: EAS (Peppol electronic address scheme) of the VAT number of each EU country that has one.
VAT_SCHEMES = {
    "AT": "9914",
    "BE": "9925",
    "BG": "9926",
    "CY": "9928",
    "CZ": "9929",
    "DE": "9930",
    "EE": "9931",
    "EL": "9933",
    "GR": "9933",
    "ES": "9920",
    "FR": "9957",
    "HR": "9934",
    "HU": "9910",
    "IE": "9935",
    "LT": "9937",
    "LU": "9938",
    "LV": "9939",
    "MT": "9943",
    "NL": "9944",
    "PL": "9945",
    "PT": "9946",
    "RO": "9947",
    "SI": "9949",
    "SK": "9950",
}


def _digits(text):
    return re.sub(r"\D", "", text or "")


def endpoint(party):
    """The Peppol electronic address of ``party`` as ``(scheme, identifier)``, or None.

    A Belgian party: its enterprise number (the seller's own, or the ten digits of a
    Belgian VAT number) under ``0208``.  Another EU company: its VAT number (compact, with
    its prefix) under its country's VAT scheme; Denmark: the CVR number in the VAT number
    (``0184``); Finland: the OVT code ``0037`` + business id (``0216``); Italy: the partita
    IVA (``0211``, with ``IT``); Sweden: the organisation number in the VAT number
    (``0007``).  A party without a VAT or enterprise number (a consumer): None.
    """
    vat = (party.vat_number or "").replace(" ", "").upper()
    prefix = vat[:2]
    if party.enterprise_number and (party.country == "BE" or not vat):
        return BELGIAN_ENTERPRISE, _digits(party.enterprise_number)
    if not vat:
        return None
    if prefix == "BE":
        return BELGIAN_ENTERPRISE, _digits(vat)
    if prefix == "DK":
        return "0184", _digits(vat)
    if prefix == "FI":
        return "0216", "0037" + _digits(vat)
    if prefix == "IT":
        return "0211", "IT" + _digits(vat)
    if prefix == "SE":
        return "0007", _digits(vat)[:10]
    if prefix in VAT_SCHEMES:
        return VAT_SCHEMES[prefix], vat
    return None


def peppol_ready(document):
    """Whether ``document`` can travel over Peppol: its buyer has an electronic address
    (a business with a VAT number; see :func:`endpoint`)."""
    return endpoint(document.buyer) is not None


def _amount(value):
    return str(Decimal(value).quantize(CENT))


def _number(value):
    """A rate or quantity without needless zeros: 21, 5.5, 0."""
    return format(Decimal(value).normalize(), "f")


class _Builder:
    """Appends UBL elements to a parent in the order they are asked for (the schema's)."""

    def __init__(self, currency):
        self.currency = currency

    def cbc(self, parent, name, text, **attributes):
        element = etree.SubElement(parent, f"{{{CBC}}}{name}", attributes)
        element.text = text
        return element

    def money(self, parent, name, value):
        return self.cbc(parent, name, _amount(value), currencyID=self.currency)

    def cac(self, parent, name):
        return etree.SubElement(parent, f"{{{CAC}}}{name}")

    def tax_scheme(self, parent):
        self.cbc(self.cac(parent, "TaxScheme"), "ID", "VAT")


def _address(b, parent, name, party):
    address = b.cac(parent, name)
    if party.street:
        b.cbc(address, "StreetName", party.street)
    if party.city:
        b.cbc(address, "CityName", party.city)
    if party.postcode:
        b.cbc(address, "PostalZone", party.postcode)
    b.cbc(b.cac(address, "Country"), "IdentificationCode", party.country)
    return address


def _party(b, parent, name, party, seller):
    wrapper = b.cac(parent, name)
    element = b.cac(wrapper, "Party")
    address = endpoint(party)
    if address is not None:
        b.cbc(element, "EndpointID", address[1], schemeID=address[0])
    _address(b, element, "PostalAddress", party)
    if party.vat_number:
        tax = b.cac(element, "PartyTaxScheme")
        b.cbc(tax, "CompanyID", party.vat_number.replace(" ", "").upper())
        b.tax_scheme(tax)
    legal = b.cac(element, "PartyLegalEntity")
    b.cbc(legal, "RegistrationName", party.legal_name)
    enterprise = _belgian_enterprise(party)
    if enterprise:
        b.cbc(legal, "CompanyID", enterprise, schemeID=BELGIAN_ENTERPRISE)
    contact_name = None if seller or not party.company else party.name
    if contact_name or party.phone or party.email:
        contact = b.cac(element, "Contact")
        if contact_name:
            b.cbc(contact, "Name", contact_name)
        if party.phone:
            b.cbc(contact, "Telephone", party.phone)
        if party.email:
            b.cbc(contact, "ElectronicMail", party.email)
    return element


def _belgian_enterprise(party):
    """A Belgian party's enterprise number (its own, or its VAT number's ten digits)."""
    if party.country != "BE":
        return None
    if party.enterprise_number:
        return _digits(party.enterprise_number)
    vat = (party.vat_number or "").upper()
    if vat.startswith("BE"):
        return _digits(vat)
    return None


def _note(document):
    parts = []
    if document.reverse_charge:
        parts.append(REVERSE_CHARGE_NOTE)
    if document.note:
        parts.append(" ".join(document.note.split()))
    verb = "put back on" if document.kind == CREDIT_NOTE else "paid with"
    cards = document.gift_cards
    parts += [f"{amount} EUR {verb} gift card ****{last4}." for last4, amount in cards]
    return " ".join(parts)


def _payment_means(b, root, document):
    code = PAYMENT_MEANS.get(document.payment_means, "1")
    if document.kind == CREDIT_NOTE:
        # Money goes back to the buyer: a transfer names the buyer's account, or nothing.
        account, bic = document.buyer.iban, document.buyer.bic
    else:
        account, bic = document.seller.iban, document.seller.bic
    if code == SEPA_CREDIT_TRANSFER and not account:
        return
    means = b.cac(root, "PaymentMeans")
    b.cbc(means, "PaymentMeansCode", code)
    if document.payment_reference:
        b.cbc(means, "PaymentID", document.payment_reference)
    if code == SEPA_CREDIT_TRANSFER:
        payee = b.cac(means, "PayeeFinancialAccount")
        b.cbc(payee, "ID", account.replace(" ", "").upper())
        if bic:
            b.cbc(b.cac(payee, "FinancialInstitutionBranch"), "ID", bic.replace(" ", "").upper())


def _tax_category(b, parent, name, category, rate, exemption):
    element = b.cac(parent, name)
    b.cbc(element, "ID", category)
    if category != OUTSIDE_SCOPE:  # (Peppol BR-O-05, BR-O-10: outside the scope, no rate)
        b.cbc(element, "Percent", _number(rate))
    if exemption and category in _EXEMPTION_REASONS:
        if category in EXEMPTION_CODES:  # (a voucher beside goods, E, has the text alone)
            b.cbc(element, "TaxExemptionReasonCode", EXEMPTION_CODES[category])
        b.cbc(element, "TaxExemptionReason", _EXEMPTION_REASONS[category])
    b.tax_scheme(element)
    return element


def _price(line):
    """``(price, base quantity or None)``: the net unit price when it gives the net amount
    back for the quantity, else the net amount for the whole quantity."""
    price = line.net_unit_price
    if (price * line.quantity).quantize(CENT) == line.net:
        return price, None
    return line.net, line.quantity


def _line(b, root, document, index, line):
    credit = document.kind == CREDIT_NOTE
    element = b.cac(root, "CreditNoteLine" if credit else "InvoiceLine")
    b.cbc(element, "ID", str(index))
    quantity = "CreditedQuantity" if credit else "InvoicedQuantity"
    b.cbc(element, quantity, str(line.quantity), unitCode=UNIT)
    b.money(element, "LineExtensionAmount", line.net)
    item = b.cac(element, "Item")
    b.cbc(item, "Name", line.description)
    if line.sku:
        b.cbc(b.cac(item, "SellersItemIdentification"), "ID", line.sku)
    _tax_category(b, item, "ClassifiedTaxCategory", line.category, line.rate, exemption=False)
    price = b.cac(element, "Price")
    amount, base = _price(line)
    b.cbc(price, "PriceAmount", format(amount, "f"), currencyID=b.currency)
    if base is not None:
        b.cbc(price, "BaseQuantity", str(base), unitCode=UNIT)


def to_xml(document):
    """The Peppol BIS Billing 3.0 UBL file of ``document`` (invoice or credit note), as
    UTF-8 bytes with an XML declaration."""
    if document.kind not in ROOTS:
        raise ValueError(f"not an invoice or a credit note: {document.kind!r}")
    credit = document.kind == CREDIT_NOTE
    name, namespace = ROOTS[document.kind]
    root = etree.Element(f"{{{namespace}}}{name}", nsmap={None: namespace, "cac": CAC, "cbc": CBC})
    b = _Builder(document.currency)

    b.cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    b.cbc(root, "ProfileID", PROFILE_ID)
    b.cbc(root, "ID", document.number)
    b.cbc(root, "IssueDate", document.issued.isoformat())
    if not credit and document.payable > 0:
        # Something left to pay (BR-CO-25 wants a due date): due on receipt.
        b.cbc(root, "DueDate", document.issued.isoformat())
    b.cbc(
        root,
        "CreditNoteTypeCode" if credit else "InvoiceTypeCode",
        CREDIT_NOTE_TYPE if credit else INVOICE_TYPE,
    )
    note = _note(document)
    if note:
        b.cbc(root, "Note", note)
    b.cbc(root, "DocumentCurrencyCode", document.currency)
    b.cbc(root, "BuyerReference", document.order_number)
    b.cbc(b.cac(root, "OrderReference"), "ID", document.order_number)
    if credit and document.refers_to:
        reference = b.cac(b.cac(root, "BillingReference"), "InvoiceDocumentReference")
        b.cbc(reference, "ID", document.refers_to)
        if document.refers_to_date:
            b.cbc(reference, "IssueDate", document.refers_to_date.isoformat())

    _party(b, root, "AccountingSupplierParty", document.seller, seller=True)
    _party(b, root, "AccountingCustomerParty", document.buyer, seller=False)

    delivery = b.cac(root, "Delivery")
    _address(b, b.cac(delivery, "DeliveryLocation"), "Address", document.buyer)

    _payment_means(b, root, document)

    tax_total = b.cac(root, "TaxTotal")
    b.money(tax_total, "TaxAmount", document.vat_total)
    for group in document.groups:
        subtotal = b.cac(tax_total, "TaxSubtotal")
        b.money(subtotal, "TaxableAmount", group.taxable)
        b.money(subtotal, "TaxAmount", group.vat)
        _tax_category(b, subtotal, "TaxCategory", group.category, group.rate, exemption=True)

    totals = b.cac(root, "LegalMonetaryTotal")
    b.money(totals, "LineExtensionAmount", sum((line.net for line in document.lines), ZERO))
    b.money(totals, "TaxExclusiveAmount", document.net_total)
    b.money(totals, "TaxInclusiveAmount", document.total)
    if document.paid:
        b.money(totals, "PrepaidAmount", document.paid)
    b.money(totals, "PayableAmount", document.payable)

    for index, line in enumerate(document.lines, start=1):
        _line(b, root, document, index, line)

    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8", pretty_print=True)


def invoice_xml(document):
    """The UBL ``Invoice`` of ``document``, which must be an invoice."""
    if document.kind != INVOICE:
        raise ValueError(f"not an invoice: {document.kind!r}")
    return to_xml(document)


def credit_note_xml(document):
    """The UBL ``CreditNote`` of ``document``, which must be a credit note."""
    if document.kind != CREDIT_NOTE:
        raise ValueError(f"not a credit note: {document.kind!r}")
    return to_xml(document)
