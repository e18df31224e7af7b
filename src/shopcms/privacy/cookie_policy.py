"""The version of the cookie policy a cookie choice is made under, and its addresses.

A choice names the revision of the cookie policy (the policy page ``cookies`` of the
``pages`` folder) that its visitor could read: ``cookies:LANG:N``, or "" when no cookie
policy was published.  It stands only while that revision is still the policy in force in
its language (:func:`version_in_force`): a corrected translation in another language
changes nothing for a visitor who read the policy in theirs, a new revision in their
language asks them again.

This module reads the pages through the resource tree only (privacy imports no capability).
"""

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
    page = policy_page(request)
    if not version:
        # Chosen when no cookie policy was published: valid until one is.
        return page is None or not any(
            page.in_force(lang, request.now) for lang in languages(request.registry)
        )
    try:
        name, lang, _number = version.split(":")
    except ValueError:
        return False
    if page is None or name != COOKIE_POLICY:
        return False
    revision = page.in_force(lang, request.now)
    return revision is not None and revision.id == version


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
