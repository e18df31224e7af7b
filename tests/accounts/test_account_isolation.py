"""Customer B never reaches customer A's data through any URL of the account area.

The account area's context is always the requester's own account; this test does not
trust that design but tries every view registered on the ``account`` route (found through
Pyramid's introspection, so a view added later is tried too) with every identifier of A's
data, and checks that nothing of A's shows and that A's data is unchanged.
"""

from tests.conftest import PASSWORD, Browser, login
from tests.privacy.markers import plant


def account_view_names(site):
    names = set()
    for item in site.registry.introspector.get_category("views"):
        view = item["introspectable"]
        if view["route_name"] == "account":
            names.add(view["name"])
    return sorted(names)


def snapshot(site, userid):
    def read(root):
        account = root["customers"][userid]
        prefs = account.preferences
        return (
            account.email,
            [dict(a) for a in prefs.addresses],
            prefs.default_address,
            prefs.phone,
            [m.id for m in prefs.payment_methods],
            len(prefs.consents),
            sorted(root["orders"].by_customer.get(userid, ())),
        )

    return site.read(read)


def test_customer_b_sees_nothing_of_customer_a_on_any_account_url(site):
    a = plant(site, lang="nl")
    site.add_account("b@example.be")
    b = Browser(site.wsgi)
    login(b, "b@example.be", PASSWORD)
    before = snapshot(site, a.userid)
    ids = site.read(
        lambda root: [
            *a.orders,
            *(x["id"] for x in root["customers"][a.userid].preferences.addresses),
            *(m.id for m in root["customers"][a.userid].preferences.payment_methods),
            a.userid,
        ]
    )
    names = account_view_names(site)
    assert {"", "orders", "addresses", "payment-methods", "preferences", "privacy"} <= set(names)
    assert {"export", "export.json", "delete", "security"} <= set(names)
    paths = []
    for name in names:
        base = f"/nl/account/{name}"
        paths.append(base)
        for identifier in ids:
            paths += [f"{base}/{identifier}", f"{base}/{identifier}/remove"]
            paths += [f"{base}/{identifier}/default", f"/nl/account/{identifier}"]
    seen = 0
    for path in paths:
        response = b.get(path, expect_errors=True)
        assert response.status_int in (200, 303, 400, 403, 404, 405), (path, response.status)
        for marker in a.strings:
            assert marker not in response.text, (path, marker)
        seen += response.status_int == 200
    assert seen >= len(names) - 2  # B's own pages do open
    # Unsafe requests with A's identifiers through B's session change nothing of A's.
    token = b.get("/nl/account/addresses").html.select_one("input[name=csrf_token]")["value"]
    for path in paths:
        b.post(path, {"csrf_token": token, "id": ids[-2]}, expect_errors=True)
    assert snapshot(site, a.userid) == before
    # And A's data export is A's alone.
    assert a.markers["order name"] not in b.get("/nl/account/export.json").text


def test_an_administrator_keeps_the_management_link_in_the_account_area(site, app):
    from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD

    login(app, ADMIN_EMAIL, ADMIN_PASSWORD)
    page = app.get("/nl/account/")
    assert page.html.select_one("a[href='/nl/manage/']") is not None
