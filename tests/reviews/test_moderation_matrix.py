"""Who may do what to a review in which state: every role x state x action.

Two levels, each asserted for all combinations:

- through the desk (HTTP): the moderation actions (approve, reject, hide, show, spam) and
  the reply succeed (303) only for moderators and administrators, and a moderation action
  only from a state the workflow leaves by it; otherwise the answer is 403 (the role may
  not moderate; also the author's own review), 409 (the state does not allow it) or 400
  (``edit`` and ``withdraw`` are the author's, never the desk's), and the review's state,
  history, reply and rejection are unchanged;
- the workflow and the review's ACL (``REVIEW_WORKFLOW.available`` for each role's
  principals): exactly the transitions the workflow declares from the state, for those
  its ACL allows (``edit`` and ``withdraw`` to the author only, never in ``spam`` or
  ``withdrawn``).
"""

import pytest
from pyramid.authorization import ACLHelper, Authenticated, Everyone

from shopcms.reviews.workflow import REVIEW_WORKFLOW
from shopcms.web.security import role_principal, user_principal
from tests.reviews import desk_fixtures
from tests.reviews.desk_fixtures import ROLES, author_id, desk_url, snapshot
from tests.reviews.factory import plant, product

clients = desk_fixtures.clients
STATES = ("pending", "published", "rejected", "hidden", "withdrawn", "spam")
ACTIONS = ("approve", "reject", "hide", "show", "spam", "withdraw", "edit", "reply")
#: What each moderation action leaves from, and where it leads.
MOVES = {
    "approve": ({"pending"}, "published"),
    "reject": ({"pending"}, "rejected"),
    "hide": ({"published"}, "hidden"),
    "show": ({"hidden"}, "published"),
    "spam": ({"pending", "published", "hidden"}, "spam"),
}
AUTHORS = {"pending", "published", "hidden", "rejected"}  # what edit and withdraw leave
STAFF = ("moderator", "admin")


def expected_status(role, state, action):
    if role not in STAFF:
        return 403
    if action == "reply":
        return 303
    if action in ("edit", "withdraw"):
        return 400
    return 303 if state in MOVES[action][0] else 409


def csrf(app):
    page = app.get("/nl/", status=200)
    return page.html.select_one('input[name="csrf_token"]')["value"]


def post(app, url, state, action, token):
    if action == "reply":
        data = {"csrf_token": token, "reply": "Thanks for the review."}
        return app.post(f"{url}/reply", data, status="*")
    data = {"csrf_token": token, "action": action, "seen_state": state, "text": ""}
    if action == "reject":
        data["reason"] = "off-topic"
    return app.post(f"{url}/moderate", data, status="*")


@pytest.mark.parametrize("role", ROLES)
def test_the_desk_allows_only_what_workflow_and_acl_allow(site, clients, role):
    aid = author_id(site)
    urls = {}
    with site.edit() as root:
        pid = product(root).pid
        for state in STATES:
            for action in ACTIONS:
                review = plant(root, site.registry, pid, state=state, author=aid)
                urls[state, action] = desk_url(review)
    app = clients[role]
    token = csrf(app)
    for (state, action), url in urls.items():
        before = snapshot(site, url)
        answer = post(app, url, state, action, token)
        expected = expected_status(role, state, action)
        assert answer.status_int == expected, (role, state, action)
        after = snapshot(site, url)
        if expected != 303:
            assert after == before, (role, state, action)
            assert "Thanks for the review." not in answer.text
        elif action == "reply":
            assert after[:2] == before[:2]  # the state and history stay
            assert after[2][0] == "Thanks for the review."
        else:
            assert after[0] == MOVES[action][1]
            assert after[1][:-1] == before[1]  # one entry more, the rest as it was
            assert (after[1][-1].transition, after[1][-1].from_state) == (action, state)


def principals(role, aid):
    """The principals the security policy gives each role (second factor confirmed)."""
    if role == "visitor":
        return [Everyone]
    userid = aid if role == "author" else f"{role}-id"
    role_name = "customer" if role in ("author", "customer") else role
    return [Everyone, Authenticated, user_principal(userid), role_principal(role_name)]


class _Requester:
    def __init__(self, principals):
        self.principals = principals

    def has_permission(self, permission, context):
        return ACLHelper().permits(context, self.principals, permission)


@pytest.mark.parametrize("role", ROLES)
def test_the_workflow_offers_each_role_what_its_acl_allows(site, role):
    aid = "author-account"
    moderation = {name for name, (sources, _to) in MOVES.items()}
    with site.edit() as root:
        pid = product(root).pid
        requester = _Requester(principals(role, aid))
        for state in STATES:
            review = plant(root, site.registry, pid, state=state, author=aid)
            offered = {t.name for t in REVIEW_WORKFLOW.available(review, requester)}
            expected = set()
            if role in STAFF:
                expected |= {name for name in moderation if state in MOVES[name][0]}
                # The system's "report" shares the moderators' permission; the desk never
                # offers it (tests/reviews/test_desk.py: the forms shown).
                expected |= {"report"} if state == "published" else set()
            if role == "author" and state in AUTHORS:
                expected |= {"edit", "withdraw"}
            assert offered == expected, (role, state)
