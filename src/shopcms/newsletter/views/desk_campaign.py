"""One campaign on the newsletter desk (``/{lang}/manage/newsletter/NAME``): its page
(versions, featured products, progress line, clicks per link) and its actions, each a
POST of its own form: a test send to oneself, send now, send at a time (both with a
confirmation box), back to draft.  A form with bad input answers 400 with the page and
the form's messages; an action the campaign's state no longer allows, 400 with why."""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.newsletter import campaign_mail, campaigns, clicks
from shopcms.newsletter.campaigns import CampaignError
from shopcms.newsletter.resources import DRAFT, SCHEDULED, Campaign
from shopcms.newsletter.schemas_desk import SendAtSchema, SendNowSchema, TestSendSchema
from shopcms.newsletter.views.desk import MANAGE
from shopcms.newsletter.views.progress import progress
from shopcms.web.clock import site_timezone
from shopcms.web.errors import refusal
from shopcms.web.forms import Button, button_form, make_form, validate
from shopcms.web.i18n import LANGUAGE_NAMES, _, languages
from shopcms.web.notices import notice

PAGE = "shopcms.newsletter:templates/manage/campaign.pt"


def test_form(request, campaign):
    return make_form(
        request,
        TestSendSchema,
        (Button("test", _("Send a test to me"), css_class="secondary"),),
        "campaign-test",
        action=request.manage_link(campaign, "test"),
        languages=languages(request.registry),
    )


def send_now_form(request, campaign):
    return make_form(
        request,
        SendNowSchema,
        (Button("send", _("Send now"), css_class="primary"),),
        "campaign-send-now",
        action=request.manage_link(campaign, "send-now"),
    )


def send_at_form(request, campaign):
    return make_form(
        request,
        SendAtSchema,
        (Button("schedule", _("Schedule"), css_class="secondary"),),
        "campaign-send-at",
        action=request.manage_link(campaign, "send-at"),
        timezone=site_timezone(request.registry),
        now=request.now,
    )


def unschedule_form(request, campaign):
    buttons = (Button("unschedule", _("Stop and take back to draft"), css_class="danger"),)
    action = request.manage_link(campaign, "unschedule")
    return button_form(request, "campaign-unschedule", action, buttons)


def page_values(request, campaign, **failed):
    """The campaign page's values; ``failed``: a refused form's HTML by its key."""
    langs = languages(request.registry)
    lang = request.locale_name if request.locale_name in langs else langs[0]
    forms = {}
    if campaign.versions:
        forms["test"] = failed.get("test") or test_form(request, campaign).render({"lang": lang})
    if campaign.state == DRAFT:
        forms["send_now"] = failed.get("send_now") or send_now_form(request, campaign).render()
        forms["send_at"] = failed.get("send_at") or send_at_form(request, campaign).render()
    if campaign.state == SCHEDULED:
        forms["unschedule"] = unschedule_form(request, campaign).render()
    return {
        "campaign": campaign,
        "progress": progress(request, campaign),
        "versions": [
            (code, LANGUAGE_NAMES.get(code, code), campaign.versions.get(code)) for code in langs
        ],
        "featured": campaigns.featured(request.root, campaign),
        "clicks": clicks.counts(request.registry, campaign),
        "problems": campaigns.problems(campaign, langs) if campaign.state == DRAFT else (),
        "forms": forms,
        "active": campaign.__parent__.active_count.value,
    }


@view_config(context=Campaign, request_method="GET", renderer=PAGE, **MANAGE)
def campaign_page(context, request):
    return page_values(request, context)


def _post(name, **more):
    return view_config(
        context=Campaign, name=name, request_method="POST", renderer=PAGE, **MANAGE, **more
    )


def _back(request, campaign, message):
    notice(request, message)
    return HTTPSeeOther(location=request.manage_link(campaign))


@_post("test")
def send_test(context, request):
    """Queue the campaign mail to the logged-in editor in the chosen language."""
    appstruct, failed = validate(request, test_form(request, context))
    if appstruct is None:
        return page_values(request, context, test=failed)
    if context.version(appstruct["lang"], languages(request.registry))[1] is None:
        return refusal(request, _("Write a subject and a text first."))
    campaign_mail.queue_test(request, request.root, context, appstruct["lang"])
    return _back(
        request,
        context,
        _("A test is on its way to ${address}.", mapping={"address": request.identity.email}),
    )


def _schedule(request, campaign, when):
    try:
        campaigns.schedule(request, request.root, campaign, when, languages(request.registry))
    except CampaignError as exc:
        return refusal(request, exc.message)
    if when is None:
        return _back(request, campaign, _("The campaign is being sent now."))
    return _back(request, campaign, _("The campaign is scheduled."))


@_post("send-now")
def send_now(context, request):
    appstruct, failed = validate(request, send_now_form(request, context))
    if appstruct is None:
        return page_values(request, context, send_now=failed)
    return _schedule(request, context, None)


@_post("send-at")
def send_at(context, request):
    appstruct, failed = validate(request, send_at_form(request, context))
    if appstruct is None:
        return page_values(request, context, send_at=failed)
    return _schedule(request, context, appstruct["when"])


@_post("unschedule")
def unschedule(context, request):
    _appstruct, failed = validate(request, unschedule_form(request, context))
    if failed is not None:
        return refusal(request, _("Something in the request was not right."))
    try:
        campaigns.unschedule(context)
    except CampaignError as exc:
        return refusal(request, exc.message)
    return _back(request, context, _("The campaign is a draft again."))
