"""The version of the cookie policy a cookie choice is made under, and its addresses.

A choice names the revision of the cookie policy (the policy page ``cookies`` of the
``pages`` folder) that its visitor could read: ``cookies:LANG:N``, or "" when no cookie
policy was published.  It stands only while that revision is still the policy in force in
its language (:func:`version_in_force`): a corrected translation in another language
changes nothing for a visitor who read the policy in theirs, a new revision in their
language asks them again.

This module reads the pages through the resource tree only (privacy imports no capability).
"""

from datetime import UTC, datetime

from pyramid.traversal import find_root

from shopcms.web.i18n import languages

#: The policy page whose revision a choice names (also its view on the site: ``/nl/cookies``).
COOKIE_POLICY = "cookies"


def _site(request):
    """The Site (under ``/{lang}/account/`` the traversal root is the account)."""
    root = getattr(request, "root", None)
    if root is None:
        from shopcms.tree.database import root_factory

        return root_factory(request)
    return find_root(root)


def policy_page(request):
    """The cookie policy (a PolicyPage), or None."""
    return _site(request)["pages"].get(COOKIE_POLICY)


def policy_revision(request):
    """The cookie policy's revision a visitor of this page reads (the page's language, else
    the first other language that has one, as the policy page falls back), or None."""
    page = policy_page(request)
    if page is None:
        return None
    order = [lang for lang in languages(request.registry) if lang != request.locale_name]
    return page.shown(request.locale_name, order, request.now)


def current_version(request):
    """The version a choice made on this page records: ``cookies:LANG:N``, or ""."""
    revision = policy_revision(request)
    return revision.id if revision is not None else ""


def version_in_force(request, version):
    """Is the cookie policy revision ``version`` still in force in its language?

    Comparing within the language the visitor read keeps a choice when they switch
    languages or when another language's translation is corrected.
    """
    forces = in_force_ids(request)
    if not version:
        # Chosen when no cookie policy was published: valid until one is.
        return forces is None or not any(forces.get(lang) for lang in languages(request.registry))
    try:
        name, lang, _number = version.split(":")
    except ValueError:
        return False
    if forces is None or name != COOKIE_POLICY:
        return False
    return forces.get(lang) == version


#: Where the registry keeps :func:`in_force_ids`'s answer: ``(tid, since, until, ids)``.
IN_FORCE_MEMO = "_shopcms_cookie_policy_in_force"
#: The end of time, for a policy with nothing scheduled.
_NEVER = datetime.max.replace(tzinfo=UTC)
#: The fast path's visitor request names the database's last transaction it read before its
#: connection (if any) opened: its view of the database is at least that recent.
SEEN_TID = "shopcms_seen_tid"


def in_force_ids(request):
    """``{lang: id of the revision in force}`` of the cookie policy at ``request.now``
    (``None`` as a value: nothing in force in that language), or None without a policy.

    Asked on every page of every visitor who has chosen (their choice stands only under
    the policy in force), it is remembered per process: the answer changes only when the
    database changes (its last transaction is the key) or when a revision scheduled ahead
    takes effect (the memo holds until that moment).  Only a request that knows its view
    of the database is at least as recent as the transaction it names (:data:`SEEN_TID`,
    the page cache's visitor request) stores the answer; any request reads it while the
    database's last transaction is still the one it was made under (then every view
    started since sees the same records).
    """
    registry, now = request.registry, request.now
    db = getattr(registry, "_zodb_databases", {}).get("")
    seen = getattr(request, SEEN_TID, None)
    memo = getattr(registry, IN_FORCE_MEMO, None)
    if (
        memo is not None
        and db is not None
        and memo[1] <= now < memo[2]
        and memo[0] == (seen if seen is not None else db.lastTransaction())
    ):
        return memo[3]
    page = policy_page(request)
    if page is None:
        forces, until = None, _NEVER
    else:
        langs = set(page.languages()) | set(languages(registry))
        forces = {}
        for lang in langs:
            revision = page.in_force(lang, now)
            forces[lang] = revision.id if revision is not None else None
        upcoming = [r.effective for lang in langs for r in page.scheduled(lang, now)]
        until = min(upcoming, default=_NEVER)
    if seen is not None:
        setattr(registry, IN_FORCE_MEMO, (seen, now, until, forces))
    return forces


def choice_revision(request, choice):
    """The cookie policy revision ``choice`` was made under, if it still exists, else None."""
    try:
        _name, lang, number = choice.version.split(":")
        page = policy_page(request)
        return page.revision(lang, int(number)) if page is not None else None
    except ValueError:
        return None


def policy_link(request, revision=None):
    """The address of the cookie policy in force (``/nl/cookies``), or of ``revision`` of it
    (``/nl/cookies/versions/3``, in the revision's language)."""
    if revision is None:
        return request.link(None, COOKIE_POLICY)
    return request.link(None, COOKIE_POLICY, "versions", revision.number, lang=revision.lang)
