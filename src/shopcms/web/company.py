"""The company behind the shop, in one place: the settings ``shopcms.company.*``.

The footer of every page and mail, the terms, the model withdrawal form, the invoices and
credit notes (PDF and Peppol UBL) all read :func:`company`, so a move or a new VAT number
is one change in the ini file and no code:

``brand``        the shop's name, the wordmark (default ``Soft Cactus``)
``name``         the company's legal name (default ``onto object bvba``)
``legal_form``   its legal form as written after the name (``bv``, ``bvba``; optional)
``street``, ``postcode``, ``city``, ``country``
                 its registered address (``country``: ISO 3166-1 alpha-2, default ``BE``)
``enterprise``   its enterprise number in the Crossroads Bank for Enterprises (KBO/BCE),
                 ten digits, written ``0123.456.749``
``vat``          its VAT number (``BE0123456749``; in Belgium the enterprise number with BE)
``register``     the register of legal entities and its court (``RPR Gent``; optional)
``email``, ``phone``, ``website``
                 how customers reach it

Older configurations had the address on one line (``shopcms.company.address``): it is
still read, as the address's only line, when ``street`` is not set.  An empty value is
left out where the details are shown; :meth:`Company.missing` names what an invoice needs
and is not set (the readiness check and the invoicing refuse to issue without it).

``includeme`` declares the readiness check ``company`` (``/readyz``, reported, not
critical: :func:`company_check`; the operations layer logs when it begins and stops
failing) and makes the details part of every page's validator (the footer shows them).
"""

import dataclasses
from dataclasses import dataclass

from shopcms.web.i18n import _

#: What an invoice must name of its seller (Belgian VAT Code, art. 5 of Royal Decree no. 1).
REQUIRED_FOR_INVOICES = ("name", "street", "postcode", "city", "country", "enterprise", "vat")


@dataclass(frozen=True)
class Company:
    """The company's details (see the module for the settings)."""

    brand: str
    name: str
    legal_form: str
    street: str
    postcode: str
    city: str
    country: str
    enterprise: str
    vat: str
    register: str
    email: str
    phone: str
    website: str

    @classmethod
    def from_settings(cls, settings):
        def read(name, default=""):
            return " ".join(str(settings.get(f"shopcms.company.{name}", default)).split())

        return cls(
            brand=read("brand", "Soft Cactus"),
            name=read("name", "onto object bvba"),
            legal_form=read("legal_form"),
            street=read("street") or read("address"),
            postcode=read("postcode"),
            city=read("city"),
            country=read("country", "BE").upper(),
            enterprise=read("enterprise"),
            vat=read("vat"),
            register=read("register"),
            email=read("email", "info@softcactus.be"),
            phone=read("phone"),
            website=read("website", "softcactus.be"),
        )

    @property
    def address(self):
        """The address on one line: ``Street 1, 9000 Gent`` (the parts that are set)."""
        place = " ".join(x for x in (self.postcode, self.city) if x)
        return ", ".join(x for x in (self.street, place) if x)

    @property
    def legal_name(self):
        """The name as the law knows it: ``onto object bv`` (the legal form when it is set
        apart from the name)."""
        return " ".join(x for x in (self.name, self.legal_form) if x)

    def missing(self):
        """The settings (names after ``shopcms.company.``) an invoice needs that are empty."""
        return [name for name in REQUIRED_FOR_INVOICES if not getattr(self, name)]

    def lines(self, translate):
        """The footer's lines (text), translated with ``translate``; empty details left out."""
        lines = [f"{self.brand} · {self.legal_name}"]
        if self.address:
            lines.append(self.address)
        ids = []
        if self.enterprise:
            ids.append(
                translate(_("Enterprise no. ${number}", mapping={"number": self.enterprise}))
            )
        if self.vat:
            ids.append(translate(_("VAT ${number}", mapping={"number": self.vat})))
        if self.register:
            ids.append(self.register)
        if ids:
            lines.append(" · ".join(ids))
        lines.append(" · ".join(x for x in (self.email, self.phone, self.website) if x))
        return lines


def company_check(registry):
    """The readiness check ``company`` (``/readyz``, not critical): raises naming the
    settings an invoice needs that are empty; else says the details are complete.  Not
    critical: the shop serves and takes orders, but issues no invoice until they are set."""
    missing = company(registry).missing()
    if missing:
        names = ", ".join(f"shopcms.company.{name}" for name in missing)
        raise RuntimeError(f"the company's details an invoice needs are not set: {names}")
    return "complete"


def validator(request):
    """Every page shows the company's details in its footer: they are part of its ETag
    (a restart with new settings must not answer 304 with the old footer)."""
    return dataclasses.astuple(company(request.registry))


def includeme(config):
    config.add_readiness_check("company", company_check, critical=False)
    config.add_validator_part(validator)


def company(registry):
    """The :class:`Company` of ``registry``'s settings (read once, kept on the registry)."""
    found = getattr(registry, "shopcms_company", None)
    if found is None:
        found = registry.shopcms_company = Company.from_settings(registry.settings)
    return found
