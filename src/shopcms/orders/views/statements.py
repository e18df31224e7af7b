"""The order desk's bank statements (``/{lang}/manage/orders/statements``): upload a
statement, see what it would do, confirm.

Every view needs ``manage-orders``.  The flow:

1. GET: the upload form (writes nothing).
2. POST with the file (``preview``): the statement is read (CODA, CAMT.053 or CSV, told
   apart by its content) and matched against the orders as they are now
   (``shopcms.orders.statements.plan``): every line with its outcome.  Nothing is
   written; the file is carried in the preview's "Confirm" form, compressed and signed
   (``statements.sealing``: valid an hour): no temporary file, no
   upload area to clean, and it works the same with several server processes.
3. POST ``confirm``: the signed statement is read and imported in this request's
   transaction (``shopcms.orders.statements.apply``) by the requester, and the page shows
   what was done.  The imported lines are remembered in the database, so a second click, a
   reload or a replay shows them as duplicates and marks nothing twice.

This runs inside the server, so it works while the shop is open, on FileStorage too
(``shopcms import-payments`` needs the database to itself there).
"""

import colander
from pyramid.view import view_config

from shopcms.orders import statements
from shopcms.orders.resources import Orders
from shopcms.orders.statements.schemas import (
    STATEMENT_MAX_BYTES,
    StatementConfirmSchema,
    StatementUploadSchema,
)
from shopcms.orders.statements.sealing import seal, unseal
from shopcms.products.api import UploadStore
from shopcms.web.errors import refusal
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import _, ngettext
from shopcms.web.layout import format_money
from shopcms.web.security import MANAGE_ORDERS

PAGE = "shopcms.orders:templates/manage/statements.pt"
_manage = {"route_name": "manage", "permission": MANAGE_ORDERS}

#: How the desk names each outcome (``statements.lines``).
REASON_TITLES = {
    statements.PAID: _("Paid"),
    statements.OVERPAID: _("Overpaid"),
    statements.UNDERPAID: _("Underpaid"),
    statements.UNKNOWN: _("Unknown reference"),
    statements.INVALID: _("No structured communication"),
    statements.DUPLICATE: _("Duplicate"),
    statements.NOT_INCOMING: _("Not a credit"),
    statements.NOT_EURO: _("Not in euro"),
    statements.UNREADABLE: _("Unreadable line"),
    statements.ALREADY_PAID: _("Already paid"),
    statements.CANCELLED_ORDER: _("Order cancelled"),
}
#: The order in which the summary counts the outcomes.
SUMMARY_ORDER = tuple(REASON_TITLES)


def upload_form(request, orders):
    return make_form(
        request,
        StatementUploadSchema,
        (Button("preview", _("Preview")),),
        "statement-upload",
        action=request.manage_link(orders, "statements"),
        tmpstore=UploadStore(),
    )


def confirm_form(request, orders, paying):
    title = ngettext(
        "Confirm: mark ${count} order paid", "Confirm: mark ${count} orders paid", paying, request
    )
    return make_form(
        request,
        StatementConfirmSchema,
        (Button("confirm", title, css_class="primary"),),
        "statement-confirm",
        action=request.manage_link(orders, "statements"),
    )


def describe(request, outcome):
    """What the desk says of one outcome beside its title (translated)."""

    def money(amount):
        return format_money(amount, request.locale_name)

    line = outcome.line
    if outcome.reason in (statements.OVERPAID, statements.UNDERPAID):
        difference = abs(line.amount - outcome.expected)
        mapping = {"expected": money(outcome.expected), "difference": money(difference)}
        if outcome.reason == statements.OVERPAID:
            return _("${difference} too much (total ${expected}): pay it back", mapping=mapping)
        return _("${difference} missing (total ${expected})", mapping=mapping)
    if outcome.reason == statements.DUPLICATE:
        if outcome.earlier is not None:
            return _("Same as line ${line}", mapping={"line": outcome.earlier})
        return _("Imported before")
    if outcome.reason == statements.ALREADY_PAID and outcome.earlier is not None:
        return _("Paid by line ${line}", mapping={"line": outcome.earlier})
    if outcome.reason == statements.CANCELLED_ORDER:
        return _("Pay the money back")
    if outcome.reason in (statements.NOT_EURO, statements.UNREADABLE):
        return outcome.detail
    return ""


def _rows(request, orders, outcomes):
    rows = []
    for outcome in outcomes:
        order = orders.get(outcome.order) if outcome.order else None
        rows.append(
            {
                "outcome": outcome,
                "line": outcome.line,
                "title": REASON_TITLES.get(outcome.reason, outcome.reason),
                "detail": describe(request, outcome),
                "order": order,
            }
        )
    return rows


def _summary(outcomes):
    counts = {}
    for outcome in outcomes:
        counts[outcome.reason] = counts.get(outcome.reason, 0) + 1
    return [(REASON_TITLES[r], counts[r]) for r in SUMMARY_ORDER if r in counts]


def _page(request, orders, form_html, **more):
    request.override_renderer = PAGE
    return {
        "upload_form": form_html,
        "max_mb": STATEMENT_MAX_BYTES // 2**20,
        "kind": None,
        "rows": (),
        "summary": (),
        "confirm_form": None,
        "done": False,
        "paid": 0,
        **more,
        "paid_text": ngettext(
            "${count} order marked paid.",
            "${count} orders marked paid.",
            more.get("paid", 0),
            request,
        ),
    }


@view_config(context=Orders, name="statements", request_method="GET", renderer=PAGE, **_manage)
def statements_page(context, request):
    """The upload form."""
    return _page(request, context, upload_form(request, context).render())


@view_config(context=Orders, name="statements", request_method="POST", renderer=PAGE, **_manage)
def statements_post(context, request):
    """``preview`` (the file) or ``confirm`` (the signed statement): see the module."""
    if "confirm" in request.POST or "token" in request.POST:
        return _confirm(context, request)
    return _preview(context, request)


def _refuse_file(request, orders, form, message):
    request.response.status = 400
    field = form["statement"]
    field.error = colander.Invalid(field.schema, message)
    return _page(request, orders, form.render({}))


def _preview(orders, request):
    form = upload_form(request, orders)
    appstruct, failed = validate(request, form)
    if appstruct is None:
        return _page(request, orders, failed)
    data = appstruct["statement"]["fp"].read(STATEMENT_MAX_BYTES + 1)
    if len(data) > STATEMENT_MAX_BYTES:
        message = _(
            "The file is larger than ${size} MB: import it with shopcms import-payments.",
            mapping={"size": STATEMENT_MAX_BYTES // 2**20},
        )
        return _refuse_file(request, orders, form, message)
    try:
        kind, lines = statements.read_statement(data)
    except statements.StatementError as exc:
        message = _(
            "This file cannot be read as a bank statement (CODA, CAMT.053 or CSV): ${reason}",
            mapping={"reason": str(exc)},
        )
        return _refuse_file(request, orders, form, message)
    outcomes = statements.plan(orders, lines)
    paying = sum(outcome.matched for outcome in outcomes)
    confirm = confirm_form(request, orders, paying).render(
        {"token": seal(request.registry.settings, data)}
    )
    return _page(
        request,
        orders,
        upload_form(request, orders).render(),
        kind=kind,
        rows=_rows(request, orders, outcomes),
        summary=_summary(outcomes),
        confirm_form=confirm,
        paid=paying,
    )


def _confirm(orders, request):
    form = confirm_form(request, orders, 0)
    appstruct, _failed = validate(request, form)
    data = unseal(request.registry.settings, appstruct["token"]) if appstruct is not None else None
    if data is None:
        return refusal(
            request,
            _("This preview has expired or was changed. Upload the statement again."),
        )
    try:
        kind, lines = statements.read_statement(data)
    except statements.StatementError:
        return refusal(request, _("Upload the statement again."))
    outcomes = statements.apply(orders, lines, when=request.now, request=request)
    paid = sum(outcome.matched for outcome in outcomes)
    return _page(
        request,
        orders,
        upload_form(request, orders).render(),
        kind=kind,
        rows=_rows(request, orders, outcomes),
        summary=_summary(outcomes),
        done=True,
        paid=paid,
    )
