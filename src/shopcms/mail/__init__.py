"""Mail to customers: composed in their language, queued with the transaction, sent by SMTP.

How a mail travels:

1. :func:`compose` (``compose``) renders ``templates/mail/NAME.txt`` (plain text) and
   ``NAME.pt`` (HTML) in the language it is given, whatever the language of the current
   request (staff working in Dutch ship the order of a French customer: the mail is French).
2. :func:`send` (``outbox``) puts it in the queue as part of a transaction: the message is
   written into the queue's ``tmp/`` at once and moved into ``new/`` only when that
   transaction commits; an abort (a rejected form, a request replayed after a conflict)
   removes it.  So a retried request never sends twice, and no mail leaves for something
   that did not happen.
3. :func:`send_queued` (``sending``; ``shopcms send-mail INI``, or the running sender of the
   :class:`Mailer`) sends every queued message through SMTP and removes it once the server
   has accepted it.  When the server cannot be reached the messages wait for the next round:
   an outage loses nothing.

``config.include("shopcms.mail")`` (:func:`includeme`) reads the settings below into the
application's :class:`Mailer` (:func:`get_mailer`), creates the queue and, with a
``send_interval``, starts the running sender with the first request.

Settings (``[app:main]``):

``shopcms.mail.queue``
    The queue folder (a Maildir), created at start.  Default ``var/mailqueue``, relative to
    the working directory at start; the ini files set it explicitly.
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
    or a timer then sends the queue.
"""

from pyramid.events import NewRequest

from shopcms.mail.compose import compose
from shopcms.mail.outbox import send
from shopcms.mail.sending import Mailer, QueueRun, get_mailer, send_queued

__all__ = ["Mailer", "QueueRun", "compose", "get_mailer", "includeme", "send", "send_queued"]


def _start_sender(event):
    get_mailer(event.request.registry).start_sender()


def includeme(config):
    """Set up the application's :class:`Mailer` from the settings; ValueError for a bad one."""
    mailer = Mailer(config.get_settings())
    mailer.create_queue()
    config.registry.shopcms_mail = mailer
    if mailer.send_interval > 0:
        # Started by a request, so the shopcms commands (which load the app too) never run it.
        config.add_subscriber(_start_sender, NewRequest)
