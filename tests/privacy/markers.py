"""A customer who has left every kind of personal data the shop keeps today, each value a
unique marker, and a scan of the database file for those markers.

Used by the export and erasure tests (the customer's own and the staff's): every marker must
be in the export, and after the erasure (and a pack) none may be left in the database.
"""

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from persistent.list import PersistentList

from shopcms.orders.payments.saved import SavedPaymentMethod
from shopcms.privacy import disclosures, ledger
from shopcms.privacy.purposes import ACCOUNT_DATA, PERSONALISATION
from shopcms.privacy.vault import get_vault
from shopcms.tree.database import get_database
from tests.conftest import PASSWORD
from tests.factories import make_order

#: The products on the customer's lists: (cart with quantity 2, wishlist, compare).
LIST_PRODUCTS = ("mug-cafe", "ceramic-pot-sage", "aloe-vera")


#: The markers the invoice of the delivered order names (its buyer's name and billing
#: address): kept by an erasure for the 10 years of the law.
KEPT_ON_INVOICES = ("order name", "billing street", "billing city")


@dataclass
class Planted:
    userid: str
    email: str
    #: What each kind of data holds: a unique string, found nowhere else in the database.
    markers: dict
    #: The saved payment method's token in clear: it must never appear anywhere.
    token: str
    orders: list = field(default_factory=list)
    policy: tuple = ()  # (revision id, hash) named by the consent events

    @property
    def strings(self):
        return sorted(self.markers.values())

    @property
    def on_invoices(self):
        """What the delivered order's invoice says of its buyer, which an erasure keeps
        (a legal obligation: shopcms.invoicing.privacy)."""
        return sorted(self.markers[kind] for kind in KEPT_ON_INVOICES)

    @property
    def erasable(self):
        """Every marker but those the invoice keeps."""
        return sorted(set(self.strings) - set(self.on_invoices))


def _digits(count):
    return "".join(secrets.choice("0123456789") for _ in range(count))


def plant(site, lang="fr", state="delivered"):
    """Create the account and its data (see the module docstring); returns a Planted."""
    tag = secrets.token_hex(5)

    def mark(kind):
        return f"zq{kind}{tag}"

    markers = {
        "account email": f"{mark('mail')}@example.be",
        "address name": mark("addrname"),
        "address street": f"{mark('addrstreet')} 12",
        "address city": mark("addrcity"),
        "phone": f"+32 4{_digits(8)}",
        "payment brand": mark("brand"),
        "payment customer": f"cst_{mark('cst')}",
        "consent form": mark("form"),
        "order name": mark("ordername"),
        "order email": f"{mark('ordermail')}@example.be",
        "order phone": f"+32 470 {_digits(6)}",
        "delivery name": mark("delivname"),
        "delivery street": f"{mark('delivstreet')} 3",
        "delivery city": mark("delivcity"),
        "billing street": f"{mark('billstreet')} 9",
        "billing city": mark("billcity"),
    }
    token = f"mdt_{mark('token')}"
    now = datetime.now(UTC)
    with site.edit() as root:
        account = root["customers"].create(markers["account email"], PASSWORD, language=lang)
        prefs = account.preferences
        for purpose, form in ((ACCOUNT_DATA, markers["consent form"]), (PERSONALISATION, "x")):
            ledger.record(prefs, root, purpose, True, form, lang, now)
        prefs.add_address(
            markers["address name"],
            markers["address street"],
            "9000",
            markers["address city"],
            "BE",
        )
        prefs.phone = markers["phone"]
        prefs.add_payment_method(
            SavedPaymentMethod(
                id=secrets.token_hex(6),
                provider="mollie",
                method="creditcard",
                brand=markers["payment brand"],
                last4="4242",
                expiry="12/29",
                sealed_token=get_vault(site.registry).seal(token),
                customer_ref=markers["payment customer"],
            )
        )
        products = root["products"]
        cart, wish, compare = (products[name].pid for name in LIST_PRODUCTS)
        account.shop_lists["cart"] = PersistentList([(cart, 2)])
        account.shop_lists["wishlist"] = PersistentList([wish])
        account.shop_lists["compare"] = PersistentList([compare])
        disclosures.mollie_customer(account, ("email", "name"), now)
        userid = account.__name__
        first = make_order(
            root,
            lang=lang,
            customer=userid,
            state=state,
            contact={
                "name": markers["order name"],
                "email": markers["order email"],
                "phone": markers["order phone"],
            },
            delivery={
                "name": markers["delivery name"],
                "street": markers["delivery street"],
                "city": markers["delivery city"],
            },
            billing={
                "street": markers["billing street"],
                "postcode": "1000",
                "city": markers["billing city"],
                "country": "BE",
            },
            items=(("mug-cafe", 2), ("aloe-vera", 1)),
        )
        disclosures.mollie_payment(
            first, {"amount": {"value": "1.00"}, "metadata": {"order": first.number}}, now
        )
        second = make_order(
            root,
            lang=lang,
            customer=userid,
            state="cancelled",
            contact={"name": markers["order name"], "email": markers["order email"]},
        )
        event = ledger.latest(prefs, ACCOUNT_DATA)
        policy = (event.policy_revision, event.policy_hash)
        numbers = [first.number, second.number]
    return Planted(userid, markers["account email"], markers, token, numbers, policy)


def database_file(site):
    """The FileStorage file of ``site`` (a Path)."""
    return Path(get_database(site.registry).storage._file_name)


def found_in_database(site, strings):
    """The ``strings`` present anywhere in the database file: every record, every earlier
    revision still in the file, every transaction's metadata (read as raw bytes)."""
    path = database_file(site)
    data = path.read_bytes()
    return sorted(s for s in strings if s.encode("utf-8") in data)
