"""The registries that make the privacy statement true of the software: the purposes of
processing, the visitor's cookie choice, the consent ledger, the vault, the disclosures to
third parties, and the export and erasure of a person's data, with the cookie settings
page and the mails of erasure."""

from shopcms.privacy import consent


def includeme(config):
    consent.declare_cookies(config)
    config.include("shopcms.privacy.vault")
    config.add_macros("shopcms.privacy:templates/macros.pt")
