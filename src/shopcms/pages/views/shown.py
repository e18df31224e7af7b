"""What the public page views compute once and remember, and what they tell the page cache.

- :func:`shown_text`: a revision's HTML as visitors see it and its meta description,
  remembered per process;
- :func:`next_change` and :data:`CHANGES_AT`: when a page changes by itself (a scheduled
  version taking effect), which no database change announces.
"""

from shopcms.findability.api import chosen_or_summary
from shopcms.pages import placeholders

#: In the environ of a page with a version scheduled to take effect: that moment (aware,
#: UTC), when a copy kept of the page (``shopcms.web.pagecache``) stops being current
#: although nothing in the database changes then.
CHANGES_AT = "shopcms.page_changes_at"

#: Where the registry keeps :func:`shown_text`'s results, and how many at most.
SHOWN_MEMO, SHOWN_LIMIT = "shopcms_pages_shown", 256


def shown_text(request, revision):
    """``(html, description)`` of ``revision`` as visitors see it: its HTML with the
    company's details put in (``placeholders``) and its meta description (the editor's, else
    the start of that text).

    Remembered per process: both follow from the revision's stored state (published text
    never changes; the key holds the transaction that last wrote it) and the company's
    settings, fixed while the process runs.  Making them costs more than the rest of the
    page (a parse of the whole text for the description, a substitution per tag)."""
    key = None
    if revision._p_oid is not None:
        revision._p_activate()  # a ghost's serial is not known yet
        key = (revision._p_oid, revision._p_serial)
        memo = getattr(request.registry, SHOWN_MEMO, None)
        if memo is None:
            memo = {}
            setattr(request.registry, SHOWN_MEMO, memo)
        found = memo.get(key)
        if found is not None:
            return found
    html = placeholders.shown(request, revision.html)
    found = html, chosen_or_summary(revision.description, html)
    if key is not None:
        if len(memo) >= SHOWN_LIMIT:
            memo.clear()  # rare: only published revisions of pages visitors read
        memo[key] = found
    return found


def next_change(page, request):
    """The moment the next scheduled version of ``page`` (any language) takes effect, or
    None: what the page shows changes then (its text, its versions, its languages)."""
    moments = [
        revisions[0].effective
        for revisions in (page.scheduled(lang, request.now) for lang in page.languages())
        if revisions
    ]
    return min(moments, default=None)
