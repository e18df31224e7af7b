"""The cookie policy's revisions in force are remembered per process
(``shopcms.privacy.cookie_policy.in_force_ids``) for the pages filled from their skeletons;
a revision scheduled ahead still asks the visitor again the moment it takes effect, though
no database change announces that moment."""

from datetime import timedelta

from shopcms.privacy.cookie_policy import IN_FORCE_MEMO
from tests.privacy.test_cookie_banner import banner, click_banner, page_cache


def schedule_cookie_policy(site, lang, ahead):
    """A revision of the cookie policy in ``lang`` published to take effect ``ahead``."""
    clock = site.registry.shopcms_clock
    with site.edit() as root:
        page = root["pages"]["cookies"]
        current = page.in_force(lang, clock())
        page.save_draft(
            lang, current.title, current.body + "\n\nLater.", "", "system:test", clock()
        )
        return page.publish(lang, clock(), actor="system:test", effective=clock() + ahead).id


def test_a_scheduled_revision_asks_again_when_it_takes_effect(site, app):
    clock = site.registry.shopcms_clock
    click_banner(app, app.get("/nl/"), "accept")
    app.get("/nl/products/mug-cafe")  # the skeleton kept
    pages = page_cache(site)
    hits = pages.hits
    assert banner(app.get("/nl/products/mug-cafe")) is None
    assert pages.hits == hits + 1  # filled from the skeleton, the policy's state remembered
    assert getattr(site.registry, IN_FORCE_MEMO, None) is not None

    schedule_cookie_policy(site, "nl", timedelta(days=2))
    assert banner(app.get("/nl/products/mug-cafe")) is None  # not in force yet
    clock.advance(days=1)
    assert banner(app.get("/nl/products/mug-cafe")) is None
    hits = pages.hits
    clock.advance(days=1, minutes=1)  # in force now: nothing in the database changed
    assert banner(app.get("/nl/products/mug-cafe")) is not None
    assert pages.hits == hits + 1  # from the skeleton too
