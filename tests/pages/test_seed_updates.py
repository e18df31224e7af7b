"""Evolve steps 10 and 12: an existing site gets the privacy statement and contact page that
describe the newsletter (10), then the statement that describes the contests (12), where it
still shows an earlier seed text untouched; a text its editors changed stays theirs."""

from shopcms.pages.content import LOADER, read_page_file
from shopcms.pages.earlier_seed import EARLIER
from shopcms.pages.evolve import contest_texts, newsletter_texts
from shopcms.web.clock import now
from tests.conftest import DEFAULT_CONTENT, Browser


def as_an_earlier_release_left_it(page, lang, when, title="Privacy statement (2026-11)"):
    """``page`` in ``lang`` as a site made with an earlier release shows it: the loader
    published that release's text, and nobody touched it since."""
    [earlier] = sorted(EARLIER[(page.__name__, lang)])[:1]
    page.save_draft(lang, title, "Older seed text.\n", "", LOADER, when)
    page.publish(lang, when, actor=LOADER)
    page.loaded_hashes[lang] = earlier


def test_step_10_publishes_the_new_texts_where_the_seed_is_untouched(site):
    registry, when = site.registry, now(site.registry)
    with site.edit() as root:
        pages = root["pages"]
        for lang in ("nl", "fr", "en"):
            as_an_earlier_release_left_it(pages["privacy"], lang, when)
        as_an_earlier_release_left_it(pages["contact"], "fr", when, "Contact (2026-11)")
        # An editor changed the Dutch contact page: it stays theirs.
        as_an_earlier_release_left_it(pages["contact"], "nl", when, "Contact (2026-11)")
        pages["contact"].save_draft("nl", "Ons contact", "Eigen tekst.\n", "", "u-editor", when)
        pages["contact"].publish("nl", when, actor="u-editor")
        # The English contact page was loaded from a text no release shipped: left alone.
        pages["contact"].save_draft("en", "Contact (local)", "Local.\n", "", LOADER, when)
        pages["contact"].publish("en", when, actor=LOADER)
        pages["contact"].loaded_hashes["en"] = "0" * 64

    with site.edit() as root:
        newsletter_texts(root, registry)
        newsletter_texts(root, registry)  # a second run changes nothing more

    app = Browser(site.wsgi)
    for lang in ("nl", "fr", "en"):
        title, _body, digest = read_page_file(DEFAULT_CONTENT / "pages" / "privacy" / f"{lang}.md")
        page = app.get(f"/{lang}/privacy")
        assert page.html.select_one("h1").get_text(strip=True) == title
        assert "Older seed text" not in page.text
        assert site.read(lambda root, lang=lang: root["pages"]["privacy"].loaded_hashes[lang]) == (
            digest
        )
    assert "Soft Cactus" in app.get("/fr/pages/contact").html.select_one("main").get_text()
    assert "Older seed text" not in app.get("/fr/pages/contact").text
    assert app.get("/nl/pages/contact").html.select_one("h1").get_text(strip=True) == "Ons contact"
    assert app.get("/en/pages/contact").html.select_one("h1").get_text(strip=True) == (
        "Contact (local)"
    )
    published = site.read(
        lambda root: [r.number for r in root["pages"]["privacy"].all_revisions("en")]
    )
    assert len(published) == 3  # the seed, the earlier release's, the new text: once


def test_the_earlier_texts_are_not_the_current_ones():
    """The current seed text is never listed as an earlier one (else step 10 would skip it,
    or a later step replace it unasked)."""
    for (name, lang), hashes in EARLIER.items():
        digest = read_page_file(DEFAULT_CONTENT / "pages" / name / f"{lang}.md")[2]
        assert digest not in hashes


#: The privacy statement as step 10 left it (commit c4690e5), before the contests' section.
NEWSLETTER_STATEMENT = {
    "nl": "0b871704ff1df4cdc19acf3c98fa23c41922fe8d53c4f214be3cdc6f522ed8dd",
    "fr": "8c5861376f9954a2f8b1fa424a17265a340e85591e1a613961617dd289aff805",
    "en": "e9f039a46395c266fa0f03739d84964350ec09d31832fb67b488900bcc1aa8cf",
}


def test_step_12_publishes_the_contests_statement_where_the_seed_is_untouched(site):
    registry, when = site.registry, now(site.registry)
    with site.edit() as root:
        privacy = root["pages"]["privacy"]
        for lang in ("nl", "fr"):
            privacy.save_draft(lang, "Privacy (2026-12)", "Step 10's text.\n", "", LOADER, when)
            privacy.publish(lang, when, actor=LOADER)
            privacy.loaded_hashes[lang] = NEWSLETTER_STATEMENT[lang]
            assert NEWSLETTER_STATEMENT[lang] in EARLIER[("privacy", lang)]
        # The English statement was edited by the shop after step 10: it stays theirs.
        privacy.loaded_hashes["en"] = NEWSLETTER_STATEMENT["en"]
        privacy.save_draft("en", "Our privacy", "Our own words.\n", "", "u-editor", when)
        privacy.publish("en", when, actor="u-editor")

    with site.edit() as root:
        contest_texts(root, registry)
        contest_texts(root, registry)  # a second run changes nothing more

    app = Browser(site.wsgi)
    sections = {"nl": "Wedstrijden en acties", "fr": "Concours et actions"}
    for lang, heading in sections.items():
        page = app.get(f"/{lang}/privacy")
        assert "Step 10's text" not in page.text
        assert heading in [h.get_text(strip=True) for h in page.html.select("h2")]
        digest = read_page_file(DEFAULT_CONTENT / "pages" / "privacy" / f"{lang}.md")[2]
        assert site.read(lambda root, lang=lang: root["pages"]["privacy"].loaded_hashes[lang]) == (
            digest
        )
    assert app.get("/en/privacy").html.select_one("h1").get_text(strip=True) == "Our privacy"
    published = site.read(
        lambda root: [r.number for r in root["pages"]["privacy"].all_revisions("nl")]
    )
    assert len(published) == 3  # the seed, step 10's, the new text: once
