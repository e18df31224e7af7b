"""The catalog's shared pages under skeleton renderings (``shopcms.web.personal``): a
skeleton filled for a visitor is exactly the page rendered in full for that visitor.

For each visitor state (made through the real forms) and each page (the product page in
every language, the reviews' page, a filtered listing, a one-word search), the same request
is rendered in full and as a skeleton, straight by the application (no page cache); the
skeleton's holes are then filled as the page cache does, by calling the declared parts with
a request made only from the visitor's cookies, and its CSRF marks by that request's token.
The bodies must be equal (CSRF token values aside), the recently viewed cookie the same, and
the skeletons' content the same for every visitor (nothing personal outside the parts).
"""

import re

from pyramid.csrf import get_csrf_token
from pyramid.request import Request
from pyramid.response import Response
from pyramid.router import Router
from pyramid.scripting import prepare

from shopcms.products import lists
from shopcms.web import personal
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login
from tests.privacy.test_cookie_banner import click_banner
from tests.products.test_recommendations import set_personalisation
from tests.reviews.factory import plant

PRODUCT = "/{lang}/products/mug-cafe"
PAGES = [
    "/nl/products/mug-cafe",
    "/fr/products/mug-cafe",
    "/en/products/mug-cafe",
    "/nl/products/mug-cafe/reviews",
    "/nl/products/?category=gifts",
    "/nl/products/?q=mok",
]
TOKEN = re.compile(r'(name="csrf_token" value=")[^"]*(")')


def router(site):
    """The application behind every WSGI layer (the page cache among them)."""
    layer = site.wsgi
    while not isinstance(layer, Router):
        layer = layer.app
    return layer


def cookie_header(app):
    return "; ".join(f"{name}={value}" for name, value in app.cookies.items())


def blank(path, cookies, headers):
    request = Request.blank(path, base_url="http://localhost", headers=dict(headers))
    if cookies:
        request.headers["Cookie"] = cookies
    return request


def full(site, path, cookies, headers):
    return blank(path, cookies, headers).get_response(router(site))


def skeleton(site, path, cookies, headers):
    """``(response, holes, effects)`` of the skeleton rendering of ``path``."""
    request = blank(path, cookies, headers)
    request.environ[personal.SKELETON] = True
    response = request.get_response(router(site))
    environ = request.environ
    return response, environ.get(personal.HOLES, []), environ.get(personal.EFFECTS, [])


def fill(site, path, lang, cookies, headers, body, holes, effects):
    """The skeleton ``body`` filled for the visitor, as the page cache does: a request made
    from the visitor's headers (no router, no view), in the page's language.  Returns the
    page and the response the effects were applied to."""
    request = blank(path, cookies, headers)
    env = prepare(request=request, registry=site.registry)
    try:
        # What the page cache's request is given: the Site as its root (identity and
        # permissions need it), the page's language.
        request.root = env["root"]
        request.locale_name = lang
        parts = site.registry.shopcms_personal_parts
        for index, (name, args) in enumerate(holes):
            body = body.replace(personal.hole(index), parts[name](request, **dict(args)), 1)
        while personal.CSRF_MARK in body:
            body = body.replace(personal.CSRF_MARK, get_csrf_token(request), 1)
        response = Response()
        for name, args in effects:
            site.registry.shopcms_personal_effects[name](request, response, **dict(args))
        return body, response
    finally:
        env["closer"]()


def recent_cookie(response):
    """The recently viewed cookie the response sets (its expiry date aside: a clock's)."""
    return [
        re.sub(r"expires=[^;]*; ", "", value)
        for value in response.headers.getall("Set-Cookie")
        if value.startswith(f"{lists.RECENT}=")
    ]


def main_of(body):
    """The page's own content (the layout around it is the page cache helper's)."""
    return body[body.index('<main id="main"') : body.index("</main>")]


def compare(site, state, cookies, headers=()):
    """Check every page for one visitor state; returns the skeletons' content by page."""
    skeletons = {}
    for path in PAGES:
        lang = path.split("/")[1]
        rendered = full(site, path, cookies, headers)
        assert rendered.status_int == 200, (state, path)
        response, holes, effects = skeleton(site, path, cookies, headers)
        assert response.status_int == 200, (state, path)
        assert not recent_cookie(response), (state, path)  # an effect, not the skeleton's
        body, applied = fill(site, path, lang, cookies, headers, response.text, holes, effects)
        assert TOKEN.sub(r"\1T\2", body) == TOKEN.sub(r"\1T\2", rendered.text), (state, path)
        assert recent_cookie(applied) == recent_cookie(rendered), (state, path)
        skeletons[path] = main_of(response.text)
    return skeletons


def product_form(app, lang, formid):
    page = app.get(PRODUCT.format(lang=lang))
    return page.forms[formid]


def test_skeletons_filled_are_the_full_pages(site):
    with site.edit() as root:
        review = plant(root, site.registry, root["products"]["mug-cafe"].pid, state="published")
        key = review.__name__
    site.add_account("klant@example.be")
    states = {}

    app = Browser(site.wsgi)
    states["anonymous"] = (app, ())
    accepted = Browser(site.wsgi)
    click_banner(accepted, accepted.get("/nl/"), "accept")
    states["consent: all"] = (accepted, ())
    states["consent: all, Sec-GPC"] = (accepted, (("Sec-GPC", "1"),))
    refused = Browser(site.wsgi)
    click_banner(refused, refused.get("/nl/"), "refuse")
    states["consent: necessary only"] = (refused, ())

    shopper = Browser(site.wsgi)
    click_banner(shopper, shopper.get("/nl/"), "accept")
    product_form(shopper, "nl", "add-to-cart").submit(status=303).follow()
    product_form(shopper, "nl", "wishlist-toggle").submit(status=303).follow()
    product_form(shopper, "nl", "compare-toggle").submit(status=303).follow()
    for name in ("aloe-vera", "mug-cafe", "aloe-vera"):
        shopper.get(f"/nl/products/{name}")
    page = shopper.get("/nl/products/mug-cafe/reviews")
    page.forms[f"helpful-{key}"].submit(status=303).follow()
    assert {lists.CART, lists.WISHLIST, lists.COMPARE, lists.RECENT} <= set(shopper.cookies)
    states["consent, cart, wishlist, compare, recently viewed, a vote"] = (shopper, ())

    customer = Browser(site.wsgi)
    click_banner(customer, customer.get("/nl/"), "accept")
    login(customer, "klant@example.be", PASSWORD)
    set_personalisation(customer, True)
    product_form(customer, "nl", "add-to-cart").submit(status=303).follow()
    customer.get("/nl/products/aloe-vera")
    states["logged-in customer: cart, consent, personalisation"] = (customer, ())

    staff = Browser(site.wsgi)
    login(staff, ADMIN_EMAIL, ADMIN_PASSWORD)
    states["staff"] = (staff, ())

    contents = {}
    for state, (browser, headers) in states.items():
        skeletons = compare(site, state, cookie_header(browser), headers)
        for path, content in skeletons.items():
            contents.setdefault(path, {})[state] = content
    # Nothing of a visitor outside the parts: every visitor's skeleton is the same; but for
    # staff, whose listing also shows what the public may not see (the page cache must not
    # serve staff from the public's skeletons).
    for path, by_state in contents.items():
        by_state.pop("staff")
        groups = {}
        for state, content in by_state.items():
            groups.setdefault(content, []).append(state)
        assert len(groups) == 1, (path, list(groups.values()))

    # The test can fail: the parts show what differs (the customer sees recommendations,
    # the shopper their lists and vote).
    customer_page = full(site, "/nl/products/mug-cafe", cookie_header(customer), ()).text
    assert 'class="recommended"' in customer_page
    shopper_reviews = full(site, "/nl/products/mug-cafe/reviews", cookie_header(shopper), ())
    assert "U vond deze recensie nuttig." in shopper_reviews.text
    shopper_page = full(site, "/nl/products/mug-cafe", cookie_header(shopper), ()).text
    assert "Van verlanglijst verwijderen" in shopper_page
    assert "1 in uw winkelmandje" in shopper_page
    assert 'class="recent"' in shopper_page


def test_recently_viewed_effect_matches_the_full_rendering(site):
    """The effect puts the product first, once, only with consent."""
    app = Browser(site.wsgi)
    click_banner(app, app.get("/nl/"), "accept")
    app.get("/nl/products/aloe-vera")
    cookies = cookie_header(app)
    path = "/nl/products/mug-cafe"
    response, holes, effects = skeleton(site, path, cookies, ())
    assert effects == [("recently-viewed", (("pid", effects[0][1][0][1]),))]
    _body, applied = fill(site, path, "nl", cookies, (), response.text, holes, effects)
    [value] = recent_cookie(applied)
    assert recent_cookie(full(site, path, cookies, ())) == [value]
    # Viewed again (the cookie as it is now): already first, nothing to send again.
    jar = {**app.cookies, lists.RECENT: value.split(";")[0].split("=", 1)[1]}
    now = "; ".join(f"{name}={value}" for name, value in jar.items())
    response, holes, effects = skeleton(site, path, now, ())
    _body, applied = fill(site, path, "nl", now, (), response.text, holes, effects)
    assert recent_cookie(applied) == recent_cookie(full(site, path, now, ())) == []
