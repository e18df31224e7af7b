"""The cookie banner and the cookie settings (issue 7, acceptance 2 and 3).

A first visit shows the banner in the page's language; accepting and refusing are one click
each on buttons of one kind; the choice (categories, date, cookie-policy version) lives in
the ``cookie_consent`` cookie and, for a logged-in customer, in the consent ledger; the
footer's "Cookie settings" changes it; a new cookie-policy revision or 6 months ask again.
The crawls of every public page (acceptance 1) are in ``test_cookies_and_headers``.
"""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from pyramid.i18n import make_localizer
from pyramid.interfaces import ITranslationDirectories

from shopcms.privacy import consent
from shopcms.privacy.consent import Choice, encode, statistics_choice, statistics_refused
from shopcms.privacy.purposes import COOKIES_FUNCTIONAL, COOKIES_PERSONALISATION, COOKIES_STATISTICS
from shopcms.web.cookies import Category, lifetime_text
from shopcms.web.csrf import unmask
from shopcms.web.pagecache import SharedPageCache
from tests.conftest import PASSWORD, Browser, login, unmasked

OPTIONAL_COOKIES = {"recent", "known_visitor"}
HEADINGS = {"nl": "Cookies bij Soft Cactus", "fr": "Les cookies chez Soft Cactus"}
HEADINGS["en"] = "Cookies on Soft Cactus"


def banner(page):
    return page.html.select_one("section#cookie-banner")


def forms_of(page):
    """The page's forms, each once (WebTest lists a form with an id under its index too)."""
    return list({id(f): f for f in page.forms.values()}.values())


def banner_form(page):
    """The banner's POST form (WebTest)."""
    [form] = [
        f
        for f in forms_of(page)
        if f.method.lower() == "post" and "form" in f.fields and f["form"].value == "cookie-banner"
    ]
    return form


def click_banner(app, page, choice, status=303):
    """One click on a banner button (``accept``, ``refuse``); returns the answer."""
    return banner_form(page).submit("choice", value=choice, status=status)


def settings_form(page):
    [form] = [
        f for f in forms_of(page) if "form" in f.fields and f["form"].value == "cookie-settings"
    ]
    return form


def choose_on_settings(app, lang="nl", status=303, **ticks):
    """Tick ``ticks`` (category=True) on the settings page and save."""
    form = settings_form(app.get(f"/{lang}/cookie-settings"))
    for category in consent.OPTIONAL:
        form[category.value] = bool(ticks.get(category.value))
    return form.submit("choice", value="choose", status=status)


def stored(site, app):
    """The Choice in the browser's consent cookie (decoded, not judged)."""
    return consent.decode(
        app.cookies.get("cookie_consent"), site.registry.settings["shopcms.secret"]
    )


def recent_shown(page):
    return [h.text.strip() for h in page.html.select("section.recent article.product-card h3")]


def page_cache(site):
    """The shared-page cache among the WSGI layers around the application."""
    layer = site.wsgi
    while not isinstance(layer, SharedPageCache):
        layer = layer.app
    return layer


def publish_cookie_policy(site, lang, note="revised"):
    """A new published revision of the cookie policy in ``lang`` (as an editor would)."""
    clock = site.registry.shopcms_clock
    with site.edit() as root:
        page = root["pages"]["cookies"]
        current = page.in_force(lang, clock())
        page.save_draft(
            lang, current.title, current.body + "\n\nNew.", note, "system:test", clock()
        )
        revision = page.publish(lang, clock(), actor="system:test")
        return revision.id


# -- the banner ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_first_visit_shows_the_banner_in_the_pages_language(app, lang):
    page = app.get(f"/{lang}/")
    section = banner(page)
    assert section is not None
    # A region with a heading: landmarks and keyboard users find it first on the page.
    title = section.select_one("h2")
    assert section["aria-labelledby"] == title["id"]
    assert title.text.strip() == HEADINGS[lang]
    assert page.html.find(["section", "header", "main"]) is section
    buttons = section.select(".consent-buttons > *")
    # Accept, refuse and choose: the same element, the same look, one click each.
    assert [b.name for b in buttons] == ["button"] * 3
    assert {tuple(b["class"]) for b in buttons} == {
        ("consent-button",),
        ("consent-button", "choose"),
    }
    assert len({b.get("type") for b in buttons}) == 1
    # The choice per category: nothing ticked in advance.
    boxes = section.select("input[type=checkbox]")
    assert {box["name"] for box in boxes} == {"functional", "personalisation", "statistics"}
    assert not any(box.has_attr("checked") for box in boxes)
    # No inline script (CSP): the script is a file, only on pages with the banner.
    assert page.html.select_one("script[src*='consent.js']") is not None


def test_refusing_takes_as_many_clicks_as_accepting(site):
    clicks = {}
    for choice in ("accept", "refuse"):
        app = Browser(site.wsgi)
        page = app.get("/nl/products/mug-cafe")
        count = 0
        while banner(page) is not None:
            page = click_banner(app, page, choice).follow()
            count += 1
        clicks[choice] = count
        assert page.request.path == "/nl/products/mug-cafe"  # back where the visitor was
        allowed = stored(site, app).allowed
        assert allowed == (set(consent.OPTIONAL) if choice == "accept" else set())
    assert clicks == {"accept": 1, "refuse": 1}


def test_the_choice_records_categories_date_and_cookie_policy_version(site, app):
    clock = site.registry.shopcms_clock
    page = app.get("/fr/")
    answer = click_banner(app, page, "refuse")
    assert answer.location.endswith("/fr/")
    choice = stored(site, app)
    assert choice.allowed == frozenset()
    assert abs(choice.when - clock()) < timedelta(seconds=5)
    in_force = site.read(lambda root: root["pages"]["cookies"].in_force("fr", clock()).id)
    assert choice.version == in_force == "cookies:fr:1"
    # Strictly necessary: the record of the choice itself, and nothing else.
    assert set(app.cookies) == {"cookie_consent"}
    assert banner(app.get("/fr/products/")) is None


def test_choose_opens_the_settings_and_comes_back(site, app):
    page = app.get("/nl/products/mug-cafe")
    chooser = page.forms["cookie-choose"]
    assert chooser.method.lower() == "get"
    settings = chooser.submit()
    assert settings.request.path == "/nl/cookie-settings"
    assert banner(settings) is None  # the page is the banner's choice, in full
    form = settings_form(settings)
    assert not any(form[c.value].checked for c in consent.OPTIONAL)
    form["personalisation"] = True
    back = form.submit("choice", value="choose", status=303)
    assert back.location.endswith("/nl/products/mug-cafe")
    assert stored(site, app).allowed == {Category.PERSONALISATION}
    back.follow()  # the product the visitor was on, viewed again: now remembered
    assert "Mok Café Cactus" in recent_shown(app.get("/nl/products/echeveria-elegans"))
    assert "known_visitor" not in app.cookies


def test_the_footer_link_changes_the_choice_at_any_time(site, app):
    page = app.get("/nl/products/pot-creme")
    click_banner(app, page, "accept").follow()
    app.get("/nl/products/mug-cafe")
    assert "recent" in app.cookies
    link = app.get("/nl/pages/about").html.select_one("footer a[href='/nl/cookie-settings']")
    assert link.text.strip() == "Cookie-instellingen"
    settings = app.get(link["href"])
    form = settings_form(settings)
    assert all(form[c.value].checked for c in consent.OPTIONAL)  # shows the choice in force
    # Withdrawing: one click, and the personalisation cookie goes at once.
    answer = form.submit("choice", value="refuse", status=303)
    assert answer.location.endswith("/nl/cookie-settings?saved=1")
    assert "recent" not in app.cookies
    saved = answer.follow()
    assert saved.html.select_one("p.saved[role=status]")
    assert not any(settings_form(saved)[c.value].checked for c in consent.OPTIONAL)
    app.get("/nl/products/mug-cafe")
    assert "recent" not in app.cookies


def test_the_banner_comes_back_with_a_new_cookie_policy_revision(site, app):
    click_banner(app, app.get("/nl/"), "accept")
    app.get("/nl/products/mug-cafe")
    assert banner(app.get("/nl/products/")) is None
    product = app.get("/nl/products/pot-creme")
    # A visitor with cookies is given no validator: their page is never reused.
    assert "ETag" not in product.headers

    # A corrected translation in another language is not a change of the policy this
    # visitor read (in Dutch): nothing is asked again.
    publish_cookie_policy(site, "fr")
    assert banner(app.get("/nl/")) is None
    assert banner(app.get("/fr/")) is None  # switching languages keeps the choice

    version = publish_cookie_policy(site, "nl")
    assert version == "cookies:nl:2"
    assert banner(app.get("/nl/")) is not None
    # Until the visitor chooses again no optional cookie is used, and the product page
    # (filled from its skeleton) asks again.
    again = app.get("/nl/products/pot-creme", status=200)
    assert banner(again) is not None
    assert "Crèmekleurige pot" not in recent_shown(app.get("/nl/products/echeveria-elegans"))
    settings = app.get("/nl/cookie-settings")
    assert settings.html.select_one("p.lapsed") is not None
    click_banner(app, app.get("/nl/"), "refuse")
    assert stored(site, app).version == "cookies:nl:2"
    assert banner(app.get("/nl/")) is None


def test_the_banner_comes_back_after_six_months(site, app):
    clock = site.registry.shopcms_clock
    click_banner(app, app.get("/en/"), "accept")
    clock.advance(days=180)
    assert banner(app.get("/en/")) is None
    clock.advance(days=5)  # more than 6 calendar months after the choice
    assert banner(app.get("/en/")) is not None
    app.get("/en/products/mug-cafe")
    assert "Café Cactus mug" not in recent_shown(app.get("/en/products/pot-creme"))


def test_six_months_are_calendar_months():
    assert consent.add_months(datetime(2026, 8, 31, 12, tzinfo=UTC), 6) == datetime(
        2027, 2, 28, 12, tzinfo=UTC
    )
    assert consent.add_months(datetime(2026, 1, 15, tzinfo=UTC), 6).month == 7


def test_a_forged_or_old_style_cookie_is_no_choice(site, app):
    app.set_cookie("cookie_consent", "2026-01-01T00:00:00+00:00|personalisation.forged")
    assert banner(app.get("/nl/")) is not None
    app.get("/nl/products/mug-cafe")
    assert "recent" not in app.cookies


@pytest.mark.parametrize(
    "tampered", [{"choice": "everything"}, {"choice": ""}, {"form": "cookie-in-context"}]
)
def test_a_choice_no_form_of_ours_sends_answers_400_with_the_error_summary(site, app, tampered):
    form = settings_form(app.get("/nl/cookie-settings?next=/nl/products/"))
    form["personalisation"] = True
    fields = {**dict(form.submit_fields()), "choice": "choose", **tampered}
    page = app.post("/nl/cookie-settings", fields, status=400)
    # The settings page again, its form saying what went wrong, the visitor's ticks kept.
    summary = page.html.select_one("form#cookie-settings-form .error-summary[role=alert]")
    assert "Uw keuze kon niet worden opgeslagen" in summary.text
    again = page.forms["cookie-settings-form"]
    assert again["personalisation"].checked and not again["functional"].checked
    assert again["came_from"].value == "/nl/products/"
    assert banner(page) is None
    # Nothing was chosen.
    assert "cookie_consent" not in app.cookies


def test_the_banner_and_the_settings_page_have_unique_ids(app):
    for path in ("/nl/products/mug-cafe", "/nl/cookie-settings"):
        ids = [element["id"] for element in app.get(path).html.select("[id]")]
        assert len(ids) == len(set(ids)), path


# -- logged-in customers: the ledger --------------------------------------------------


def test_a_logged_in_customers_choice_goes_to_the_consent_ledger(site, app):
    email = "klant@example.be"
    userid = site.add_account(email)
    login(app, email, PASSWORD)
    page = app.get("/nl/account/")
    assert banner(page) is not None
    click_banner(app, page, "accept")
    settings = app.get("/nl/cookie-settings")
    form = settings_form(settings)
    form["functional"] = False
    form.submit("choice", value="choose", status=303)

    def events(root):
        return [
            (e.purpose, e.granted, e.form, e.policy_revision)
            for e in root["customers"][userid].preferences.consents
        ]

    assert site.read(events) == [
        (COOKIES_FUNCTIONAL, True, "cookie-banner", "cookies:nl:1"),
        (COOKIES_PERSONALISATION, True, "cookie-banner", "cookies:nl:1"),
        (COOKIES_STATISTICS, True, "cookie-banner", "cookies:nl:1"),
        (COOKIES_FUNCTIONAL, False, "cookie-settings", "cookies:nl:1"),
    ]
    # The account's privacy page names them and sends the customer to the cookie settings.
    privacy = app.get("/nl/account/privacy")
    card = privacy.html.select_one(f'article.purpose[data-purpose="{COOKIES_FUNCTIONAL}"]')
    assert card.select_one("a[href='/nl/cookie-settings']") is not None
    assert not card.select("form.consent-toggle")
    history = privacy.html.select("section.consent-history tbody tr")
    assert "De cookie-instellingen" in history[0].text


def test_a_returning_customer_is_greeted_only_with_functional_cookies(site, app):
    email = "terug@example.be"
    site.add_account(email)
    click_banner(app, app.get("/nl/"), "accept")
    login(app, email, PASSWORD)
    assert app.cookies.get("known_visitor") == "1"
    token = app.get("/nl/").html.select_one("form[action='/nl/logout'] input")["value"]
    app.post("/nl/logout", {"csrf_token": token}, status=303)
    greeting = app.get("/nl/products/").html.select_one("nav.tools .welcome-back")
    assert greeting is not None and greeting.text.strip() == "Welkom terug!"

    choose_on_settings(app, personalisation=True)  # functional no longer allowed
    assert "known_visitor" not in app.cookies
    assert app.get("/nl/").html.select_one(".welcome-back") is None
    login(app, email, PASSWORD)
    assert "known_visitor" not in app.cookies

    # Without a choice, nobody is recognised either.
    fresh = Browser(site.wsgi)
    login(fresh, email, PASSWORD)
    assert "known_visitor" not in fresh.cookies


# -- no JavaScript needed, and with it no reload --------------------------------------


def test_the_script_posts_and_gets_json_instead_of_a_redirect(site, app):
    page = app.get("/nl/products/mug-cafe")
    form = banner_form(page)
    fields = {name: form[name].value for name in ("csrf_token", "came_from", "form")}
    answer = app.post(
        "/nl/cookie-settings",
        {**fields, "choice": "choose", "personalisation": "true"},
        headers={"Accept": "application/json", "Origin": "http://localhost"},
        status=200,
    )
    assert answer.json["chosen"] == ["personalisation"] == answer.json["allowed"]
    assert answer.json["version"] == "cookies:nl:1"
    assert stored(site, app).allowed == {Category.PERSONALISATION}


def test_the_banner_on_a_shared_page_keeps_it_shared_and_starts_no_session(site):
    first = Browser(site.wsgi).get("/nl/products/mug-cafe")
    assert banner(first) is not None and "Set-Cookie" not in first.headers
    cache = page_cache(site)
    assert len(cache) == 1
    second = Browser(site.wsgi).get("/nl/products/mug-cafe")
    # Served from memory, banner included (its token masked anew).
    assert unmasked(second.body) == unmasked(first.body)
    # Its form works from this site (the stateless token), and sets only the choice.
    visitor = Browser(site.wsgi)
    answer = click_banner(visitor, visitor.get("/nl/products/mug-cafe"), "refuse")
    assert set(visitor.cookies) == {"cookie_consent"}
    assert answer.location.endswith("/nl/products/mug-cafe")
    # A refusal writes nothing: the shared pages stay valid for everybody else.
    assert len(cache) == 1


def test_another_site_cannot_make_the_choice(site):
    page = Browser(site.wsgi).get("/nl/products/mug-cafe")
    form = banner_form(page)
    fields = {name: form[name].value for name in ("csrf_token", "came_from", "form")}
    attacker = Browser(site.wsgi, extra_environ={"HTTP_ORIGIN": "https://evil.example"})
    attacker.post("/nl/cookie-settings", {**fields, "choice": "accept"}, status=400)
    assert "cookie_consent" not in attacker.cookies


def test_the_banners_token_matches_a_page_that_starts_a_session(site, app):
    # A visitor with a cart but no session: the cart page's forms start one, and the
    # banner above them must carry the same token.
    page = app.get("/nl/products/mug-cafe")
    [cart] = [f for f in forms_of(page) if f.action == "/nl/cart"]
    cart.submit(status=303)
    cart_page = app.get("/nl/cart")
    # Masked anew in each form (shopcms.web.csrf): the same token once unmasked.
    tokens = {unmask(i["value"]) for i in cart_page.html.select("input[name=csrf_token]")}
    assert len(tokens) == 1 and None not in tokens
    click_banner(app, cart_page, "refuse")


# -- Global Privacy Control -------------------------------------------------------------


def test_global_privacy_control_refuses_everything_optional(site):
    app = Browser(site.wsgi, extra_environ={"HTTP_SEC_GPC": "1"})
    cart = app.get("/nl/cart")  # not a shared page: no banner needed
    assert banner(cart) is None
    settings = app.get("/nl/cookie-settings")
    assert settings.html.select_one("p.gpc") is not None
    # Even an "accept all" changes nothing while the signal is sent.
    form = settings_form(settings)
    form.submit("choice", value="accept", status=303)
    app.get("/nl/products/mug-cafe")
    app.get("/nl/products/pot-creme")
    assert "recent" not in app.cookies
    # A shared page is the same for all visitors without cookies: it keeps the banner
    # (consent.js hides it in a browser that exposes the signal).
    assert banner(Browser(site.wsgi, extra_environ={"HTTP_SEC_GPC": "1"}).get("/nl/products/"))


# -- the statistics' view of the choice (outside Pyramid) ------------------------------


def environ_with(site, allowed=None, when=None, gpc=False):
    environ = {}
    if gpc:
        environ["HTTP_SEC_GPC"] = "1"
    if allowed is not None:
        choice = Choice(frozenset(allowed), when or datetime.now(UTC), "cookies:nl:1")
        environ["HTTP_COOKIE"] = "cookie_consent=" + encode(
            choice, site.registry.settings["shopcms.secret"]
        )
    return environ


def test_statistics_refused_reads_the_choice_from_the_environ(site):
    settings = site.registry.settings
    refused = statistics_refused
    # No choice yet: not counted (the default), unless the statistics setting says so.
    assert refused({}, settings) is True
    assert refused({}, settings, count_undecided=True) is False
    assert statistics_choice({}, settings) is None
    assert refused(environ_with(site, {Category.STATISTICS}), settings) is False
    assert refused(environ_with(site, {Category.PERSONALISATION}), settings) is True
    assert refused(environ_with(site, set()), settings, count_undecided=True) is True
    # Sec-GPC refuses whatever the cookie says.
    assert refused(environ_with(site, {Category.STATISTICS}, gpc=True), settings) is True
    # A forged or expired choice is no choice.
    forged = {"HTTP_COOKIE": "cookie_consent=20260101T000000Z|analytics|cookies:nl:1.xyz"}
    assert statistics_choice(forged, settings) is None
    old = environ_with(site, {Category.STATISTICS}, when=datetime.now(UTC) - timedelta(days=190))
    assert statistics_choice(old, settings) is None


def test_the_banners_choice_is_what_the_statistics_see(site, app):
    click_banner(app, app.get("/nl/"), "accept")
    environ = {"HTTP_COOKIE": f"cookie_consent={app.cookies['cookie_consent']}"}
    assert statistics_refused(environ, site.registry.settings) is False
    choose_on_settings(app, personalisation=True)
    environ = {"HTTP_COOKIE": f"cookie_consent={app.cookies['cookie_consent']}"}
    assert statistics_refused(environ, site.registry.settings) is True


# -- the language choice ---------------------------------------------------------------


def test_the_switcher_remembers_the_language_and_slash_follows_it(app):
    page = app.get("/nl/privacy")
    assert "language" not in app.cookies  # browsing sets no cookie
    link = page.html.select_one("nav.languages a[hreflang=fr]")["href"]
    answer = app.get(link, status=303)
    assert answer.location.endswith("/fr/privacy")
    assert app.cookies["language"] == "fr"
    assert app.get("/", headers={"Accept-Language": "en"}, status=302).location.endswith("/fr/")
    # The way back goes only to this site.
    assert app.get("/en/language?next=//evil.example/", status=303).location.endswith("/en/")


# -- the cookie table ------------------------------------------------------------------


def localized(site, lang):
    """A stand-in request that has only a localizer for ``lang`` (what ngettext reads)."""
    directories = site.registry.queryUtility(ITranslationDirectories)
    return SimpleNamespace(localizer=make_localizer(lang, directories))


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_cookie_table_equals_the_registry(site, app, lang):
    request = localized(site, lang)
    localizer = request.localizer
    expected = [
        [
            cookie.name,
            localizer.translate(cookie.purpose),
            localizer.translate(cookie.category.title),
            lifetime_text(cookie, request),
        ]
        for cookie in site.registry.shopcms_cookies
    ]
    page = app.get(f"/{lang}/cookies")
    rows = [
        [" ".join(td.get_text(" ", strip=True).split()) for td in tr.select("td")]
        for tr in page.html.select("table.cookie-table tbody tr")
    ]
    assert rows == [[" ".join(text.split()) for text in row] for row in expected]
    assert {row[0] for row in rows} >= {"session", "cookie_consent", "recent", "known_visitor"}


@pytest.mark.parametrize(
    "lang, year, month",
    [("nl", "1 jaar", "30 dagen"), ("fr", "1 an", "30 jours"), ("en", "1 year", "30 days")],
)
def test_the_cookie_table_says_one_year_and_thirty_days(app, lang, year, month):
    page = app.get(f"/{lang}/cookies")
    lifetimes = {
        tr.select("td")[0].get_text(strip=True): tr.select("td")[3].get_text(strip=True)
        for tr in page.html.select("table.cookie-table tbody tr")
    }
    assert lifetimes["language"] == year
    assert lifetimes["recent"] == lifetimes["cart"] == month


@pytest.mark.parametrize(
    "lang, words",
    [
        ("nl", ["1 dag", "2 dagen", "1 jaar", "2 jaar", "Tot u uw browser sluit"]),
        ("fr", ["1 jour", "2 jours", "1 an", "2 ans", "Jusqu'à la fermeture de votre navigateur"]),
        ("en", ["1 day", "2 days", "1 year", "2 years", "Until you close your browser"]),
    ],
)
def test_a_lifetime_is_singular_for_one_and_plural_for_more(site, lang, words):
    request = localized(site, lang)
    lifetimes = [timedelta(days=n) for n in (1, 2, 365, 730)] + [None]
    said = [lifetime_text(SimpleNamespace(lifetime=t), request) for t in lifetimes]
    assert said == words
