"""The click counter: it redirects to the campaign's stored links only, counts per
campaign and link, and writes nothing in the GET (the tally is flushed on its own)."""

import pytest

from shopcms.newsletter import clicks
from tests.newsletter.campaign_setup import campaign


def last_transaction(site):
    return site.registry._zodb_databases[""].lastTransaction()


def stored_clicks(site, name):
    def read(root):
        found = root["newsletter"][name].clicks
        return {index: length.value for index, length in found.items()}

    return site.read(read)


def test_a_click_redirects_to_the_stored_link_and_is_counted_without_a_write(site, app):
    name = campaign(site)
    before = last_transaction(site)
    response = app.get(f"/nl/newsletter/go/{name}/1", status=302)
    assert response.location == "https://shop.example/fr"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in response.headers
    app.get(f"/fr/newsletter/go/{name}/1", status=302)
    # A query cannot change where it leads.
    response = app.get(f"/nl/newsletter/go/{name}/0?url=https://evil.example", status=302)
    assert response.location == "https://shop.example/nl"
    assert last_transaction(site) == before, "the GET wrote to the database"
    assert stored_clicks(site, name) == {}
    # The desk sees the tally before it is stored.
    shown = site.read(lambda root: clicks.counts(site.registry, root["newsletter"][name]))
    assert [count for _index, _url, count in shown] == [1, 2]
    assert clicks.flush(site.registry) == 3
    assert stored_clicks(site, name) == {0: 1, 1: 2}
    assert clicks.flush(site.registry) == 0  # nothing counted twice
    app.get(f"/nl/newsletter/go/{name}/0", status=302)
    clicks.flush(site.registry)
    assert stored_clicks(site, name) == {0: 2, 1: 2}


@pytest.mark.parametrize("tail", ["2", "-1", "x", "01x", "0/1", "99999999999"])
def test_an_unknown_link_is_not_found(site, app, tail):
    name = campaign(site)
    app.get(f"/nl/newsletter/go/{name}/{tail}", status=404)


def test_an_unknown_or_draft_campaign_has_no_links(site, app):
    draft = campaign(site, title="Draft", schedule=False)
    app.get(f"/nl/newsletter/go/{draft}/0", status=404)
    app.get("/nl/newsletter/go/nothing/0", status=404)
    app.get("/nl/newsletter/go", status=404)
    assert clicks.flush(site.registry) == 0


def test_a_click_on_a_campaign_removed_before_the_flush_is_dropped(site, app):
    name = campaign(site)
    app.get(f"/nl/newsletter/go/{name}/0", status=302)
    with site.edit() as root:
        root["newsletter"].remove(name)
    assert clicks.flush(site.registry) == 1  # stored nowhere, but taken off the tally
    assert site.read(lambda root: name in root["newsletter"]) is False
