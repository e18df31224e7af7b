"""The price history of a product (EU Omnibus): every price change is recorded at the shop
clock's time, and the lowest price of the 30 days before a moment counts the price in force
at the window's start."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from pyramid.threadlocal import manager

from shopcms.products.price_history import lowest_before
from shopcms.products.resources import Product

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def priced(*changes):
    """A product given ``(days after T0, price)`` changes, in order (made at the first)."""
    moment = {"now": T0}
    registry = SimpleNamespace(shopcms_clock=lambda: moment["now"])
    manager.push({"registry": registry, "request": None})  # as in a request
    try:
        product = None
        for days, price in changes:
            moment["now"] = T0 + timedelta(days=days)
            if product is None:
                product = Product("SKU", Decimal(price), Decimal("21"))
            else:
                product.set_price(Decimal(price), Decimal("21"))
        return product
    finally:
        manager.pop()


def at(days):
    return T0 + timedelta(days=days)


def test_the_price_in_force_at_the_window_start_counts():
    product = priced((0, "20.00"), (60, "25.00"))
    assert lowest_before(product, at(70)) == Decimal("20.00")
    assert lowest_before(product, at(100)) == Decimal("25.00")


def test_a_lower_price_inside_the_window_is_the_reference():
    product = priced((0, "25.00"), (50, "19.00"), (55, "25.00"))
    assert lowest_before(product, at(60)) == Decimal("19.00")
    assert lowest_before(product, at(90)) == Decimal("25.00")


def test_a_change_at_or_after_the_moment_does_not_count():
    product = priced((0, "25.00"), (60, "15.00"))
    assert lowest_before(product, at(60)) == Decimal("25.00")


def test_a_product_without_history_falls_back_to_its_price():
    product = priced((0, "25.00"))
    del product.price_history
    assert lowest_before(product, at(10)) == Decimal("25.00")


def test_a_product_stored_before_the_history_keeps_its_old_price_as_since_ever():
    product = priced((0, "25.00"))
    del product.price_history
    registry = SimpleNamespace(shopcms_clock=lambda: at(60))
    product.set_price(Decimal("30.00"), Decimal("21"), registry=registry)
    assert lowest_before(product, at(70)) == Decimal("25.00")
    assert lowest_before(product, at(100)) == Decimal("30.00")
