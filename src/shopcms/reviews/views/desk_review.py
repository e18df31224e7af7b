"""One review at the moderation desk (``/{lang}/manage/reviews/<pid>/<key>``): all of it,
its product, its author's other reviews, its reports and history, the actions this
moderator may do now, and the shop's reply.

Every view needs ``moderate``.  The actions offered are those ``REVIEW_WORKFLOW.available``
lists for the requester, each its own form (id ``moderate-ACTION``) carrying the state the
page showed (``seen_state``).  Answers when an action cannot be done, nothing changed:

- 409 with the page "someone else was first" (who, what, when, the state now) when the
  review left the state the moderator saw (``moderation.AlreadyMoved``): two moderators at
  once, the second told what happened (a ZODB conflict is replayed by pyramid_retry first
  and then ends here);
- 409 when the state does not allow the action, 403 when the requester may not do it;
- 400 with the form again for a rejection without its reason.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.reviews import desk
from shopcms.reviews.moderation import AlreadyMoved, ModerationError, moderate, reply
from shopcms.reviews.resources import Review
from shopcms.reviews.schemas_desk import ActionSchema, ReplySchema
from shopcms.reviews.workflow import MODERATION, REJECTION_REASONS, REVIEW_WORKFLOW, state_title
from shopcms.web.errors import ERROR_TEMPLATE, refusal
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.security import MODERATE
from shopcms.workflow import WorkflowError, WorkflowForbidden

PAGE = "shopcms.reviews:templates/manage/review.pt"
MOVED = "shopcms.reviews:templates/manage/moved.pt"
_manage = {"route_name": "manage", "permission": MODERATE}
DONE = {
    "approve": _("The review is published."),
    "reject": _("The review is rejected."),
    "hide": _("The review is hidden."),
    "show": _("The review is published again."),
    "spam": _("The review is marked as spam."),
}


#: What a moderation action's button looks like: publishing is the step forward,
#: refusing looks dangerous, the rest are choices.
BUTTON_CLASSES = {"approve": "primary", "show": "primary", "reject": "danger", "spam": "danger"}


def action_form(request, review, transition):
    """The form of one moderation action (id ``moderate-NAME``)."""
    return make_form(
        request,
        ActionSchema,
        (
            Button(
                "run", transition.title, css_class=BUTTON_CLASSES.get(transition.name, "secondary")
            ),
        ),
        f"moderate-{transition.name}",
        action=request.manage_link(review, "moderate"),
        css_class="transition",
        action_name=transition.name,
    )


def reply_form(request, review):
    buttons = [Button("save", _("Save the reply"))]
    if review.reply:
        buttons.append(Button("remove", _("Remove the reply"), "link"))
    return make_form(
        request, ReplySchema, buttons, "review-reply", action=request.manage_link(review, "reply")
    )


def _page(request, review, failed=None):
    """The review page's values; ``failed`` is ``(form id, form html)`` of a refused form."""
    failed_id, failed_html = failed or (None, None)
    forms = []
    for transition in REVIEW_WORKFLOW.available(review, request):
        if transition.name not in MODERATION:
            continue  # the author's edit and withdraw, the system's report
        form = action_form(request, review, transition)
        if form.formid == failed_id:
            forms.append(failed_html)
        else:
            forms.append(
                form.render({"action": transition.name, "seen_state": review.workflow_state})
            )
    if failed_id == "review-reply":
        reply_html = failed_html
    else:
        reply_html = reply_form(request, review).render(
            {"reply": review.reply[0] if review.reply else ""}
        )
    request.override_renderer = PAGE
    return {
        "review": review,
        "product": desk.product_of(request, review),
        "state": state_title(review.workflow_state),
        "rejection": _rejection(review),
        "earlier": desk.earlier_reviews(request, review),
        "history": desk.history(request, review),
        "action_forms": forms,
        "reply_form": reply_html,
        "state_title": state_title,
        "title_of": lambda product: desk.title_of(request, product),
    }


def _rejection(review):
    if review.rejection is None or review.workflow_state != "rejected":
        return None
    reason, text = review.rejection
    return REJECTION_REASONS.get(reason, reason), text


@view_config(context=Review, request_method="GET", renderer=PAGE, **_manage)
def review_page(context, request):
    """Everything about one review and what the moderator may do with it."""
    return _page(request, context)


def already_moved(request, review, exc):
    """The 409 page: someone else moved the review first; what they did, nothing lost."""
    request.response.status = 409
    request.override_renderer = MOVED
    return {
        "status": 409,
        "review": review,
        "message": desk.moved_message(request, review, exc.entry),
        "state": state_title(review.workflow_state),
    }


@view_config(
    context=Review, name="moderate", request_method="POST", renderer=ERROR_TEMPLATE, **_manage
)
def run_action(context, request):
    """Do one moderation action (``action``, ``seen_state``, a rejection's ``reason``,
    ``text``) and come back to the review."""
    name = request.POST.get("action", "")
    transition = next((t for t in REVIEW_WORKFLOW.transitions if t.name == name), None)
    if transition is None or name not in MODERATION:
        return refusal(request, _("Choose an action."))
    form = action_form(request, context, transition)
    appstruct, failed = validate(request, form)
    if appstruct is None:
        offered = {t.name for t in REVIEW_WORKFLOW.available(context, request)}
        if name in offered:
            return _page(request, context, failed=(form.formid, failed))
        return refusal(request, _("Something in the request was not right."))
    try:
        moderate(
            request,
            context,
            name,
            reason=appstruct.get("reason") or None,
            text=appstruct["text"],
            seen_state=appstruct["seen_state"],
        )
    except AlreadyMoved as exc:
        return already_moved(request, context, exc)
    except WorkflowForbidden as exc:
        return refusal(request, exc.message, status=403)
    except ModerationError as exc:
        return refusal(request, exc.message)
    except WorkflowError as exc:
        return refusal(request, exc.message, status=409)
    notice(request, DONE[name])
    return HTTPSeeOther(location=request.manage_link(context))


@view_config(
    context=Review, name="reply", request_method="POST", renderer=ERROR_TEMPLATE, **_manage
)
def set_reply(context, request):
    """Save the shop's public reply under the review, or remove it (``remove``)."""
    appstruct, failed = validate(request, reply_form(request, context))
    if appstruct is None:
        return _page(request, context, failed=("review-reply", failed))
    text = "" if "remove" in request.POST else appstruct["reply"]
    reply(context, text, request.authenticated_userid, request.now, request.registry)
    notice(request, _("The reply is saved.") if text else _("The reply is removed."))
    return HTTPSeeOther(location=request.manage_link(context))
