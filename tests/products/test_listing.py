"""The listing's price ranges: the two-resolution lookup equals the exact one."""

import random

import pytest
from pyramid import testing

from shopcms.catalog import Catalog
from shopcms.products.listing import ListingQuery, price_docids


class Priced:
    def __init__(self, cents):
        self.price = cents / 100


@pytest.fixture(scope="module")
def catalog():
    catalog = Catalog(("nl",))
    rng = random.Random(7)
    for docid in range(1, 3001):
        item = Priced(rng.randint(0, 20000))
        catalog["price"].index_doc(docid, item)
        catalog["price_euros"].index_doc(docid, item)
    return catalog


@pytest.mark.parametrize(
    "low,high",
    [
        (0, 20000),
        (1000, 4000),
        (1050, 4099),
        (1099, 1100),
        (1001, 1002),
        (0, 99),
        (99, 100),
        (12345, 12345),
        (5000, 4999),
        (100, 199),
        (150, 250),
    ],
)
def test_price_range_equals_the_exact_index(catalog, low, high):
    exact = set(catalog["price"].applyInRange(low, high))
    assert set(price_docids(catalog, low, high)) == exact


def test_query_parameters_are_bounded():
    testing.setUp()
    query = ListingQuery.from_params(
        {"q": "x" * 500, "page": "999999", "sort": "evil", "min": "-5", "max": "12,50"}, "nl"
    )
    assert len(query.text) == 100 and query.page == 10_000 and query.sort == "name"
    assert query.price_min is None and str(query.price_max) == "12.50"
    testing.tearDown()
