"""The withdrawal form (the model withdrawal form's content, online) and the desk's side.

- ``/{lang}/account/withdrawal/NUMBER``: a logged-in customer's own order (any other
  number, a guest's or another customer's, answers 404: it reveals nothing);
- ``/{lang}/withdrawal/TOKEN``: a guest's signed link from the shipped or delivered mail
  (``orders.withdrawal``): not ours or altered 404, too old 410 (with the shop's address
  to write to instead); the address carries a secret, so no referrer leaves the page;
- ``/{lang}/manage/orders/withdrawals``: the statements whose goods have not come back;
- ``POST /{lang}/manage/orders/NUMBER/goods-received``: the goods of one statement came
  back; leads to the refund form with its lines (``withdrawal.refund_url``).

The form's GET writes nothing (the submission key is made, not stored); its POST records
the statement once per key (``withdrawal.state_withdrawal``) and comes back to the page,
which then shows what was stated.  A withdrawal the period or the order's state does not
allow answers the page with the reason and its 4xx status (410 after the period), nothing
written.
"""

import colander
import deform
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.traversal import find_root
from pyramid.view import view_config

from shopcms.orders import withdrawal
from shopcms.orders.resources import Order, Orders
from shopcms.orders.schemas import TOKEN
from shopcms.tree.site import Site
from shopcms.web import tokens
from shopcms.web.actors import who
from shopcms.web.company import company
from shopcms.web.errors import ERROR_TEMPLATE, refusal
from shopcms.web.forms import Button, CSRFSchema, FormView, form_view, make_form, validate
from shopcms.web.forms.types import Text, strip
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.security import ACCOUNT, MANAGE_ORDERS, VIEW

TEMPLATE = "shopcms.orders:templates/withdrawal.pt"
LINK_TEMPLATE = "shopcms.orders:templates/withdrawal_link.pt"
FORMID = "withdrawal"


def _line_title(line, qty):
    return _(
        "${product} (${sku}): how many of ${count}",
        mapping={"product": line.get("title", ""), "sku": line.get("sku", ""), "count": qty},
    )


def withdrawal_schema(order):
    """The form for what is left to withdraw of ``order``: one quantity per line (at most
    what is left), the optional reason, the hidden submission key."""
    left = withdrawal.remaining(order)
    schema = CSRFSchema()
    schema.add(
        colander.SchemaNode(
            Text(),
            name="key",
            widget=deform.widget.HiddenWidget(),
            validator=colander.Regex(TOKEN),
        )
    )
    lines = colander.SchemaNode(
        colander.Mapping(),
        name="lines",
        title=_("The goods you withdraw from"),
        description=_("Everything is chosen; lower a number to keep some."),
    )
    for index, line in enumerate(order.lines):
        qty = left.get(index, 0)
        if qty <= 0:
            continue
        lines.add(
            colander.SchemaNode(
                colander.Int(),
                name=f"line-{index}",
                title=_line_title(line, qty),
                missing=0,
                validator=colander.Range(min=0, max=qty),
                widget=deform.widget.SelectWidget(
                    values=[(str(n), str(n)) for n in range(qty, -1, -1)]
                ),
            )
        )
    schema.add(lines)
    schema.add(
        colander.SchemaNode(
            Text(multiline=True, max_length=withdrawal.MAX_REASON),
            name="reason",
            title=_("Reason (optional)"),
            description=_("You need not give a reason. If you tell us one, we learn from it."),
            preparer=strip,
            missing="",
            validator=colander.Length(max=withdrawal.MAX_REASON),
            widget=deform.widget.TextAreaWidget(
                rows=3, attributes={"maxlength": str(withdrawal.MAX_REASON)}
            ),
        )
    )

    def at_least_one(node, value):
        if not any(qty > 0 for qty in value["lines"].values()):
            error = colander.Invalid(node)
            error["lines"] = _("Choose at least one item to withdraw from.")
            raise error

    schema.validator = at_least_one
    return schema


def statement_rows(request, order):
    """The statements of ``order`` as its page shows them."""
    return [{"statement": s, "rows": withdrawal.line_rows(order, s)} for s in order.withdrawals]


class WithdrawalForm(FormView):
    """The withdrawal form of one order (the customer's and the guest's pages)."""

    formid = FORMID
    buttons = (Button("withdraw", _("Send my withdrawal")),)
    #: set by the page: the order and who states (withdrawal.CUSTOMER or GUEST)
    order = None
    by = None

    def make(self):
        return make_form(
            self.request, withdrawal_schema(self.order), self.buttons, self.formid, self.action()
        )

    def appstruct(self):
        left = withdrawal.remaining(self.order)
        lines = {f"line-{index}": qty for index, qty in left.items() if qty > 0}
        return {"key": withdrawal.new_key(), "lines": lines, "reason": ""}

    def values(self):
        request, order = self.request, self.order
        registry = request.registry
        delivered = withdrawal.delivered_at(order)
        return {
            "order": order,
            "company": company(registry),
            "delivered": delivered,
            "last_day": withdrawal.last_day_moment(registry, order),
            "statements": statement_rows(request, order),
            "problem": None,
            "problem_date": None,
            "today": request.now,
            "back": None,
        }

    def problem_page(self, refused):
        """The page without the form, saying why (``refused``: WithdrawalRefused)."""
        self.request.response.status = refused.status
        values = self.page(None)
        values["problem"] = refused
        return values

    def show(self):
        refused = withdrawal.refusal(self.request.registry, self.order, self.request.now)
        if refused is not None:
            page = self.problem_page(refused)
            if refused.problem == "complete":
                self.request.response.status = 200  # what was stated is shown
            return page
        return super().show()

    def submit(self):
        request, order = self.request, self.order
        key = request.POST.get("key", "")
        # The same form posted again: its statement, before the form's limits (which
        # now count it) could refuse it.
        for statement in order.withdrawals:
            if isinstance(key, str) and key and key == statement.key:
                return self.recorded(statement, new=False)
        return super().submit()

    def succeeded(self, appstruct):
        chosen = {int(name.removeprefix("line-")): qty for name, qty in appstruct["lines"].items()}
        try:
            statement, new = withdrawal.state_withdrawal(
                self.request, self.order, chosen, appstruct["reason"], appstruct["key"], self.by
            )
        except withdrawal.WithdrawalRefused as refused:
            return self.problem_page(refused)
        return self.recorded(statement, new)

    def recorded(self, statement, new):
        if new:
            message = _(
                "Your withdrawal is recorded. We mailed you an acknowledgement to ${email}.",
                mapping={"email": self.order.contact.get("email", "")},
            )
        else:
            message = _("This withdrawal was recorded already; nothing was sent twice.")
        notice(self.request, message)
        return HTTPSeeOther(location=self.action() + "#withdrawals-stated")


@form_view(
    route_name="account",
    name="withdrawal",
    permission=ACCOUNT,
    renderer=TEMPLATE,
)
class CustomerWithdrawal(WithdrawalForm):
    """A customer's withdrawal from one of their own orders (see the module)."""

    by = withdrawal.CUSTOMER

    def __init__(self, context, request):
        super().__init__(context, request)
        if len(request.subpath) != 1:
            raise HTTPNotFound()
        orders = find_root(context)["orders"]
        order = orders.get(request.subpath[0])
        if order is None or order.customer is None or order.customer != context.__name__:
            raise HTTPNotFound()
        self.order = order

    def action(self):
        return self.request.account_link("withdrawal", self.order.number)

    def values(self):
        return {**super().values(), "back": self.request.account_link("orders", self.order.number)}


#: The pages of a mailed link that cannot be used: (status, title, text).
UNUSABLE = {
    tokens.FORGED: (
        404,
        _("This link cannot be used"),
        _(
            "This is not a valid link to withdraw from an order. Open the link in the mail "
            "about your order exactly as it is (it may have been cut in two)."
        ),
    ),
    tokens.EXPIRED: (
        410,
        _("This link has expired"),
        _(
            "A withdrawal link works for 60 days after its mail. If you are still within "
            "the withdrawal period, write to us at ${email}: a clear statement is enough."
        ),
    ),
}


@form_view(
    context=Site,
    route_name="public",
    name="withdrawal",
    permission=VIEW,
    secret_address=True,
    renderer=TEMPLATE,
)
class GuestWithdrawal(WithdrawalForm):
    """A guest's withdrawal through the mailed link (see the module)."""

    by = withdrawal.GUEST

    def __init__(self, context, request):
        super().__init__(context, request)
        if len(request.subpath) != 1:
            raise HTTPNotFound()
        self.token = request.subpath[0]
        secret = request.registry.settings["shopcms.secret"]
        self.order, self.why = withdrawal.order_for_token(secret, context, self.token, request.now)

    def action(self):
        return self.request.link(None, "withdrawal", self.token)

    def unusable(self):
        status, title, text = UNUSABLE[self.why]
        request = self.request
        request.response.status = status
        request.override_renderer = LINK_TEMPLATE
        email = company(request.registry).email
        return {"title": title, "text": _(text, mapping={"email": email})}

    def show(self):
        return self.unusable() if self.order is None else super().show()

    def submit(self):
        return self.unusable() if self.order is None else super().submit()


# -- the desk ----------------------------------------------------------------------------

_manage = {"route_name": "manage", "permission": MANAGE_ORDERS}


class ReceivedSchema(CSRFSchema):
    """ "Goods received" of one statement (its id, hidden)."""

    withdrawal = colander.SchemaNode(
        colander.Int(),
        widget=deform.widget.HiddenWidget(),
        validator=colander.Range(min=1, max=10_000),
    )


def received_form(request, order, statement):
    return make_form(
        request,
        ReceivedSchema,
        (Button("received", _("Goods received: go to the refund")),),
        f"goods-received-{statement.id}",
        action=request.manage_link(order, "goods-received"),
        css_class="actions",
    )


def desk_panel(request, order):
    """The order page's panel (macro ``after-sale``): tracking, statements, the forms."""
    panel = withdrawal.desk_panel(request, order)
    if panel is None:
        return None
    for item in panel["statements"]:
        statement = item["statement"]
        item["form"] = (
            received_form(request, order, statement).render({"withdrawal": statement.id})
            if statement.received is None
            else None
        )
        item["received_by"] = who(request, statement.received_by)
    return panel


@view_config(
    context=Orders,
    name="withdrawals",
    request_method="GET",
    renderer="shopcms.orders:templates/manage/withdrawals.pt",
    **_manage,
)
def withdrawals_list(context, request):
    """The withdrawals stated whose goods have not come back, oldest first."""
    rows = []
    for order, statements in withdrawal.waiting(find_root(context)):
        for statement in statements:
            rows.append(
                {
                    "order": order,
                    "statement": statement,
                    "rows": withdrawal.line_rows(order, statement),
                    "refund_due": statement.when + withdrawal.REFUND_DAYS,
                }
            )
    return {"rows": rows}


@view_config(
    context=Order,
    name="goods-received",
    request_method="POST",
    renderer=ERROR_TEMPLATE,
    **_manage,
)
def goods_received(context, request):
    """The goods of one statement came back: record it, go to the refund form."""
    statement = withdrawal.find(context, _posted_id(request))
    if statement is None:
        return refusal(request, _("Something in the request was not right."))
    appstruct, _failed = validate(request, received_form(request, context, statement))
    if appstruct is None:
        return refusal(request, _("Something in the request was not right."))
    done, new = withdrawal.goods_received(request, context, statement.id)
    if new:
        notice(request, _("The returned goods are recorded. Refund the withdrawn items now."))
    else:
        notice(request, _("These goods were recorded as received already."))
    return HTTPSeeOther(location=withdrawal.refund_url(request, context, done))


def _posted_id(request):
    try:
        return int(request.POST.get("withdrawal", ""))
    except ValueError:
        return None
