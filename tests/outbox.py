"""Reading the mail outbox in tests, without an SMTP server.

``queued(site)`` composes the waiting intents as the sender would (``compose_waiting``) and
returns the mails waiting in the outbox, oldest first, as ``(recipients, message)`` pairs
(``recipients`` joined by ", ").
"""

import email
import email.policy

from shopcms.mail import compose_waiting, get_outbox


def queued(site):
    """The mails waiting in ``site``'s outbox, oldest first (intents composed first)."""
    compose_waiting(site.registry)

    def read(root):
        outbox = get_outbox(root)
        mails = outbox.mails() if outbox is not None else ()
        return [(", ".join(m.recipients), m.data) for m in mails]

    return [
        (to, email.message_from_bytes(data, policy=email.policy.default))
        for to, data in site.read(read)
    ]


def intents(site):
    """The intents waiting in ``site``'s outbox (not yet composed), oldest first."""

    def read(root):
        outbox = get_outbox(root)
        mails = outbox.mails() if outbox is not None else ()
        return [dict(m.intent) for m in mails if not m.composed]

    return site.read(read)
