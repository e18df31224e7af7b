"""Role x resource: who may see what (anonymous is redirected to log in)."""

import pytest

from tests.conftest import PASSWORD, Browser, login

ROLES = ("anonymous", "customer", "editor", "moderator", "admin")

# path -> the status each role gets, in the order of ROLES.
MATRIX = {
    "/nl/": (200, 200, 200, 200, 200),
    "/fr/privacy": (200, 200, 200, 200, 200),
    "/nl/manage/": (403, 403, 200, 200, 200),
    "/nl/manage/customers/": (403, 403, 403, 403, 200),
    "/nl/customers/": (404, 404, 404, 404, 404),  # accounts are never public pages
    "/nl/orders/": (404, 404, 404, 404, 404),
}


@pytest.fixture
def clients(site):
    clients = {"anonymous": Browser(site.wsgi)}
    for role in ROLES[1:]:
        site.add_account(f"{role}-user@example.be", roles=(role,))
        clients[role] = Browser(site.wsgi)
        login(clients[role], f"{role}-user@example.be", PASSWORD)
    return clients


def test_permission_matrix(clients):
    seen = {
        path: tuple(clients[role].get(path, status="*").status_int for role in ROLES)
        for path in MATRIX
    }
    assert seen == MATRIX
