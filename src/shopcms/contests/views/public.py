"""The contests' public pages.

- ``/{lang}/contests/``: the published contests, newest first, with their phase.
- ``/{lang}/contests/NAME``: the introduction, and while the contest is open the entry
  form (``schemas.EntrySchema``; ``?c=TAG`` is the campaign tag, carried by the form);
  "not yet open" or "closed" otherwise; once announced, the winners' public lines (first
  name, initial, town: ``Contest.public_winners``).  Nothing else of any entrant is ever
  shown here.  The POST enters (``entries.enter``) and mails the confirmation link
  (``mail``) in one transaction, then redirects to ``sent``; a refusal
  (``entries.Refused``: closed, a second entry of a person or household, a country not
  taking part) answers 400 with its message at the head of the form, nothing stored.  A
  bot that fills in the honeypot is sent to ``sent`` too, with nothing stored; more than
  ``guard.PER_HOUR`` entries an hour from one client answer 429.
- ``/{lang}/contests/NAME/rules``: the rules (``rules``).
- ``/{lang}/contests/NAME/sent``: "check your mailbox".
- ``/{lang}/contests/NAME/confirm?token=``: the confirmation (``confirm``).

A draft is not public: 404 for everyone on the public site (editors preview it on the
desk).  No GET writes: the page views of a campaign tag are counted in memory.
"""

from datetime import timedelta

from babel.dates import format_timedelta
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from shopcms.contests import entries, guard, mail, response, rules, tokens
from shopcms.contests.resources import Contest, Contests
from shopcms.contests.schemas import EntrySchema
from shopcms.contests.views.image import image_values
from shopcms.contests.workflow import (
    ANNOUNCED,
    OPEN,
    PUBLIC,
    PURGED,
    SCHEDULED,
    phase_title,
)
from shopcms.newsletter import api as newsletter
from shopcms.web.clock import site_timezone
from shopcms.web.forms import Button, FormView, form_view
from shopcms.web.i18n import _, pick
from shopcms.web.security import VIEW

TEMPLATES = "shopcms.contests:templates/"
FORMID = "contest-entry"


def public(contest):
    """``contest``, or 404 for a draft (never public, whoever asks)."""
    if contest.workflow_state not in PUBLIC:
        raise HTTPNotFound()
    return contest


def text_of(request, contest):
    """``(lang, ContestText)`` in the page's language, or the first there is."""
    return pick(contest.texts, request)


def today(request):
    """The day the counts are kept under: today in the shop's time zone."""
    return request.now.astimezone(site_timezone(request.registry)).date()


@view_config(
    context=Contests,
    route_name="public",
    request_method="GET",
    permission=VIEW,
    renderer=TEMPLATES + "contests.pt",
)
def contest_list(context, request):
    shown = [c for c in context.values() if isinstance(c, Contest) and c.workflow_state in PUBLIC]
    shown.sort(key=lambda c: (c.opens is not None, c.opens), reverse=True)
    rows = []
    for contest in shown:
        lang, text = text_of(request, contest)
        phase = contest.phase(request.now)
        rows.append(
            {
                "url": request.link(contest),
                "title": text.title if text else contest.__name__,
                "lang": lang,
                "phase": phase,
                "phase_title": phase_title(phase),
                "opens": rules.moment_text(request, contest.opens),
                "closes": rules.moment_text(request, contest.closes),
            }
        )
    return {"contests": rows}


@form_view(
    context=Contest,
    route_name="public",
    permission=VIEW,
    renderer=TEMPLATES + "contest.pt",
)
class ContestPage(FormView):
    """A contest's page and its entry form (see the module)."""

    schema = EntrySchema
    formid = FORMID
    buttons = (Button("enter", _("Take part")),)

    def __init__(self, context, request):
        super().__init__(public(context), request)
        self.bind = {"contest": context}

    def action(self):
        return self.request.link(self.context)

    def values(self):
        request, contest = self.request, self.context
        lang, text = text_of(request, contest)
        phase = contest.phase(request.now)
        state = contest.workflow_state
        return {
            "contest": contest,
            "text": text,
            "content_lang": lang,
            "phase": phase,
            "is_open": phase == OPEN,
            "scheduled": phase == SCHEDULED,
            "opens": rules.moment_text(request, contest.opens),
            "closes": rules.moment_text(request, contest.closes),
            "winners": contest.public_winners if state in (ANNOUNCED, PURGED) else (),
            "announced": state in (ANNOUNCED, PURGED),
            "rules_url": request.link(contest, "rules"),
            "image": image_values(request, contest),
        }

    def show(self):
        # Counted in memory, stored by the server's timer: a GET never writes.
        tag = response.count_view(self.request, self.context, self.request.params.get("c", ""))
        is_open = self.context.is_open(self.request.now)
        # The form carries the tag as it was counted.
        form = self.make().render({"c": tag}) if is_open else None
        return self.page(form)

    def submit(self):
        if guard.is_bot(self.request):
            # The same answer as a person gets; nothing stored, no mail.
            return HTTPSeeOther(location=self.request.link(self.context, "sent"))
        return super().submit()

    def succeeded(self, appstruct):
        request, contest = self.request, self.context
        if not guard.allow_entry(request):
            return self.refuse(guard.TOO_MANY, appstruct, status=429)
        try:
            email_key = newsletter.normalise_address(appstruct["email"])
        except ValueError:
            return self.refuse(_("Enter a valid email address."), appstruct)
        address = appstruct["address"]
        details = {
            "name": appstruct["name"],
            "street": address["street"],
            "postcode": address["postcode"],
            "city": address["city"],
            "country": address["country"],
            "email": appstruct["email"],
            "answer": appstruct["answer"],
            "estimate": appstruct["estimate"],
        }
        try:
            entry = entries.enter(
                contest,
                details,
                email_key=email_key,
                lang=request.locale_name,
                tag=entries.clean_tag(contest, appstruct["c"]),
                now=request.now,
                day=today(request),
            )
        except entries.Refused as refused:
            return self.refuse(refused.message, appstruct)
        mail.queue_confirmation(request, contest, entry)
        if appstruct["newsletter"]:
            # Only asks: the newsletter's own mail must confirm it (double opt-in).
            newsletter.ask_subscription(
                request, request.root, appstruct["email"], request.locale_name,
                newsletter.CONTEST,
            )  # fmt: skip
        return HTTPSeeOther(location=request.link(contest, "sent"))


@view_config(
    context=Contest,
    route_name="public",
    name="rules",
    request_method="GET",
    permission=VIEW,
    renderer=TEMPLATES + "rules.pt",
)
def rules_page(context, request):
    contest = public(context)
    lang, text = text_of(request, contest)
    return {
        "contest": contest,
        "title": text.title if text else contest.__name__,
        "content_lang": lang,
        "sections": rules.rules(request, contest),
        "contest_url": request.link(contest),
    }


@view_config(
    context=Contest,
    route_name="public",
    name="sent",
    request_method="GET",
    permission=VIEW,
    renderer=TEMPLATES + "sent.pt",
)
def sent_page(context, request):
    contest = public(context)
    __, text = text_of(request, contest)
    lifetime = timedelta(seconds=tokens.MAX_AGE)
    return {
        "title": text.title if text else contest.__name__,
        "lifetime": format_timedelta(lifetime, locale=request.locale_name),
        "contest_url": request.link(contest),
        "rules_url": request.link(contest, "rules"),
    }
