"""Unit tests for shopcms.workflow: guards, state checks, history, events, persistence."""

import dataclasses
import datetime

import pytest
import transaction
import ZODB
from persistent import Persistent
from persistent.list import PersistentList
from pyramid import testing
from pyramid.authorization import ALL_PERMISSIONS, Allow, Everyone
from pyramid.i18n import TranslationString
from pyramid.security import Allowed, Denied

from shopcms.web.i18n import _
from shopcms.workflow import (
    AfterTransition,
    HistoryEntry,
    State,
    Transition,
    TransitionNotAllowed,
    Workflow,
    WorkflowError,
    WorkflowForbidden,
)


class Item(Persistent):
    """Minimal persistent content; module level so that ZODB can unpickle it."""

    __acl__ = ((Allow, "group:owners", ALL_PERMISSIONS),)


class GrantedSetPolicy:
    """Security policy whose permits() answers from a mutable set of granted permissions."""

    def __init__(self, userid, granted=()):
        self.userid = userid
        self.granted = set(granted)
        self.checks = []  # (context, permission) for every permits() call

    def identity(self, request):
        return self.userid

    def authenticated_userid(self, request):
        return self.userid

    def permits(self, request, context, permission):
        self.checks.append((context, permission))
        if permission in self.granted:
            return Allowed("granted in test")
        return Denied("not granted in test")

    def remember(self, request, userid, **kw):
        return []

    def forget(self, request, **kw):
        return []


MODERATORS_ONLY = ((Allow, "group:moderators", "view"),)
PUBLIC = ((Allow, Everyone, "view"), (Allow, "group:moderators", "view"))


def make_workflow():
    return Workflow(
        "review",
        states=(
            State("pending", _("Pending"), acl=MODERATORS_ONLY),
            State("published", _("Published"), acl=PUBLIC),
            State("rejected", _("Rejected")),  # acl=None: leaves __acl__ alone
        ),
        transitions=(
            Transition("publish", ("pending",), "published", "moderate", _("Publish")),
            Transition("reject", ("pending",), "rejected", "moderate", _("Reject")),
            Transition("withdraw", ("pending", "published"), "rejected", "edit", _("Withdraw")),
            Transition("unpublish", ("published",), "pending", "moderate", _("Unpublish")),
        ),
        initial="pending",
    )


@pytest.fixture
def policy():
    return GrantedSetPolicy("alice")


@pytest.fixture
def config(policy):
    config = testing.setUp()
    config.set_security_policy(policy)
    yield config
    testing.tearDown()


@pytest.fixture
def events(config):
    captured = []
    config.add_subscriber(captured.append, AfterTransition)
    return captured


@pytest.fixture
def request_(config):
    return testing.DummyRequest()


@pytest.fixture
def wf():
    return make_workflow()


@pytest.fixture
def item(wf):
    item = Item()
    wf.initialize(item, actor="bob")
    return item


def snapshot(item):
    return (item.workflow_state, list(item.workflow_history), item.__acl__)


# --- initialize / state_of --------------------------------------------------


def test_initialize_sets_state_history_and_acl(wf):
    item = Item()
    before = datetime.datetime.now(datetime.UTC)
    entry = wf.initialize(item, actor="bob")

    assert item.workflow_state == "pending"
    assert wf.state_of(item).name == "pending"
    assert item.__acl__ == list(MODERATORS_ONLY)
    assert isinstance(item.__acl__, list)
    assert isinstance(item.workflow_history, PersistentList)
    assert list(item.workflow_history) == [entry]
    assert entry.transition is None
    assert entry.from_state is None
    assert entry.to_state == "pending"
    assert entry.actor == "bob"
    assert entry.when.utcoffset() == datetime.timedelta(0)
    assert before <= entry.when <= datetime.datetime.now(datetime.UTC)


def test_initialize_actor_defaults_to_authenticated_user(wf, request_):
    item = Item()
    assert wf.initialize(item, request_).actor == "alice"


def test_initialize_twice_raises_and_keeps_history(wf, item):
    before = snapshot(item)
    with pytest.raises(WorkflowError) as info:
        wf.initialize(item, actor="mallory")
    assert snapshot(item) == before
    assert isinstance(info.value.message, TranslationString)


def test_state_of_uninitialized_or_unknown_raises(wf):
    item = Item()
    with pytest.raises(WorkflowError):
        wf.state_of(item)
    item.workflow_state = "gone-in-a-refactoring"
    with pytest.raises(WorkflowError):
        wf.state_of(item)


# --- transitions --------------------------------------------------------------


def test_allowed_transition_changes_state_acl_history_and_notifies_once(
    wf, item, request_, policy, events
):
    policy.granted = {"moderate"}
    before = datetime.datetime.now(datetime.UTC)
    entry = wf.transition(item, request_, "publish", comment="Looks fine")
    after = datetime.datetime.now(datetime.UTC)

    assert item.workflow_state == "published"
    assert item.__acl__ == list(PUBLIC)
    assert len(item.workflow_history) == 2
    assert item.workflow_history[-1] is entry
    assert entry.transition == "publish"
    assert entry.from_state == "pending"
    assert entry.to_state == "published"
    assert entry.actor == "alice"
    assert entry.comment == "Looks fine"
    assert entry.when.tzinfo is not None
    assert entry.when.utcoffset() == datetime.timedelta(0)
    assert before <= entry.when <= after

    # The guard asked the right permission about the right object.
    assert (item, "moderate") in policy.checks

    assert len(events) == 1
    event = events[0]
    assert event.content is item
    assert event.workflow is wf
    assert event.transition.name == "publish"
    assert event.from_state.name == "pending"
    assert event.to_state.name == "published"
    assert event.entry is entry
    assert event.request is request_
    # Subscribers see the content already in its new state.
    assert event.content.workflow_state == "published"


def test_event_subscriber_sees_the_final_content(wf, item, request_, policy, config):
    seen = []
    config.add_subscriber(
        lambda e: seen.append(
            (e.content.workflow_state, e.content.__acl__, len(e.content.workflow_history))
        ),
        AfterTransition,
    )
    policy.granted = {"moderate"}
    wf.transition(item, request_, "publish")
    assert seen == [("published", list(PUBLIC), 2)]


def test_guard_denies_nothing_changes_and_no_event(wf, item, request_, policy, events):
    policy.granted = {"edit"}  # may withdraw, may not publish
    before = snapshot(item)
    with pytest.raises(WorkflowForbidden) as info:
        wf.transition(item, request_, "publish", comment="sneaky")
    assert isinstance(info.value, WorkflowError)
    assert snapshot(item) == before
    assert events == []
    assert (item, "moderate") in policy.checks
    message = info.value.message
    assert isinstance(message, TranslationString)
    assert message.domain == "shopcms"
    assert message.default == str(message)


def test_transition_from_wrong_state_not_allowed(wf, item, request_, policy, events):
    policy.granted = {"moderate", "edit"}
    wf.transition(item, request_, "publish")
    events.clear()
    before = snapshot(item)

    # 'reject' exists, but only from 'pending'.
    with pytest.raises(TransitionNotAllowed) as info:
        wf.transition(item, request_, "reject")
    assert isinstance(info.value, WorkflowError)
    assert snapshot(item) == before
    assert events == []
    assert info.value.message == "This action is not possible in the current state."
    assert info.value.message.domain == "shopcms"

    with pytest.raises(TransitionNotAllowed):
        wf.transition(item, request_, "no-such-transition")
    assert snapshot(item) == before
    assert events == []


def test_state_is_checked_before_permission(wf, item, request_, policy):
    # Even an all-powerful requester cannot skip states ...
    policy.granted = {"moderate", "edit"}
    with pytest.raises(TransitionNotAllowed):
        wf.transition(item, request_, "unpublish")
    # ... and a powerless one learns the action is impossible, not forbidden.
    policy.granted = set()
    with pytest.raises(TransitionNotAllowed):
        wf.transition(item, request_, "unpublish")


def test_state_without_acl_keeps_existing_acl(wf, item, request_, policy):
    policy.granted = {"edit"}
    wf.transition(item, request_, "withdraw")
    assert item.workflow_state == "rejected"
    assert item.__acl__ == list(MODERATORS_ONLY)


def test_acl_is_a_fresh_list_per_content(wf, item):
    other = Item()
    wf.initialize(other, actor="bob")
    other.__acl__.append((Allow, "eve", "view"))
    assert item.__acl__ == list(MODERATORS_ONLY)
    assert wf.get_state("pending").acl == MODERATORS_ONLY


def test_explicit_actor_overrides_request_user(wf, item, request_, policy):
    policy.granted = {"moderate"}
    entry = wf.transition(item, request_, "publish", actor="system:import")
    assert entry.actor == "system:import"


def test_available_lists_only_permitted_in_declaration_order(wf, item, request_, policy):
    policy.granted = set()
    assert wf.available(item, request_) == []

    policy.granted = {"moderate"}
    assert [t.name for t in wf.available(item, request_)] == ["publish", "reject"]

    policy.granted = {"edit"}
    assert [t.name for t in wf.available(item, request_)] == ["withdraw"]

    policy.granted = {"moderate", "edit"}
    assert [t.name for t in wf.available(item, request_)] == ["publish", "reject", "withdraw"]

    wf.transition(item, request_, "publish")
    assert [t.name for t in wf.available(item, request_)] == ["withdraw", "unpublish"]


def test_system_transition_requires_actor(wf, item, events):
    before = snapshot(item)
    with pytest.raises(ValueError):
        wf.transition(item, None, "publish")
    with pytest.raises(ValueError):
        wf.transition(item, None, "publish", actor="")
    assert snapshot(item) == before
    assert events == []


def test_system_transition_skips_guard_and_notifies(wf, item, policy, events):
    policy.granted = set()
    entry = wf.transition(item, None, "publish", comment="paid", actor="system:payment-webhook")
    assert item.workflow_state == "published"
    assert entry.actor == "system:payment-webhook"
    assert entry.comment == "paid"
    assert policy.checks == []
    assert len(events) == 1
    assert events[0].request is None
    assert events[0].entry is entry


def test_system_transition_still_checks_state(wf, item, events):
    with pytest.raises(TransitionNotAllowed):
        wf.transition(item, None, "unpublish", actor="system:cli")
    assert item.workflow_state == "pending"
    assert events == []


def test_history_entry_is_immutable(wf, item):
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.workflow_history[0].actor = "mallory"


# --- declaration validation ---------------------------------------------------


def test_transition_requires_permission():
    with pytest.raises(ValueError):
        Transition("publish", ("pending",), "published", None, _("Publish"))
    with pytest.raises(ValueError):
        Transition("publish", ("pending",), "published", "", _("Publish"))


def test_transition_rejects_bare_string_from_states():
    with pytest.raises(ValueError):
        Transition("publish", "pending", "published", "moderate", _("Publish"))


S = (State("a", _("A")), State("b", _("B")))


@pytest.mark.parametrize(
    "states, transitions, initial",
    [
        pytest.param((*S, State("a", _("A again"))), (), "a", id="duplicate-state"),
        pytest.param(S, (), "c", id="unknown-initial"),
        pytest.param(S, (Transition("go", ("a",), "c", "p", _("Go")),), "a", id="unknown-to-state"),
        pytest.param(
            S, (Transition("go", ("c",), "b", "p", _("Go")),), "a", id="unknown-from-state"
        ),
        pytest.param(
            S,
            (
                Transition("go", ("a",), "b", "p", _("Go")),
                Transition("go", ("b", "a"), "a", "p", _("Go")),
            ),
            "a",
            id="duplicate-transition-from-same-state",
        ),
    ],
)
def test_invalid_workflow_declarations(states, transitions, initial):
    with pytest.raises(ValueError):
        Workflow("broken", states, transitions, initial)


def test_same_transition_name_from_different_states_is_fine(request_, policy):
    wf = Workflow(
        "order",
        (
            State("placed", _("Placed")),
            State("paid", _("Paid")),
            State("cancelled", _("Cancelled")),
            State("refunded", _("Refunded")),
        ),
        (
            Transition("pay", ("placed",), "paid", "pay", _("Pay")),
            Transition("cancel", ("placed",), "cancelled", "cancel", _("Cancel")),
            Transition("cancel", ("paid",), "refunded", "cancel", _("Cancel")),
        ),
        "placed",
    )
    policy.granted = {"pay", "cancel"}
    order = Item()
    wf.initialize(order, request_)
    wf.transition(order, request_, "pay")
    wf.transition(order, request_, "cancel")
    assert order.workflow_state == "refunded"


# --- persistence --------------------------------------------------------------


def test_history_survives_commit_and_reopen(wf, request_, policy):
    db = ZODB.DB(None)
    try:
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        item = Item()
        conn.root()["item"] = item
        wf.initialize(item, request_)
        policy.granted = {"moderate"}
        wf.transition(item, request_, "publish", comment="ok")
        expected = list(item.workflow_history)
        tm.commit()
        # A later append to the same history must be persisted too.
        wf.transition(item, None, "unpublish", comment="complaint", actor="system:cli")
        expected.append(item.workflow_history[-1])
        tm.commit()

        # A second connection, opened while the first is still in use, has its own empty
        # cache: everything below is unpickled from storage.
        tm2 = transaction.TransactionManager()
        conn2 = db.open(transaction_manager=tm2)
        stored = conn2.root()["item"]
        assert stored is not item
        assert stored.workflow_state == "pending"
        assert stored.__acl__ == list(MODERATORS_ONLY)
        assert list(stored.workflow_history) == expected
        assert all(isinstance(e, HistoryEntry) for e in stored.workflow_history)
        assert stored.workflow_history[-1].when.utcoffset() == datetime.timedelta(0)
        assert [e.transition for e in stored.workflow_history] == [None, "publish", "unpublish"]
        conn2.close()
        conn.close()
    finally:
        db.close()
