"""Reviews: customers' and guests' ratings and texts about products, moderated before the
public sees them.

The modules: ``resources`` (the reviews folder, a folder per product with its stored
aggregates, the review), ``workflow`` (the states and who may move a review between them,
the rejection reasons), ``writing`` (the one way a review is written or changed),
``moderation`` (approve, reject, hide, spam, one or many; reports, helpful votes, the
shop's reply), ``aggregates`` (the counts kept on each transition and the product's
rating), ``queries`` (the product's published reviews and the moderation queue, from the
catalog), ``links`` (the guest's signed link from the delivered mail), ``privacy``
(export, erasure, retention), ``evolve``, ``views``.  What other capabilities may use is
in ``api``.
"""

from datetime import timedelta

from shopcms.reviews import aggregates, links, presentation
from shopcms.reviews.evolve import reviews_folder_and_indexes
from shopcms.reviews.moderation import REPORTS_ACTOR
from shopcms.reviews.resources import ProductReviews, Review, Reviews
from shopcms.reviews.views import product
from shopcms.reviews.workflow import REVIEW_WORKFLOW
from shopcms.tree.events import ObjectModified
from shopcms.web.cookies import Category as CookieCategory
from shopcms.web.i18n import _
from shopcms.web.security import MODERATE
from shopcms.workflow import AfterTransition

#: The cookie that remembers which reviews this browser found helpful (one vote each).
HELPFUL_COOKIE = "reviews_helpful"


def includeme(config):
    config.add_desk_section("reviews", _("Reviews"), ("reviews",), MODERATE, order=40)
    config.add_content_type(
        "reviews", Reviews, title=_("Reviews"), site_folder="reviews", catalog=False
    )
    config.add_content_type(
        "product-reviews", ProductReviews, title=_("Reviews of a product"), catalog=False
    )
    # Reviews are written through the review forms, never added by hand.
    config.add_content_type("review", Review, title=_("Review"), workflow=REVIEW_WORKFLOW)
    # Who hid a review its reports reached (``moderation.report``), as its history shows it.
    config.add_actor_title(REPORTS_ACTOR, _("Visitors' reports"))
    config.add_evolve_step(
        7,
        "Reviews: the reviews folder and the catalog's generic indexes",
        reviews_folder_and_indexes,
    )
    config.add_subscriber(aggregates.on_transition, AfterTransition)
    _product_section(config)
    config.add_cookie(
        HELPFUL_COOKIE,
        CookieCategory.NECESSARY,
        purpose=_("Remembers which reviews you marked as helpful, so each counts once."),
        reason=_(
            "Set only when you mark a review as helpful, to count your vote once; it holds "
            "the reviews' numbers, signed, and nothing about you."
        ),
        lifetime=timedelta(days=365),
    )
    config.include(".privacy")
    config.include(".mail")
    config.add_order_mail_part("order_delivered", links.delivered_mail_part)


def _product_section(config):
    """The reviews on the product page, and what keeps its validators current."""
    config.add_product_section(
        "reviews",
        product.values,
        presentation.SECTION_TEMPLATE,
        validator=product.validator,
        data=product.structured_data,
    )
    config.add_subscriber(presentation.on_change, AfterTransition)
    config.add_subscriber(presentation.on_change, ObjectModified)
