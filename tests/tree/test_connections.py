"""A connection whose opening meets an unreachable storage goes back to its pool."""

import pytest
import transaction
import ZODB
from ZODB.MappingStorage import MappingStorage

from shopcms.tree.connections import release_failed_opens


class FlakyStorage(MappingStorage):
    """A storage that, while ``down``, fails as ZEO or PostgreSQL do while restarting."""

    down = False

    def sync(self, force=True):
        if self.down:
            raise ConnectionError("the storage server is restarting")


@pytest.fixture
def db():
    storage = FlakyStorage()
    database = release_failed_opens(ZODB.DB(storage, pool_size=2))
    yield database
    database.close()


def open_in_request(db):
    """As pyramid_tm and pyramid_zodbconn do: an explicit manager, begun, then open."""
    tm = transaction.TransactionManager(explicit=True)
    tm.begin()
    try:
        return db.open(transaction_manager=tm), tm
    except BaseException:
        tm.abort()
        raise


def open_connections(db):
    return [conn for conn in db.pool.all if conn.opened is not None]


def test_failed_opens_leak_no_connection_and_the_database_still_closes(db):
    db.storage.down = True
    for _ in range(5):
        with pytest.raises(ConnectionError):
            open_in_request(db)
    assert open_connections(db) == []  # every connection taken went back to the pool
    db.storage.down = False
    conn, tm = open_in_request(db)
    conn.root()["answer"] = 42
    tm.commit()
    conn.close()
    db.close()  # what a server does at shutdown: it used to fail with NoTransaction


def test_a_plain_database_would_leak_them(db):
    """The fault the release guards against, shown on the class ZODB uses by default."""
    plain = ZODB.DB(FlakyStorage(), pool_size=2)
    plain.storage.down = True
    with pytest.raises(ConnectionError):
        open_in_request(plain)
    assert len(open_connections(plain)) == 1
    with pytest.raises(transaction.interfaces.NoTransaction):
        plain.close()
