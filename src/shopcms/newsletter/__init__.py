"""The newsletter: double opt-in subscriptions, campaigns in every language, one-click
unsubscribe, unsubscribing by mail, and the suppression list that no newsletter or contest
mail passes.

The modules: ``resources`` (the newsletter folder, subscriptions, campaigns, suppression
entries), ``addresses`` (normalised addresses and their keyed hash), ``subscriptions`` (the
one place a subscription changes), ``suppression`` (the list), ``tokens`` (the confirmation
and subscriber links), ``mail`` (the subscription's own mails), ``events``, ``evolve``,
``schemas`` (the public forms), ``footer`` (the subscribe form of every page's footer),
``presentation`` (what the pages say of a subscription), ``views``.  What other
capabilities may use is in ``api``.
"""

from shopcms.newsletter import footer
from shopcms.newsletter.evolve import newsletter_folder
from shopcms.newsletter.resources import Campaign, Newsletter
from shopcms.web.i18n import _


def includeme(config):
    config.add_content_type(
        "newsletter", Newsletter, title=_("Newsletter"), site_folder="newsletter", catalog=False
    )
    # Campaigns are made on the newsletter desk, never added by hand.
    config.add_content_type("campaign", Campaign, title=_("Campaign"), catalog=False)
    config.add_evolve_step(9, "Newsletter: the newsletter folder", newsletter_folder)
    config.include(".mail")
    _footer(config)


def _footer(config):
    """The subscribe form in every page's footer, and a footer link to unsubscribing."""
    config.add_macros("shopcms.newsletter:templates/macros.pt")
    config.add_layout_value("newsletter_footer", footer.footer)
    config.add_footer_part("newsletter-footer")
    config.add_validator_part(footer.validator)
    config.add_footer_link(("unsubscribe",), _("Unsubscribe from the newsletter"), order=90)
