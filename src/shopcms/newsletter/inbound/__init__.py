"""Unsubscribing by mail and bounces: ``shopcms process-inbound`` reads the shop's mailbox.

- :mod:`.subjects`: does a subject mean "unsubscribe" (the sentences of the contact page)?
- :mod:`.bounces`: the hard bounces of a delivery status notification (RFC 3464).
- :mod:`.mailbox`: the mailbox read, IMAP(S) or a Maildir folder; processed messages move.
- :mod:`.classify`: what a message asks (unsubscribe, a hard bounce, or for a person).
- :mod:`.process`: acting on each message, one transaction each; :func:`.process.run`.
"""
