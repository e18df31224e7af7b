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

import logging

from shopcms.newsletter import clicks, footer
from shopcms.newsletter.evolve import newsletter_folder
from shopcms.newsletter.inbound import process
from shopcms.newsletter.resources import Campaign, Newsletter
from shopcms.newsletter.worker import OWNER as TIMER_OWNER
from shopcms.web.i18n import _
from shopcms.web.security import EDIT

log = logging.getLogger("shopcms.newsletter")


def includeme(config):
    config.add_desk_section("newsletter", _("Newsletter"), ("newsletter",), EDIT, order=50)
    config.add_content_type(
        "newsletter", Newsletter, title=_("Newsletter"), site_folder="newsletter", catalog=False
    )
    # Campaigns are made on the newsletter desk, never added by hand.
    config.add_content_type("campaign", Campaign, title=_("Campaign"), catalog=False)
    config.add_evolve_step(9, "Newsletter: the newsletter folder", newsletter_folder)
    config.include(".mail")
    config.include(".campaign_mail")
    config.include(".privacy")
    config.include(".worker")
    # The timer's jobs after sending: the click counts, then the shop's mailbox if it is set.
    config.add_timer_job(clicks.flush, owner=TIMER_OWNER)
    if (config.get_settings().get("shopcms.newsletter.inbound") or "").strip():
        config.add_timer_job(read_inbound, owner=TIMER_OWNER)
    _footer(config)


def _footer(config):
    """The subscribe form in every page's footer, and a footer link to unsubscribing."""
    config.add_macros("shopcms.newsletter:templates/macros.pt")
    config.add_layout_value("newsletter_footer", footer.footer)
    config.add_footer_part("newsletter-footer")
    config.add_validator_part(footer.validator)
    config.add_footer_link(("unsubscribe",), _("Unsubscribe from the newsletter"), order=90)


def read_inbound(registry):
    """The timer's job: ``shopcms process-inbound``'s work, its report logged."""
    report = process.run(registry)
    log.info("newsletter inbound: %s", report.line())
