"""What a Mollie mandate leaves in the shop: brand, last four digits, expiry, the sealed id."""

from mollie.api.objects.mandate import Mandate

from shopcms.orders.payments.mollie.mandates import saved_method_from
from shopcms.orders.payments.saved import describe
from shopcms.privacy.vault import Vault, new_key

VAULT = Vault([new_key()])


def mandate(method, details, mandate_id="mdt_Abc123"):
    return Mandate(
        {"id": mandate_id, "status": "valid", "method": method, "details": details}, None
    )


def test_a_card_mandate_keeps_only_the_label_the_last_four_digits_and_the_expiry():
    # Mollie sends the last four digits only; even a full number would leave just those.
    details = {
        "cardHolder": "J. Peeters",
        "cardNumber": "5555 5555 5555 4444",
        "cardLabel": "Mastercard",
        "cardFingerprint": "fp123",
        "cardExpiryDate": "2029-11-30",
    }
    saved = saved_method_from(mandate("creditcard", details), "creditcard", "cst_X1", VAULT)
    assert (saved.brand, saved.last4, saved.expiry, saved.customer_ref) == (
        "Mastercard",
        "4444",
        "11/29",
        "cst_X1",
    )
    assert VAULT.open(saved.sealed_token) == "mdt_Abc123"
    assert b"mdt_Abc123" not in saved.sealed_token
    assert "J. Peeters" not in repr(saved) and "fp123" not in repr(saved)
    assert describe(saved) == "Mastercard •••• 4444 (11/29)"


def test_a_direct_debit_mandate_keeps_a_masked_iban_only():
    details = {
        "consumerName": "J. Peeters",
        "consumerAccount": "BE68 5390 0754 7034",
        "consumerBic": "BBRUBEBB",
    }
    saved = saved_method_from(mandate("directdebit", details), "bancontact", "cst_X1", VAULT)
    assert (saved.brand, saved.last4, saved.expiry) == ("Bancontact", "BE•• •••• 7034", "")
    assert "5390" not in repr(saved) and "BBRUBEBB" not in repr(saved)
    assert describe(saved) == "Bancontact BE•• •••• 7034"


def test_a_mandate_that_does_not_say_what_to_show_is_not_kept():
    assert saved_method_from(mandate("creditcard", {}), "creditcard", "cst_X1", VAULT) is None
    assert saved_method_from(mandate("paypal", {"x": 1}), "creditcard", "cst_X1", VAULT) is None
    odd = {"consumerAccount": "12"}
    assert saved_method_from(mandate("directdebit", odd), "bancontact", "cst_X1", VAULT) is None
