"""SEPA credit transfer files (ISO 20022 ``pain.001.001.03``, as Belgian banks take them)
that pay refunds back to customers who paid by bank transfer.

:func:`pain001` writes one file for one or more ``refunds.Transfer`` records, from the shop's
account (``shopcms.bank.iban``, ``.bic``, ``.holder``), made with sepaxml and checked against
the standard's XSD (:func:`validate`) before it is handed out.  Each transfer is one payment
with its own end-to-end id (the refund's message id) and the order in its unstructured
remittance.  The file's message id is given by the caller and stays the same however often
the file is downloaded: a bank refuses a message id it has seen, so uploading a file twice
cannot pay twice.  :func:`batch_id` names the file of several transfers after them.

The customer's account comes from staff (the refund form), checked by :func:`check_iban`
(python-stdnum: country, length, check digits); the bank statement import does not keep
the payer's account.
"""

import functools
import hashlib
from decimal import Decimal
from pathlib import Path

import sepaxml
from lxml import etree
from sepaxml import SepaTransfer
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError

SCHEMA = "pain.001.001.03"
XSD = Path(sepaxml.__file__).parent / "schemas" / f"{SCHEMA}.xsd"
CENTS = Decimal(100)
#: The SEPA character set allows Latin letters, digits and a few signs only: sepaxml
#: transliterates names and texts (``clean``) and cuts them to the standard's lengths.
MAX_NAME = 70


def check_iban(value):
    """The compact IBAN of ``value`` (spaces removed, upper case), or ValueError when it is
    not a valid IBAN of a SEPA country."""
    try:
        return stdnum_iban.validate(value or "")
    except ValidationError as exc:
        raise ValueError(str(exc)) from None


def batch_id(transfers):
    """The message id of a file of ``transfers``: the same transfers, the same id."""
    digest = hashlib.sha256(" ".join(sorted(t.refund for t in transfers)).encode()).hexdigest()
    return f"REFUNDS-{digest[:20]}"


def pain001(settings, transfers, message_id, now):
    """The pain.001 file (bytes, UTF-8 XML) paying ``transfers`` from the shop's account,
    to be executed on ``now``'s day; ValueError when the shop's account is not set or the
    result does not validate."""
    shop_iban = (settings.get("shopcms.bank.iban") or "").replace(" ", "")
    config = {
        "name": settings.get("shopcms.bank.holder", "onto object bvba")[:MAX_NAME],
        "IBAN": shop_iban,
        "BIC": settings.get("shopcms.bank.bic", ""),
        "batch": False,
        "currency": "EUR",
    }
    if not stdnum_iban.is_valid(shop_iban) or not config["BIC"]:
        raise ValueError("shopcms.bank.iban and shopcms.bank.bic must be set")
    document = SepaTransfer(config, schema=SCHEMA, clean=True)
    for transfer in transfers:
        document.add_payment(
            {
                "name": transfer.holder[:MAX_NAME],
                "IBAN": transfer.iban,
                "amount": int(transfer.amount * CENTS),
                "execution_date": now.date(),
                "description": transfer.remittance,
                "endtoend_id": transfer.message_id,
            }
        )
    # sepaxml makes random ids and stamps its own clock: ours are stable (see the module).
    tree = document._xml
    header = tree.find("CstmrCdtTrfInitn/GrpHdr")
    header.find("MsgId").text = message_id
    header.find("CreDtTm").text = now.strftime("%Y-%m-%dT%H:%M:%S")
    for number, node in enumerate(tree.iter("PmtInfId"), start=1):
        node.text = f"{message_id}-{number}"[:35]
    data = document.export(validate=False)
    validate(data)
    return data


@functools.cache
def _schema():
    return etree.XMLSchema(etree.parse(str(XSD)))


def validate(data):
    """ValueError unless ``data`` is valid against the pain.001.001.03 XSD (the one sepaxml
    ships).  Checked with lxml: sepaxml's own check uses xmlschema, which fails in a
    process that imported BTrees (zope.interface's declarations on ``collections.abc``
    break its class introspection)."""
    schema = _schema()
    if not schema.validate(etree.fromstring(data)):
        raise ValueError(f"pain.001 not valid: {schema.error_log.last_error}")
