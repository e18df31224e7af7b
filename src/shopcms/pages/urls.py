"""The addresses of a page: public, and on the editorial desk.

A policy page is served at ``/{lang}/KIND`` (``/nl/privacy``: a view named for its kind on
the site), a plain page at ``/{lang}/pages/NAME`` (the page itself, under the pages folder).
These addresses are public and kept stable: consents and links point at them.
"""

from shopcms.pages.resources import PolicyPage


def page_url(request, page, *elements, lang=None, query=None, absolute=False):
    """The public URL of ``page`` followed by ``elements`` (``"versions"``, a number), in
    ``lang`` (the request's language by default)."""
    if isinstance(page, PolicyPage):
        return request.link(
            None, page.__name__, *elements, lang=lang, query=query, absolute=absolute
        )
    return request.link(page, *elements, lang=lang, query=query, absolute=absolute)


def desk_url(request, page, *elements, query=None):
    """The management URL of ``page`` (``/{lang}/manage/pages/NAME/``) or of one of its
    views (``elements``).  The page's own desk address keeps its trailing slash, as it
    always had (bookmarks, the editors' browser tests)."""
    return request.manage_link(page, *elements, query=query, slash=not elements)
