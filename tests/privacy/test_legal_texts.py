"""Invoices are kept 10 years (issue 17): the privacy statement, the terms and the record of
processing say so in nl, fr and en, no longer 7; the changed texts reach an existing site as
drafts for its editors; the erasure page says that invoices stay."""

import re

import pytest

from shopcms.pages.content import LOADER, load_pages, read_page_file
from shopcms.privacy.purposes import (
    BANK_TRANSFERS,
    BUSINESS,
    INVOICES,
    ORDER,
    PURPOSES,
    WITHDRAWALS,
    Basis,
)
from shopcms.web.clock import now
from tests.conftest import DEFAULT_CONTENT, PASSWORD, login

TEN = {"nl": "10 jaar", "fr": "10 ans", "en": "10 years"}
SEVEN = re.compile(r"\b7 (jaar|ans|years)\b|zeven jaar|sept ans|seven years", re.I)

#: What the shop shipped before issue 17 (commit a61ffae): the 7 years' texts.
EARLIER_RELEASE = {
    ("privacy", "nl"): "c224726e61524ccd7d0c12c35ec31df206c004ff0ed9e0781ace46e327cab15d",
    ("privacy", "fr"): "81dd754aa4b48158d47d9e947a1b88634fb2367fcccea22274a80d525dff5a34",
    ("privacy", "en"): "fa976df87b9813d6c289a65cffa9986143a9a5581be0a1cdda9c7fd824f1b07c",
    ("terms", "nl"): "2b6118f2dae03b684d863b3a115a863ac887a8a416c76002451dbec2f38dc795",
    ("terms", "fr"): "e0fde664a40f248f3a3bc944e6dccb3046636ce45c48487dae390df5ebbda41c",
    ("terms", "en"): "91b0ffa87e8e2ba7becbf87bcbd77bea51748cd8fdbdf4d715203c389d5ee0e4",
}


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
@pytest.mark.parametrize("name", ["privacy", "terms"])
def test_the_seed_texts_say_10_years_and_never_7(name, lang):
    _title, body, _digest = read_page_file(DEFAULT_CONTENT / "pages" / name / f"{lang}.md")
    assert TEN[lang] in body
    assert not SEVEN.search(body)


LAW = {
    "nl": ("artikel 60 van het Btw-wetboek", "20 november 2022", "Peppol", "IBAN"),
    "fr": ("article 60 du Code de la TVA", "20 novembre 2022", "Peppol", "IBAN"),
    "en": ("article 60 of the VAT Code", "20 November 2022", "Peppol", "IBAN"),
}


def test_the_privacy_statement_names_the_law_and_the_new_data(app):
    for lang, words in LAW.items():
        page = app.get(f"/{lang}/privacy").html.select_one("article.page")
        text = page.get_text(" ", strip=True)
        assert all(word in text for word in words)
        assert TEN[lang] in text and not SEVEN.search(text)


def test_an_existing_site_gets_the_new_texts_as_drafts_for_its_editors(site):
    """A site made before shows the 7 years' texts as an earlier release loaded them:
    ``shopcms load-content`` offers the new ones as drafts, once; what is in force stays."""
    registry = site.registry

    def as_the_earlier_release_left_it(root):
        for (name, lang), digest in EARLIER_RELEASE.items():
            root["pages"][name].loaded_hashes[lang] = digest

    def in_force(root):
        return {
            (name, lang): root["pages"][name].in_force(lang, now(registry)).number
            for name, lang in EARLIER_RELEASE
        }

    with site.edit() as root:
        as_the_earlier_release_left_it(root)
        before = in_force(root)
    with site.edit() as root:
        loaded = load_pages(root, DEFAULT_CONTENT, ("nl", "fr", "en"), now(registry), update=True)
    assert {(item.page, item.lang, item.action) for item in loaded} == {
        (name, lang, "draft") for name, lang in EARLIER_RELEASE
    }
    with site.edit() as root:
        assert in_force(root) == before
        for name, lang in EARLIER_RELEASE:
            draft = root["pages"][name].draft(lang)
            assert draft.author == LOADER
            assert TEN[lang] in draft.body and not SEVEN.search(draft.body)
        # Loading again adds nothing: the drafts are there.
        again = load_pages(root, DEFAULT_CONTENT, ("nl", "fr", "en"), now(registry), update=True)
    assert again == []


def test_the_record_of_processing_keeps_orders_and_invoices_10_years():
    assert "10 years" in PURPOSES[ORDER].retention
    for name in (INVOICES, BUSINESS, WITHDRAWALS, BANK_TRANSFERS):
        assert "10 years" in PURPOSES[name].retention
        assert "erasure" in PURPOSES[name].retention
    assert PURPOSES[INVOICES].basis is Basis.LEGAL
    assert "20 November 2022" in PURPOSES[INVOICES].retention
    assert not any(
        SEVEN.search(str(text))
        for purpose in PURPOSES.values()
        for text in (purpose.description, purpose.data, purpose.retention)
    )


def test_the_record_of_processing_page_says_10_years(site, app):
    site.add_account("admin2@example.be", roles=("admin",))
    login(app, "admin2@example.be", PASSWORD)
    for lang in ("nl", "fr", "en"):
        page = app.get(f"/{lang}/manage/privacy/purposes")
        for name in (ORDER, INVOICES, BUSINESS, WITHDRAWALS, BANK_TRANSFERS):
            row = page.html.select_one(f"#purpose-{name}").get_text(" ", strip=True)
            assert TEN[lang] in row and not SEVEN.search(row)


KEPT = {
    "nl": "Facturen worden 10 jaar bewaard, zoals de wet vereist",
    "fr": "Les factures sont conservées 10 ans, comme l'exige la loi",
    "en": "Invoices are kept 10 years as the law requires",
}


def test_the_erasure_page_says_invoices_are_kept_10_years(site, app):
    site.add_account("leaving@example.be")
    login(app, "leaving@example.be", PASSWORD)
    for lang, sentence in KEPT.items():
        page = app.get(f"/{lang}/account/delete")
        kept = " ".join(page.html.select_one("#invoices-kept").get_text().split())
        assert kept.startswith(sentence)
        assert not SEVEN.search(page.html.select_one("main").get_text(" "))
