"""The reset, registration and "new link" answers do the same work for a known and an
unknown address (issue 12, D8): the request stores one intent in the outbox, of the same
shape whatever the address, and composes nothing; the mail sender composes the mail, or
nothing for an address without an account, and then forgets that address."""

import pytest

from shopcms.mail import compose_waiting, get_outbox
from tests.accounts.test_registration import without_csrf
from tests.conftest import PASSWORD, Browser
from tests.outbox import intents, queued

KNOWN, UNKNOWN = "known@example.be", "unknown@example.be"


def outbox_entries(site):
    """``(composed?, intent keys)`` of every waiting mail."""

    def read(root):
        outbox = get_outbox(root)
        mails = outbox.mails() if outbox is not None else ()
        return [(m.composed, sorted(m.intent or ())) for m in mails]

    return site.read(read)


def nonces(site, address):
    return site.read(lambda root: dict(root["customers"].find(address).token_nonces))


def ask(site, path, formid, button, address, **fields):
    form = Browser(site.wsgi).get(path).forms[formid]
    form["email"] = address
    for name, value in fields.items():
        form[name] = value
    return form.submit(button, status=200)


FORMS = {
    "reset": ("/nl/reset", "reset", "send", {}),
    "resend": ("/nl/verify/resend", "resend", "send", {}),
    "register": ("/nl/register", "register", "register", {"password": PASSWORD}),
}


@pytest.mark.parametrize("which", sorted(FORMS))
def test_known_and_unknown_addresses_store_the_same_intent_and_compose_nothing(site, which):
    path, formid, button, fields = FORMS[which]
    site.add_account(KNOWN)
    if which == "resend":  # an account that still waits for its confirmation
        with site.edit() as root:
            root["customers"].find(KNOWN).email_verified = False
    before = nonces(site, KNOWN)

    known = ask(site, path, formid, button, KNOWN, **fields)
    unknown = ask(site, path, formid, button, UNKNOWN, **fields)

    assert without_csrf(known.text) == without_csrf(unknown.text)
    # One intent each, alike but for the address; nothing composed, no token made.
    first, second = intents(site)
    assert first.pop("address") == KNOWN and second.pop("address") == UNKNOWN
    assert first == second and first["lang"] == "nl"
    assert outbox_entries(site) == [(False, sorted([*first, "address"]))] * 2
    assert nonces(site, KNOWN) == before


def test_the_sender_composes_for_the_account_and_forgets_an_unknown_address(site):
    site.add_account(KNOWN)
    for address in (KNOWN, UNKNOWN):
        ask(site, *FORMS["reset"][:3], address)
    assert compose_waiting(site.registry) == 1
    [(to, mail)] = queued(site)
    assert to == KNOWN and mail["Subject"] == "Kies een nieuw wachtwoord voor Soft Cactus"
    # The unknown address is gone from the outbox: nothing composed, nothing kept.
    assert intents(site) == []
    raw = site.read(lambda root: [m.data for m in get_outbox(root).mails()])
    assert all(UNKNOWN.encode() not in data for data in raw)


def test_registration_mails_a_new_address_its_link_and_a_known_one_its_owner(site):
    site.add_account(KNOWN)
    for address in (KNOWN, "new@example.be"):
        ask(site, *FORMS["register"][:3], address, password=PASSWORD)
    subjects = {to: mail["Subject"] for to, mail in queued(site)}
    assert subjects == {
        KNOWN: "U hebt al een account bij Soft Cactus",
        "new@example.be": "Bevestig uw e-mailadres voor Soft Cactus",
    }
