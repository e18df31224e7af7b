"""The newsletter desk (``/{lang}/manage/newsletter/``): the list of campaigns with their
state and progress, and a new campaign.  Every view needs ``edit`` (editors and
administrators)."""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.newsletter import campaigns
from shopcms.newsletter.resources import Campaign, Newsletter
from shopcms.newsletter.schemas_desk import NewCampaignSchema
from shopcms.newsletter.views.progress import progress
from shopcms.web.forms import Button, FormView, form_view
from shopcms.web.i18n import _
from shopcms.web.security import EDIT

MANAGE = {"route_name": "manage", "permission": EDIT}


@view_config(
    context=Newsletter,
    request_method="GET",
    renderer="shopcms.newsletter:templates/manage/campaigns.pt",
    **MANAGE,
)
def campaign_list(context, request):
    """The campaigns, newest first, each with its state and progress."""
    found = [c for c in context.values() if isinstance(c, Campaign)]
    found.sort(key=lambda campaign: campaign.created, reverse=True)
    return {
        "rows": [{"campaign": c, **progress(request, c)} for c in found],
        "active": context.active_count.value,
    }


@form_view(
    context=Newsletter, name="add", renderer="shopcms.web:templates/manage/form.pt", **MANAGE
)
class AddCampaign(FormView):
    """A new campaign, named after its title; the editor goes on to write it."""

    schema = NewCampaignSchema
    formid = "new-campaign"
    buttons = (Button("add", _("Create campaign")),)

    def values(self):
        return {"heading": _("New campaign")}

    def succeeded(self, appstruct):
        campaign = campaigns.create(
            self.context, appstruct["title"], registry=self.request.registry
        )
        return HTTPSeeOther(location=self.request.manage_link(campaign, "edit"))
