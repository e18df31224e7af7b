"""Writing a review through the guest's mailed link: ``/{lang}/reviews/write/<token>``.

The "delivered" mail of a guest's order carries one link per product (``links``); its
page shows the review form, without an account: the name it previews is the order's
contact name (anonymous is one of the choices).  The GET only reads the token; the POST
writes the review for the order (author key ``order:NUMBER``, the order's address for its
mails).  A link that cannot be used gets a page that says why, never the form:

- not a token of ours (forged, altered, cut): 404;
- expired (older than ``links.MAX_AGE``): 410;
- used: a review was written for that order and product already: 410;
- the order is gone or erased, or the product is not one of its lines: 404 (the signature
  makes this a forgery or an erased order; either way nothing to say about the order);
- the product is no longer sold: 410.

The address carries a secret: no referrer leaves the page (``secret_address``).
"""

from pyramid.httpexceptions import HTTPNotFound

from shopcms.orders import api as orders
from shopcms.products import api as products
from shopcms.reviews.links import EXPIRED, check_token
from shopcms.reviews.resources import Reviews, guest_key
from shopcms.reviews.views.writing import ReviewForm
from shopcms.reviews.writing import ReviewRefused, write
from shopcms.web.forms import form_view
from shopcms.web.i18n import _
from shopcms.web.security import VIEW

LINK_TEMPLATE = "shopcms.reviews:templates/write_link.pt"

#: The pages of a link that cannot be used: (status, title, text).
UNUSABLE = {
    "invalid": (
        404,
        _("This link cannot be used"),
        _(
            "This is not a valid link to write a review. Open the link in the mail about "
            "your delivery exactly as it is (it may have been cut in two)."
        ),
    ),
    "expired": (
        410,
        _("This link has expired"),
        _(
            "A link to write a review works for 60 days after the delivery. It is too late "
            "to write a review with this one."
        ),
    ),
    "used": (
        410,
        _("This link was used already"),
        _(
            "A review of this product was written with this link already; each link works "
            "only once. We mail you when the review is published."
        ),
    ),
    "gone": (
        410,
        _("This product is no longer sold"),
        _("The product this link was for is no longer in our shop."),
    ),
}


def link_page(request, title, text, status=200):
    request.response.status = status
    request.override_renderer = LINK_TEMPLATE
    return {"title": title, "text": text}


@form_view(
    context=Reviews,
    route_name="public",
    name="write",
    permission=VIEW,
    secret_address=True,
    renderer="shopcms.reviews:templates/write.pt",
)
class GuestReview(ReviewForm):
    """The guest's review of one product of their order (see the module)."""

    def __init__(self, context, request):
        super().__init__(context, request)
        if len(request.subpath) != 1:
            raise HTTPNotFound()
        self.token = request.subpath[0]

    def check(self):
        """None when the link can be used (and the page's values are set), else why not:
        a key of :data:`UNUSABLE`."""
        request = self.request
        secret = request.registry.settings["shopcms.secret"]
        grant, problem = check_token(secret, self.token, request.now)
        if grant is None:
            return "expired" if problem == EXPIRED else "invalid"
        site = request.root
        order = orders.find_order(site, grant.number)
        if order is None or order.erased is not None:
            return "invalid"
        if grant.pid not in {line["pid"] for line in order.lines}:
            return "invalid"
        self.author_key = guest_key(order.number)
        if self.context.written_by(self.author_key).get(grant.pid) is not None:
            return "used"
        product = products.product_by_id(site, grant.pid)
        if product is None or not request.has_permission(VIEW, product):
            return "gone"
        self.order, self.product = order, product
        self.name = order.contact.get("name")
        return None

    def unusable(self, problem):
        return link_page(self.request, *UNUSABLE[problem][1:], status=UNUSABLE[problem][0])

    def action(self):
        return self.request.link(self.context, "write", self.token)

    def show(self):
        problem = self.check()
        return self.unusable(problem) if problem else super().show()

    def submit(self):
        problem = self.check()
        return self.unusable(problem) if problem else super().submit()

    def succeeded(self, appstruct):
        request = self.request
        order = self.order
        try:
            write(
                request,
                self.product,
                self.author_key,
                author=None,
                name=self.name,
                email=order.contact.get("email"),
                order_number=order.number,
                **appstruct,
            )
        except ReviewRefused as refused:
            return self.refuse(refused.message, appstruct)
        return link_page(
            request,
            _("Thank you for your review"),
            _(
                "Your review waits for moderation: we read every review before it is "
                "published, and mail you when yours is."
            ),
        )
