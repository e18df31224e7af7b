"""Invoices and credit notes: their gapless series, the PDF and the Peppol UBL files.

``document`` holds what an invoice or a credit note says (the value both renderings are
made from).  The package is built by issue 17; see docs/architecture.md.
"""


def includeme(config):
    """Nothing to declare yet."""
