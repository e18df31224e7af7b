"""The registries that make the privacy statement true of the software: the purposes of
processing, the visitor's cookie choice, the consent ledger, the vault, the disclosures to
third parties, and the export and erasure of a person's data, with the cookie settings
page and the mails of erasure."""

from shopcms.privacy import consent
from shopcms.web.i18n import _


def includeme(config):
    consent.declare_cookies(config)
    config.add_layout_value("cookie_banner", consent.banner)
    config.add_layout_value("welcome_back", consent.welcome_back)
    config.add_validator_part(consent.page_state)
    config.add_footer_link(
        ("cookie-settings",), _("Cookie settings"), order=100, css_class="cookie-settings-link"
    )
    config.include("shopcms.privacy.vault")
    config.add_macros("shopcms.privacy:templates/macros.pt")
