"""Composing a mail in the recipient's language from a pair of templates: :func:`compose`.

Contract: the language is the one given, never the current request's (staff working in
Dutch ship the order of a French customer: the mail is French); the result is a complete
``EmailMessage`` (From, To, Date, Message-ID, a plain text and an HTML part) that
:func:`shopcms.mail.send` can queue.  Nothing is queued or sent here.
"""

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from pyramid.renderers import render
from pyramid.request import Request, apply_request_extensions
from pyramid.threadlocal import manager as threadlocal_manager

from shopcms.mail.sending import get_mailer
from shopcms.web.clock import now
from shopcms.web.i18n import _, languages


def compose(registry, template, values, *, lang, to, subject, application_url=None):
    """The mail ``template`` to ``to`` in the language ``lang``, ready for :func:`send`.

    ``to`` is a ``(name, address)`` pair (the name may hold commas, quotes, accents) or a
    bare address; not a ``formataddr`` string, which the email package garbles when the
    name has both accents and a comma.

    ``template`` is an asset spec without extension (``shopcms.orders:templates/mail/NAME``).
    Returns an ``EmailMessage`` (multipart/alternative, UTF-8): the plain text rendered from
    ``TEMPLATE.txt`` and the HTML from ``TEMPLATE.pt``, with ``values`` and
    what every template gets (``t`` translates into ``lang``; ``_`` makes a message id, for
    the ``.txt``, which has no ``i18n:`` attributes).  ``subject`` (a TranslationString or
    text) is translated into ``lang``.  ``lang`` must be one of ``shopcms.languages``
    (ValueError otherwise), whatever the current request's language.  ``application_url``
    is the base of URLs made in the templates: pass ``request.application_url`` in a view.
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
    values = {"_": _, **values}
    # Chameleon translates through the *current* request: make this one current meanwhile.
    threadlocal_manager.push({"registry": registry, "request": request})
    try:
        # Chameleon returns a text template's output encoded (UTF-8): decode it.
        text = render(f"{template}.txt", values, request=request).decode("utf-8")
        html = render(f"{template}.pt", values, request=request)
    finally:
        threadlocal_manager.pop()
    message = EmailMessage()
    message["Subject"] = request.localizer.translate(subject)
    message["From"] = mailer.sender
    message["To"] = Address(display_name=to[0], addr_spec=to[1]) if isinstance(to, tuple) else to
    message["Date"] = format_datetime(now(registry))
    message["Message-ID"] = make_msgid(domain=mailer.envelope_from.rpartition("@")[2])
    # Quoted-printable keeps the queued file and the SMTP data plain ASCII.
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    return message
