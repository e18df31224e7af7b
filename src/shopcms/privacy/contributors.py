"""The contributors to the customer's data export and erasure: modules that keep personal
data outside the account (reviews, contest entries, the newsletter) register one with
:func:`add_contributor` in their ``includeme``; ``shopcms.privacy.export`` adds their
sections to the export, ``shopcms.privacy.erasure`` runs their erasure (of an account, or
of a guest's orders).
"""

import dataclasses
from collections.abc import Callable

from shopcms.web.i18n import _

#: The sections of the export (the keys of the JSON) with their titles on the readable page.
SECTION_TITLES = {
    "account": _("Account"),
    "preferences": _("Preferences"),
    "consents": _("Consents"),
    "shop_lists": _("Cart, wishlist and comparison"),
    "orders": _("Orders"),
    "disclosures": _("Data given to others"),
    "other": _("Other data"),
}


@dataclasses.dataclass(frozen=True)
class Contributor:
    """Personal data that a module keeps outside the account, for export and erasure.

    ``name`` is the key of its section in the export; ``title`` (a TranslationString) heads
    that section on the readable page.  ``export(root, account)`` returns the data (plain
    values, dicts and lists; Decimal and datetime allowed) or None when there is none.
    ``erase(root, account, now, registry, options)`` erases or anonymises it, while the
    account still exists (``options``: the choices made on the erasure page, a frozenset such
    as ``{erasure.KEEP_REVIEWS}``), and returns one line saying what it did (no personal
    values: it is printed and logged) or None when there was nothing.

    A module that also keeps data about guests (people who ordered without an account)
    gives ``export_guest(root, email)`` and ``erase_guest(root, email, now, registry,
    options)``, the same for the orders placed with ``email`` without an account; the guest
    erasure calls it before the orders lose their personal data.  ``labels`` (``{key:
    TranslationString or None}``) names the fields of the section's items on the readable
    page; a field labelled None is left out there (it stays in the JSON).
    """

    name: str
    title: object
    export: Callable | None = None
    erase: Callable | None = None
    export_guest: Callable | None = None
    erase_guest: Callable | None = None
    labels: dict = dataclasses.field(default_factory=dict)


def add_contributor(registry, contributor):
    """Register ``contributor`` (in a module's ``includeme``: ``config.registry``)."""
    registered = contributors(registry)
    taken = {"about", *SECTION_TITLES, *(c.name for c in registered)}
    if contributor.name in taken:
        raise ValueError(f"the export has a section named {contributor.name!r} already")
    registry.shopcms_privacy_contributors = (*registered, contributor)


def contributors(registry):
    """The registered contributors, in the order they were added."""
    return getattr(registry, "shopcms_privacy_contributors", ())
