"""The newsletter as new users meet it, in a real browser, with mail over real SMTP.

A French visitor subscribes from the footer, receives the confirmation mail (aiosmtpd) and
confirms through its link; an editor writes a campaign in Dutch, French and English, looks
at the French preview and sends it; the sending queues it, the sender delivers it, and the
French subscriber receives the French version with the list headers of RFC 2369, 2919 and
8058.  Screenshots: the footer form, the campaign editor, the preview and the received mail
as a mail program shows its HTML.
"""

import re
from urllib.parse import unquote

from shopcms.mail import send_queued
from shopcms.newsletter import sending
from shopcms.newsletter.inbound.subjects import SENTENCES
from tests.browser.conftest import SCREENSHOTS, link_in, open_page
from tests.browser.test_smoke import expect
from tests.conftest import PASSWORD
from tests.newsletter.campaign_setup import subscriber

FRENCH = "camille@example.be"
EDITOR = "redactie@example.be"
VERSIONS = {
    "nl": ("Winter bij Soft Cactus", "Onze **wintercactussen** zijn er. [Bekijk ze]({base}/nl/)."),
    "fr": ("L'hiver chez Soft Cactus", "Nos **cactus d'hiver** sont arrivés. [Voir]({base}/fr/)."),
    "en": ("Winter at Soft Cactus", "Our **winter cacti** arrived. [Have a look]({base}/en/)."),
}


def test_subscribe_in_french_confirm_and_receive_the_french_campaign(
    shop, smtp, browser, browser_log, screenshot
):
    site, base = shop
    # Two subscribers of other languages, confirmed before: they get their own versions.
    subscriber(site, "jan@example.be", "nl")
    subscriber(site, "emma@example.be", "en")

    # The French visitor subscribes from the footer of the home page.
    visitor = open_page(browser, browser_log, base, "fr-BE")
    visitor.goto("/fr/")
    footer = visitor.locator("form#newsletter-footer")
    footer.locator("input[type=email]").fill(FRENCH)
    screenshot(visitor, "footer-form-fr")
    footer.locator("button").click()
    visitor.wait_for_load_state()
    expect(visitor.locator("main")).to_contain_text(FRENCH)

    # The confirmation mail, in French, over SMTP; its link opens a page with a button.
    assert send_queued(site.registry).sent == 1
    (confirmation,) = smtp.wait_for(1)
    assert list(confirmation.rcpt_tos) == [FRENCH]
    assert "Confirmez votre inscription" in confirmation.message["Subject"]
    visitor.goto(link_in(confirmation.message, "/fr/newsletter/confirm?token="))
    visitor.locator("main form button").click()
    visitor.wait_for_load_state()
    state = site.read(lambda root: root["newsletter"].by_address.get(FRENCH))
    assert state is not None
    assert site.read(lambda root: root["newsletter"].subscriptions[state].state) == "active"

    # The editor writes the campaign in three languages and features a product.
    site.add_account(EDITOR, roles=("editor",))
    editor = open_page(browser, browser_log, base, "nl-BE")
    editor.goto("/nl/login")
    editor.fill("form#login input[name=email]", EDITOR)
    editor.fill("form#login input[name=password]", PASSWORD)
    editor.locator("form#login button[name=login]").click()
    editor.wait_for_load_state()
    editor.goto("/nl/manage/newsletter/add")
    editor.fill("#new-campaign-title", "Winter")
    editor.locator("form#new-campaign button[name=add]").click()
    editor.wait_for_load_state()
    for lang, (subject, body) in VERSIONS.items():
        editor.fill(f"#campaign-{lang}-subject", subject)
        editor.fill(f"#campaign-{lang}-body", body.format(base=base))
    editor.locator("form#campaign input[type=checkbox]").first.check()
    screenshot(editor, "campaign-editor-nl")
    editor.locator("form#campaign button[name=save]").click()
    editor.wait_for_load_state()
    (name,) = site.read(lambda root: list(root["newsletter"]))

    editor.goto(f"/nl/manage/newsletter/{name}/preview?lang=fr")
    expect(editor.frame_locator("iframe.mail-preview").locator("body")).to_contain_text(
        "cactus d'hiver"
    )
    screenshot(editor, "campaign-preview-fr")
    # Chromium leaves a sandboxed frame blank in a full-page picture: the frame on its own.
    frame = SCREENSHOTS / "test_newsletter--campaign-preview-fr-frame.png"
    editor.locator("iframe.mail-preview").screenshot(path=str(frame))

    editor.goto(f"/nl/manage/newsletter/{name}")
    send_now = editor.locator("form#campaign-send-now")
    send_now.locator("input[type=checkbox]").check()
    send_now.locator("button").click()
    editor.wait_for_load_state()

    # The timer's work (or `shopcms send-campaign`), then the mail sender's.
    report = sending.send(site.registry)
    assert [run.queued for run in report.campaigns] == [3]
    assert send_queued(site.registry).sent == 3
    received = {tuple(m.rcpt_tos): m.message for m in smtp.wait_for(4)[1:]}
    message = received[(FRENCH,)]
    assert message["Subject"] == VERSIONS["fr"][0]
    assert received[("jan@example.be",)]["Subject"] == VERSIONS["nl"][0]
    assert received[("emma@example.be",)]["Subject"] == VERSIONS["en"][0]
    https, mailto = (part.strip() for part in message["List-Unsubscribe"].split(","))
    assert re.fullmatch(rf"<{re.escape(base)}/fr/unsubscribe\?token=[^>\s]+>", https)
    assert mailto.startswith("<mailto:info@softcactus.be?subject=")
    assert unquote(mailto[len("<mailto:info@softcactus.be?subject=") : -1]) == SENTENCES["fr"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] == "<newsletter.softcactus.be>"

    # The received mail as a mail program shows it: no remote image, the unsubscribe link.
    html = message.get_body(("html",)).get_content()
    assert "<img" not in html
    reader = open_page(browser, browser_log, base, "fr-BE")  # a blank page: no site policy
    reader.set_content(html)
    expect(reader.locator("body")).to_contain_text("cactus d'hiver")
    assert reader.locator(f"a[href*='{base}/fr/unsubscribe?token=']").count() >= 1
    screenshot(reader, "received-campaign-fr")
    browser_log.assert_clean()
