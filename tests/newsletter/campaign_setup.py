"""Setting up campaigns and subscribers for the campaign tests, as the desk and the
subscription pages would leave them."""

from shopcms.mail import get_mailer, queue_intent
from shopcms.newsletter import campaigns, subscriptions
from shopcms.newsletter.campaign_mail import CAMPAIGN
from shopcms.newsletter.resources import FOOTER
from shopcms.web.clock import now
from shopcms.web.i18n import languages
from shopcms.web.urls import linking_request

VERSIONS = {
    "nl": {"subject": "Winternieuws", "body": "Hallo! Zie [de winkel](https://shop.example/nl)."},
    "fr": {
        "subject": "Nouvelles d'hiver",
        "body": "Bonjour ! Voir [la boutique](https://shop.example/fr).",
    },
    "en": {"subject": "", "body": ""},
}


def subscriber(site, address, lang, confirm=True):
    """A subscription of ``address`` in ``lang`` (active unless ``confirm`` is False);
    returns its key."""
    when = now(site.registry)
    with site.edit() as root:
        newsletter = root["newsletter"]
        subscription = subscriptions.ask(newsletter, address, lang, FOOTER, when)
        if confirm:
            subscriptions.confirm(newsletter, subscription, when, lang, site.registry)
        return subscription.key


def mug_id(site):
    return site.read(lambda root: root["products"]["mug-cafe"].pid)


def campaign(site, title="Winter news", versions=VERSIONS, products=(), schedule=True):
    """A campaign with ``versions``, featuring ``products`` (ids); scheduled now unless
    ``schedule`` is False.  Returns its name."""
    with site.edit() as root:
        made = campaigns.create(root["newsletter"], title, registry=site.registry)
        campaigns.save(made, title, versions, products)
        if schedule:
            request = linking_request(site.registry)
            campaigns.schedule(request, root, made, None, languages(site.registry))
        return made.__name__


def queue_campaign_mail(site, name, key, address="someone@example.be"):
    """Queue the intent the sending would queue for subscription ``key``."""
    with site.edit() as root:
        queue_intent(
            root,
            CAMPAIGN,
            address=address,
            lang="nl",
            domain=get_mailer(site.registry).domain,
            campaign=name,
            subscription=key,
        )
