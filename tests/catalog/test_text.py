"""The documents of a search, unscored (``shopcms.catalog.text``): the same documents as the
text index's own query, found without reading what only scores need."""

import random

import pytest
from pyramid import testing

from shopcms.catalog.indexes import make_indexes, quoted, search_words
from shopcms.catalog.text import every_word

WORDS = [
    "cactus",
    "vetplant",
    "pot",
    "mok",
    "café",
    "crème",
    "aloë",
    "bonsai",
    "blauw",
    "groen",
    "klein",
]


class Document:
    def __init__(self, text):
        self.text = text

    def searchable_text(self, lang):
        return self.text


@pytest.fixture
def index():
    """The catalog's Dutch text index over 60 documents: common words (an IFBTree of
    documents each) and rare ones (a dict)."""
    index = make_indexes(("nl",))["text_nl"]
    rng = random.Random(18)
    for docid in range(1, 61):
        words = rng.sample(WORDS, 4) + ([f"zeldzaam{docid % 7}"] if docid % 5 == 0 else [])
        index.index_doc(docid, Document(" ".join(words)))
    return index


@pytest.mark.parametrize(
    "text",
    [
        "cactus",
        "Cactus POT",
        "cafe creme",  # typed without accents
        "Aloë vetplant klein",
        "zeldzaam3",
        "zeldzaam3 cactus",
        "onbekend",
        "cactus onbekend",
        "pot pot",
        "",
        "   !!  ",
    ],
)
def test_the_same_documents_as_the_indexs_own_query(index, text):
    request = testing.DummyRequest()
    words = search_words(text)
    found = set(every_word(request, index, words))
    expected = set(index.apply(quoted(words)).keys()) if words else set()
    assert found == expected
    if text.startswith("cactus") and "onbekend" not in text:
        assert found  # (the comparison is not between two empty sets)


def test_no_document_length_is_read(index):
    """Scores need each document's length, which any edit of its text changes; a cached
    search page that read them would be dropped by every such edit."""

    class Unread:
        def __getattr__(self, name):
            raise AssertionError(f"the document lengths were read ({name})")

        def __getitem__(self, key):
            raise AssertionError("the document lengths were read")

    index.index._docweight = Unread()
    assert len(every_word(testing.DummyRequest(), index, search_words("cactus pot"))) > 0
    with pytest.raises(AssertionError):
        index.apply('"cactus" "pot"')
