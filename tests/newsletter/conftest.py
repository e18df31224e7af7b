"""The newsletter's test servers: Dovecot for the inbound mailbox (tests/dovecot.py)."""

import os

import pytest

from tests.dovecot import Dovecot, available, missing_message


def started(tls):
    """Without Dovecot the test is skipped on a developer's machine, and fails in CI (``CI``
    set): there the IMAP path must be tested."""
    if not available():
        if os.environ.get("CI"):
            pytest.fail(missing_message())
        pytest.skip(missing_message())
    return Dovecot(tls=tls).start()


@pytest.fixture
def dovecot():
    """A running Dovecot with one user and an empty INBOX, plain IMAP (tests/dovecot.py)."""
    server = started(tls=False)
    yield server
    server.stop()


@pytest.fixture
def dovecot_tls():
    """The same requiring TLS, with a self-signed certificate (``dovecot_tls.cert``)."""
    server = started(tls=True)
    yield server
    server.stop()
