"""The order mails: confirmation (with payment instructions), payment received, shipped,
delivered; for an unpaid transfer the reminder and the cancellation (``unpaid``).

They keep the customer informed of the order's progress, as the privacy statement
promises; they are part of the contract, so they always go out (no consent involved).  Each
is written in the order's language, whoever causes it (a French customer's order shipped by
staff working in Dutch gets a French mail), and stored in the outbox in the transaction that
changes the order (``shopcms.mail.send``): the order and its mail commit together, and a
request that is rolled back or replayed sends nothing twice.

Links in the mails point at ``shopcms.public_url`` (the shop's address as customers reach
it, e.g. ``https://www.softcactus.be``), or the current request's address when it is not set
(``request.link(..., absolute=True)``).  A command (the bank statement import) has no
request: its mails link to ``shopcms.public_url`` (or the development server's address).

Other capabilities add to an order mail without orders knowing them (dependencies point
one way): ``config.add_order_mail_part(TEMPLATE, provider)`` declares a provider called as
``provider(request, order)`` when mail ``TEMPLATE`` is composed (``request`` makes absolute
links, in the order's language); it returns a :class:`MailPart` or None.  The parts follow
the mail's own text, in the order they were declared (the reviews put a link to write a
review of each product in the "delivered" mail).

Attached files: ``config.add_order_mail_attachment(TEMPLATE, provider)`` declares a
provider called as ``provider(registry, order)`` when mail ``TEMPLATE`` is sent; it
returns ``[(filename, mimetype, bytes)]`` (the invoicing attaches the invoice's PDF to
"payment received").  Such files can be costly to make (a PDF) and the transaction that
causes the mail may be one of many conflicting ones (a burst of payment webhooks): so such
a mail is composed in that transaction as any other (its text says what the order was
then), but queued as an *intent* (kind :data:`ORDER_MAIL`) holding that message, the order's
number and the template; the mail sender adds the files after the commit, in its claim
transaction (``shopcms.mail.delivery``), and stores the result, so every attempt sends the
same bytes.  An order erased meanwhile still gets its mail, as a composed mail would; an
order gone gets it without the files.  Mails without attachment providers are queued
composed, as before.

The confirmation of a new order ("order_placed") is not composed by the checkout at all
(issue 18: composing it, with the transfer's QR code twice, was most of a checkout's
time): it is queued as an intent of kind :data:`ORDER_PLACED` with the order's number,
its address, and the shop's address the customer used (for the links); the sender
composes it from the stored order, as it was placed (state "placed", whatever happened
since: an order is an immutable snapshot but for its state).  An order gone by then, or
whose contact was erased meanwhile, gets no confirmation.
"""

import email
import email.policy
from dataclasses import dataclass

from pyramid.request import Request, apply_request_extensions
from pyramid.threadlocal import get_current_registry

from shopcms.mail import as_smtp_bytes, attach, compose, get_mailer, queue_intent, send
from shopcms.orders.checkout import SHIPPING_METHODS, OrderPlaced
from shopcms.orders.payments import epc, methods
from shopcms.orders.payments.transfer import awaits_transfer, bank_account, epc_payload
from shopcms.orders.workflow import ORDER_WORKFLOW, PLACED
from shopcms.web.i18n import _
from shopcms.web.layout import format_money, format_percent, territories
from shopcms.web.urls import linking_request, public_url
from shopcms.workflow import AfterTransition

SUBJECTS = {
    "order_placed": _("Your order ${number} at Soft Cactus"),
    "order_paid": _("Payment received for order ${number}"),
    "order_shipped": _("Your order ${number} is on its way"),
    "order_delivered": _("Your order ${number} has been delivered"),
    # withdrawal: the acknowledgement of a statement of withdrawal (orders.withdrawal)
    "withdrawal_received": _("We received your withdrawal from order ${number}"),
    # Unpaid bank transfers (shopcms.orders.unpaid).
    "payment_reminder": _("Reminder: we are still waiting for the payment of order ${number}"),
    "order_cancelled_unpaid": _("Your order ${number} was cancelled: no payment received"),
    # refunds (shopcms.orders.refunds): queued after OrderRefunded, for the credit note.
    "order_refunded": _("Refund for your order ${number}"),
}
#: The mails that show the transfer's EPC QR code while it is awaited.
QR_MAILS = ("order_placed", "payment_reminder")
#: The mail sent after a transition (by its name).  The system's hand-over of gift cards
#: alone (paid -> delivered, ``giftcards.issuing``) sends none: their own mail delivered them.
ON_TRANSITION = {"pay": "order_paid", "ship": "order_shipped", "deliver": "order_delivered"}


@dataclass(frozen=True)
class MailPart:
    """What another capability adds to an order mail: a ``heading``, a ``text`` (or None)
    and ``links``, ``((label, absolute URL), ...)``.  Heading, text and labels are
    TranslationStrings (translated into the order's language); what a mapping carries is
    escaped like any other value."""

    heading: object
    text: object = None
    links: tuple = ()


def add_order_mail_part(config, template, provider):
    """Config directive: ``provider(request, order)`` adds a :class:`MailPart` (or nothing)
    to order mail ``template`` (see the module)."""
    if template not in SUBJECTS:
        raise ValueError(f"no order mail {template!r}")
    config.registry.shopcms_order_mail_parts.setdefault(template, []).append(provider)


def mail_parts(registry, template, request, order):
    """The parts the other capabilities add to mail ``template`` about ``order``."""
    providers = getattr(registry, "shopcms_order_mail_parts", {}).get(template, ())
    return [part for part in (provider(request, order) for provider in providers) if part]


def vat_notes(order):
    """What the order mails say of the VAT scheme (``order.vat_scheme``, VAT by
    destination): under OSS the country whose VAT the prices include; under reverse charge
    the mention; nothing for Belgian VAT.  Translatable strings, one per line."""
    if order.vat_scheme == "oss":
        country = territories(order.lang).get(order.vat_country, order.vat_country)
        return [
            _(
                "Prices include the VAT of ${country}, the country of delivery.",
                mapping={"country": country},
            )
        ]
    if order.vat_scheme == "reverse_charge":
        return [
            _("VAT reverse charged"),
            _(
                "intra-Community supply exempt from VAT (article 138 of Directive "
                "2006/112/EC); the buyer accounts for the VAT (article 196)."
            ),
        ]
    return []


def text_parts(registry, order):
    """The parts of the plain-text mails that repeat (text templates have no loops)."""
    lang = order.lang
    lines = [
        f"{line['qty']} x {line['title']} ({line['sku']}): {format_money(line['total'], lang)}"
        for line in order.lines
    ]
    vat = [
        (
            _("of which VAT ${rate}", mapping={"rate": format_percent(rate, lang)}),
            format_money(amount, lang),
        )
        for rate, amount in order.vat_by_rate
    ]
    discounts = [
        (
            _("Discount code ${code}", mapping={"code": discount["code"]})
            if discount["code"]
            else discount["names"].get(lang) or "",  # an automatic promotion: its name
            discount["names"].get(lang) or "" if discount["code"] else "",
            f"- {format_money(discount['amount'], lang)}" if discount["amount"] else None,
        )
        for discount in order.discounts
    ]
    cards = [
        (
            _("Paid with gift card •••• ${last4}", mapping={"last4": card["last4"]}),
            f"- {format_money(card['amount'], lang)}",
        )
        for card in order.gift_cards
    ]
    if cards:
        cards.append((_("Left to pay"), format_money(order.due, lang)))
    payment = []
    if awaits_transfer(order):
        bank = bank_account(registry.settings)
        payment = [
            _("How to pay"),
            _(
                "Transfer ${amount} to account ${iban} (BIC ${bic}) of ${holder} with this "
                "structured communication:",
                mapping={"amount": format_money(order.due, lang), **bank},
            ),
            str(order.payment_reference),
            _("We ship your order as soon as the payment has arrived."),
        ]
    return {
        "lines_text": lines,
        "discount_lines": discounts,
        "gift_card_lines": cards,
        "vat_lines": vat,
        "payment_lines": payment,
        "vat_notes": vat_notes(order),
    }


def payment_qr(registry, order):
    """The inline images of a mail about ``order``: while its transfer is awaited, the EPC
    QR code of that transfer (``payment_qr``); otherwise none."""
    if not awaits_transfer(order):
        return {}
    return {"payment_qr": epc.png(epc_payload(registry.settings, order))}


def qr_size(registry, order):
    """The width of :func:`payment_qr`'s image in pixels (None without one)."""
    return epc.pixels(epc_payload(registry.settings, order)) if awaits_transfer(order) else None


#: The kind of the mail intents of order mails with attachments (see the module).
ORDER_MAIL = "order_mail"


def add_order_mail_attachment(config, template, provider):
    """Config directive: ``provider(registry, order)`` attaches files
    (``[(filename, mimetype, bytes)]``) to order mail ``template`` (see the module)."""
    if template not in SUBJECTS:
        raise ValueError(f"no order mail {template!r}")
    config.registry.shopcms_order_mail_attachments.setdefault(template, []).append(provider)


def attachment_providers(registry, template):
    return getattr(registry, "shopcms_order_mail_attachments", {}).get(template, ())


def mail_order(registry, order, template, request=None):
    """Queue mail ``template`` about ``order`` to its customer, in the order's language, in
    the transaction that changes the order.  The confirmation of an order paid by transfer
    shows the transfer's QR code (an inline image of its HTML part).  A mail with attached
    files is queued as an intent: the sender adds the files (see the module)."""
    message = order_message(registry, order, template, linking_request(registry, request))
    # The order may be new in this transaction, without a connection yet: its folder has one.
    if not attachment_providers(registry, template):
        return send(order.__parent__, message)
    return queue_intent(
        order.__parent__,
        ORDER_MAIL,
        address=order.contact["email"],
        lang=order.lang,
        domain=get_mailer(registry).domain,
        number=order.number,
        template=template,
        message=as_smtp_bytes(message),
    )


def compose_order_mail(registry, site, intent):
    """The composer of :data:`ORDER_MAIL` intents: the message composed when the mail was
    queued, with the files of the template's attachment providers (none once the order is
    gone)."""
    message = email.message_from_bytes(intent["message"], policy=email.policy.default)
    order = site["orders"].get(intent["number"])
    if order is None:
        return message
    files = [
        attached
        for provider in attachment_providers(registry, intent["template"])
        for attached in provider(registry, order) or ()
    ]
    return attach(message, files)


def order_message(registry, order, template, links):
    """The composed mail ``template`` about ``order`` (links made by ``links``)."""
    base = public_url(registry, links)
    lang = order.lang
    subject = SUBJECTS[template]
    message = compose(
        registry,
        f"shopcms.orders:templates/mail/{template}",
        {
            "order": order,
            "order_url": links.link(
                None, "order", order.number, order.access_key, lang=lang, absolute=True
            ),
            "terms_url": links.link(None, "terms", lang=lang, absolute=True),
            "bank": bank_account(registry.settings),
            "payment": methods(registry).get(order.payment_method),
            "shipping_title": SHIPPING_METHODS.get(order.shipping["method"], ""),
            "state": ORDER_WORKFLOW.get_state(order.workflow_state),
            "parts": mail_parts(registry, template, links, order),
            "qr_size": qr_size(registry, order),
            **text_parts(registry, order),
        },
        lang=order.lang,
        to=(order.contact["name"], order.contact["email"]),
        subject=_(subject, mapping={"number": order.number}),
        application_url=base,
        images=payment_qr(registry, order) if template in QR_MAILS else None,
    )
    return message


#: The kind of the intents of order confirmations (see the module).
ORDER_PLACED = "order_placed"


class AsPlaced:
    """An order as it was placed, for its confirmation composed later: its state is
    "placed"; everything else is the order's (immutable since)."""

    workflow_state = PLACED

    def __init__(self, order):
        self._order = order

    def __getattr__(self, name):
        return getattr(self._order, name)


def order_placed(event):
    """Queue the confirmation of the new order (an intent: see the module)."""
    order, registry = event.order, event.request.registry
    queue_intent(
        order.__parent__,
        ORDER_PLACED,
        address=order.contact["email"],
        lang=order.lang,
        domain=get_mailer(registry).domain,
        number=order.number,
        base=public_url(registry, event.request),
    )


def compose_order_placed(registry, site, intent):
    """The composer of :data:`ORDER_PLACED` intents: the confirmation, or None (the
    order is gone, or its contact erased)."""
    order = site["orders"].get(intent["number"])
    if order is None or order.contact.get("email") != intent["address"]:
        return None
    links = Request.blank("/", base_url=intent["base"])
    links.registry = registry
    apply_request_extensions(links)
    return order_message(registry, AsPlaced(order), "order_placed", links)


def order_moved(event):
    if event.workflow is not ORDER_WORKFLOW or event.transition.name not in ON_TRANSITION:
        return
    order = event.content
    # A command (import-payments) has no request; its registry is the current one.
    registry = event.request.registry if event.request is not None else get_current_registry()
    mail_order(registry, order, ON_TRANSITION[event.transition.name], event.request)


def includeme(config):
    config.registry.shopcms_order_mail_parts = {}
    config.add_directive("add_order_mail_part", add_order_mail_part)
    config.registry.shopcms_order_mail_attachments = {}
    config.add_directive("add_order_mail_attachment", add_order_mail_attachment)
    config.add_mail_composer(ORDER_MAIL, compose_order_mail)
    config.add_mail_composer(ORDER_PLACED, compose_order_placed)
    config.add_subscriber(order_placed, OrderPlaced)
    config.add_subscriber(order_moved, AfterTransition)
