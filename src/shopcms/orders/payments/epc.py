"""The EPC QR code of a bank transfer: a banking app scans it and fills in the transfer.

The payload follows the European Payments Council's "Quick Response Code: guidelines to
enable data capture for the initiation of a SEPA Credit Transfer" (EPC069-12, version 3),
one element a line, separated by a line feed (LF), in this order:

1. Service tag: ``BCD``.
2. Version: ``002`` (version 001 requires the BIC; 002 allows it to be left out within the
   EEA: we always give it, so both kinds of app are served).
3. Character set: ``1`` (UTF-8), the encoding of the whole payload.
4. Identification: ``SCT`` (SEPA Credit Transfer).
5. BIC of the beneficiary's bank (8 or 11 characters).
6. Name of the beneficiary (at most 70 characters).
7. Account number of the beneficiary: the IBAN, without spaces.
8. Amount: ``EUR`` and the amount with a dot and two decimals (0.01 to 999999999.99).
9. Purpose of the transfer (a four-letter code): empty.
10. Structured remittance information, at most 35 characters: the order's structured
    communication (OGM/VCS), its 12 digits, which Belgian banks carry as the structured
    reference and ``shopcms import-payments`` finds the order by.
11. Unstructured remittance information: left out (it excludes 10), and so is
12. Beneficiary to originator information: the payload ends after the reference (the
    guidelines let trailing empty elements go, without a final LF).

At most 331 bytes; the QR code uses error correction level M (no higher: the guidelines fix
it) and is drawn by segno.  ``segno.helpers.make_epc_qr`` is not used: it writes the amount
without its trailing zeros (``EUR33.9``) and picks the character set from the text, where
this shop's instructions say two decimals and UTF-8.
"""

import io
from decimal import Decimal

import segno
from stdnum import iban as iban_number

MIN_AMOUNT, MAX_AMOUNT = Decimal("0.01"), Decimal("999999999.99")
MAX_BYTES = 331


def payload(*, bic, name, iban, amount, reference):
    """The EPC payload (text, the lines above) of a transfer of ``amount`` (Decimal euro)
    to account ``iban`` (spaces allowed) of ``name`` at bank ``bic``, with the structured
    ``reference``; ValueError for a value the guidelines do not allow."""
    name, bic = " ".join(name.split()), bic.strip().upper()
    account = iban_number.compact(iban)
    if not 0 < len(name) <= 70:
        raise ValueError("the beneficiary's name has 1 to 70 characters")
    if len(bic) not in (8, 11):
        raise ValueError("a BIC has 8 or 11 characters")
    if not MIN_AMOUNT <= amount <= MAX_AMOUNT:
        raise ValueError(f"an amount from {MIN_AMOUNT} to {MAX_AMOUNT} euro")
    if not 0 < len(reference) <= 35:
        raise ValueError("a structured reference has 1 to 35 characters")
    lines = ["BCD", "002", "1", "SCT", bic, name, account, f"EUR{amount:.2f}", "", reference]
    text = "\n".join(lines)
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"an EPC payload has at most {MAX_BYTES} bytes")
    return text


#: Pixels per module of the PNG, and the quiet zone in modules (the QR standard's four).
SCALE, BORDER = 4, 4


def _code(text):
    return segno.make(text, error="m", boost_error=False, mode="byte", encoding="utf-8")


def png(text):
    """The QR code of payload ``text`` as a PNG (bytes): level M, byte mode, UTF-8."""
    out = io.BytesIO()
    _code(text).save(out, kind="png", scale=SCALE, border=BORDER)
    return out.getvalue()


def pixels(text):
    """The width (and height) in pixels of :func:`png` of ``text``."""
    return _code(text).symbol_size(scale=SCALE, border=BORDER)[0]
