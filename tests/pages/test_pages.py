"""Page revisions: drafts, publication, scheduling, in force and superseded."""

from datetime import UTC, datetime, timedelta

import pytest
from pyramid import testing

from shopcms.pages.resources import (
    DRAFT,
    IN_FORCE,
    SCHEDULED,
    SUPERSEDED,
    Page,
    PageError,
    Pages,
    PolicyPage,
)
from shopcms.pages.urls import page_url
from shopcms.workflow import WorkflowForbidden

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def page():
    testing.setUp()
    pages = Pages()
    page = PolicyPage("privacy")
    pages.add("privacy", page, send_events=False)
    yield page
    testing.tearDown()


def publish(page, lang, title, when, effective=None, actor="system:test"):
    page.save_draft(lang, title, f"{title} body", "", actor, when)
    return page.publish(lang, when, actor=actor, effective=effective)


def test_a_draft_is_not_in_force_until_published(page):
    page.save_draft("nl", "Eerste", "tekst", "", "u1", T0)
    assert page.in_force("nl", T0) is None
    revision = page.publish("nl", T0, actor="system:test")
    assert page.in_force("nl", T0) is revision
    assert revision.id == "privacy:nl:1" and len(revision.text_hash) == 64


def test_editing_keeps_one_draft_and_never_touches_published_text(page):
    first = publish(page, "nl", "Een", T0)
    draft = page.save_draft("nl", "Twee", "x", "", "u1", T0 + timedelta(hours=1))
    again = page.save_draft("nl", "Twee bis", "y", "", "u1", T0 + timedelta(hours=2))
    assert draft is again and draft.number == 2
    assert first.title == "Een" and page.in_force("nl", T0 + timedelta(hours=3)) is first


def test_scheduled_revision_takes_over_at_its_time(page):
    old = publish(page, "nl", "Oud", T0)
    later = T0 + timedelta(days=2)
    new = publish(page, "nl", "Nieuw", T0 + timedelta(days=1), effective=later)
    assert page.status(new, later - timedelta(seconds=1)) == SCHEDULED
    assert page.in_force("nl", later - timedelta(seconds=1)) is old
    assert page.in_force("nl", later) is new
    assert page.status(old, later) == SUPERSEDED and page.status(new, later) == IN_FORCE
    assert page.published("nl", later) == [new, old]


def test_publishing_in_the_past_is_refused(page):
    page.save_draft("nl", "x", "y", "", "u1", T0)
    with pytest.raises(PageError):
        page.publish("nl", T0, actor="system:test", effective=T0 - timedelta(minutes=1))
    assert page.draft("nl").is_draft


def test_withdraw_only_while_scheduled(page):
    publish(page, "nl", "Oud", T0)
    new = publish(page, "nl", "Nieuw", T0, effective=T0 + timedelta(days=1))
    request = testing.DummyRequest()
    config = testing.setUp()
    config.testing_securitypolicy(userid="u1", permissive=True)
    page.withdraw("nl", new.number, T0 + timedelta(hours=1), request)
    assert page.status(new, T0) == DRAFT and new.effective is None
    with pytest.raises(PageError):
        page.withdraw("nl", 1, T0 + timedelta(hours=1), request)  # in force: not withdrawable


def test_publishing_needs_the_edit_permission(page):
    config = testing.setUp()
    config.testing_securitypolicy(userid="u9", permissive=False)
    page.save_draft("nl", "x", "y", "", "u9", T0)
    with pytest.raises(WorkflowForbidden):
        page.publish("nl", T0, request=testing.DummyRequest())
    assert page.in_force("nl", T0) is None


def test_shown_falls_back_in_order(page):
    publish(page, "fr", "Texte", T0)
    assert page.shown("nl", ["fr", "en"], T0).lang == "fr"
    assert page.shown("en", [], T0) is None


def test_discarding_a_draft(page):
    page.save_draft("nl", "x", "y", "", "u1", T0)
    page.discard_draft("nl", "u1", T0)
    assert page.draft("nl") is None
    with pytest.raises(PageError):
        page.discard_draft("nl", "u1", T0)


def test_the_log_says_who_did_what(page):
    publish(page, "nl", "Een", T0, actor="system:content")
    assert [(who, action) for _w, who, _l, _n, action, _note in page.log] == [
        ("system:content", "created"),
        ("system:content", "published"),
    ]


def test_plain_pages_have_no_policy_kind():
    assert Page().kind is None
    with pytest.raises(ValueError):
        PolicyPage("recipes")


def test_add_page_names_a_policy_page_for_its_kind_and_a_plain_page_as_asked():
    testing.setUp()
    try:
        pages = Pages()
        assert pages.add_page("terms", "ignored").__name__ == "terms"
        assert isinstance(pages["terms"], PolicyPage)
        assert type(pages.add_page("page", "faq")) is Page
        for kind, name in (("page", ""), ("page", "board"), ("page", "faq"), ("terms", "")):
            with pytest.raises(PageError):
                pages.add_page(kind, name)
    finally:
        testing.tearDown()


class LinkRecorder:
    """A request whose ``link`` says what it was asked for."""

    def link(self, resource=None, *elements, **kw):
        return (resource, *elements, kw["lang"])


def test_page_url_names_a_policy_page_on_the_site_and_a_plain_page_itself():
    pages = Pages()
    policy = pages.add("privacy", PolicyPage("privacy"), send_events=False)
    plain = pages.add("about", Page(), send_events=False)
    request = LinkRecorder()
    expected = (None, "privacy", "versions", 2, "fr")
    assert page_url(request, policy, "versions", 2, lang="fr") == expected
    assert page_url(request, plain, "versions") == (plain, "versions", None)
