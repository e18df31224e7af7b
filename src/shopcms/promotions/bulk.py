"""Single-use codes generated in bulk from a promotion, and their CSV file.

Each generated code is a promotion of its own (its uses are its own record, so two
customers using two codes of a batch never conflict), with the rules of the promotion it
was made from at that moment, one use in all and per customer, and ``batch`` naming that
promotion's code.  Its code is the promotion's code, a hyphen and 8 characters drawn by
``secrets`` from letters and digits that are not mistaken for each other (about 40 bits:
not guessable, and a guess is refused as an unknown code anyway).
"""

import csv
import io
import secrets

from BTrees.OOBTree import OOBTree

from shopcms.promotions.resources import Promotion, Uses, code_key

#: The characters of a generated code: no 0/O, 1/I/L.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8
#: How many codes one request may make.
MOST = 1000
#: The rules a generated code copies.
RULES = (
    "kind",
    "value",
    "scope",
    "targets",
    "valid_from",
    "valid_until",
    "minimum",
    "combinable",
)


def new_code(source):
    """A fresh code of ``source``'s batch (not yet checked for uniqueness)."""
    suffix = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{source.code[:23]}-{suffix}"


def generate(folder, source, count, registry=None):
    """Make ``count`` single-use codes from ``source`` (see the module); returns them."""
    made = []
    while len(made) < count:
        code = new_code(source)
        if folder.for_code(code) is not None:
            continue
        promotion = Promotion(code)
        promotion.names.update(source.names)
        for name in RULES:
            setattr(promotion, name, getattr(source, name))
        promotion.total_uses = promotion.uses_per_customer = 1
        promotion.batch = source.code
        promotion.uses, promotion.by_customer = Uses(), OOBTree()
        folder.add(code_key(code), promotion, registry=registry)
        made.append(promotion)
    return made


def batch_of(folder, source):
    """The single-use codes made from ``source``, by code."""
    found = [p for p in folder.values() if getattr(p, "batch", None) == source.code]
    return sorted(found, key=lambda p: p.code)


def csv_file(codes):
    """The CSV file of ``codes``: code, used (0 or 1), valid until (ISO 8601, UTC)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("code", "used", "valid_until"))
    for promotion in codes:
        until = promotion.valid_until.isoformat() if promotion.valid_until else ""
        writer.writerow((promotion.code, promotion.used, until))
    return out.getvalue()
