"""The catalog: kept current by events, and every query filtered by view permission."""

import pytest
from hypatia.query import Eq
from pyramid import testing
from pyramid.authorization import ALL_PERMISSIONS, DENY_ALL, Allow, Authenticated, Deny, Everyone

from shopcms.catalog import Catalog, reindex_all
from shopcms.catalog.indexes import allowed_principals
from shopcms.catalog.query import index, search
from shopcms.tree.events import ACLModified, ObjectModified, notify
from shopcms.tree.resources import Content, Folder
from shopcms.web.security import VIEW


class Doc(Content):
    content_type = "doc"

    def __init__(self, text="", acl=None):
        super().__init__()
        self.text = text
        if acl is not None:
            self.__acl__ = acl

    def searchable_text(self, lang):
        return self.text


class Root(Folder):
    content_type = "site"
    __acl__ = [(Allow, Everyone, VIEW)]


class PrincipalsOnRequest:
    """Stands in for the security policy: the test request says who it is."""

    def effective_principals(self, request):
        return request.principals


@pytest.fixture
def config():
    config = testing.setUp()
    config.include("shopcms.catalog")
    yield config
    testing.tearDown()


@pytest.fixture
def root(config):
    root = Root()
    root.catalog = Catalog()
    return root


def request_for(root, config, *principals):
    request = testing.DummyRequest(root=root, principals=[Everyone, *principals])
    config.registry.shopcms_security = PrincipalsOnRequest()
    request.registry = config.registry
    return request


def found(request, query=None):
    return sorted(r.__name__ for r in search(request, query).all())


def test_added_objects_are_indexed_with_their_subtree(root, config):
    folder = Folder()
    folder.add("inner", Doc("cactus"), send_events=False)  # added before the folder is placed
    root.add("folder", folder)
    anonymous = request_for(root, config)
    assert found(anonymous, Eq(index(anonymous, "text_nl"), "cactus")) == ["inner"]
    assert len(root.catalog) == 2


def test_removed_objects_leave_the_catalog(root, config):
    root.add("a", Doc("cactus"))
    root.remove("a")
    assert found(request_for(root, config)) == []
    assert len(root.catalog) == 0


def test_modified_objects_are_reindexed(root, config):
    doc = root.add("a", Doc("cactus"))
    doc.text = "succulent"
    notify(ObjectModified(doc))
    request = request_for(root, config)
    assert found(request, Eq(index(request, "text_nl"), "succulent")) == ["a"]
    assert found(request, Eq(index(request, "text_nl"), "cactus")) == []


def test_query_never_returns_what_the_requester_may_not_view(root, config):
    root.add("public", Doc("plant"))
    root.add("staff", Doc("plant", acl=[(Allow, "role:editor", VIEW), DENY_ALL]))
    root.add("mine", Doc("plant", acl=[(Allow, "user:u1", VIEW), DENY_ALL]))
    query = lambda r: Eq(index(r, "text_nl"), "plant")  # noqa: E731
    anonymous = request_for(root, config)
    assert found(anonymous, query(anonymous)) == ["public"]
    editor = request_for(root, config, Authenticated, "user:u2", "role:editor")
    assert found(editor, query(editor)) == ["public", "staff"]
    owner = request_for(root, config, Authenticated, "user:u1", "role:customer")
    assert found(owner, query(owner)) == ["mine", "public"]
    # No query at all is still filtered.
    assert found(anonymous) == ["public"]


def test_an_acl_change_on_a_folder_reaches_everything_below(root, config):
    folder = root.add("folder", Folder())
    folder.add("doc", Doc("plant"))
    anonymous = request_for(root, config)
    assert found(anonymous) == ["doc", "folder"]
    folder.__acl__ = [(Allow, "role:admin", VIEW), DENY_ALL]
    notify(ACLModified(folder))
    assert found(anonymous) == []
    admin = request_for(root, config, Authenticated, "role:admin")
    assert found(admin) == ["doc", "folder"]


def test_a_workflow_transition_reindexes_the_permissions(root, config):
    from shopcms.workflow import State, Transition, Workflow

    workflow = Workflow(
        "review",
        states=[
            State("pending", "Pending", acl=[(Allow, "role:moderator", VIEW), DENY_ALL]),
            State("published", "Published", acl=[(Allow, Everyone, VIEW)]),
        ],
        transitions=[Transition("publish", ("pending",), "published", "moderate", "Publish")],
        initial="pending",
    )
    doc = Doc("great plant")
    workflow.initialize(doc)
    root.add("review", doc)
    anonymous = request_for(root, config)
    assert found(anonymous) == []
    workflow.transition(doc, None, "publish", actor="system:test")
    assert found(anonymous) == ["review"]


@pytest.mark.parametrize(
    "acl,expected",
    [
        ([(Allow, Everyone, VIEW)], [Everyone]),
        ([(Allow, "role:editor", VIEW), DENY_ALL], ["role:editor"]),
        # A Deny for everyone before an Allow shuts the later principal out.
        ([(Deny, Everyone, VIEW), (Allow, "role:editor", VIEW)], []),
        # Authenticated is carried by every logged-in principal.
        ([(Deny, Authenticated, VIEW), (Allow, "role:editor", VIEW)], []),
        ([(Allow, "role:admin", ALL_PERMISSIONS), DENY_ALL], ["role:admin"]),
        ([(Allow, "role:editor", ("edit",)), DENY_ALL], []),
        (
            [(Allow, "role:editor", "view"), (Allow, Authenticated, VIEW)],
            [Authenticated, "role:editor"],
        ),
    ],
)
def test_allowed_principals_follow_pyramids_acl_rules(acl, expected):
    root = Root()
    root.__acl__ = acl
    doc = Doc()
    root.add("doc", doc, send_events=False)
    assert allowed_principals(doc) == sorted(expected)


def test_allowed_principals_inherit_from_the_parents(root):
    folder = Folder()
    folder.__acl__ = [(Allow, "role:admin", VIEW), DENY_ALL]
    root.add("folder", folder, send_events=False)
    doc = Doc()
    folder.add("doc", doc, send_events=False)
    assert allowed_principals(doc) == ["role:admin"]


def test_reindex_all_rebuilds_from_the_tree(root, config):
    root.add("a", Doc("plant"), send_events=False)
    folder = root.add("f", Folder(), send_events=False)
    folder.add("b", Doc("plant"), send_events=False)
    assert len(root.catalog) == 0
    assert reindex_all(root) == 3
    anonymous = request_for(root, config)
    assert found(anonymous, Eq(index(anonymous, "text_nl"), "plant")) == ["a", "b"]


def test_remembered_sets_follow_the_catalog_state(root, config):
    from shopcms.catalog.query import SetMemo, remembered

    config.registry.shopcms_set_memo = SetMemo()
    request = request_for(root, config)
    calls = []

    def compute():
        calls.append(1)
        return found(request)

    root.add("a", Doc("plant"))
    assert remembered(request, ("all",), compute) == ["a"]
    assert remembered(request, ("all",), compute) == ["a"]
    assert len(calls) == 1  # the second came from the memo
    root.add("b", Doc("plant"))  # indexing changes the catalog's generation
    assert remembered(request, ("all",), compute) == ["a", "b"]
    root.remove("a")
    assert remembered(request, ("all",), compute) == ["b"]
    assert len(calls) == 3
