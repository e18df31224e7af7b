"""Fixtures: a shared storage (ZEO, RelStorage on PostgreSQL) and shopcms processes on it.

Each test gets a new storage loaded with the seeded test database and, with ``shops``,
two shopcms server processes on it; all are stopped (and the PostgreSQL database dropped)
when the test ends, passed or failed.
"""

import pytest

from tests.storage.cluster import STORAGES, shop_servers


@pytest.fixture(params=sorted(STORAGES))
def storage(request, tmp_path):
    """A running shared storage: ``zeo`` (runzeo) or ``relstorage`` (PostgreSQL)."""
    storage = STORAGES[request.param](tmp_path / request.param)
    try:
        storage.start()
        yield storage
    finally:
        storage.stop()


@pytest.fixture
def shops(storage, tmp_path):
    """Two shopcms waitress server processes on ``storage``."""
    with shop_servers(storage, tmp_path, count=2) as servers:
        yield servers
