"""Unsubscribing with the link of a newsletter: ``/{lang}/unsubscribe?token=`` (the
``List-Unsubscribe`` address of every campaign mail), a view of the Site.

- ``GET`` with a token shows what is unsubscribed and one button; it never unsubscribes
  by itself (link scanners and previews open GETs).  Its address carries a secret: no
  referrer (``secret_address``).
- ``POST`` with a token unsubscribes: the RFC 8058 one-click POST of a mail program (body
  ``List-Unsubscribe=One-Click``, recorded as ``newsletter-one-click``) or the page's
  button (``newsletter-unsubscribe-page``).  It needs no cookie, no login and no CSRF token
  (``require_csrf=False``, the one exemption beside the payment webhook): the signed token
  is the proof, and it can only end the subscription it names.  It answers 200 and
  changes nothing else: no session starts, nothing but the subscription (and the ledger
  of its linked account, through ``SubscriptionChanged``) is touched.  A genuine token
  whose subscription has ended answers 200 as well (unsubscribing twice is no error); a
  forged or altered one 400, changing nothing.  The page's button queues the mail that
  confirms it (``newsletter_ended``); a one-click POST does not: the mail program made it
  on its user's behalf, often without showing anything, and RFC 8058 senders answer it
  with silence rather than one more mail.
- ``GET`` without a token explains the ways to unsubscribe (shared: the same for all).
"""

from pyramid.view import view_config

from shopcms.newsletter import mail, subscriptions, tokens
from shopcms.newsletter.resources import UNSUBSCRIBED_BY_LINK
from shopcms.newsletter.schemas import ButtonSchema
from shopcms.newsletter.views.common import message_page, unsubscribe_by_mail
from shopcms.tree.site import Site
from shopcms.web.forms import Button, make_form
from shopcms.web.i18n import _
from shopcms.web.security import VIEW
from shopcms.web.urls import public_url

TEMPLATE = "shopcms.newsletter:templates/unsubscribe.pt"
ONE_CLICK, PAGE_FORM = "newsletter-one-click", "newsletter-unsubscribe-page"

VIEW_OPTIONS = {
    "context": Site,
    "route_name": "public",
    "name": "unsubscribe",
    "permission": VIEW,
    "renderer": TEMPLATE,
}


def _link(request, token):
    return request.link(None, "unsubscribe", query={"token": token})


def _done(request):
    return message_page(
        request,
        _("You are unsubscribed"),
        _(
            "This address gets no more newsletters from Soft Cactus. Mails about your orders "
            "still reach you."
        ),
    )


def _invalid(request):
    return message_page(
        request,
        _("This link does not work"),
        _(
            "This is not a valid unsubscribe link: nothing was changed. Open the link in the "
            "newsletter exactly as it is (it may have been cut in two), or use one of the "
            "other ways to unsubscribe on this page."
        ),
        400,
        link=request.link(None, "unsubscribe"),
        link_title=_("How to unsubscribe"),
    )


def _token(request):
    token = request.GET.get("token", "")
    secret = request.registry.settings["shopcms.secret"]
    return token, secret, tokens.genuine_link(secret, token) is not None


@view_config(request_method="GET", request_param="token", secret_address=True, **VIEW_OPTIONS)
def unsubscribe_page(context, request):
    """The confirmation page with its button (see the module)."""
    token, secret, genuine = _token(request)
    if not genuine:
        return _invalid(request)
    subscription = tokens.read_link_token(secret, context["newsletter"].subscriptions, token)
    if subscription is None:
        return _done(request)  # ended already
    form = make_form(
        request,
        ButtonSchema,
        (Button("unsubscribe", _("Unsubscribe")),),
        "newsletter-unsubscribe",
        _link(request, token),
    )
    return {"address": subscription.address, "form": form.render(), "ways": None}


@view_config(request_method="GET", shared=True, **VIEW_OPTIONS)
def how_to_unsubscribe(context, request):
    """Without a link: the ways to unsubscribe."""
    address, subject = unsubscribe_by_mail(request)
    # The account's privacy page through the login (the page is the same for everybody).
    account = request.link(None, "login", query={"came_from": request.account_link("privacy")})
    ways = {"address": address, "subject": subject, "account": account}
    return {"address": None, "form": None, "ways": ways}


@view_config(request_method="POST", require_csrf=False, **VIEW_OPTIONS)
def unsubscribe(context, request):
    """Unsubscribe the link's subscription (see the module)."""
    # The answer must not send the token on as a referrer; ``secret_address`` would start a
    # session for the page's forms, and this answer sets no cookie.
    request.response.headers["Referrer-Policy"] = "no-referrer"
    token, secret, genuine = _token(request)
    if not genuine:
        return _invalid(request)
    newsletter = context["newsletter"]
    subscription = tokens.read_link_token(secret, newsletter.subscriptions, token)
    if subscription is None:
        return _done(request)
    one_click = request.POST.get("List-Unsubscribe") == "One-Click"
    address, lang = subscription.address, subscription.lang
    subscriptions.unsubscribe(
        newsletter,
        subscription,
        UNSUBSCRIBED_BY_LINK,
        ONE_CLICK if one_click else PAGE_FORM,
        request.locale_name,
        request.now,
        request.registry,
    )
    if not one_click:
        base_url = public_url(request.registry, request)
        mail.queue_ended(request.registry, context, address, lang, base_url=base_url)
    return _done(request)
