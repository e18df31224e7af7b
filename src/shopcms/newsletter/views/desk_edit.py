"""Writing a campaign on the desk (``.../NAME/edit``: title, subject and text per language,
featured products from the catalog) and its preview (``.../NAME/preview?lang=``: the mail
as a subscriber in that language gets it, its headers shown).  A campaign is written only
as a draft (``campaigns.save``)."""

import re
from functools import partial

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.newsletter import campaign_mail, campaigns
from shopcms.newsletter.campaigns import CampaignError
from shopcms.newsletter.resources import DRAFT, Campaign
from shopcms.newsletter.schemas_desk import campaign_schema
from shopcms.newsletter.views.desk import MANAGE
from shopcms.products import api as products
from shopcms.web.forms import Button, FormView, form_view, make_form
from shopcms.web.i18n import LANGUAGE_NAMES, _, languages, pick
from shopcms.web.notices import notice
from shopcms.web.urls import public_url

#: The headers the preview shows, in this order.
SHOWN_HEADERS = ("From", "To", "Subject", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Id")
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)


def product_choices(request):
    """``[(id, title)]`` of the catalog's products, by title in the editor's language."""
    found = [
        (str(product.pid), pick(product.titles, request)[1] or product.__name__)
        for product in request.root["products"].values()
        if isinstance(product, products.Product)
    ]
    return sorted(found, key=lambda choice: choice[1].lower())


@form_view(
    context=Campaign,
    name="edit",
    renderer="shopcms.newsletter:templates/manage/campaign_edit.pt",
    **MANAGE,
)
class EditCampaign(FormView):
    """A draft's title, versions and featured products."""

    formid = "campaign"
    buttons = (Button("save", _("Save")),)

    def make(self):
        self.choices = product_choices(self.request)
        return make_form(
            self.request,
            partial(campaign_schema, languages(self.request.registry)),
            self.buttons,
            self.formid,
            action=self.request.path,
            products=self.choices,
        )

    def appstruct(self):
        campaign = self.context
        values = {"title": campaign.title, "products": {str(pid) for pid in campaign.products}}
        for lang in languages(self.request.registry):
            values[lang] = dict(campaign.versions.get(lang) or {"subject": "", "body": ""})
        return values

    def values(self):
        error = None
        if self.context.state != DRAFT:
            error = _("Only a draft can be changed: take it back to draft first.")
        return {"campaign": self.context, "error": error}

    def succeeded(self, appstruct):
        chosen = [pid for pid, _title in self.choices if pid in appstruct["products"]]
        langs = languages(self.request.registry)
        versions = {lang: appstruct[lang] for lang in langs}
        try:
            campaigns.save(self.context, appstruct["title"], versions, chosen)
        except CampaignError as exc:
            return self.refuse(exc.message, appstruct)
        notice(self.request, _("The campaign was saved."))
        return HTTPSeeOther(location=self.request.manage_link(self.context))


@view_config(
    context=Campaign,
    name="preview",
    request_method="GET",
    renderer="shopcms.newsletter:templates/manage/preview.pt",
    **MANAGE,
)
def preview(context, request):
    """The mail in ``?lang=`` (the site's first language by default), as it is sent."""
    langs = languages(request.registry)
    lang = request.GET.get("lang")
    lang = lang if lang in langs else langs[0]
    message = campaign_mail.preview(
        request.registry,
        request.root,
        context,
        lang,
        request.identity.email,
        base=public_url(request.registry, request),
        prefix="",
    )
    values = {
        "campaign": context,
        "lang": lang,
        "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in langs],
        "headers": [],
        "html": None,
        "text": None,
        "shown": context.version(lang, langs)[0],
    }
    if message is not None:
        html = message.get_body(("html",)).get_content()
        values["headers"] = [(name, str(message[name])) for name in SHOWN_HEADERS]
        values["html"] = _BODY.search(html).group(1)
        values["text"] = message.get_body(("plain",)).get_content()
    return values
