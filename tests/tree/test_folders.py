"""Folders: location, events, and names that can never shadow views or specials."""

import pytest
from pyramid import testing

from shopcms.tree.events import ObjectAdded, ObjectRemoved, ObjectWillBeRemoved
from shopcms.tree.resources import Content, Folder, FolderKeyError


@pytest.fixture
def events():
    config = testing.setUp()
    seen = []
    for kind in (ObjectAdded, ObjectWillBeRemoved, ObjectRemoved):
        config.add_subscriber(seen.append, kind)
    yield seen
    testing.tearDown()


def test_add_locates_and_sends_an_event(events):
    folder, item = Folder(), Content()
    folder.add("a", item)
    assert (item.__name__, item.__parent__) == ("a", folder)
    assert len(folder) == 1 and list(folder) == ["a"] and folder["a"] is item
    assert [type(e) for e in events] == [ObjectAdded]
    assert events[0].parent is folder and events[0].name == "a"


def test_remove_sends_events_before_and_after(events):
    folder, item = Folder(), Content()
    folder.add("a", item)
    folder.remove("a")
    assert [type(e) for e in events] == [ObjectAdded, ObjectWillBeRemoved, ObjectRemoved]
    assert item.__parent__ is None and "a" not in folder and len(folder) == 0


@pytest.mark.parametrize("name", ["", ".", "..", "@@view", "_private", "a/b", "x" * 201, None])
def test_bad_names_are_refused(events, name):
    with pytest.raises(FolderKeyError):
        Folder().add(name, Content())
    assert events == []


def test_names_are_never_replaced_silently(events):
    folder = Folder()
    folder.add("a", Content())
    with pytest.raises(FolderKeyError):
        folder.add("a", Content())
