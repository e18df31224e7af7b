"""Belgian structured communication (OGM/VCS) for bank transfers.

Twelve digits: a ten-digit base and two check digits, the base modulo 97 (97 when that is
0), written ``+++ddd/dddd/ddddd+++``.  An order's base is its year (two digits) and its
sequence number (eight digits), so each order has its own communication and the bank
statement import can find the order from it.  python-stdnum computes and validates.
"""

from dataclasses import dataclass

from stdnum.be import ogm_vcs
from stdnum.exceptions import ValidationError


@dataclass(frozen=True)
class Communication:
    digits: str  # the twelve digits

    def __str__(self):
        return f"+++{ogm_vcs.format(self.digits)}+++"


def ogm_for(order_number):
    """The communication of order ``YYYY-NNNNNN``."""
    year, sequence = order_number.split("-")
    base = f"{int(year) % 100:02d}{int(sequence):08d}"
    return Communication(base + ogm_vcs.calc_check_digits(base))


def parse(text):
    """The Communication written in ``text`` (any usual notation), or None if not valid."""
    try:
        return Communication(ogm_vcs.validate(text.strip()))
    except (ValidationError, AttributeError):
        return None
