"""Who used which code is personal data: in the customer's export, forgotten by an
erasure (the code's total of uses stays: it never said who)."""

import transaction

from shopcms.privacy.erasure import erase_customer
from shopcms.privacy.export import export_customer
from shopcms.web.clock import now
from tests.promotions.helpers import make_promotion


def test_code_uses_are_exported_and_forgotten_by_an_erasure(site):
    userid = site.add_account("klant@example.be")
    make_promotion(site)
    with site.edit() as root:
        root["promotions"]["cactus10"].take_use(f"account:{userid}")
        root["promotions"]["cactus10"].take_use("email:klant@example.be")
        root["promotions"]["cactus10"].take_use("email:iemand@example.be")
    with site.edit() as root:
        account = root["customers"][userid]
        exported = export_customer(root, account, now(site.registry), site.registry)
        assert exported["promotions"] == [
            {"code": "CACTUS10", "uses": 1},
            {"code": "CACTUS10", "uses": 1},
        ]
        erase_customer(root, account, now(site.registry), site.registry, transaction.manager)
    with site.edit() as root:
        promotion = root["promotions"]["cactus10"]
        assert list(promotion.by_customer.keys()) == ["email:iemand@example.be"]
        assert promotion.used == 3
