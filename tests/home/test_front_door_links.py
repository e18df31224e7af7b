"""Every link of the front doors (home page, dashboard, the ways into the management) leads
to the page it names, in the language of the page the visitor is on."""

import pytest

from shopcms.home import views as home_views
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Browser, login

#: The dashboard's links for an administrator, who holds every section.
DASHBOARD = [
    "/{lang}/manage/customers/",
    "/{lang}/manage/privacy/",
    "/{lang}/manage/pages/",
    "/{lang}/manage/pages/board",
    "/{lang}/manage/products/",
    "/{lang}/manage/categories/",
    "/{lang}/manage/newsletter/",
    "/{lang}/manage/contests/",
    "/{lang}/manage/orders/",
    "/{lang}/manage/statistics/",
    "/{lang}/manage/reviews/",
]


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_home_page_links_to_the_policies_in_its_language(app, lang):
    page = app.get(f"/{lang}/")
    # The 14 days to change one's mind (in the promises) and the privacy statement.
    links = [a["href"] for a in page.html.select("main .promises a, main .home-privacy a")]
    assert links == [f"/{lang}/terms", f"/{lang}/privacy"]
    for link in links:
        app.get(link, status=200)


def test_recommendations_link_to_the_customers_privacy_choices(app, monkeypatch):
    def recommended(request, account):
        return [request.root["products"]["aloe-vera"]]

    monkeypatch.setattr(home_views, "recommended_for", recommended)
    page = app.get("/fr/")
    change = page.html.select_one("#recommended p.muted a")
    assert change["href"] == "/fr/account/privacy#purpose-personalisation"
    assert page.html.select_one("#recommended .product-card a")["href"] == (
        "/fr/products/aloe-vera"
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_dashboard_links_to_every_section_in_its_language(site, lang):
    admin = Browser(site.wsgi)
    login(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    page = admin.get(f"/{lang}/manage/")
    links = [a["href"] for a in page.html.select("main section.cards a")]
    assert links == [link.format(lang=lang) for link in DASHBOARD]
    for link in links:
        admin.get(link, status=200)


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/manage", "/fr/manage/"),
        ("/manage/", "/fr/manage/"),
        ("/manage/pages", "/fr/manage/pages"),
        ("/manage/pages/", "/fr/manage/pages/"),
        ("/manage/pages/board", "/fr/manage/pages/board"),
        ("/manage/statistics/?from=2026-01-01", "/fr/manage/statistics/?from=2026-01-01"),
        ("/en/manage", "/en/manage/"),
    ],
)
def test_the_management_without_a_language_or_slash_redirects(app, path, location):
    response = app.get(path, headers={"Accept-Language": "fr"}, status=302)
    assert response.location.removeprefix("http://localhost") == location


@pytest.mark.parametrize("next_path", [None, "//elsewhere.example/", "https://elsewhere.example/"])
def test_the_switcher_without_a_page_on_this_site_goes_home(app, next_path):
    query = {"next": next_path} if next_path else {}
    response = app.get("/en/language", query, status=303)
    assert response.location.removeprefix("http://localhost") == "/en/"
