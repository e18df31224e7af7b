"""Writing a campaign on the desk (``.../NAME/edit``: title, subject and text per language,
featured products from the catalog) and its preview (``.../NAME/preview?lang=``: the mail
as a subscriber in that language gets it, its headers shown).  A campaign is written only
as a draft (``campaigns.save``).

The preview page shows the mail's HTML in a sandboxed frame (``.../NAME/mail?lang=``),
a document of its own whose Content-Security-Policy allows the mail's inline styles and
nothing else (no script, no request anywhere): the site's own policy refuses inline styles,
and the mail needs them, as mail programs show no style sheet."""

from functools import partial

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
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
#: The framed mail's policy: its inline styles and nothing else; framed by the desk only.
MAIL_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'; sandbox"
)


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
    lang, message = _composed(context, request)
    langs = languages(request.registry)
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
        values["headers"] = [(name, str(message[name])) for name in SHOWN_HEADERS]
        values["html"] = request.manage_link(context, "mail", query={"lang": lang})
        values["text"] = message.get_body(("plain",)).get_content()
    return values


@view_config(context=Campaign, name="mail", request_method="GET", **MANAGE)
def framed_mail(context, request):
    """The mail's HTML as a document of its own, for the preview's frame (see the module);
    404 while the campaign has nothing to show."""
    message = _composed(context, request)[1]
    if message is None:
        raise HTTPNotFound()
    response = request.response
    response.content_type = "text/html"
    response.text = message.get_body(("html",)).get_content()
    response.headers["Content-Security-Policy"] = MAIL_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _composed(context, request):
    """``(lang, message)``: the mail in ``?lang=`` (the site's first language by default)
    as the editor's own address would get it, or None when there is nothing to send."""
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
    return lang, message
