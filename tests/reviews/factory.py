"""Reviews made directly in the database, for tests that are not about the forms."""

from shopcms.reviews.resources import Review, customer_key, guest_key, new_key, shown_name
from shopcms.reviews.workflow import REVIEW_WORKFLOW

TEXT = "A sturdy mug that keeps coffee warm for a long time."


def product(site, name="mug-cafe"):
    return site["products"][name]


def plant(
    site,
    registry,
    pid,
    *,
    rating=4,
    state="pending",
    language="nl",
    author=None,
    order=None,
    name="Anna de Smet",
    display="full",
    title="Good",
    text=TEXT,
    email="anna@example.org",
    verified=False,
):
    """A review of product ``pid`` in ``state`` (moved there by system transitions)."""
    key = customer_key(author) if author else guest_key(order or "2026-000001")
    review = Review(
        pid=pid,
        rating=rating,
        title=title,
        text=text,
        language=language,
        display=display,
        author=author,
        author_key=key,
        shown_name=shown_name(name, display),
        email=email,
        verified=verified,
    )
    REVIEW_WORKFLOW.initialize(review, actor=key)
    reviews = site["reviews"]
    reviews.folder_for(pid, registry=registry).add(new_key(), review, registry=registry)
    reviews.record_author(key, review)
    path = {
        "pending": [],
        "published": ["approve"],
        "rejected": ["reject"],
        "hidden": ["approve", "hide"],
        "spam": ["spam"],
        "withdrawn": ["withdraw"],
    }[state]
    for name_ in path:
        REVIEW_WORKFLOW.transition(review, None, name_, actor="system:test")
    return review
