"""Writing a review as a customer: ``/{lang}/products/<slug>/review``.

The page needs a logged-in customer: a visitor meets the login form in its place (403) and
comes back to it afterwards (a forbidden public page would answer 404).  The customer's
name comes from their account (``request.identity.name``: the default address's), else
from their last order; what the review shows of it is theirs to choose, with a preview of
each choice.  One review per product per customer: when they have one, the page shows it
with its state, lets them change it (which sends it back to moderation) or withdraw it.

What ``GuestReview`` (``guest.py``) shares with this page is in :class:`ReviewForm`.
"""

from pyramid.httpexceptions import HTTPBadRequest, HTTPConflict, HTTPForbidden, HTTPSeeOther
from pyramid.view import view_config

from shopcms.orders import api as orders
from shopcms.products.api import Product
from shopcms.reviews.resources import FIRST_INITIAL, INITIALS, customer_key, shown_name
from shopcms.reviews.schemas import ReviewSchema
from shopcms.reviews.workflow import REVIEW_WORKFLOW, SPAM, WITHDRAWN, state_title
from shopcms.reviews.writing import ReviewRefused, reviews_folder, write
from shopcms.web.errors import login_in_place
from shopcms.web.forms import Button, FormView, button_form, form_view, make_form, validate
from shopcms.web.i18n import _, pick
from shopcms.web.notices import notice
from shopcms.web.security import ACCOUNT, VIEW
from shopcms.workflow import TransitionNotAllowed

TEMPLATE = "shopcms.reviews:templates/write.pt"
WITHDRAW_FORM = "withdraw-review"


class ReviewForm(FormView):
    """The review form of one product for one author (the customer's and the guest's
    pages): the name it previews, the texts beside it."""

    schema = ReviewSchema
    formid = "review"
    buttons = (Button("send", _("Send my review")),)

    #: set by the page: the product, the author's name (or None), their current review
    product = None
    name = None
    existing = None

    def make(self):
        return make_form(
            self.request,
            self.schema,
            self.buttons,
            self.formid,
            self.action(),
            name=self.name,
        )

    def appstruct(self):
        review = self.existing
        if review is not None:
            return {
                "rating": review.rating,
                "title": review.title,
                "text": review.text,
                "language": review.language,
                "display": review.display,
            }
        return {
            "language": self.request.locale_name,
            "display": FIRST_INITIAL if shown_name(self.name, INITIALS) else "anonymous",
        }

    def values(self):
        request = self.request
        _lang, title = pick(self.product.titles, request)
        return {
            "product_title": title or self.product.__name__,
            "product_url": request.link(self.product),
            "terms_url": request.link(None, "review-terms"),
            "review": None,
            "state": None,
            "withdraw": None,
            "closed": False,
        }


@form_view(
    context=Product,
    route_name="public",
    name="review",
    permission=VIEW,
    path_info=r".*/review$",
    renderer=TEMPLATE,
)
class WriteReview(ReviewForm):
    """The customer's review of the product (see the module)."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.product = context

    def entered(self):
        """None when a customer is logged in (and the page's values set), else the answer:
        the login form in place, or 403 for an account that is not a customer's."""
        request = self.request
        account = request.identity
        if account is None:
            return login_in_place(request, _("Log in to write a review."))
        if not request.has_permission(ACCOUNT, request.root):
            raise HTTPForbidden()
        self.account = account
        self.author_key = customer_key(account.__name__)
        self.name = getattr(account, "name", None) or orders.contact_name(
            request.root, account.__name__
        )
        found = reviews_folder(request.root).written_by(self.author_key).get(self.context.pid)
        self.existing = found if found is not None and found.workflow_state != WITHDRAWN else None
        return None

    def show(self):
        return self.entered() or self.page_or_closed()

    def submit(self):
        refused = self.entered()
        if refused is not None:
            return refused
        if self.closed():
            return self.closed_page()
        return super().submit()

    def closed(self):
        # A review marked as spam is no longer its author's to change.
        return self.existing is not None and self.existing.workflow_state == SPAM

    def page_or_closed(self):
        return self.closed_page() if self.closed() else super().show()

    def closed_page(self):
        self.request.response.status = 409 if self.request.method == "POST" else 200
        return self.page(None, closed=True)

    def values(self):
        values = super().values()
        review = self.existing
        if review is not None and not self.closed():
            values["review"] = review
            values["state"] = state_title(review.workflow_state)
            values["withdraw"] = button_form(
                self.request,
                WITHDRAW_FORM,
                self.request.link(self.context, "review", "withdraw"),
                [Button("withdraw", _("Withdraw my review"))],
            ).render()
        return values

    def succeeded(self, appstruct):
        request = self.request
        try:
            write(
                request,
                self.context,
                self.author_key,
                author=self.account.__name__,
                name=self.name,
                email=self.account.email,
                **appstruct,
            )
        except ReviewRefused as refused:
            return self.refuse(refused.message, appstruct)
        notice(
            request,
            _(
                "Thank you! Your review waits for moderation: we read it and mail you when it "
                "is published."
            ),
        )
        return HTTPSeeOther(location=request.link(self.context, "review"))


@view_config(
    context=Product,
    route_name="public",
    name="review",
    permission=VIEW,
    request_method="POST",
    path_info=r".*/review/withdraw$",
)
def withdraw_review(context, request):
    """Withdraw the customer's review of the product (a POST; the workflow's ``withdraw``)."""
    page = WriteReview(context, request)
    refused = page.entered()
    if refused is not None:
        return refused
    form = button_form(request, WITHDRAW_FORM, request.path, [])
    if validate(request, form)[0] is None:
        raise HTTPBadRequest()  # a tampered hidden field: nothing the visitor can correct
    review = page.existing
    try:
        if review is None:
            raise TransitionNotAllowed("no review to withdraw")
        REVIEW_WORKFLOW.transition(review, request, "withdraw")
    except TransitionNotAllowed:
        exc = HTTPConflict()
        exc.shopcms_message = (
            _("Nothing to withdraw"),
            _("You have no review of this product that can be withdrawn."),
        )
        raise exc from None
    notice(
        request,
        _("Your review is withdrawn: nobody sees it any more, and it is deleted in 30 days."),
    )
    return HTTPSeeOther(location=request.link(context, "review"))
