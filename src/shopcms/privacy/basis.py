"""The legal bases of processing and what a purpose of processing states (GDPR art. 30):
the shapes the record of processing (``purposes``) is written in."""

from dataclasses import dataclass
from enum import Enum

from shopcms.web.cookies import Category
from shopcms.web.i18n import _


class Basis(Enum):
    CONTRACT = "contract"  # art. 6(1)(b): needed to fulfil the order
    LEGAL = "legal"  # art. 6(1)(c): kept because the law requires it (accounting)
    CONSENT = "consent"  # art. 6(1)(a): only while the customer agrees
    LEGITIMATE = "legitimate"  # art. 6(1)(f): the shop's interest, nothing personal kept


BASIS_TITLES = {
    Basis.CONTRACT: _("Performance of the contract (GDPR art. 6(1)(b))"),
    Basis.LEGAL: _("Legal obligation (GDPR art. 6(1)(c))"),
    Basis.CONSENT: _("Consent (GDPR art. 6(1)(a))"),
    Basis.LEGITIMATE: _("Legitimate interest (GDPR art. 6(1)(f))"),
}


@dataclass(frozen=True)
class Purpose:
    name: str
    basis: Basis
    title: object  # TranslationString
    description: object
    data: object  # which personal data it uses
    retention: object
    recipients: object = None  # who else receives the data, if anyone
    #: For the optional cookie categories: the category whose choice this purpose records.
    cookie_category: Category | None = None
    #: Consent given by an act rather than a switch on the account pages (writing a review
    #: gives it, withdrawing the review takes it back).
    consent_by_act: bool = False

    @property
    def needs_consent(self):
        return self.basis is Basis.CONSENT
