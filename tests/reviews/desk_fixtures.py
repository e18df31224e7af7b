"""What the moderation desk's tests share: staff clients, planted reviews, the desk's URLs."""

import pytest

from tests.conftest import PASSWORD, Browser, login
from tests.reviews.factory import plant, product

#: The roles the matrix tries, by the name of their client.
ROLES = ("visitor", "author", "customer", "editor", "orders", "moderator", "admin")
AUTHOR = "author-user@example.be"


@pytest.fixture
def clients(site):
    """A logged-in client per role (``visitor`` logs in as no one; ``author`` is a customer
    who wrote the reviews that :func:`plant_as_author` plants)."""
    clients = {"visitor": Browser(site.wsgi)}
    for role in ROLES[1:]:
        email = AUTHOR if role == "author" else f"{role}-user@example.be"
        roles = ("customer",) if role in ("author", "customer") else (role,)
        site.add_account(email, roles=roles)
        clients[role] = Browser(site.wsgi)
        login(clients[role], email, PASSWORD)
    return clients


def author_id(site):
    return site.read(lambda root: root["customers"].find(AUTHOR).__name__)


def planted(site, state="pending", name="mug-cafe", *, lang="nl", **kw):
    """Plant one review; returns its URL at the desk (``/{lang}/manage/reviews/PID/KEY``)."""
    with site.edit() as root:
        review = plant(root, site.registry, product(root, name).pid, state=state, **kw)
        return desk_url(review, lang)


def desk_url(review, lang="nl"):
    return f"/{lang}/manage/reviews/{review.pid}/{review.__name__}"


def read_review(site, url, func=lambda review: review):
    pid, key = url.rstrip("/").split("/")[-2:]
    return site.read(lambda root: func(root["reviews"][pid][key]))


def snapshot(site, url):
    """What must not change when an action is refused: the state and the whole history."""
    return read_review(
        site, url, lambda r: (r.workflow_state, list(r.workflow_history), r.reply, r.rejection)
    )


def action_forms(page):
    return {
        form.id.removeprefix("moderate-"): form
        for form in page.forms.values()
        if (form.id or "").startswith("moderate-")
    }
