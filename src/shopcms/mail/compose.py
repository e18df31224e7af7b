"""Composing a mail in the recipient's language from a pair of templates: :func:`compose`.

Contract: the language is the one given, never the current request's (staff working in
Dutch ship the order of a French customer: the mail is French); the result is a complete
``EmailMessage`` (From, To, Date, Message-ID, ``Content-Language``, a plain text and an HTML
part, both in the shop's layout: ``shopcms.mail.layout``) that :func:`shopcms.mail.send`
can queue.  Nothing is queued or sent here.  Images the HTML shows (the payment's QR code)
travel in the mail as related parts (``cid:``): a mail program shows them without fetching
anything.

Headers are built from parts, never from strings a visitor typed: the recipient is an
``email.headerregistry.Address`` (a display name with quotes, commas or ``@`` is quoted and
stays one address), and control characters are taken out of every header value here too,
whatever the forms let through (a CR or LF would start a header of the visitor's choosing;
issue 12, D2/D3).  An address with a control character in it is refused (ValueError).
"""

import re
import secrets
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from pyramid.renderers import render
from pyramid.request import Request, apply_request_extensions
from pyramid.threadlocal import manager as threadlocal_manager

from shopcms.mail import layout
from shopcms.mail.sending import get_mailer
from shopcms.web.clock import now
from shopcms.web.company import company as company_of
from shopcms.web.i18n import _, languages


def unique_id():
    """A random id in groups of eight hex digits (128 bits).

    For Message-IDs and MIME boundaries: the email package's own are long runs of digits,
    which the scans for card numbers in the database (where the outbox keeps mails) cannot
    tell from one.
    """
    return ".".join(secrets.token_hex(4) for _ in range(4))


def new_message_id(domain):
    """A new ``Message-ID`` in ``domain``."""
    return f"<{unique_id()}@{domain}>"


#: The longest display name written (characters): longer ones are cut.  An address header
#: is written on one line (``outbox.SMTP_POLICY``), which SMTP limits to 998 characters.
MAX_NAME = 200

#: C0 and C1 control characters and DEL: never in a header value.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def header_text(value):
    """``value`` fit for a header: control characters become spaces, runs of spaces one."""
    return " ".join(CONTROL.sub(" ", str(value)).split())


def recipient(to):
    """The ``Address`` of ``to``: a ``(display name, address)`` pair or a bare address.

    The display name is cleaned (:func:`header_text`) and cut at :data:`MAX_NAME`
    characters; an address holding a control character or not of the form local@domain is
    refused (ValueError).
    """
    name, address = to if isinstance(to, tuple) else ("", to)
    if CONTROL.search(address) or address.count("@") != 1:
        raise ValueError(f"not a mail address: {address!r}")
    return Address(display_name=header_text(name)[:MAX_NAME].strip(), addr_spec=address)


def compose(
    registry,
    template,
    values,
    *,
    lang,
    to,
    subject,
    application_url=None,
    message_id=None,
    images=None,
    attachments=None,
):
    """The mail ``template`` to ``to`` in the language ``lang``, ready for :func:`send`.

    ``to`` is a ``(name, address)`` pair (the name may hold commas, quotes, accents) or a
    bare address; not a ``formataddr`` string, which the email package garbles when the
    name has both accents and a comma.

    ``template`` is an asset spec without extension (``shopcms.orders:templates/mail/NAME``).
    Returns an ``EmailMessage`` (multipart/alternative, UTF-8): the plain text rendered from
    ``TEMPLATE.txt`` and the HTML from ``TEMPLATE.pt``, with ``values`` (a dict, or a function
    of the mail's request returning one: for text that must be made in ``lang`` before the
    templates show it, such as a plural through ``shopcms.web.i18n.ngettext``) and
    what every template gets (``t`` translates into ``lang``; ``_`` makes a message id, for
    the ``.txt``, which has no ``i18n:`` attributes).  ``subject`` (a TranslationString or
    text) is translated into ``lang``.  ``lang`` must be one of ``shopcms.languages``
    (ValueError otherwise), whatever the current request's language.  ``application_url``
    is the base of URLs made in the templates: pass ``request.application_url`` in a view.
    ``message_id`` is the ``Message-ID`` to give (one fixed when an intent was queued);
    default a new one.  ``images`` (``{name: PNG bytes}``) go with the HTML part as inline
    images; the templates get ``cid[name]``, the ``cid:`` address to show each one at.
    ``attachments`` (``[(filename, mimetype, bytes)]``, e.g. an invoice's PDF) follow the
    text and HTML as attached files (the message becomes multipart/mixed); a filename is
    cleaned as a header value is.
    """
    if lang not in languages(registry):
        raise ValueError(f"{lang!r} is not one of the configured languages")
    mailer = get_mailer(registry)
    request = Request.blank("/", base_url=application_url)
    request.registry = registry
    # The request methods of the application (request.link(..., absolute=True) in a mail).
    apply_request_extensions(request)
    # The locale negotiator reads the language from the route's match, as for /fr/... pages.
    request.matchdict = {"lang": lang}
    values = {"_": _, **(values(request) if callable(values) else values)}
    content_ids = {name: f"{name}.{unique_id()}@{mailer.domain}" for name in images or {}}
    values["cid"] = {name: f"cid:{cid}" for name, cid in content_ids.items()}
    company = company_of(registry)
    # Every template may name the company (the model withdrawal form names the trader).
    values.setdefault("company", company)
    # Chameleon translates through the *current* request: make this one current meanwhile.
    threadlocal_manager.push({"registry": registry, "request": request})
    try:
        # Chameleon returns a text template's output encoded (UTF-8): decode it.
        text = render(f"{template}.txt", values, request=request).decode("utf-8")
        html = render(f"{template}.pt", values, request=request)
        text = layout.text(text, request, company)
        html = layout.html(html, request, company)
    finally:
        threadlocal_manager.pop()
    message = EmailMessage()
    message["Subject"] = header_text(request.localizer.translate(subject))
    message["From"] = mailer.sender
    message["To"] = recipient(to)
    message["Date"] = format_datetime(now(registry))
    message["Message-ID"] = message_id or new_message_id(mailer.domain)
    # Quoted-printable keeps the queued file and the SMTP data plain ASCII.
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    message.set_boundary(f"=_{unique_id()}")
    # After the content: setting it drops the Content-* headers.
    message["Content-Language"] = lang
    if content_ids:
        html_part = message.get_body(("html",))
        for name, cid in content_ids.items():
            html_part.add_related(
                images[name],
                "image",
                "png",
                cid=f"<{cid}>",
                disposition="inline",
                filename=f"{name}.png",
            )
        html_part.set_boundary(f"=_{unique_id()}")
    return attach(message, attachments)


def attach(message, attachments):
    """``message`` (an EmailMessage, composed or parsed back from its bytes with
    ``email.policy.default``) with ``attachments`` (``[(filename, mimetype, bytes)]``)
    attached after its text and HTML; the message itself, for convenience.  The message
    keeps its ``Content-Language``: made multipart/mixed, the email package moves every
    ``Content-*`` header into the text's part, and the language is the whole mail's."""
    language = message["Content-Language"]
    for filename, mimetype, data in attachments or ():
        maintype, _slash, subtype = mimetype.partition("/")
        message.add_attachment(
            data, maintype, subtype or "octet-stream", filename=header_text(filename)
        )
    if attachments:
        message.set_boundary(f"=_{unique_id()}")
        if language is not None and message["Content-Language"] is None:
            message["Content-Language"] = language
    return message
