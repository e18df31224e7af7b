"""The privacy statement's contests section and the record of processing say what the
software does (issue 15, privacy), in nl, fr and en.

Each test reads the published page through the site (``/{lang}/privacy``,
``/en/manage/privacy/purposes``), finds the claim in the page's language and checks it
against the code.  The claims and the tests that prove them:

- the data of an entry (name, postal address, email, answer, estimate, language, when,
  the campaign code), and nothing more: :func:`test_an_entry_holds_what_the_statement_lists`;
- the winners announced by first name, initial and town, the response counted per campaign
  code and day, never who: :func:`test_the_public_line_and_the_counts_say_no_more`; the
  public page: ``test_entering.py::test_the_announcement_shows_the_winners_public_lines_only``;
  the counts: ``test_response.py`` (the views, counted without a write, flushed per tag);
- consent by taking part; no purchase, account or newsletter needed:
  :func:`test_the_record_of_processing_says_what_the_statement_says`; the entry form,
  anonymous, its newsletter box unticked and only asking for a subscription:
  ``test_entering.py::test_an_entry_counts_once_its_mailed_link_is_followed``,
  ``::test_the_newsletter_box_only_asks_for_a_subscription``,
  ``::test_both_boxes_are_required_and_the_newsletter_box_is_not_ticked``;
- the retention (unconfirmed: 7 days or the closing; 60 days after the announcement; a
  winner's 60 days after delivery; counts and public lines stay): ``test_retention.py``,
  and ``entries.close`` (the unconfirmed go at closing):
  :func:`test_closing_deletes_the_unconfirmed_entries`;
- the confirmation and the winner's mail go even to an address that unsubscribed from
  the newsletter: :func:`test_the_mails_of_an_entry_go_to_an_unsubscribed_address`;
- export and erasure, a winner's line leaving the announcement, the counts staying:
  ``test_privacy.py``.
"""

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from shopcms.contests import entries, tokens, winner_mail
from shopcms.contests import mail as confirmation
from shopcms.contests.resources import Counts, Entry
from shopcms.newsletter import subscriptions
from shopcms.newsletter.api import FOOTER, may_mail
from shopcms.newsletter.resources import UNSUBSCRIBED_BY_LINK
from shopcms.privacy.purposes import CONSENT_PURPOSES, CONTESTS, PURPOSES, Basis
from shopcms.web.urls import linking_request
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Browser, login
from tests.contests.privacy_helpers import TAG, close_and_announce, enter, new_contest
from tests.newsletter.test_statement import section
from tests.outbox import queued

LANGS = ("nl", "fr", "en")
HEADINGS = {
    "nl": "Wedstrijden en acties",
    "fr": "Concours et actions",
    "en": "Contests and promotions",
}

#: The words each claim is made with, per language.
CLAIMS = {
    "name, postal address, email": {
        "nl": "uw naam, postadres en e-mailadres",
        "fr": "votre nom, votre adresse postale et votre adresse e-mail",
        "en": "your name, postal address and e-mail address",
    },
    "answer and estimate": {
        "nl": "uw antwoord op de wedstrijdvraag en uw schatting bij de schiftingsvraag",
        "fr": "votre réponse à la question du concours et votre estimation à la question "
        "subsidiaire",
        "en": "your answer to the contest question and your estimate for the tie-breaker",
    },
    "language and times": {
        "nl": "de taal waarin u deelnam, wanneer u deelnam en bevestigde",
        "fr": "la langue dans laquelle vous avez participé, quand vous avez participé et confirmé",
        "en": "the language you entered in, when you entered and confirmed",
    },
    "campaign code": {"nl": "campagnecode", "fr": "code de campagne", "en": "campaign code"},
    "first name, initial, town": {
        "nl": "alleen hun voornaam, de eerste letter van hun familienaam en hun woonplaats",
        "fr": "seulement leur prénom, l'initiale de leur nom de famille et leur localité",
        "en": "only their first name, the initial of their surname and their town",
    },
    "counts per campaign and day": {
        "nl": "per campagnecode en per dag alleen",
        "fr": "par code de campagne et par jour uniquement",
        "en": "per campaign code and per day, only",
    },
    "never who": {"nl": "nooit wie", "fr": "jamais qui", "en": "never who"},
    "consent by taking part": {
        "nl": "uw toestemming, die u geeft door deel te nemen",
        "fr": "votre consentement, que vous donnez en participant",
        "en": "your consent, which you give by taking part",
    },
    "no purchase, account or newsletter": {
        "nl": "nooit een aankoop, een account of een inschrijving op onze nieuwsbrief",
        "fr": "jamais d'achat, de compte ni d'inscription à notre newsletter",
        "en": "never requires a purchase, an account or a subscription to our newsletter",
    },
    "unconfirmed: 7 days or closing": {
        "nl": "niet bevestigt, wordt gewist zodra de bevestigingslink verloopt (na 7 dagen) "
        "of wij de wedstrijd afsluiten",
        "fr": "ne confirmez pas est effacée dès que le lien de confirmation expire (après 7 "
        "jours) ou que nous clôturons le concours",
        "en": "do not confirm is deleted as soon as its confirmation link expires (after 7 "
        "days) or we close the contest",
    },
    "60 days after the announcement": {
        "nl": "60 dagen nadat de winnaars bekendgemaakt zijn",
        "fr": "60 jours après l'annonce des gagnants",
        "en": "60 days after the winners are announced",
    },
    "winner: 60 days after delivery": {
        "nl": "van een winnaar 60 dagen nadat de prijs geleverd is",
        "fr": "d'un gagnant 60 jours après la livraison de son prix",
        "en": "a winner's name, address and e-mail address 60 days after the prize was delivered",
    },
    "what stays": {
        "nl": "blijven alleen de tellingen per campagnecode en per dag en de bekendmaking",
        "fr": "il ne reste que les comptages par code de campagne et par jour et l'annonce",
        "en": "only the counts per campaign code and per day and the announcement",
    },
    "mails despite unsubscribing": {
        "nl": "wij sturen ze ook als u zich voor onze nieuwsbrief hebt uitgeschreven",
        "fr": "nous les envoyons même si vous vous êtes désinscrit(e) de notre newsletter",
        "en": "we send them even if you unsubscribed from our newsletter",
    },
    "carrier": {
        "nl": "de vervoerder, die daarvoor uw naam en adres krijgt",
        "fr": "le transporteur, qui reçoit pour cela votre nom et votre adresse",
        "en": "the carrier, which receives your name and address",
    },
    "export": {
        "nl": "in de download van uw gegevens op de pagina van uw account",
        "fr": "dans le téléchargement de vos données sur la page de votre compte",
        "en": "in the download of your data on your account page",
    },
    "erased with the account": {
        "nl": "gewist wanneer u uw account verwijdert",
        "fr": "effacées lorsque vous supprimez votre compte",
        "en": "erased when you delete your account",
    },
    "a winner's line goes": {
        "nl": "dan verdwijnt die winnaar ook uit de bekendmaking",
        "fr": "sa mention dans l'annonce des gagnants disparaît aussi",
        "en": "their line in the announcement of the winners goes too",
    },
    "counts remain": {
        "nl": "De tellingen blijven: ze zeggen niet wie deelnam",
        "fr": "Les comptages restent : ils ne disent pas qui a participé",
        "en": "The counts remain: they do not say who took part",
    },
}


@pytest.fixture(scope="module")
def statements(tmp_path_factory):
    """``{lang: (contests section text, newsletter section text)}`` as published."""
    from tests.conftest import make_site
    from tests.newsletter.test_statement import HEADINGS as NEWSLETTER

    site = make_site(tmp_path_factory.mktemp("statement"))
    app = Browser(site.wsgi)
    found = {}
    for lang in LANGS:
        page = app.get(f"/{lang}/privacy")
        found[lang] = (section(page, HEADINGS[lang])[0], section(page, NEWSLETTER[lang])[0])
    site.close()
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_the_section_makes_every_claim_in_its_language(statements, lang):
    text, _newsletter = statements[lang]
    missing = [claim for claim, words in CLAIMS.items() if words[lang] not in text]
    assert missing == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_newsletter_section_no_longer_stops_the_mails_of_an_entry(statements, lang):
    """Unsubscribing stops the newsletters; the contest mails asked for by entering go on
    (the newsletter's own claims: tests/newsletter/test_statement.py)."""
    _text, newsletter = statements[lang]
    stopped = {
        "nl": "geen nieuwsbrieven of wedstrijdmails meer",
        "fr": "aucune newsletter ni aucun e-mail de concours",
        "en": "no more newsletters or contest mails",
    }
    assert stopped[lang] not in newsletter
    kept = {
        "nl": "noch op de wedstrijdmails die u vraagt door aan een wedstrijd deel te nemen",
        "fr": "ni sur les e-mails de concours que vous demandez en participant à un concours",
        "en": "nor on the contest mails you ask for by entering a contest",
    }
    assert kept[lang] in newsletter


def test_an_entry_holds_what_the_statement_lists():
    """Every field of an entry is one the statement names (or a technical value that says
    nothing about the entrant): a new field fails here until the statement names it."""
    named = {
        "name": "name",
        "street": "postal address",
        "postcode": "postal address",
        "city": "postal address",
        "country": "postal address",
        "email": "email",
        "email_key": "email (normalised, to refuse a second entry)",
        "postal_key": "postal address (normalised, one entry per household)",
        "lang": "the language",
        "answer": "the answer",
        "estimate": "the estimate",
        "created": "when sent",
        "confirmed": "when confirmed",
        "tag": "the campaign code",
        "prize_delivered": "when the prize was delivered (the winner's retention)",
        "disqualified": "the organiser's decision in the ranking (the rules)",
        "key": "technical: time-ordered key",
        "nonce": "technical: makes the link single-use",
    }
    assert {f.name for f in dataclasses.fields(Entry)} == set(named)


def test_the_public_line_and_the_counts_say_no_more(site):
    """The announcement: first name, initial, town.  The counts: per (tag, day), three
    numbers, nobody's identity."""
    assert entries.public_line(type("E", (), {"name": "Anna de Smet", "city": "Gent"})) == (
        "Anna S.",
        "Gent",
    )
    assert set(vars(Counts())) == {"views", "started", "confirmed"}
    now = datetime.now(UTC)
    noon = (now - timedelta(days=2)).replace(hour=12, minute=0)  # one day for both entries
    with site.edit() as root:
        contest = new_contest(root, "c", opens=now - timedelta(days=5), closes=now)
        enter(contest, noon)
        enter(contest, noon + timedelta(hours=1), confirm=False)
        counts = {key: (c.started.value, c.confirmed.value) for key, c in contest.response.items()}
        assert counts == {(TAG, noon.date().isoformat()): (2, 1)}


def test_closing_deletes_the_unconfirmed_entries(site):
    now = datetime.now(UTC)
    with site.edit() as root:
        contest = new_contest(root, "c", opens=now - timedelta(days=5), closes=now)
        kept = enter(contest, now - timedelta(days=2))
        enter(contest, now - timedelta(days=1), confirm=False)  # sent 1 day ago: link valid
        close_and_announce(contest, now)
        assert set(contest.entries) == {kept.key}


def test_the_record_of_processing_says_what_the_statement_says(site):
    purpose = PURPOSES[CONTESTS]
    assert purpose.basis is Basis.CONSENT and purpose.consent_by_act
    assert CONTESTS not in CONSENT_PURPOSES  # given by entering, not by a switch
    assert timedelta(seconds=tokens.MAX_AGE) == timedelta(days=7)
    assert timedelta(days=60) == entries.KEPT_AFTER
    admin = Browser(site.wsgi)
    login(admin, ADMIN_EMAIL, ADMIN_PASSWORD, lang="en")
    page = admin.get("/en/manage/privacy/purposes")
    row = " ".join(page.html.select_one("#purpose-contests").get_text(" ", strip=True).split())
    for words in (
        "Taking part in a contest",
        "Consent",
        "Name, postal address, email address",
        "the campaign tag of the link",
        "when its link expires (7 days) or when the contest is closed",
        "60 days after the winners are announced",
        "60 days after the prize was delivered",
        "first name, initial and town",
        "never who",
        "never requires a purchase, an account or a newsletter subscription",
        "The carrier, for a winner's prize: name and postal address",
    ):
        assert words in row


def test_the_mails_of_an_entry_go_to_an_unsubscribed_address(site):
    """The confirmation link and the winner's notice answer the entrant's own request: an
    address that unsubscribed from the newsletter still gets them."""
    address = "gone.from.the.newsletter@example.be"
    now = datetime.now(UTC)
    before = len(queued(site))
    with site.edit() as root:
        newsletter = root["newsletter"]
        found = subscriptions.ask(newsletter, address, "nl", FOOTER, now)
        subscriptions.confirm(newsletter, found, now, "nl", site.registry)
        subscriptions.unsubscribe(
            newsletter, found, UNSUBSCRIBED_BY_LINK, "test", "nl", now, site.registry
        )
        assert not may_mail(root, address)
        contest = new_contest(root, "c", opens=now - timedelta(days=5), closes=now)
        entrant = enter(contest, now - timedelta(days=2), email=address)
    with site.edit() as root:  # the contest is stored: its mails go in its outbox
        contest = root["contests"]["c"]
        entry = contest.entries[entrant.key]
        confirmation.queue_confirmation(linking_request(site.registry), contest, entry)
        winner_mail.queue(site.registry, contest, entry)
    mails = [to for to, _message in queued(site)][before:]
    assert len(mails) == 2 and all(address in to for to in mails)
