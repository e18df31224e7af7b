"""What a message means: the subject's sentence, a DSN's hard bounces, automatic mail."""

from email import message_from_bytes
from email import policy as email_policy

import pytest

from shopcms.newsletter.inbound import bounces, subjects
from shopcms.newsletter.inbound.classify import BOUNCE, LEFT, UNSUBSCRIBE, classify
from shopcms.newsletter.inbound.mailbox import header_of
from tests.newsletter.inbound_corpus import NL, SHOP, dsn, message, plain

FR = "Je ne souhaite plus recevoir d'informations générales de Soft Cactus"
EN = "I no longer wish to receive general information from Soft Cactus"
QP = "=?UTF-8?Q?Je_ne_souhaite_plus_recevoir_d'informations_g=C3=A9n=C3=A9rales_de_Soft_Cactus?="
B64 = "=?utf-8?B?SWsgd2VucyBnZWVuIGFsZ2VtZW5lIGluZm8gdmFuIFNvZnQgQ2FjdHVzIG1lZXIgdGUgb250dmFuZ2Vu?="


@pytest.mark.parametrize(
    ("subject", "lang"),
    [
        (NL, "nl"),
        (FR, "fr"),
        (EN, "en"),
        (NL.upper(), "nl"),
        (f"Re: RE: Fwd: FW: Fw: {NL}", "nl"),
        (f"Antw: Doorst: {NL}", "nl"),
        (f"TR : RE : {FR}", "fr"),
        (f"Réf. : {FR}", "fr"),
        (f"AW: WG: RV: {EN}", "en"),
        (f"Re[2]: Re (3): {EN}", "en"),
        (f'"{NL}."', "nl"),
        (f"«{FR}»", "fr"),
        (f"  {EN}!!  ", "en"),
        ("Je ne souhaite plus recevoir d’informations générales de Soft Cactus", "fr"),
        ("je ne souhaite plus recevoir d informations generales de soft cactus", "fr"),
        ("Ik  wens geen\talgemene info van Soft Cactus\r\n meer te ontvangen", "nl"),
        (QP, "fr"),
        (B64, "nl"),
        ("ＩＫ WENS GEEN ALGEMENE INFO VAN SOFT CACTUS MEER TE ONTVANGEN", "nl"),  # fullwidth
        # Not the sentence: more, less, or a prefix that is not one.
        (f"{NL}, wel mijn facturen", None),
        ("Ik wens geen algemene info van Soft Cactus", None),
        (f"Vraag: {NL}", None),
        (f"Re {NL}", None),
        ("Ik wens wel algemene info van Soft Cactus te ontvangen", None),
        ("", None),
        (None, None),
        ("=?bogus?Q?broken", None),
    ],
)  # fmt: skip
def test_a_subject_means_unsubscribe_only_when_it_is_a_sentence_of_the_contact_page(subject, lang):
    assert subjects.language(subject) == lang


def test_the_sentences_are_those_of_the_brief():
    assert subjects.SENTENCES == {"nl": NL, "fr": FR, "en": EN}


def parse(raw):
    return message_from_bytes(raw, policy=email_policy.default)


def test_a_hard_bounce_names_its_final_recipient():
    raw = dsn(1, "Gone@Example.be", "failed", "5.1.1", "550 5.1.1 User unknown")
    assert bounces.hard_bounces(parse(raw)) == ["Gone@Example.be"]
    assert classify(parse(raw), SHOP) == classify(parse(raw), SHOP, dedicated=True)
    assert classify(parse(raw), SHOP).kind == BOUNCE
    assert classify(parse(raw), SHOP).addresses == ("gone@example.be",)


@pytest.mark.parametrize(
    ("action", "status"),
    [("delayed", "4.2.2"), ("failed", "4.4.7"), ("delivered", "2.0.0"), ("relayed", "2.0.0")],
)
def test_a_delay_a_temporary_failure_or_a_success_is_no_hard_bounce(action, status):
    raw = dsn(1, "full@example.be", action, status, "452 4.2.2 Mailbox full")
    assert bounces.is_report(parse(raw))
    assert bounces.hard_bounces(parse(raw)) == []
    assert classify(parse(raw), SHOP).kind == LEFT


def test_a_bounce_that_is_no_dsn_is_left_for_a_person():
    raw = plain(1, "MAILER-DAEMON@example.net", "Undeliverable: De nieuwsbrief", "",
                "Status: 5.1.1\nAction: failed\nFinal-Recipient: rfc822; x@example.be")  # fmt: skip
    assert bounces.hard_bounces(parse(raw)) == []
    assert classify(parse(raw), SHOP).kind == LEFT


def test_a_dsn_with_two_recipients_names_only_the_failed_one():
    raw = dsn(1, "gone@example.be", "failed", "5.1.1", "550 User unknown")
    raw = raw.replace(
        b"Final-Recipient: rfc822; gone@example.be",
        b"Final-Recipient: rfc822; later@example.be\r\nAction: delayed\r\nStatus: 4.4.1\r\n"
        b"\r\nFinal-Recipient: rfc822; gone@example.be",
    )
    assert bounces.hard_bounces(parse(raw)) == ["gone@example.be"]


def test_the_request_is_the_from_address_never_reply_to():
    raw = plain(1, "Jan <jan@example.be>", NL, "Reply-To: victim@example.be\n")
    verdict = classify(parse(raw), SHOP)
    assert (verdict.kind, verdict.addresses, verdict.lang, verdict.answer) == (
        UNSUBSCRIBE,
        ("jan@example.be",),
        "nl",
        True,
    )


@pytest.mark.parametrize(
    "headers",
    [
        "Auto-Submitted: auto-replied\n",
        "Auto-Submitted: auto-generated; foo=bar\n",
        "X-Autoreply: yes\n",
        "Precedence: bulk\n",
    ],
)
def test_an_automatic_request_unsubscribes_but_is_never_answered(headers):
    verdict = classify(parse(plain(1, "robot@example.be", NL, headers)), SHOP)
    assert (verdict.kind, verdict.answer) == (UNSUBSCRIBE, False)


def test_a_null_sender_is_never_answered():
    raw = plain(1, "robot@example.be", NL).replace(
        b"Return-Path: <robot@example.be>", b"Return-Path: <>"
    )
    assert classify(parse(raw), SHOP).answer is False
    assert classify(parse(plain(1, "robot@example.be", NL, "Auto-Submitted: no\n")), SHOP).answer


def test_mail_to_the_unsubscribe_address_needs_an_unsubscribe_subject_unless_dedicated():
    question = parse(plain(1, "jan@example.be", "Herroeping bestelling 1042"))
    asked = parse(plain(1, "jan@example.be", "Uitschrijven"))
    assert classify(question, SHOP).kind == LEFT  # info@ receives every question
    assert classify(asked, SHOP).kind == UNSUBSCRIBE and classify(asked, SHOP).lang is None
    assert classify(question, SHOP, dedicated=True).kind == UNSUBSCRIBE
    # Not sent to the unsubscribe address: the word alone is not enough.
    assert classify(asked, "uitschrijven@softcactus.be").kind == LEFT
    elsewhere = parse(plain(1, "jan@example.be", "Hallo", "X-Original-To: off@softcactus.be\n"))
    assert classify(elsewhere, "off@softcactus.be", dedicated=True).kind == UNSUBSCRIBE


def test_mail_from_the_shop_itself_or_from_nobody_is_left_for_a_person():
    own = parse(plain(1, "Soft Cactus <shop@softcactus.be>", NL))
    assert classify(own, SHOP, own_addresses=("Soft Cactus <shop@softcactus.be>",)).kind == LEFT
    nobody = parse(message("From: undisclosed-recipients:;\nSubject: " + NL, "x"))
    assert classify(nobody, SHOP).kind == LEFT
    two = parse(message("From: a@example.be, b@example.be\nSubject: " + NL, "x"))
    assert classify(two, SHOP).kind == LEFT


@pytest.mark.parametrize("eol", [b"\r\n", b"\n"])
def test_the_header_of_a_message_ends_at_its_first_empty_line(eol):
    raw = eol.join([b"From: a@example.be", b"Subject: x", b"", b"body", b"", b"more"])
    assert header_of(raw) == eol.join([b"From: a@example.be", b"Subject: x", b"", b""])
    assert header_of(b"Subject: only a header") == b"Subject: only a header"
