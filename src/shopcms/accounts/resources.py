"""Accounts: customers and staff, each with credentials, roles and a Preferences object.

Accounts are keyed by a random id (never the email, which a customer may change and which
must not appear in URLs); ``Customers.by_email`` maps the normalised email to that id.
"""

import secrets
import time

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from pyramid.authorization import DENY_ALL, Allow

from shopcms.accounts.passwords import hash_password, needs_rehash, verify_password
from shopcms.tree.resources import Content, Folder, FolderKeyError, utcnow
from shopcms.web import security


def normalise_email(email):
    """The form of an email address used for lookups: stripped and lower-cased."""
    return email.strip().lower()


class Preferences(Persistent):
    """The only home of one customer's settings (see ``shopcms.privacy.purposes``).

    - ``language``: the preferred language (contract: mails about orders);
    - ``consents``: the consent ledger, append-only (``shopcms.privacy.ledger``);
    - ``addresses`` (several, ``default_address`` names one), ``phone``, ``company`` and
      ``vat_number`` (a business buyer's, ``shopcms.orders.business``) and
      ``payment_methods``: kept only while the "keep my account data" consent is given.
    """

    #: A business customer's company name and VAT number (compact, with its country
    #: prefix), "" when none: class defaults, so older preferences need no evolve step.
    company = ""
    vat_number = ""

    def __init__(self, language=None):
        self.language = language
        self.setup()

    def setup(self):
        """The containers added by the accounts issue (also run by evolve step 3)."""
        self.consents = PersistentList()
        self.addresses = PersistentList()
        self.default_address = None
        self.phone = ""
        self.payment_methods = PersistentList()

    # -- addresses -------------------------------------------------------------
    def add_address(self, name, street, postcode, city, country, make_default=False):
        """Keep an address (a dict with an ``id``); the first one becomes the default."""
        address = {
            "id": secrets.token_hex(6),
            "name": name,
            "street": street,
            "postcode": postcode,
            "city": city,
            "country": country,
        }
        same = [a for a in self.addresses if {**a, "id": None} == {**address, "id": None}]
        if same:
            address = same[0]
        else:
            self.addresses.append(address)
        if make_default or self.default_address is None:
            self.default_address = address["id"]
        return address

    def address(self, address_id):
        return next((a for a in self.addresses if a["id"] == address_id), None)

    def remove_address(self, address_id):
        self.addresses[:] = [a for a in self.addresses if a["id"] != address_id]
        if self.default_address == address_id:
            self.default_address = self.addresses[0]["id"] if self.addresses else None

    # -- payment methods ---------------------------------------------------------
    def add_payment_method(self, method):
        self.payment_methods.append(method)
        return method

    def payment_method(self, method_id):
        return next((m for m in self.payment_methods if m.id == method_id), None)

    def remove_payment_method(self, method_id):
        self.payment_methods[:] = [m for m in self.payment_methods if m.id != method_id]

    def forget_account_data(self):
        """Drop what only the "keep my account data" consent allowed keeping."""
        self.addresses[:] = []
        self.default_address = None
        self.phone = ""
        self.company = ""
        self.vat_number = ""
        self.payment_methods[:] = []


class Customer(Content):
    """An account.  ``roles`` is a frozenset of names from :data:`security.ROLES`."""

    content_type = "customer"
    #: Disclosures of the account's own data to third parties, oldest first
    #: (``shopcms.privacy.disclosures``); a tuple replaced by each new one.
    disclosures = ()

    def __init__(self, email, password_hash, roles=(security.CUSTOMER,), language=None):
        super().__init__()
        self.email = normalise_email(email)
        self.password_hash = password_hash
        self.roles = frozenset(roles)
        self.active = True
        # Server-side record of the open sessions (id -> login time), so that logging out
        # really ends a session even though the session cookie is held by the browser.
        self.sessions = PersistentMapping()
        self.preferences = Preferences(language)
        # Cart, wishlist and compare of a logged-in customer (see shopcms.products.lists).
        self.shop_lists = PersistentMapping()
        self.setup_accounts()

    def setup_accounts(self):
        """What the accounts issue added (also run by evolve step 3 on older accounts)."""
        # Until the owner proves the address by the mailed link; accounts made by staff or
        # the command line are verified by whoever made them.
        self.email_verified = True
        # purpose -> nonce of the single-use tokens (shopcms.web.tokens).
        self.token_nonces = PersistentMapping()
        # Second factor (TOTP, for staff who turn it on): the sealed secret, or None.
        self.totp_secret = None

    @property
    def name(self):
        """The name the customer is known by: that of their default address, or None.

        Part of what the identity (``request.identity``) offers the capabilities that may
        not import accounts: the reviews show it as the customer chooses."""
        preferences = self.preferences
        address = preferences.address(preferences.default_address)
        return (address or {}).get("name") or None

    @property
    def __acl__(self):
        # An account is visible to its owner and to administrators only.
        return [
            (Allow, security.user_principal(self.__name__), (security.VIEW, security.ACCOUNT)),
            (
                Allow,
                security.role_principal(security.ADMIN),
                (security.VIEW, security.MANAGE_USERS),
            ),
            DENY_ALL,
        ]

    def check_password(self, password):
        """True if ``password`` is right; upgrades the hash when its parameters are old."""
        if not verify_password(self.password_hash, password):
            return False
        if needs_rehash(self.password_hash):
            self.password_hash = hash_password(password)
        return True

    def set_password(self, password, keep_session=None):
        """Store a new argon2id hash and end every session but ``keep_session``."""
        self.password_hash = hash_password(password)
        self.end_sessions(keep=keep_session)
        self.touch()

    def open_session(self, max_age):
        """Record a new session and return its id; forgets sessions older than ``max_age``."""
        now = int(time.time())
        for sid, started in list(self.sessions.items()):
            if now - started > max_age:
                del self.sessions[sid]
        sid = secrets.token_urlsafe(24)
        self.sessions[sid] = now
        return sid

    def has_session(self, sid):
        return sid is not None and sid in self.sessions

    def close_session(self, sid):
        self.sessions.pop(sid, None)

    def end_sessions(self, keep=None):
        """End every open session (but ``keep``): "log out everywhere"."""
        for sid in list(self.sessions):
            if sid != keep:
                del self.sessions[sid]

    def grant(self, role):
        if role not in security.ROLES:
            raise ValueError(f"unknown role {role!r}")
        self.roles = self.roles | {role}
        self.touch()

    def revoke(self, role):
        self.roles = self.roles - {role}
        self.touch()

    @property
    def is_staff(self):
        return bool(self.roles & set(security.STAFF_ROLES))


class Customers(Folder):
    """All accounts.  Only administrators may see the folder."""

    content_type = "customers"
    __acl__ = [
        (Allow, security.role_principal(security.ADMIN), (security.VIEW, security.MANAGE_USERS)),
        DENY_ALL,
    ]

    def __init__(self):
        super().__init__()
        self.by_email = OOBTree()

    def find(self, email):
        """The account with this email address, or None."""
        userid = self.by_email.get(normalise_email(email))
        return self.get(userid) if userid is not None else None

    def create(self, email, password, roles=(security.CUSTOMER,), language=None):
        """Create an account; raises FolderKeyError if the email is taken."""
        key = normalise_email(email)
        if key in self.by_email:
            raise FolderKeyError("email taken")
        account = Customer(key, hash_password(password), roles=roles, language=language)
        userid = "u" + secrets.token_hex(8)
        while userid in self:
            userid = "u" + secrets.token_hex(8)
        self.add(userid, account)
        self.by_email[key] = userid
        account.registered = utcnow()
        return account

    def change_email(self, account, email):
        """Give ``account`` the address ``email``; raises FolderKeyError if another has it."""
        key = normalise_email(email)
        owner = self.by_email.get(key)
        if owner is not None and owner != account.__name__:
            raise FolderKeyError("email taken")
        if self.by_email.get(account.email) == account.__name__:
            del self.by_email[account.email]
        self.by_email[key] = account.__name__
        account.email = key
        account.touch()
