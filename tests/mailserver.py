"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, keeping what it receives.

``MailServer().start()`` listens on a free port; ``settings()`` gives the shopcms settings
that send there; ``wait_for(count)`` waits for messages to arrive.  ``stop()`` then
``start()`` again listens on the same port, so a test can take the server down (the port
refuses connections) and bring it back.  ``refuse[address] = "550 ..."`` answers that
recipient with the given reply instead of accepting it.
"""

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One message as the server got it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: tuple
    message: EmailMessage


def free_port():
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class MailServer:
    def __init__(self, port=None):
        self.port = port or free_port()
        self._received = []
        self._arrived = threading.Condition()
        self._controller = None
        #: Recipient address -> the SMTP reply that refuses it.
        self.refuse = {}

    # aiosmtpd handler hook, called in the server's thread.
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    # aiosmtpd handler hook, called in the server's thread.
    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self._received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), message))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def start(self):
        # A stopped Controller cannot start again (its event loop is closed): make a new one.
        self._controller = Controller(self, hostname=HOST, port=self.port)
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self):
        """The shopcms settings that send mail to this server."""
        return {"shopcms.mail.host": HOST, "shopcms.mail.port": str(self.port)}

    @property
    def received(self):
        """A copy of the messages received so far, oldest first."""
        with self._arrived:
            return list(self._received)

    def wait_for(self, count, timeout=5.0):
        """The received messages once there are at least ``count``; AssertionError if
        they do not arrive within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self._received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} message(s), received {len(self._received)}"
                    )
                self._arrived.wait(left)
            return list(self._received)
