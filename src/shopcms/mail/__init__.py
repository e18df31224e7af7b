"""Mail to customers: composed in their language, stored in the outbox with the transaction
that causes it, delivered to SMTP after the commit.

How a mail travels:

1. :func:`compose` (``compose``) renders ``templates/mail/NAME.txt`` (plain text) and
   ``NAME.pt`` (HTML) in the language it is given, whatever the language of the current
   request (staff working in Dutch ship the order of a French customer: the mail is French).
   Headers are built from parts (``email.headerregistry.Address``), control characters out.
2. :func:`send` (``outbox``) stores it in the outbox, a persistent object in the main
   database, in the transaction of the order or account change that causes it: both commit
   or neither.  A rejected form or a request replayed after a conflict leaves no mail; a
   committed one always has its mail, and nothing on disk can fail half-way.
   :func:`queue_intent` stores only what a mail is to say (kind, address, language, ids):
   the sender composes it, so a reset or registration answer does the same work for every
   address.
3. :func:`send_queued` (``delivery``; ``shopcms send-mail INI`` from a timer, or the running
   sender of each serving process) claims each due mail in a transaction, sends it through
   SMTP and removes it in another: at least once, with the ``Message-ID`` fixed when it was
   queued.  A server that takes no mail loses nothing; a mail refused for now is tried
   again later (backing off), one refused for good is kept apart for staff.  Sending never
   happens in a request, so it cannot turn a committed request into an error page.
4. :func:`outbox_state` says how many mails wait, how old the oldest is and how many fail
   (the management dashboard; a readiness check).

``config.include("shopcms.mail")`` (:func:`includeme`) reads the settings below into the
application's :class:`Mailer` (:func:`get_mailer`), adds the ``config.add_mail_composer``
directive and, with a ``send_interval``, starts the running sender with the first request.

Settings (``[app:main]``):

``shopcms.mail.sender``
    The ``From`` of every mail, e.g. ``Soft Cactus <shop@softcactus.be>``; its address is also
    the envelope sender and the domain of the ``Message-ID``.
``shopcms.mail.host``, ``shopcms.mail.port``
    The SMTP server (default ``localhost`` and 25).
``shopcms.mail.username``, ``shopcms.mail.password``
    Log in to the server when both are set (default: no login).
``shopcms.mail.tls``
    ``off`` (default: plain SMTP, for a relay on this host), ``starttls`` (required, usually
    port 587) or ``ssl`` (TLS from the first byte, usually port 465).  With ``starttls`` and
    ``ssl`` the server's certificate is verified.
``shopcms.mail.send_interval``
    Seconds between two rounds of the running sender, a daemon thread of the application
    that starts with the first request it serves (the ``shopcms`` commands serve none, so
    they never start it).  0 (the default) runs no sender: ``shopcms send-mail`` from cron
    or a timer then sends the outbox.  Every process may run one: they share the outbox.
``shopcms.mail.retry_delay``
    Seconds before a mail the server refused for now (4xx) is tried again, doubled after
    each failure, at most six hours (default 60).
``shopcms.mail.claim_seconds``
    How long a sender's claim on a mail lasts (default 300): if the sender dies while
    sending, the mail is sent again (same ``Message-ID``) once the claim has run out.
``shopcms.mail.queue``
    The Maildir queue of the code before the outbox (default ``var/mailqueue``): messages
    left in it are imported into the outbox by the sender; nothing writes it any more.
"""

import functools

from pyramid.events import NewRequest

from shopcms.mail.compose import attach, compose, header_text, recipient
from shopcms.mail.delivery import QueueRun, add_mail_composer, compose_waiting, deliver, send_queued
from shopcms.mail.outbox import as_smtp_bytes, get_outbox, outbox_state, queue_intent, send
from shopcms.mail.sending import Mailer, get_mailer

__all__ = [
    "Mailer",
    "QueueRun",
    "as_smtp_bytes",
    "attach",
    "compose",
    "compose_waiting",
    "get_mailer",
    "get_outbox",
    "header_text",
    "includeme",
    "outbox_state",
    "queue_intent",
    "recipient",
    "send",
    "send_queued",
]


def _start_sender(event):
    get_mailer(event.request.registry).start_sender()


def includeme(config):
    """Set up the application's :class:`Mailer` from the settings; ValueError for a bad one."""
    mailer = Mailer(config.get_settings())
    mailer.round = functools.partial(deliver, config.registry)
    config.registry.shopcms_mail = mailer
    config.registry.shopcms_mail_composers = {}
    config.add_directive("add_mail_composer", add_mail_composer)
    # /readyz and the metrics report the outbox (shopcms.operations is included before).
    config.include("shopcms.mail.health")
    if mailer.send_interval > 0:
        # Started by a request, so the shopcms commands (which load the app too) never run it.
        config.add_subscriber(_start_sender, NewRequest)
