"""The review terms: a policy page (``review-terms``) at /{lang}/review-terms in nl, fr and
en, loaded from content/ by ``shopcms init`` (idempotently, and into a database made
before the page existed), linked from every page's footer and from the review form."""

import shutil

import pytest

from tests.cli.test_cli import INI, open_app, run
from tests.conftest import DEFAULT_CONTENT, Browser

TITLES = {"nl": "Voorwaarden voor recensies", "fr": "Conditions des avis", "en": "Review terms"}


@pytest.mark.parametrize("lang", sorted(TITLES))
def test_the_review_terms_are_published_in_every_language(app, lang):
    page = app.get(f"/{lang}/review-terms")
    assert page.html.select_one("h1").get_text(strip=True) == TITLES[lang]
    text = page.html.select_one("main").get_text(" ", strip=True)
    assert "30" in text and "5" in text  # kept 30 days after withdrawal; 5 a day
    footer = app.get(f"/{lang}/").html.select_one("footer")
    assert footer.select_one(f'a[href="/{lang}/review-terms"]')


def test_the_terms_say_what_the_software_does():
    """What the English terms promise, against the code's own figures."""
    from shopcms.reviews.links import MAX_AGE
    from shopcms.reviews.workflow import REJECTION_REASONS, REPORTS_TO_PENDING
    from shopcms.reviews.writing import DAILY_LIMIT, TEXT_MAX, TEXT_MIN

    text = (DEFAULT_CONTENT / "pages" / "review-terms" / "en.md").read_text()
    assert f"at most {DAILY_LIMIT} reviews a day" in text
    assert f"{TEXT_MIN} to {TEXT_MAX:,} characters" in text
    assert f"works for {MAX_AGE // 86400} days" in text
    assert "three times" in text and REPORTS_TO_PENDING == 3
    assert len(REJECTION_REASONS) == 6  # off topic ... other: the six bullets
    assert text.count("\n- ") >= 6


def test_init_loads_them_once_and_into_an_existing_database(tmp_path, capsys, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT, content)
    terms = content / "pages" / "review-terms"
    kept = tmp_path / "review-terms"
    shutil.move(terms, kept)  # a database made before the review terms existed
    ini = tmp_path / "site.ini"
    ini.write_text(
        INI.format(dir=tmp_path / "var", pad="x" * 40) + f"shopcms.content = {content}\n"
    )
    monkeypatch.setenv("SHOPCMS_ADMIN_PASSWORD", "a chosen admin passphrase")
    assert "review-terms" not in run(capsys, "init", str(ini))[1]

    shutil.move(kept, terms)  # the new release's content/
    status, out, _err = run(capsys, "init", str(ini))
    assert status == 0
    for lang in ("nl", "fr", "en"):
        assert f"page review-terms [{lang}]: published" in out
    assert "review-terms" not in run(capsys, "init", str(ini))[1]  # once only
    assert open_app(str(ini)).get("/fr/review-terms").status_int == 200


def test_evolve_step_8_adds_them_to_a_site_without_and_keeps_a_sites_own(site):
    from shopcms.pages.evolve import review_terms
    from shopcms.web.clock import now

    with site.edit() as root:
        page = root["pages"]["review-terms"]
        page.save_draft("en", "Our own terms", "Edited.\n", "", "u-editor", now(site.registry))
        page.publish("en", now(site.registry), actor="u-editor")
        review_terms(root, site.registry)  # a site that has them keeps its own
        assert root["pages"]["review-terms"].in_force("en", now(site.registry)).title == (
            "Our own terms"
        )
        root["pages"].remove("review-terms", registry=site.registry)
    with site.edit() as root:
        review_terms(root, site.registry)  # a site made before them gets them
    page = Browser(site.wsgi).get("/en/review-terms")
    assert page.html.select_one("h1").get_text(strip=True) == TITLES["en"]
