"""Who used which code is personal data: in the customer's export, forgotten by an
erasure (the code's total of uses stays: it never said who)."""

import pytest
import transaction

from shopcms.privacy.erasure import erase_customer
from shopcms.privacy.export import export_customer
from shopcms.promotions.privacy import export_guest
from shopcms.web.clock import now
from tests.newsletter.test_statement import section
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


#: The orders section of the statement, and what it says of the codes' uses.
ORDERS = {"nl": "Uw bestellingen", "fr": "Vos commandes", "en": "Your orders"}
CLAIMS = {
    "nl": ("kortingscode", "hoe vaak u hem gebruikte", "gewist samen met de code"),
    "fr": ("code de réduction", "combien de fois vous l'avez utilisé", "effacé avec le code"),
    "en": ("discount code", "how many times you used it", "deleted with the code"),
}


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_statement_says_what_is_kept_of_a_codes_use(app, lang):
    text, _links = section(app.get(f"/{lang}/privacy"), ORDERS[lang])
    assert [claim for claim in CLAIMS[lang] if claim not in text] == []


def test_deleting_a_code_deletes_who_used_it(site):
    """As the statement says: a guest's uses of a code go with the code (their export
    names it before and not after)."""
    make_promotion(site)
    make_promotion(site, code="POTS5")
    with site.edit() as root:
        root["promotions"]["cactus10"].take_use("email:iemand@example.be")
        assert export_guest(root, "iemand@example.be") == [{"code": "CACTUS10", "uses": 1}]
    with site.edit() as root:
        root["promotions"].remove("cactus10", registry=site.registry)
    with site.edit() as root:
        assert export_guest(root, "iemand@example.be") is None
        assert list(root["promotions"].keys()) == ["pots5"]
