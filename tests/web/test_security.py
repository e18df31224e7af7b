"""The security policy: who is logged in, and which principals they carry."""

import time
from types import SimpleNamespace

import pytest
from pyramid import testing
from pyramid.authorization import Authenticated, Everyone

from shopcms.accounts.resources import Customers
from shopcms.web.security import (
    SESSION_ID,
    SESSION_LOGIN_AT,
    SESSION_SECOND_FACTOR,
    SESSION_USER,
    SecurityPolicy,
)


class Root(dict):
    pass


@pytest.fixture
def world():
    testing.setUp()
    customers = Customers()
    account = customers.create("ann@example.be", "ann's passphrase", roles=("editor",))
    root = Root(customers=customers)
    yield root, account
    testing.tearDown()


def request_with(root, session):
    request = testing.DummyRequest(root=root)
    request.session.update(session)
    return request


def test_valid_session_gives_the_account_and_its_principals(world):
    root, account = world
    policy = SecurityPolicy(absolute_timeout=3600)
    sid = account.open_session(3600)
    session = {SESSION_USER: account.__name__, SESSION_ID: sid, SESSION_LOGIN_AT: time.time()}
    assert policy.identity(request_with(root, session)) is account
    confirmed = SimpleNamespace(identity=account, session={SESSION_SECOND_FACTOR: True})
    assert policy.effective_principals(confirmed) == [
        Everyone,
        Authenticated,
        f"user:{account.__name__}",
        "role:editor",
    ]
    # Without a code of the second factor, a staff role does not count.
    password_only = SimpleNamespace(identity=account, session={})
    assert "role:editor" not in policy.effective_principals(password_only)
    relaxed = SecurityPolicy(absolute_timeout=3600, staff_second_factor=False)
    assert "role:editor" in relaxed.effective_principals(password_only)


@pytest.mark.parametrize(
    "tamper",
    [
        "unknown-session-id",  # closed (logout) or forged
        "too-old",  # beyond the absolute timeout
        "inactive",  # a disabled account
        "other-user",  # an id that is not an account
    ],
)
def test_sessions_that_must_not_count(world, tamper):
    root, account = world
    policy = SecurityPolicy(absolute_timeout=3600)
    sid = account.open_session(3600)
    session = {SESSION_USER: account.__name__, SESSION_ID: sid, SESSION_LOGIN_AT: time.time()}
    if tamper == "unknown-session-id":
        account.close_session(sid)
    elif tamper == "too-old":
        session[SESSION_LOGIN_AT] = time.time() - 3601
    elif tamper == "inactive":
        account.active = False
    else:
        session[SESSION_USER] = "u-nobody"
    assert policy.identity(request_with(root, session)) is None


def test_password_change_ends_other_sessions_but_the_current(world):
    _root, account = world
    kept, other = account.open_session(3600), account.open_session(3600)
    account.set_password("a new passphrase", keep_session=kept)
    assert account.has_session(kept) and not account.has_session(other)


def test_old_session_ids_are_forgotten_at_the_next_login(world):
    _root, account = world
    old = account.open_session(3600)
    account.sessions[old] -= 7200
    account.open_session(3600)
    assert old not in account.sessions and len(account.sessions) == 1


def test_anonymous_has_only_everyone():
    policy = SecurityPolicy(absolute_timeout=3600)
    assert policy.effective_principals(SimpleNamespace(identity=None)) == [Everyone]
