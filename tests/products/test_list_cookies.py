"""The lists kept in cookies (recently viewed, compare, a guest's wishlist and cart) are
signed: a visitor's cookies signed before an upgrade still read, forged ones do not."""

import hashlib

from itsdangerous import Signer
from pyramid.testing import DummyRequest

from shopcms.products import lists

SECRET = "a secret of at least thirty-two characters!"


def request_with(cookies):
    request = DummyRequest(cookies=cookies)
    request.registry.settings = {"shopcms.secret": SECRET}
    return request


def test_a_list_signed_as_before_still_reads_and_reads_back_the_same():
    # itsdangerous's own signer, as the lists were signed before their signer kept its key.
    before = Signer(SECRET, salt="shopcms.list.recent", digest_method=hashlib.sha256)
    value = before.sign("12.7.3").decode()
    assert lists.read_cookie(request_with({"recent": value}), lists.RECENT) == [12, 7, 3]
    assert lists.signed(request_with({}), lists.RECENT, [12, 7, 3]) == value


def test_a_forged_or_other_lists_signature_reads_as_empty():
    value = lists.signed(request_with({}), lists.COMPARE, [4, 5])
    assert lists.read_cookie(request_with({"compare": value}), lists.COMPARE) == [4, 5]
    payload, _dot, signature = value.rpartition(".")
    for forged in (f"4.5.6.{signature}", value[:-2] + "xx"):
        assert lists.read_cookie(request_with({"compare": forged}), lists.COMPARE) == []
    # A compare list's cookie is no recently viewed list.
    assert lists.read_cookie(request_with({"recent": value}), lists.RECENT) == []
