"""The privacy statement's section on the alerts and the record of processing say what the
code does, in nl, fr and en: 7 days to confirm (the link's life, the unconfirmed alert's
retention), 12 months for a confirmed alert, deletion once mailed, consent as the basis."""

from datetime import timedelta

import pytest

from shopcms.privacy.purposes import PURPOSES, STOCK_ALERTS, Basis
from shopcms.stockalerts import alerts
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Browser, login
from tests.newsletter.test_statement import section

HEADINGS = {
    "nl": "Meldingen 'weer op voorraad'",
    "fr": "Alertes de retour en stock",
    "en": "Back-in-stock alerts",
}
CLAIMS = {
    "nl": ("7 dagen", "12 maanden", "zodra de e-mail verstuurd is", "toestemming", "link"),
    "fr": ("7 jours", "12 mois", "dès l'envoi de l'e-mail", "consentement", "lien"),
    "en": ("7 days", "12 months", "as soon as the e-mail is sent", "consent", "link"),
}


def test_the_code_keeps_what_the_statement_says():
    assert timedelta(seconds=alerts.CONFIRM_MAX_AGE) == timedelta(days=7)
    assert timedelta(days=365) == alerts.KEPT
    purpose = PURPOSES[STOCK_ALERTS]
    assert purpose.basis is Basis.CONSENT and purpose.consent_by_act


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_statement_makes_every_claim_in_its_language(app, lang):
    text, _links = section(app.get(f"/{lang}/privacy"), HEADINGS[lang])
    assert [claim for claim in CLAIMS[lang] if claim not in text] == []


def test_the_record_of_processing_lists_the_alerts(site):
    admin = Browser(site.wsgi)
    login(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
    page = admin.get("/en/manage/privacy/purposes")
    card = page.html.select_one(f"#purpose-{STOCK_ALERTS}")
    row = " ".join(card.get_text(" ", strip=True).split())
    for words in ("Email address, the product", "not confirmed after 7 days", "12 months"):
        assert words in row
