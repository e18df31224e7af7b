"""The review's mails through a real SMTP server: received, published (with the product's
link), rejected (with the reason in the author's language and the moderator's text), in
the language of the page the review was written on, whoever causes them; none for a
review without an address, none for a hide, a report, spam or a withdrawal; what the
author wrote is escaped in the HTML part."""

import pytest
from pyramid.request import Request, apply_request_extensions
from pyramid.threadlocal import manager

from shopcms.mail import send_queued
from shopcms.reviews.moderation import rejection_comment, report
from shopcms.reviews.workflow import REVIEW_WORKFLOW
from shopcms.reviews.writing import write
from tests.reviews.factory import plant

TEXT = "Une tasse solide qui garde le café chaud longtemps."


def plain(received):
    return received.message.get_body(("plain",)).get_content()


def html(received):
    return received.message.get_body(("html",)).get_content()


def mails(site, smtp):
    """The mails the outbox sends now (those queued so far)."""
    before = len(smtp.received)
    sent = send_queued(site.registry).sent
    return smtp.wait_for(before + sent)[before:]


def planted(site, mail_language="fr", **kw):
    """A pending review (as the form would leave it) whose author read the shop in
    ``mail_language``; returns its path in the reviews folder."""
    with site.edit() as root:
        review = plant(root, site.registry, root["products"]["mug-cafe"].pid, **kw)
        review.mail_language = mail_language
        return review.__parent__.__name__, review.__name__


def move(site, key, transition, comment=""):
    with site.edit() as root:
        review = root["reviews"][key[0]][key[1]]
        REVIEW_WORKFLOW.transition(review, None, transition, actor="system:test", comment=comment)


def write_on_page(site, lang, **data):
    """Write a guest's review as the form on a ``/{lang}/`` page does (``writing.write``)."""
    with site.edit() as root:
        request = Request.blank(f"/{lang}/")
        request.registry = site.registry
        apply_request_extensions(request)
        request.matchdict = {"lang": lang}
        request.root = root
        manager.push({"registry": site.registry, "request": request})
        try:
            review = write(
                request,
                root["products"]["mug-cafe"],
                "order:2026-000042",
                author=None,
                name="Marie Dubois",
                email="marie@example.be",
                **{"rating": 5, "title": "Très bien", "text": TEXT, "language": "nl", **data},
                display="first-initial",
            )
        finally:
            manager.pop()
        return review.mail_language


def test_received_is_sent_when_a_review_is_written_in_the_page_language(site, smtp):
    # Written in Dutch, on a French page: the mails are French.
    assert write_on_page(site, "fr", language="nl") == "fr"
    [received] = mails(site, smtp)
    assert received.message["To"] == "marie@example.be"
    assert 'lang="fr"' in html(received)
    assert TEXT in plain(received) and "Très bien" in plain(received)
    assert "/fr/review-terms" in plain(received)


def test_published_on_approve_and_show_with_the_product_link(site, smtp):
    key = planted(site)
    move(site, key, "approve")
    [published] = mails(site, smtp)
    assert published.message["Subject"] == "Votre avis est publié"
    assert "http://127.0.0.1:6543/fr/products/mug-cafe" in plain(published)
    assert 'href="http://127.0.0.1:6543/fr/products/mug-cafe"' in html(published)
    assert "info@softcactus.be" in plain(published)  # a guest withdraws by asking us
    move(site, key, "hide")  # no mail for a hide
    assert mails(site, smtp) == []
    move(site, key, "show")
    [again] = mails(site, smtp)
    assert again.message["Subject"] == published.message["Subject"]


def test_rejected_names_the_reason_in_the_authors_language_and_the_moderators_text(site, smtp):
    key = planted(site, mail_language="nl")
    comment = rejection_comment("personal-data", "Uw telefoonnummer staat in de tekst.")
    move(site, key, "reject", comment)
    [rejected] = mails(site, smtp)
    text = plain(rejected)
    assert rejected.message["Subject"] == "Uw recensie werd niet gepubliceerd"
    assert "Ze bevat persoonsgegevens" in text
    assert "Uw telefoonnummer staat in de tekst." in text
    assert "/nl/review-terms" in text


def test_no_mail_for_spam_reports_withdrawal_or_a_review_without_address(site, smtp):
    spam = planted(site)
    move(site, spam, "spam")
    withdrawn = planted(site, author="someone", name="Someone Else")
    move(site, withdrawn, "withdraw")
    reported = planted(site, title="Reported")
    move(site, reported, "approve")
    assert len(mails(site, smtp)) == 1  # the approval only
    with site.edit() as root:
        review = root["reviews"][reported[0]][reported[1]]
        for _ in range(3):
            report(review, "rude", None)
        assert review.workflow_state == "pending"
    assert mails(site, smtp) == []
    anonymous = planted(site, email=None, order="2026-000077")
    move(site, anonymous, "approve")
    assert mails(site, smtp) == []


@pytest.mark.parametrize(
    "payload",
    [
        '<script>alert("x")</script>',
        "<img src=x onerror=alert(1)>",
        '"><svg onload=alert(1)>',
        "</textarea><a href=javascript:alert(1)>x</a>",
    ],
)
def test_what_the_author_wrote_is_escaped_in_the_html_part(site, smtp, payload):
    write_on_page(site, "en", title=payload, text=payload + " " + TEXT)
    [received] = mails(site, smtp)
    body = html(received)
    assert payload not in body
    assert "&lt;" in body and "<script" not in body and "<img" not in body
    assert "<svg" not in body and "javascript:alert(1)>" not in body
    assert payload in plain(received)  # the plain text shows it as typed: nothing runs there
    key = next(
        (folder.__name__, review.__name__)
        for folder in site.read(lambda root: list(root["reviews"].values()))
        for review in folder.values()
    )
    move(site, key, "reject", rejection_comment("other", payload))
    [rejected] = mails(site, smtp)
    assert payload not in html(rejected) and payload in plain(rejected)
