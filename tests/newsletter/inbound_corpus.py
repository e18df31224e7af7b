"""Inbound mail as it arrives at info@softcactus.be: the corpus of the inbound tests.

Each :class:`Case` is a message written out as mail programs and mail servers write it
(raw bytes: encoded words, quoted-printable and base64 as they come), the subscriber that
sends it (or None), and what must happen: ``unsubscribed`` with a confirmation in ``lang``,
``suppressed`` without mail (bounce, automatic reply), or ``left`` unread for a person.
"""

from dataclasses import dataclass

SHOP = "info@softcactus.be"


@dataclass(frozen=True)
class Case:
    name: str
    sender: str  # the address whose fate the case decides
    subscribed: str | None  # the subscription's language, or None: not subscribed
    outcome: str  # "unsubscribed" (confirmation in lang), "suppressed", "left"
    lang: str | None  # the confirmation's language
    reason: str | None  # the suppression entry's reason
    raw: bytes


def message(headers, body):
    """Raw bytes with CRLF line ends, as the IMAP server stores them."""
    text = headers.strip("\n") + "\n\n" + body.strip("\n") + "\n"
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def plain(n, sender, subject, extra="", body="Groeten"):
    return message(
        f"""\
Return-Path: <{sender.split("<")[-1].strip(">")}>
Delivered-To: {SHOP}
From: {sender}
To: Soft Cactus <{SHOP}>
Subject: {subject}
Date: Tue, 1 Sep 2026 10:{n:02d}:00 +0200
Message-ID: <case-{n}@mail.example.net>
MIME-Version: 1.0
{extra}Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit
""",
        body,
    )


NL = "Ik wens geen algemene info van Soft Cactus meer te ontvangen"


def dsn(n, recipient, action, status, diagnostic):
    return message(
        f"""\
Return-Path: <>
Delivered-To: {SHOP}
From: Mail Delivery System <MAILER-DAEMON@mail.softcactus.be>
To: {SHOP}
Subject: Undelivered Mail Returned to Sender
Date: Tue, 1 Sep 2026 11:{n:02d}:00 +0200
Message-ID: <dsn-{n}@mail.softcactus.be>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="B-{n}"
""",
        f"""\
This is a MIME-encapsulated message.

--B-{n}
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.softcactus.be.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{recipient}>: {diagnostic}

--B-{n}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.softcactus.be
X-Postfix-Queue-ID: 4F1A2B3C4D
X-Postfix-Sender: rfc822; shop@softcactus.be
Arrival-Date: Tue,  1 Sep 2026 09:00:00 +0200

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; mx.example.be
Diagnostic-Code: smtp; {diagnostic}

--B-{n}
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Soft Cactus <shop@softcactus.be>
To: {recipient}
Subject: De nieuwsbrief van september
List-Id: <newsletter.softcactus.be>

--B-{n}--
""",
    )


CASES = [
    Case("plain ASCII subject", "jan@example.be", "nl", "unsubscribed", "nl", "mail",
         plain(1, "Jan Peeters <jan@example.be>", NL)),
    Case("quoted-printable encoded word (fr, typographic apostrophe)", "emilie@example.fr",
         "nl", "unsubscribed", "fr", "mail",
         plain(2, "=?UTF-8?Q?=C3=89milie_Dupr=C3=A9?= <emilie@example.fr>",
               "=?UTF-8?Q?Je_ne_souhaite_plus_recevoir_d=E2=80=99informations_g=C3=A9n=C3=A9"
               "rales_de_Soft_Cactus?=")),
    Case("base64 encoded word", "an@example.be", "en", "unsubscribed", "nl", "mail",
         plain(3, "An Janssens <an@example.be>",
               "=?utf-8?B?SWsgd2VucyBnZWVuIGFsZ2VtZW5lIGluZm8gdmFuIFNvZnQgQ2FjdHVzIG1lZXIgdGUgb250dmFuZ2Vu?=")),
    Case("RE: from Outlook, quoting the newsletter", "piet@example.be", "nl", "unsubscribed",
         "nl", "mail",
         plain(4, '"Piet Claes" <piet@example.be>', f"RE: {NL}",
               "In-Reply-To: <campaign-1@softcactus.be>\nThread-Topic: " + NL + "\n",
               "Graag uitschrijven.\n\n-----Oorspronkelijk bericht-----\nVan: Soft Cactus\n"
               "Onderwerp: De nieuwsbrief van september\n> Beste klant,")),
    Case("lower case", "lies@example.be", "nl", "unsubscribed", "nl", "mail",
         plain(5, "lies@example.be", NL.lower())),
    Case("fr without accents", "marc@example.fr", "fr", "unsubscribed", "fr", "mail",
         plain(6, "Marc <Marc@Example.FR>",
               "Je ne souhaite plus recevoir d'informations generales de Soft Cactus.")),
    Case("en", "tom@example.co.uk", "en", "unsubscribed", "en", "mail",
         plain(7, "Tom <tom@example.co.uk>",
               "I no longer wish to receive general information from Soft Cactus")),
    Case("Antw: and Doorst:", "sofie@example.be", "nl", "unsubscribed", "nl", "mail",
         plain(8, "Sofie <sofie@example.be>", f"Antw: Doorst: {NL}")),
    Case("TR : in ISO-8859-1 quoted-printable", "claire@example.fr", "fr", "unsubscribed", "fr",
         "mail",
         plain(9, "Claire <claire@example.fr>",
               "=?iso-8859-1?q?TR_=3A_Je_ne_souhaite_plus_recevoir_d=27informations_g=E9n=E9?=\n"
               " =?iso-8859-1?q?rales_de_Soft_Cactus?=")),
    Case("forwarded as an attachment (Fwd:)", "kate@example.com", "en", "unsubscribed", "en",
         "mail",
         message("""\
Return-Path: <kate@example.com>
From: Kate <kate@example.com>
To: info@softcactus.be
Subject: Fwd: I no longer wish to receive general information from Soft Cactus
Date: Tue, 1 Sep 2026 10:10:00 +0200
Message-ID: <case-10@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="fwd"
""", """\
--fwd
Content-Type: text/plain; charset=utf-8

Please take me off the list, see below.

--fwd
Content-Type: message/rfc822

From: Soft Cactus <shop@softcactus.be>
To: kate@example.com
Subject: The September newsletter

Dear customer,
--fwd--
""")),
    Case("HTML-only body", "bart@example.be", "nl", "unsubscribed", "nl", "mail",
         message(f"""\
Return-Path: <bart@example.be>
From: Bart <bart@example.be>
To: info@softcactus.be
Subject: {NL}
Date: Tue, 1 Sep 2026 10:11:00 +0200
Message-ID: <case-11@example.be>
MIME-Version: 1.0
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable
""", "<html><body><p>Dank u, en tot ziens.</p><p style=3D\"color:#333\">Bart</p></body></html>")),
    Case("DSN hard bounce 5.1.1", "gone@example.be", "nl", "suppressed", None, "bounce",
         dsn(12, "gone@example.be", "failed", "5.1.1",
             "550 5.1.1 <gone@example.be>: Recipient address rejected: User unknown")),
    Case("DSN soft bounce 4.2.2, delayed", "full@example.be", "nl", "left", None, None,
         dsn(13, "full@example.be", "delayed", "4.2.2",
             "452 4.2.2 <full@example.be>: Mailbox full")),
    Case("an unrelated question", "vraag@example.be", "nl", "left", None, None,
         plain(14, "Vera <vraag@example.be>", "Vraag over mijn bestelling 1042", "",
               "Wanneer wordt mijn bestelling geleverd?")),
    Case("a question quoting the sentence", "quote@example.be", "nl", "left", None, None,
         plain(15, "quote@example.be", f"{NL}, maar wel mijn facturen?")),
    Case("to the mailto: of List-Unsubscribe (Apple Mail)", "greet@example.be", "fr",
         "unsubscribed", "fr", "mail",
         plain(16, "Greet <greet@example.be>", "Unsubscribe", "",
               "This message was automatically generated by Mail.")),
    Case("automatic reply with the sentence: suppressed, never answered", "robot@example.be",
         "nl", "suppressed", None, "mail",
         plain(17, "robot@example.be", f"RE: {NL}",
               "Auto-Submitted: auto-replied\nX-Autoreply: yes\n", "Ik ben afwezig.")),
    Case("out-of-office reply to the newsletter", "wim@example.be", "nl", "left", None, None,
         plain(18, "Wim <wim@example.be>", "Afwezig: De nieuwsbrief van september",
               "Auto-Submitted: auto-replied\n", "Ik ben afwezig tot 15 september.")),
    Case("not subscribed, asks anyway", "nieuw@example.be", None, "unsubscribed", "nl", "mail",
         plain(19, "nieuw@example.be", NL)),
]  # fmt: skip
