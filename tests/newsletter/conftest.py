"""The newsletter's test servers: Dovecot for the inbound mailbox (tests/dovecot.py)."""

import os

import pytest

from tests.dovecot import Dovecot, available, missing_message


@pytest.fixture
def dovecot():
    """A running Dovecot with one user and an empty INBOX (see tests/dovecot.py).

    Without Dovecot the test is skipped on a developer's machine, and fails in CI (``CI``
    set): there the IMAP path must be tested.
    """
    if not available():
        if os.environ.get("CI"):
            pytest.fail(missing_message())
        pytest.skip(missing_message())
    server = Dovecot().start()
    yield server
    server.stop()
