"""The one place a campaign changes on the desk: create, write, feature, schedule.

Contracts:

- :func:`create` names the campaign after its title (lower-case ASCII, hyphens), made
  unique in the newsletter folder and never one of the folder's view names, so a
  campaign's address never hides a page (``/nl/newsletter/go/...``).
- A campaign is written only while it is a :data:`DRAFT` (:func:`save`): once scheduled,
  its links are fixed for the click counter; :func:`unschedule` takes it back to draft as
  long as sending has not started.
- :func:`problems` says why a campaign may not be scheduled: it needs the version in the
  site's first language (the fallback of the i18n order ends there, so every subscriber
  gets a mail); each other language is sent where it has a version.
- :func:`schedule` (``when`` None: now) fixes ``campaign.links`` (every http(s) link of
  each version's rendered body, then the featured products' pages in each language that
  has a version; each once, by index), records the shop's address the links are made on
  (``campaign.base_url``) and makes it :data:`SCHEDULED`.  ``shopcms.newsletter.sending``
  takes it from there.

Every function writes: call them in a POST.
"""

import re
import unicodedata

from shopcms.newsletter import campaign_body
from shopcms.newsletter.resources import DRAFT, SCHEDULED, Campaign
from shopcms.products import api as products
from shopcms.web.i18n import _
from shopcms.web.urls import public_url

#: Names a campaign never gets: the newsletter folder's views (public and on the desk).
RESERVED = frozenset(
    {"add", "go", "confirm", "preferences", "subscribe", "unsubscribe", "one-click", "index"}
)
MAX_NAME = 60


class CampaignError(ValueError):
    """A change the campaign's state does not allow; ``message`` says why (translatable)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def slug(title):
    """``title`` as a name: ASCII letters and digits, hyphens between words."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:MAX_NAME].strip("-")
    return name or "campaign"


def create(newsletter, title, registry=None):
    """A new draft campaign titled ``title`` in ``newsletter``; returns it."""
    base = slug(title)
    name, number = base, 1
    while name in newsletter or name in RESERVED:
        number += 1
        name = f"{base}-{number}"
    return newsletter.add(name, Campaign(title.strip()), registry=registry)


def _draft_only(campaign):
    if campaign.state != DRAFT:
        raise CampaignError(_("Only a draft can be changed: take it back to draft first."))


def save(campaign, title, versions, product_ids):
    """Write a draft: its ``title``, ``versions`` (lang -> ``{"subject", "body"}``; a
    language whose subject and body are both empty has no version) and the featured
    products' ids, in order.  CampaignError when it is not a draft."""
    _draft_only(campaign)
    campaign.title = title.strip()
    for lang, version in versions.items():
        subject, body = version["subject"].strip(), version["body"].strip()
        if subject or body:
            campaign.versions[lang] = {"subject": subject, "body": body}
        else:
            campaign.versions.pop(lang, None)
    campaign.products[:] = [int(pid) for pid in product_ids]
    campaign.touch()


def featured(site, campaign):
    """The featured products that still exist and are published, in the campaign's order."""
    found = (products.product_by_id(site, pid) for pid in campaign.products)
    return [product for product in found if product is not None and product.published]


def problems(campaign, langs):
    """Why ``campaign`` may not be scheduled (messages; empty: it may); ``langs``: the
    site's languages, the first being the one every subscriber falls back to."""
    found = []
    if campaign.state != DRAFT:
        found.append(_("This campaign is already scheduled or sent."))
    if campaign.version(langs[0], ())[1] is None:
        found.append(
            _(
                "Write the version in ${language} first: subscribers whose language has "
                "no version get that one.",
                mapping={"language": langs[0].upper()},
            )
        )
    return found


def collect_links(request, site, campaign, langs):
    """The campaign's counted links: body links of every version, then the featured
    products' pages in each language that has a version; each once."""
    links = []
    base = public_url(request.registry, request)
    with_version = [lang for lang in langs if campaign.version(lang, ())[1] is not None]
    for lang in with_version:
        html = campaign_body.render(campaign.versions[lang]["body"], base)
        links.extend(url for url in campaign_body.links(html) if url not in links)
    for product in featured(site, campaign):
        for lang in with_version:
            url = request.link(product, lang=lang, absolute=True)
            if url not in links:
                links.append(url)
    return links


def schedule(request, site, campaign, when, langs):
    """Schedule ``campaign`` for ``when`` (aware; None: now), see the module.
    CampaignError with the first problem when it may not be scheduled."""
    found = problems(campaign, langs)
    if found:
        raise CampaignError(found[0])
    campaign.links[:] = collect_links(request, site, campaign, langs)
    campaign.base_url = public_url(request.registry, request)
    campaign.send_at = when or request.now
    campaign.state = SCHEDULED
    campaign.touch()


def unschedule(campaign):
    """Back to draft a campaign that is scheduled but not yet sending; CampaignError else."""
    if campaign.state != SCHEDULED:
        raise CampaignError(_("Only a scheduled campaign that is not sending can be stopped."))
    campaign.state = DRAFT
    campaign.send_at = None
    campaign.links[:] = []  # fixed again when it is scheduled again
    campaign.touch()
