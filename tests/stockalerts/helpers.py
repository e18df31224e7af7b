"""What the back-in-stock tests share: asking on the product page through its real form,
following the mailed confirmation link, the alerts as stored."""

import re

from shopcms.mail import send_queued
from tests.conftest import PASSWORD, Browser, login

OUT = "lithops-mix"  # the seed product out of stock
IN = "mammillaria-elongata"  # one in stock
LINK = re.compile(r"https?://\S+/stockalerts/confirm\?token=\S+")


def ask(app, address, lang="nl", product=OUT, status=303):
    """Post the product page's form with ``address``; the page it leads to (the product's,
    followed) or the refusal."""
    form = app.get(f"/{lang}/products/{product}").forms["stock-alert"]
    form["email"] = address
    answer = form.submit("notify", status=status)
    return answer.follow() if status == 303 else answer


def notice(page):
    """The notice the page shows, as its markup."""
    found = page.html.select("div.notice")
    assert len(found) == 1, found
    return str(found[0])


def deliver(site, smtp, count):
    """Send the outbox through the real SMTP server; the messages received so far."""
    send_queued(site.registry)
    return smtp.wait_for(count)


def text_of(message):
    return message.get_body(("plain",)).get_content()


def confirmation_link(message):
    """The path and query of the confirmation link in ``message``."""
    url = LINK.search(text_of(message)).group(0)
    return url.split("://", 1)[1].split("/", 1)[1].join(("/", ""))


def confirm(address_link, app=None, site=None):
    """Follow a confirmation link (GET) and press its button (POST); the answer."""
    app = app or Browser(site.wsgi)
    page = app.get(address_link, status=200)
    return page.forms["stock-alert-confirm"].submit("confirm", status=200)


def customer(site, email, lang="nl"):
    """A logged-in customer's browser."""
    site.add_account(email)
    app = Browser(site.wsgi)
    login(app, email, PASSWORD, lang=lang)
    return app


def stored(site, pid_name=OUT):
    """``{address: confirmed?}`` of the alerts of product ``pid_name`` (one per address)."""

    def read(root):
        pid = root["products"][pid_name].pid
        folder = root["stockalerts"]
        found = [(a.address, a.is_confirmed) for a in folder.alerts.values() if a.pid == pid]
        assert len(found) == len(dict(found)), found  # never two of one address
        return dict(found)

    return site.read(read)
