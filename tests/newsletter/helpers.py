"""What the newsletter's page tests share: subscribing through the pages, the mailed
links, and reading the subscriptions."""

import re

from shopcms.newsletter import subscriptions, suppression, tokens
from shopcms.newsletter.resources import FOOTER
from shopcms.web.clock import now
from tests.outbox import queued

SECRET = "test-secret-" + "x" * 40
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/(?:nl|fr|en)/newsletter/confirm\?token=[^\s\"<]+)")
TOKEN_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*(")')


def subscribe(app, address, lang="nl", status=200):
    """Send the newsletter page's form (as the footer's posts) with ``address``."""
    form = app.get(f"/{lang}/newsletter").forms["newsletter"]
    form["email"] = address
    return form.submit("subscribe", status=status)


def confirm_links(site, address):
    """The confirmation links mailed to ``address`` so far, oldest first (paths)."""
    links = []
    for to, message in queued(site):
        if to == address:
            text = message.get_body(("plain",)).get_content()
            links += CONFIRM_LINK.findall(text)
    return links


def find(site, address):
    """``(state, lang, source, account)`` of the subscription of ``address``, or None."""

    def read(root):
        found = subscriptions.find(root["newsletter"], address)
        return None if found is None else (found.state, found.lang, found.source, found.account)

    return site.read(read)


def active_keys(site):
    """The keys of the subscriptions a campaign would go to (active ones)."""

    def read(root):
        return {k for k, s in root["newsletter"].subscriptions.items() if s.active}

    return site.read(read)


def suppressed(site, address):
    return site.read(lambda root: suppression.is_suppressed(root["newsletter"], address))


def suppression_list(site):
    return site.read(lambda root: sorted(root["newsletter"].suppression.keys()))


def active_subscription(site, address, lang="nl"):
    """An active subscription of ``address`` made through the model; returns its link
    token (the preferences and unsubscribe links' ``token``)."""
    when = now(site.registry)
    with site.edit() as root:
        newsletter = root["newsletter"]
        subscription = subscriptions.ask(newsletter, address, lang, FOOTER, when)
        subscriptions.confirm(newsletter, subscription, when, lang, site.registry)
        return tokens.link_token(SECRET, subscription)


def without_tokens(html):
    """A page with its CSRF tokens blanked (they differ between two visitors)."""
    return TOKEN_VALUE.sub(r"\1\2", html)
