"""The campaign mail: composed by the sender for each intent ``newsletter_campaign`` (ids:
``campaign``, the campaign's name; ``subscription``, the subscription's key), and the test
send an editor asks for (``newsletter_campaign_test``).

Contracts of :func:`compose_campaign`:

- nothing (None) when the subscription is gone or not active, when the campaign is gone,
  or, the last check, when the address is on the suppression list: an address unsubscribed
  or suppressed after its mail was queued gets nothing;
- the version in the subscriber's language, else the first of the site's languages that
  has one (``Campaign.version``);
- HTML and plain text in the shop's mail layout: the Markdown body rendered and sanitised
  (``campaign_body``), no image at all (so no remote image and no tracking pixel), the
  featured products with name, price and link;
- every http(s) link goes through the click counter, whose address names the campaign and
  the link's index only (``/{lang}/newsletter/go/{campaign}/{n}``): nothing in a counted
  link tells who clicked;
- the headers ``List-Unsubscribe`` (RFC 2369: the https link of the one-click unsubscribe
  first, then a ``mailto:`` to the shop's unsubscribe address with the unsubscribe sentence
  as its subject), ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058) and
  ``List-Id``; the footer shows the unsubscribe and preferences links.

A test send (:func:`queue_test`, :func:`compose_test`) goes to the editor's own address in
the chosen language, its subject prefixed ``[TEST]``; it needs no subscription, is not
counted, leaves no sent-mark, and its links go straight to their pages (a draft has no
fixed links yet); its unsubscribe links carry no subscriber's token.  :func:`preview`
composes the same mail for the desk's preview page.

Settings: ``shopcms.newsletter.unsubscribe_address`` (default ``info@softcactus.be``),
``shopcms.newsletter.list_id`` (default ``newsletter.softcactus.be``).
"""

from urllib.parse import quote

from shopcms.mail import compose, get_mailer, header_text, queue_intent
from shopcms.newsletter import campaign_body, campaigns, suppression
from shopcms.newsletter.inbound.subjects import SENTENCES
from shopcms.newsletter.mail import links_on
from shopcms.newsletter.resources import ACTIVE, Campaign
from shopcms.newsletter.tokens import link_token
from shopcms.web.i18n import languages
from shopcms.web.layout import format_money
from shopcms.web.urls import public_url

CAMPAIGN, TEST = "newsletter_campaign", "newsletter_campaign_test"
TEMPLATE = "shopcms.newsletter:templates/mail/campaign"
TEST_PREFIX = "[TEST] "
#: The token of a test send's unsubscribe links: no subscriber's (the pages refuse it).
NO_TOKEN = "test"  # noqa: S105 (not a secret: a token no page accepts)

#: The subject of the ``mailto:`` unsubscribe, per language: the sentences the contact page
#: shows and inbound mail matches (one list, kept by the inbound matcher).
UNSUBSCRIBE_SENTENCES = SENTENCES


def unsubscribe_address(registry):
    return registry.settings.get("shopcms.newsletter.unsubscribe_address") or "info@softcactus.be"


def list_id(registry):
    return registry.settings.get("shopcms.newsletter.list_id") or "newsletter.softcactus.be"


def _campaign(site, name):
    found = site["newsletter"].get(name) if isinstance(name, str) else None
    return found if isinstance(found, Campaign) else None


def counter_url(links, campaign, lang, url):
    """The click counter's address for ``url`` if it is one of the campaign's fixed links,
    else ``url`` itself (not counted)."""
    try:
        index = list(campaign.links).index(url)
    except ValueError:
        return url
    newsletter = campaign.__parent__
    return links.link(newsletter, "go", campaign.__name__, index, lang=lang, absolute=True)


def _title(product, lang, order):
    for candidate in (lang, *order):
        if product.titles.get(candidate):
            return product.titles[candidate]
    return product.__name__


def _values(registry, site, campaign, lang, version, links, relink, footer):
    body = campaign_body.render(version["body"], links.application_url)
    featured = [
        {
            "title": _title(product, lang, languages(registry)),
            "price": format_money(product.price, lang),
            "url": relink(links.link(product, lang=lang, absolute=True)),
        }
        for product in campaigns.featured(site, campaign)
    ]
    return {
        "lang": lang,
        "subject": version["subject"],
        "body_html": campaign_body.with_links(body, relink),
        "body_text": campaign_body.as_text(body, relink),
        "products": featured,
        "products_text": "\n".join(
            f"- {item['title']} · {item['price']}\n  {item['url']}" for item in featured
        ),
        **footer,
    }


def _message(registry, site, campaign, lang, version, to, base, relink, token, prefix=""):
    """The mail of ``campaign`` in ``lang`` to ``to``, links made on ``base``."""
    links = links_on(registry, base)
    query = {"token": token}
    footer = {
        "unsubscribe": links.link(None, "unsubscribe", lang=lang, query=query, absolute=True),
        "preferences": links.link(
            site["newsletter"], "preferences", lang=lang, query=query, absolute=True
        ),
    }
    values = _values(registry, site, campaign, lang, version, links, relink(links), footer)
    subject = version["subject"]
    message = compose(
        registry, TEMPLATE, values, lang=lang, to=to, subject=subject, application_url=base
    )
    # The editor's subject as typed: compose would look it up in the catalog.
    del message["Subject"]
    message["Subject"] = header_text(prefix + version["subject"])
    sentence = UNSUBSCRIBE_SENTENCES.get(lang, UNSUBSCRIBE_SENTENCES["en"])
    mailto = f"mailto:{unsubscribe_address(registry)}?subject={quote(sentence)}"
    message["List-Unsubscribe"] = f"<{footer['unsubscribe']}>, <{mailto}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["List-Id"] = f"<{list_id(registry)}>"
    return message


def _base(registry, campaign, intent=None):
    return (
        (intent or {}).get("base_url")
        or getattr(campaign, "base_url", None)
        or public_url(registry)
    )


def compose_campaign(registry, site, intent):
    """The campaign mail of ``intent`` for its subscriber, or None (see the module)."""
    newsletter = site["newsletter"]
    subscription = newsletter.subscriptions.get(intent.get("subscription"))
    if subscription is None or subscription.state != ACTIVE:
        return None
    campaign = _campaign(site, intent.get("campaign"))
    if campaign is None:
        return None
    if suppression.is_suppressed(newsletter, subscription.address):
        return None
    lang, version = campaign.version(subscription.lang, languages(registry))
    if version is None:
        return None
    token = link_token(registry.settings["shopcms.secret"], subscription)

    def relink(links):
        return lambda url: counter_url(links, campaign, lang, url)

    base = _base(registry, campaign, intent)
    return _message(
        registry, site, campaign, lang, version, subscription.address, base, relink, token
    )


def _direct(links):
    return lambda url: url


def preview(registry, site, campaign, lang, to, base=None, prefix=TEST_PREFIX):
    """The test mail of ``campaign`` in ``lang`` (with the fallback) to ``to``, or None when
    the campaign has no version at all; links go straight to their pages."""
    lang, version = campaign.version(lang, languages(registry))
    if version is None:
        return None
    base = base or _base(registry, campaign)
    return _message(registry, site, campaign, lang, version, to, base, _direct, NO_TOKEN, prefix)


def queue_test(request, site, campaign, lang):
    """Queue the test send of ``campaign`` in ``lang`` to the logged-in editor."""
    queue_intent(
        site,
        TEST,
        address=request.identity.email,
        lang=lang,
        domain=get_mailer(request.registry).domain,
        base_url=public_url(request.registry, request),
        campaign=campaign.__name__,
    )
    campaign.tests += 1


def compose_test(registry, site, intent):
    """The test send of ``intent`` (see the module); None when the campaign is gone."""
    campaign = _campaign(site, intent.get("campaign"))
    if campaign is None:
        return None
    return preview(registry, site, campaign, intent["lang"], intent["address"], intent["base_url"])


def includeme(config):
    config.add_mail_composer(CAMPAIGN, compose_campaign)
    config.add_mail_composer(TEST, compose_test)
