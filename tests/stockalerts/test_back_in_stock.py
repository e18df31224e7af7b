"""Back in stock (issue 19, acceptance 5): three subscribers get exactly one mail each, in
their language, when an editor raises the stock from 0 through the desk's real form; none
before, none after; a guest who never confirmed gets none.  Mail leaves through a real
SMTP server."""

from tests.conftest import PASSWORD, Browser, login
from tests.stockalerts.helpers import (
    OUT,
    ask,
    confirm,
    confirmation_link,
    customer,
    deliver,
    stored,
    text_of,
)

SUBJECTS = {
    "nl": "Weer op voorraad: ",
    "fr": "De retour en stock : ",
    "en": "Back in stock: ",
}


def editor(site):
    app = Browser(site.wsgi)
    site.add_account("edits@example.be", roles=("editor",))
    login(app, "edits@example.be", PASSWORD)
    return app


def set_stock(desk, stock):
    form = desk.get(f"/nl/manage/products/{OUT}/edit").forms["product"]
    form["stock"] = str(stock)
    form.submit("save", status=303)


def test_each_confirmed_subscriber_gets_one_mail_in_their_language(site, smtp):
    guests = {"an@example.be": "nl", "bea@example.be": "fr"}
    for address, lang in guests.items():
        ask(Browser(site.wsgi), address, lang=lang)
    ask(Browser(site.wsgi), "dirk@example.be", lang="nl")  # never confirms
    ask(customer(site, "cees@example.be", lang="en"), "cees@example.be", lang="en")

    confirmations = deliver(site, smtp, 3)  # the guests' confirmation mails, none for cees
    assert sorted(m.rcpt_tos[0] for m in confirmations) == sorted([*guests, "dirk@example.be"])
    for mail in confirmations:
        if mail.rcpt_tos[0] in guests:
            assert mail.message["Content-Language"] == guests[mail.rcpt_tos[0]]
            confirm(confirmation_link(mail.message), site=site)
    assert stored(site) == {
        "an@example.be": True,
        "bea@example.be": True,
        "cees@example.be": True,
        "dirk@example.be": False,
    }
    assert len(deliver(site, smtp, 3)) == 3  # nothing more before the stock comes back

    desk = editor(site)
    set_stock(desk, 4)
    received = deliver(site, smtp, 6)[3:]
    langs = {**guests, "cees@example.be": "en"}
    assert sorted(m.rcpt_tos[0] for m in received) == sorted(langs)
    for mail in received:
        lang = langs[mail.rcpt_tos[0]]
        assert mail.message["Content-Language"] == lang
        # (Header folding makes the French narrow no-break space a plain space.)
        assert " ".join(mail.message["Subject"].split()).startswith(SUBJECTS[lang])
        assert f"/{lang}/products/{OUT}" in text_of(mail.message)
    assert stored(site) == {"dirk@example.be": False}  # the mailed alerts are gone

    set_stock(desk, 6)
    set_stock(desk, 0)
    set_stock(desk, 5)
    deliver(site, smtp, 6)
    assert len(smtp.received) == 6  # none more
