"""The policy pages (and plain pages) are shared: the same for every visitor but for the
layout's personal parts.  Their skeleton, filled for a visitor, is exactly the page
rendered in full for that visitor; a visitor without cookies gets validators (and 304s) that
follow the text in force; a GET writes nothing."""

import re
from datetime import timedelta

import pytest

from shopcms.pages.resources import PolicyPage
from shopcms.pages.views.public import CHANGES_AT
from shopcms.web.clock import now
from tests.conftest import Browser
from tests.pages.skeletons import filled_and_full, make_uncached_site
from tests.pages.visitors import VISITORS, make_visitor

MAIN = re.compile(r"<main\b.*?</main>", re.S)
PATHS = ("/{lang}/privacy", "/{lang}/cookies", "/{lang}/terms", "/{lang}/terms/versions")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = make_uncached_site(tmp_path_factory.mktemp("pages"))
    yield site
    site.close()


@pytest.fixture(scope="module")
def visitors(site):
    return {name: make_visitor(site, name) for name in VISITORS}


def last_transaction(site):
    return site.registry._zodb_databases[""].lastTransaction()


def publish(site, kind, lang, title, effective=None):
    """A new revision of the policy ``kind`` in ``lang``, in force now or at ``effective``."""
    with site.edit() as root:
        page = root["pages"][kind]
        moment = now(site.registry)
        page.save_draft(lang, title, f"# {title}\n\nNew text.", "", "system:test", moment)
        page.publish(lang, moment, actor="system:test", effective=effective)


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_filled_skeleton_is_the_full_page_for_every_visitor(site, visitors, lang):
    for template in (*PATHS, "/{lang}/terms/versions/1", "/{lang}/pages/about"):
        path = template.format(lang=lang)
        contents = set()
        for name, browser in visitors.items():
            page = filled_and_full(site, browser, path)
            assert page.filled == page.full, (path, name)
            assert "\x00" in page.skeleton  # at least the header's cart count is a hole
            contents.add(MAIN.search(page.skeleton)[0])
        # Nothing of the visitor in the page's own content, staff included.
        assert len(contents) == 1, path


def test_every_policy_page_and_plain_page_is_declared_shared(site):
    kinds = site.read(
        lambda root: [name for name, page in root["pages"].items() if isinstance(page, PolicyPage)]
    )
    assert {"privacy", "cookies", "terms"} <= set(kinds)
    app = Browser(site.wsgi)
    paths = [f"/en/{kind}{tail}" for kind in kinds for tail in ("", "/versions")]
    for path in (*paths, "/en/pages/about", "/en/pages/about/versions"):
        page = app.get(path)
        assert page.headers["Cache-Control"] == "no-cache" and page.headers["ETag"], path


def test_a_visitor_without_cookies_revalidates_and_nobody_else_does(site, visitors):
    app = Browser(site.wsgi)
    etags = {}
    for template in PATHS:
        for lang in ("nl", "fr"):
            path = template.format(lang=lang)
            etags[path] = app.get(path).headers["ETag"]
            assert app.get(path, headers={"If-None-Match": etags[path]}, status=304).body == b""
    assert len(set(etags.values())) == len(etags)  # every page and language its own
    for name, browser in visitors.items():
        if name == "anonymous":
            continue
        answer = browser.get("/nl/privacy", headers={"If-None-Match": etags["/nl/privacy"]})
        assert answer.status_int == 200 and "ETag" not in answer.headers, name


def test_showing_the_policy_pages_writes_nothing(site, visitors):
    before = last_transaction(site)
    for name, browser in visitors.items():
        for template in PATHS:
            page = browser.get(template.format(lang="fr"))
            if name == "anonymous":
                assert "Set-Cookie" not in page.headers  # no session starts
    assert last_transaction(site) == before


def test_the_validator_follows_the_text_in_force(site):
    app = Browser(site.wsgi)
    etag = app.get("/en/terms").headers["ETag"]
    versions = app.get("/en/terms/versions").headers["ETag"]
    site.add_account("elsewhere@example.be")  # a commit the page does not show
    assert app.get("/en/terms", headers={"If-None-Match": etag}, status=304)

    later = now(site.registry) + timedelta(days=2)
    publish(site, "terms", "en", "Terms of 2027", effective=later)
    # Scheduled: still the same text, but a new validator (the page's record changed).
    scheduled = app.get("/en/terms", headers={"If-None-Match": etag}, status=200)
    assert "Terms of 2027" not in scheduled.text
    # The page cache is told when its copy stops being current; other pages name nothing.
    assert scheduled.request.environ[CHANGES_AT] == later
    assert CHANGES_AT not in app.get("/en/privacy").request.environ
    etag = scheduled.headers["ETag"]
    assert app.get("/en/terms", headers={"If-None-Match": etag}, status=304)

    clock = site.registry.shopcms_clock
    site.registry.shopcms_clock = lambda: later + timedelta(minutes=1)
    try:
        # In force now: nothing was written, yet the browser's copy is no longer current.
        page = app.get("/en/terms", headers={"If-None-Match": etag}, status=200)
        assert "Terms of 2027" in page.text and page.headers["ETag"] != etag
        listed = app.get("/en/terms/versions", headers={"If-None-Match": versions})
        assert listed.status_int == 200 and "Terms of 2027" in listed.text
    finally:
        site.registry.shopcms_clock = clock
