"""Which documents hold every word a visitor typed: the text indexes' docids, unscored.

A listing of search results is sorted by name, price or date, never by score, so it needs
the documents, not their weights.  Asking the index itself (``TextIndex.apply``) scores
every match, which reads each match's document length (``_docweight``) and the index's
total length.  A cached page that did so would depend on the length of every document it
lists: any edit of any listed product's text would render every search page showing it
again, though the page shows no score.  So :func:`every_word` reads only what decides the
set: the lexicon's word ids and each word's documents (``_wordinfo``).

The lexicon's part is read out of the page's recording (``web.dependencies.unrecorded``)
when every word is known: a word's id never changes once given, while a new word, given by
any edit, rewrites the lexicon's bucket that holds many others.  A word that is not known
yet keeps the lexicon recorded: the page must be rendered again when an edit adds it.
"""

from shopcms.catalog.indexes import quoted
from shopcms.web import dependencies


def every_word(request, index, words):
    """The docids (a TreeSet of the catalog's family) whose text in the TextIndex ``index``
    holds every one of ``words`` (from ``indexes.search_words``); empty without words.

    The same documents as ``index.apply`` with each word quoted (see the module for what
    it does not read), which it falls back to for a word the lexicon's pipeline would make
    several of."""
    family = index.family
    if not words:
        return family.IF.TreeSet()
    lexicon = index.lexicon
    with dependencies.unrecorded(request):
        wids = _word_ids(lexicon, words)
    if wids is None:  # not single words: the index's own query, recorded as it reads
        dependencies.ignore(request, getattr(index.index, "_totaldoclen", None))
        return family.IF.TreeSet(index.apply(quoted(words)).keys())
    if not all(wids):  # a word the lexicon does not know yet: the lexicon decides the page
        _word_ids(lexicon, words)
        return family.IF.TreeSet()
    wordinfo = index.index._wordinfo
    found = None
    for wid in wids:
        docs = wordinfo.get(wid)
        if not docs:
            return family.IF.TreeSet()
        # (a word of up to ten documents keeps them in a dict, more in an IFBTree)
        keys = family.IF.Set(docs.keys())
        found = keys if found is None else family.IF.intersection(found, keys)
    return family.IF.TreeSet(found)


def _word_ids(lexicon, words):
    """The word id of each of ``words`` (0 for a word the lexicon does not know), or None
    when the lexicon's pipeline makes one of them several words."""
    wids = []
    for word in words:
        found = lexicon.termToWordIds(word)
        if len(found) != 1:
            return None
        wids.append(found[0])
    return wids
