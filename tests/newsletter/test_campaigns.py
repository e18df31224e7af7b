"""Campaigns on the desk's side: names, drafts, what scheduling needs and fixes."""

import pytest

from shopcms.newsletter import campaigns
from shopcms.newsletter.campaigns import CampaignError
from shopcms.newsletter.resources import DRAFT, SCHEDULED
from shopcms.web.i18n import languages
from shopcms.web.urls import linking_request
from tests.newsletter.campaign_setup import VERSIONS, campaign, mug_id


def test_a_campaign_is_named_after_its_title_uniquely_and_never_as_a_view(site):
    with site.edit() as root:
        newsletter = root["newsletter"]
        first = campaigns.create(newsletter, "Été à la serre!")
        second = campaigns.create(newsletter, "Été à la serre!")
        view = campaigns.create(newsletter, "Go")
        empty = campaigns.create(newsletter, "???")
        assert first.__name__ == "ete-a-la-serre"
        assert second.__name__ == "ete-a-la-serre-2"
        assert view.__name__ == "go-2"  # /nl/newsletter/go/ is the click counter
        assert empty.__name__ == "campaign"
        assert first.title == "Été à la serre!" and first.state == DRAFT


def test_scheduling_needs_the_first_language_and_fixes_the_links(site):
    pid = mug_id(site)
    only_french = {"fr": VERSIONS["fr"]}
    name = campaign(site, versions=only_french, schedule=False)
    with site.edit() as root:
        made = root["newsletter"][name]
        request = linking_request(site.registry)
        with pytest.raises(CampaignError):
            campaigns.schedule(request, root, made, None, languages(site.registry))
        assert made.state == DRAFT and list(made.links) == []
        versions = {
            **VERSIONS,
            "en": {"subject": "News", "body": "See [the shop](https://shop.example/nl) again."},
        }
        campaigns.save(made, "Winter", versions, [pid])
        campaigns.schedule(request, root, made, None, languages(site.registry))
        assert made.state == SCHEDULED and made.send_at == request.now
        base = "http://127.0.0.1:6543"
        # Body links in order, each once (the English one repeats the Dutch), then the
        # product's page in each language that has a version.
        assert list(made.links) == [
            "https://shop.example/nl",
            "https://shop.example/fr",
            f"{base}/nl/products/mug-cafe",
            f"{base}/fr/products/mug-cafe",
            f"{base}/en/products/mug-cafe",
        ]
        # Scheduled, it is not written any more; back to draft, it is.
        with pytest.raises(CampaignError):
            campaigns.save(made, "Other", versions, [])
        campaigns.unschedule(made)
        assert made.state == DRAFT and made.send_at is None and list(made.links) == []
        with pytest.raises(CampaignError):
            campaigns.unschedule(made)
        campaigns.save(made, "Other", {"en": {"subject": "", "body": ""}}, [])
        assert "en" not in made.versions and made.title == "Other"
