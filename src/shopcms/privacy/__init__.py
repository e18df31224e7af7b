"""The registries that make the privacy statement true of the software: the purposes of
processing, the visitor's cookie choice, the consent ledger, the vault, the disclosures to
third parties, and the export and erasure of a person's data, with the cookie banner, the
cookie settings page and the mails of erasure."""

from shopcms.privacy import banner, consent, erasure, forms, returning
from shopcms.web.i18n import _


def includeme(config):
    config.add_actor_title(erasure.COMMAND_LINE, _("Shop staff, on the command line"))
    consent.declare_cookies(config)
    config.add_layout_value("cookie_banner", banner.banner)
    config.add_layout_value("cookie_banner_args", banner.part_args)
    config.add_personal_part("cookie-banner", banner.banner_part)
    config.add_personal_part("consent-script", banner.script_part)
    config.add_layout_value("welcome_back", returning.welcome_back)
    config.add_validator_part(banner.page_state)
    config.add_footer_link(
        (forms.SETTINGS_VIEW,), _("Cookie settings"), order=100, css_class="cookie-settings-link"
    )
    config.include("shopcms.privacy.vault")
    config.add_macros("shopcms.privacy:templates/macros.pt")
