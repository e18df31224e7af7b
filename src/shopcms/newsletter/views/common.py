"""What the newsletter's pages share: a page that says one thing, and how to unsubscribe
by mail (the address and the sentence)."""

from shopcms.newsletter.campaign_mail import unsubscribe_address
from shopcms.newsletter.inbound.subjects import SENTENCES
from shopcms.web.i18n import _

MESSAGE_TEMPLATE = "shopcms.newsletter:templates/message.pt"


def unsubscribe_by_mail(request):
    """``(address, subject)`` of the mail that unsubscribes, in the page's language: the
    address of ``List-Unsubscribe``'s mailto: and the sentence the inbound reader matches,
    word for word as the contact page shows it."""
    sentence = SENTENCES.get(request.locale_name, SENTENCES["nl"])
    return unsubscribe_address(request.registry), sentence


def message_page(request, title, text, status=200, link=None, link_title=None):
    """A page saying ``title`` and ``text`` (with one link onward), answered with ``status``."""
    request.response.status = status
    request.override_renderer = MESSAGE_TEMPLATE
    return {
        "title": title,
        "text": text,
        "link": link or request.link(None, "newsletter"),
        "link_title": link_title or _("About the newsletter"),
    }
