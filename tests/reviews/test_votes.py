"""Helpful votes and reports from visitors: once per browser, limited per client."""

from shopcms.reviews import helpful
from shopcms.reviews.workflow import PENDING
from tests.conftest import Browser, start_session
from tests.reviews.factory import plant, product
from tests.reviews.visitors import EN_PAGE, PAGE, fresh_limits, section, titles

__all__ = ["fresh_limits"]


def published(site, **kw):
    with site.edit() as root:
        review = plant(root, site.registry, product(root).pid, state="published", **kw)
        return review.__name__


def stored(site, key):
    return site.read(lambda root: root["reviews"].of_product(product(root).pid)[key])


def votes(site, key):
    return site.read(lambda root: root["reviews"].of_product(product(root).pid)[key].votes)


def test_a_helpful_vote_counts_once_per_browser(site, app):
    key = published(site, author="h")
    form = app.get(EN_PAGE).forms[f"helpful-{key}"]
    answer = form.submit(status=303)
    assert answer.location.endswith("/en/products/mug-cafe")
    assert "reviews_helpful" in app.cookies
    page = answer.follow()
    assert "your vote helps" in page.text
    assert votes(site, key) == 1
    assert f"helpful-{key}" not in page.forms
    assert "You found this review helpful." in section(page).get_text()
    # The same browser again (its old form, with its session's token now): not counted.
    form["csrf_token"] = page.forms[f"report-{key}"]["csrf_token"].value
    again = form.submit(status=303).follow()
    assert "counts once" in again.text
    assert votes(site, key) == 1
    # An edited cookie is no cookie: that browser's vote counts (once more).
    app.set_cookie("reviews_helpful", key + ".forged")
    form.submit(status=303)
    assert votes(site, key) == 2


def test_votes_are_limited_per_client(site, app):
    keys = [published(site, author=f"l{n}") for n in range(3)]
    helpful.VOTES.limit = 2
    try:
        app.get(EN_PAGE).forms[f"helpful-{keys[0]}"].submit(status=303)
        app.get(EN_PAGE).forms[f"helpful-{keys[1]}"].submit(status=303)
        refused = app.get(EN_PAGE).forms[f"helpful-{keys[2]}"].submit(status=429)
        assert "Please wait a while" in refused.text
        assert votes(site, keys[2]) == 0
    finally:
        helpful.VOTES.limit = 30


def test_three_reports_send_the_review_back_to_the_moderators(site, app):
    key = published(site, author="r", title="Reported")
    for n in range(3):
        # Three visitors, each from an address of their own.
        visitor = Browser(site.wsgi, extra_environ={"REMOTE_ADDR": f"192.0.2.{n + 10}"})
        page = visitor.get(EN_PAGE)
        form = page.forms[f"report-{key}"]
        form["reason"] = f"Offensive words, report {n}"
        answer = form.submit(status=303)
        assert "we will look at this review" in answer.follow().text
    review = stored(site, key)
    assert review.workflow_state == PENDING
    assert [reason for _when, reason in review.reports][-1] == "Offensive words, report 2"
    page = app.get(EN_PAGE)
    assert titles(page) == []
    assert "No reviews yet." in section(page).get_text()


def test_one_client_reports_a_review_once(site, app):
    """A visitor who reports the same review again is thanked, not counted: one client
    alone cannot send a review back to the moderators."""
    key = published(site, author="o", title="Reported once")
    for n in range(3):
        form = app.get(EN_PAGE).forms[f"report-{key}"]
        form["reason"] = f"Offensive words, report {n}"
        answer = form.submit(status=303).follow()
        expected = "we will look at this review" if n == 0 else "You reported this review"
        assert expected in answer.text
    review = stored(site, key)
    assert (review.workflow_state, len(review.reports)) == ("published", 1)
    assert titles(app.get(EN_PAGE)) == ["Reported once"]


def test_the_limits_keep_no_address(site):
    key = published(site, author="a", title="Counted")
    visitor = Browser(site.wsgi, extra_environ={"REMOTE_ADDR": "198.51.100.7"})
    visitor.get(EN_PAGE).forms[f"helpful-{key}"].submit(status=303)
    assert votes(site, key) == 1
    [client] = helpful.VOTES._events  # counted, under a keyed hash of the address
    assert "198.51.100.7" not in client and len(client) == 32


def test_a_report_needs_a_reason(site, app):
    key = published(site, author="n")
    form = app.get(PAGE).forms[f"report-{key}"]
    form["reason"] = ""
    refused = form.submit(status=400)
    assert refused.html.find(attrs={"role": "alert"}) is not None
    field = refused.html.find(id=f"report-{key}-reason")
    assert field["aria-invalid"] == "true"
    form["reason"] = "x" * 501
    form.submit(status=400)
    assert stored(site, key).reports == []


def test_reports_are_limited_per_client(site, app):
    key = published(site, author="m")
    helpful.REPORTS.limit = 1
    try:
        for status in (303, 429):
            form = app.get(PAGE).forms[f"report-{key}"]
            form["reason"] = "Spam link"
            form.submit(status=status)
        assert len(stored(site, key).reports) == 1
    finally:
        helpful.REPORTS.limit = 5


def test_an_unpublished_review_cannot_be_marked(site, app):
    key = published(site, author="u")
    form = app.get(PAGE).forms[f"helpful-{key}"]
    with site.edit() as root:
        from shopcms.reviews.workflow import REVIEW_WORKFLOW

        review = root["reviews"].of_product(product(root).pid)[key]
        REVIEW_WORKFLOW.transition(review, None, "hide", actor="system:test")
    answer = form.submit(expect_errors=True)
    assert answer.status_int in (403, 404)
    assert votes(site, key) == 0


def test_a_post_without_the_token_is_refused(site, app):
    key = published(site, author="t")
    form = app.get(PAGE).forms[f"helpful-{key}"]
    form["csrf_token"] = "forged"
    form.submit(status=400)
    assert votes(site, key) == 0


def test_a_vote_elsewhere_changes_the_page_validators(site, app):
    key = published(site, author="e")
    etag = app.get(EN_PAGE).headers["ETag"]
    other = Browser(site.wsgi)
    other.get(EN_PAGE).forms[f"helpful-{key}"].submit(status=303)
    page = app.get(EN_PAGE, headers={"If-None-Match": etag}, status=200)
    assert "1 person found this review helpful" in section(page).get_text()


def test_each_visitor_gets_the_forms_with_their_own_token(site, app):
    key = published(site, author="k")
    start_session(app)
    mine = app.get(PAGE).forms[f"report-{key}"]["csrf_token"].value
    other = Browser(site.wsgi)
    start_session(other)
    theirs = other.get(PAGE).forms[f"report-{key}"]["csrf_token"].value
    assert mine != theirs
    form = other.get(PAGE).forms[f"report-{key}"]
    form["reason"] = "Not about this mug"
    form.submit(status=303)
    assert len(stored(site, key).reports) == 1
