"""What an inbound message asks: :func:`classify` returns a :class:`Verdict`.

- :data:`BOUNCE`: a delivery status notification reporting hard bounces (``addresses``).
- :data:`UNSUBSCRIBE`: the sender (``addresses``: the one ``From`` address; ``Reply-To`` is
  not trusted: the request is for the mailbox that sent it) asks to unsubscribe: its
  subject is one of the sentences of the contact page (``lang``: the sentence's language),
  or it was sent to the unsubscribe address (the mailto: of ``List-Unsubscribe``, found in
  ``To``, ``Cc``, ``Delivered-To`` or ``X-Original-To``) with a subject a mail program puts
  there ("Unsubscribe", "Uitschrijven"...) or, when that address is
  ``dedicated`` to unsubscribing, any subject (``lang`` None: the subscription's language).
  Why not any subject always: the default unsubscribe address is ``info@softcactus.be``,
  where every question, complaint and withdrawal arrives; treating those as unsubscribe
  requests would end subscriptions nobody ended and move the mail away unread.  A shop
  with an address of its own for the mailto: sets ``shopcms.newsletter.inbound.dedicated``.
- :data:`LEFT`: anything else (a question, an out-of-office reply, a delay notice, a mail
  from the shop's own addresses): left unread for a person.

``answer`` is False for a message that must get no mail back: an automatic one
(``Auto-Submitted`` other than ``no``, an ``X-Autoreply``/``X-Autorespond`` header,
``Precedence: bulk/junk/list/auto_reply``) or one from the null sender (``Return-Path:
<>``), so two robots never write to each other for ever; such a request still unsubscribes.
"""

from dataclasses import dataclass
from email.utils import getaddresses

from shopcms.newsletter.addresses import normalise
from shopcms.newsletter.inbound import bounces, subjects

BOUNCE, UNSUBSCRIBE, LEFT = "bounce", "unsubscribe", "left"
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To")


@dataclass(frozen=True)
class Verdict:
    kind: str
    addresses: tuple = ()
    lang: str | None = None
    answer: bool = False


def classify(message, unsubscribe_address, own_addresses=(), dedicated=False):
    """The :class:`Verdict` on ``message`` (an ``email.message.EmailMessage``) for a shop
    whose List-Unsubscribe mailto: is ``unsubscribe_address`` and which sends from
    ``own_addresses`` (see the module)."""
    if bounces.is_report(message):
        failed = tuple(_valid(bounces.hard_bounces(message)))
        return Verdict(BOUNCE, failed) if failed else Verdict(LEFT)
    sender = sender_address(message)
    if sender is None or sender in {_normalised(a) for _n, a in getaddresses(own_addresses)}:
        return Verdict(LEFT)
    subject = str(message.get("Subject", "") or "")
    answer = not automatic(message)
    lang = subjects.language(subject)
    if lang is not None:
        return Verdict(UNSUBSCRIBE, (sender,), lang, answer)
    to_unsubscribe = _normalised(unsubscribe_address) in recipients(message)
    if to_unsubscribe and (dedicated or subjects.generic_language(subject) is not None):
        return Verdict(UNSUBSCRIBE, (sender,), None, answer)
    return Verdict(LEFT)


def sender_address(message):
    """The normalised address of the one ``From`` mailbox, or None (none, several or a
    malformed one: a person decides)."""
    found = [address for _name, address in getaddresses(message.get_all("From", [])) if address]
    return _normalised(found[0]) if len(found) == 1 else None


def recipients(message):
    """The normalised addresses the message was sent or delivered to."""
    values = [str(value) for name in RECIPIENT_HEADERS for value in message.get_all(name, [])]
    return {_normalised(address) for _name, address in getaddresses(values)} - {None}


def automatic(message):
    """Was ``message`` written by a program (see the module)?"""
    auto = str(message.get("Auto-Submitted", "no") or "no").split(";")[0].strip().lower()
    precedence = str(message.get("Precedence", "") or "").strip().lower()
    return (
        auto != "no"
        or message.get("X-Autoreply") is not None
        or message.get("X-Autorespond") is not None
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or str(message.get("Return-Path", "") or "").strip() == "<>"
    )


def _normalised(address):
    try:
        return normalise(address)
    except ValueError:
        return None


def _valid(addresses):
    return (n for n in map(_normalised, addresses) if n is not None)
