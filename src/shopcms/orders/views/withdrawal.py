"""The withdrawal form: the model withdrawal form's content, online.

- ``/{lang}/account/withdrawal/NUMBER``: a logged-in customer's own order (any other
  number, a guest's or another customer's, answers 404: it reveals nothing);
- ``/{lang}/withdrawal/TOKEN``: a guest's signed link from the shipped or delivered mail
  (``orders.withdrawal_links``): not ours or altered 404, too old 410 (with the shop's address
  to write to instead); the address carries a secret, so no referrer leaves the page;

The desk's side is ``withdrawal_desk``.

The form's GET writes nothing (the submission key is made, not stored); its POST records
the statement once per key (``withdrawal.state_withdrawal``) and comes back to the page,
which then shows what was stated.  A withdrawal the period or the order's state does not
allow answers the page with the reason and its 4xx status (410 after the period), nothing
written.
"""

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.traversal import find_root

from shopcms.orders import withdrawal, withdrawal_desk, withdrawal_links
from shopcms.orders.withdrawal_schemas import withdrawal_schema
from shopcms.tree.site import Site
from shopcms.web import tokens
from shopcms.web.company import company
from shopcms.web.forms import Button, FormView, form_view, make_form
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.security import ACCOUNT, VIEW

TEMPLATE = "shopcms.orders:templates/withdrawal.pt"
LINK_TEMPLATE = "shopcms.orders:templates/withdrawal_link.pt"
FORMID = "withdrawal"


def statement_rows(request, order):
    """The statements of ``order`` as its page shows them."""
    return [
        {"statement": s, "rows": withdrawal_desk.line_rows(order, s)} for s in order.withdrawals
    ]


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
        self.order, self.why = withdrawal_links.order_for_token(
            secret, context, self.token, request.now
        )

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
