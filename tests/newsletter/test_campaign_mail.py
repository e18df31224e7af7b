"""The campaign mail: the subscriber's language, the sanitised body, the counted links
(per campaign and link, never per person), the list headers of RFC 2369, 2919 and 8058,
and nobody gets it who should not."""

import re
from urllib.parse import quote

from shopcms.mail import get_outbox
from shopcms.newsletter import subscriptions, suppression, tokens
from shopcms.newsletter.resources import BOUNCED, UNSUBSCRIBED_BY_LINK
from shopcms.web.clock import now
from tests.newsletter.campaign_setup import (
    campaign,
    mug_id,
    queue_campaign_mail,
    subscriber,
)
from tests.outbox import queued

SECRET = "test-secret-" + "x" * 40


def html(message):
    return message.get_body(("html",)).get_content()


def text(message):
    return message.get_body(("plain",)).get_content()


def test_the_mail_carries_the_list_headers_in_their_exact_shapes(site):
    key = subscriber(site, "Marie@Example.be", "fr")
    name = campaign(site, products=[mug_id(site)])
    queue_campaign_mail(site, name, key)
    ((to, message),) = queued(site)
    assert to == "Marie@Example.be"
    assert message["Subject"] == "Nouvelles d'hiver"
    # RFC 2369: the https link first, then the mailto: with the unsubscribe sentence.
    sentence = quote("Je ne souhaite plus recevoir d'informations générales de Soft Cactus")
    found = re.fullmatch(
        r"<(https?://[^>]+/fr/unsubscribe\?token=([^>]+))>, "
        r"<mailto:info@softcactus\.be\?subject=" + re.escape(sentence) + ">",
        str(message["List-Unsubscribe"]),
    )
    assert found, message["List-Unsubscribe"]
    link, token = found.groups()
    # RFC 8058 and RFC 2919.
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] == "<newsletter.softcactus.be>"
    # The token in the header is the subscriber's own genuine link token.
    found = site.read(
        lambda root: tokens.read_link_token(SECRET, root["newsletter"].subscriptions, token)
    )
    assert found is not None and found.key == key
    # The footer shows the unsubscribe and the preferences links, in both parts.
    for part in (html(message).replace("&amp;", "&"), text(message)):
        assert link in part
        assert f"/fr/newsletter/preferences?token={token}" in part
    # The featured product: name, price, through the counter.
    assert "Tasse Café Cactus" in text(message) and "13,50" in text(message)
    # No image at all: no remote image, no tracking pixel.
    assert "<img" not in html(message)
    # As SMTP carries it: the URLs as they are, on one line (never RFC 2047 encoded words).
    (raw,) = site.read(lambda root: [m.data for m in get_outbox(root).mails()])
    assert f"\r\nList-Unsubscribe: <{link}>, <mailto:".encode() in raw


def test_the_settings_name_the_unsubscribe_address_and_the_list(tmp_path):
    from tests.conftest import make_site

    site = make_site(
        tmp_path,
        **{
            "shopcms.newsletter.unsubscribe_address": "uit@example.be",
            "shopcms.newsletter.list_id": "nieuws.example.be",
        },
    )
    try:
        key = subscriber(site, "jan@example.be", "nl")
        queue_campaign_mail(site, campaign(site), key)
        ((_to, message),) = queued(site)
        assert "<mailto:uit@example.be?subject=Ik%20wens%20geen" in message["List-Unsubscribe"]
        assert message["List-Id"] == "<nieuws.example.be>"
    finally:
        site.close()


def test_a_subscriber_gets_their_language_else_the_fallback_of_the_i18n_order(site):
    french = subscriber(site, "fr@example.be", "fr")
    english = subscriber(site, "en@example.be", "en")  # no English version: Dutch, the first
    name = campaign(site)
    queue_campaign_mail(site, name, french)
    queue_campaign_mail(site, name, english)
    by_address = dict(queued(site))
    assert by_address["fr@example.be"]["Subject"] == "Nouvelles d'hiver"
    assert "Bonjour" in text(by_address["fr@example.be"])
    assert by_address["en@example.be"]["Subject"] == "Winternieuws"
    assert "Hallo" in text(by_address["en@example.be"])
    assert 'lang="nl"' in html(by_address["en@example.be"])


def test_links_are_counted_per_campaign_and_link_never_per_person(site):
    first = subscriber(site, "a@example.be", "nl")
    second = subscriber(site, "b@example.be", "nl")
    name = campaign(site)
    queue_campaign_mail(site, name, first)
    queue_campaign_mail(site, name, second)
    (_a, one), (_b, two) = queued(site)

    def counted(message):
        return re.findall(r"https?://[^\s\"<>]*/newsletter/go/[^\s\"<>]*", html(message))

    assert counted(one) == [f"http://127.0.0.1:6543/nl/newsletter/go/{name}/0"]
    assert counted(one) == counted(two)
    assert "https://shop.example/nl" not in html(one)  # only through the counter
    assert f"/nl/newsletter/go/{name}/0" in text(one)


def test_a_link_to_a_page_of_the_shop_written_as_a_path_reaches_it_from_the_mail(site):
    key = subscriber(site, "a@example.be", "nl")
    versions = {"nl": {"subject": "Nieuw", "body": "Zie [de aloë](/nl/products/aloe-vera)."}}
    name = campaign(site, versions=versions)
    links = site.read(lambda root: list(root["newsletter"][name].links))
    assert links == ["http://127.0.0.1:6543/nl/products/aloe-vera"]
    queue_campaign_mail(site, name, key)
    ((_to, message),) = queued(site)
    assert f'href="http://127.0.0.1:6543/nl/newsletter/go/{name}/0"' in html(message)
    assert 'href="/nl/' not in html(message)


def test_a_script_in_a_body_does_not_survive(site):
    key = subscriber(site, "a@example.be", "nl")
    versions = {
        "nl": {
            "subject": "Let op",
            "body": "Hallo <script>alert('x')</script>\n\n[klik](javascript:alert(1))\n\n"
            '<img src="https://tracker.example/p.gif">',
        }
    }
    queue_campaign_mail(site, campaign(site, versions=versions), key)
    ((_to, message),) = queued(site)
    body = html(message)
    assert "<script" not in body and 'href="javascript' not in body
    # Nothing the mail client would fetch: no tag with a source.
    assert "<img" not in body and not re.search(r"<[^>]+\ssrc=", body)
    assert "&lt;script&gt;" in body  # shown as the text it was, never run


def test_no_campaign_mail_for_a_pending_an_unsubscribed_or_a_suppressed_subscriber(site):
    pending = subscriber(site, "pending@example.be", "nl", confirm=False)
    gone = subscriber(site, "gone@example.be", "nl")
    bounced = subscriber(site, "bounced@example.be", "nl")
    name = campaign(site)
    for key in (pending, gone, bounced):
        queue_campaign_mail(site, name, key)
    when = now(site.registry)
    with site.edit() as root:
        newsletter = root["newsletter"]
        found = subscriptions.find(newsletter, "gone@example.be")
        subscriptions.unsubscribe(
            newsletter, found, UNSUBSCRIBED_BY_LINK, "newsletter-one-click", "nl", when,
            site.registry,
        )  # fmt: skip
        # Still an active subscription, but the address bounced: the last check says no.
        suppression.suppress(newsletter, "Bounced@example.be", BOUNCED, when)
    assert queued(site) == []


def test_no_mail_when_the_campaign_is_gone(site):
    key = subscriber(site, "a@example.be", "nl")
    name = campaign(site)
    queue_campaign_mail(site, name, key)
    with site.edit() as root:
        root["newsletter"].remove(name)
    assert queued(site) == []
