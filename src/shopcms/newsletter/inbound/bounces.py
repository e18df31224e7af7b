"""Delivery status notifications (RFC 3464): which addresses bounced for good?

A DSN is a ``multipart/report; report-type=delivery-status`` whose ``message/delivery-status``
part holds one block of fields per recipient.  A recipient bounced *hard* when its block
says ``Action: failed`` with a permanent ``Status: 5.x.x``; a transient failure (``4.x.x``,
``Action: delayed``: the server keeps trying) is not, nor is a ``delivered``/``relayed``/
``expanded`` report.  The address is the ``Final-Recipient`` (``rfc822; address``), else
the ``Original-Recipient``.
"""

import re

_STATUS_PARTS = ("message/delivery-status", "message/global-delivery-status")
_STATUS = re.compile(r"^\s*([245])\.\d{1,3}\.\d{1,3}\b")


def is_report(message):
    """Is ``message`` a delivery status notification (see the module)?"""
    return (
        message.get_content_type() == "multipart/report"
        and (message.get_param("report-type") or "").lower() == "delivery-status"
    )


def recipient_blocks(message):
    """The per-recipient field blocks (``email.message.Message``) of the DSN ``message``."""
    for part in message.walk():
        if part.get_content_type() not in _STATUS_PARTS:
            continue
        payload = part.get_payload()
        if not isinstance(payload, list):
            continue
        # The first block is about the message (Reporting-MTA...); the others, about
        # one recipient each (they carry Final-Recipient).
        yield from (block for block in payload if _recipient(block))


def hard_bounces(message):
    """The addresses ``message`` (a DSN) reports as failed permanently, in order; an empty
    list for any other message, a delay or a temporary failure."""
    if not is_report(message):
        return []
    found = []
    for block in recipient_blocks(message):
        action = str(block.get("Action", "")).strip().lower()
        status = _STATUS.match(str(block.get("Status", "")))
        if action == "failed" and status is not None and status.group(1) == "5":
            address = _recipient(block)
            if address not in found:
                found.append(address)
    return found


def _recipient(block):
    """The address of a recipient block: ``Final-Recipient: rfc822; jan@example.be``."""
    for field in ("Final-Recipient", "Original-Recipient"):
        value = str(block.get(field, "") or "")
        kind, _, address = value.partition(";")
        address = address.strip().strip("<>").strip()
        if kind.strip().lower() in ("rfc822", "utf-8") and "@" in address:
            return address
    return None
