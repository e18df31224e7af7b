"""What the newsletter's pages share: a page that says one thing, and the unsubscribe
sentences that a mail may carry instead of a click."""

from shopcms.web.i18n import _

MESSAGE_TEMPLATE = "shopcms.newsletter:templates/message.pt"

#: The subject that unsubscribes by mail, word for word as the contact page shows it
#: (``shopcms process-inbound`` matches it): in each language, Dutch for the others.
SENTENCES = {
    "nl": "Ik wens geen algemene info van Soft Cactus meer te ontvangen",
    "fr": "Je ne souhaite plus recevoir d'informations générales de Soft Cactus",
    "en": "I no longer wish to receive general information from Soft Cactus",
}

#: The address a mail with that subject goes to (``List-Unsubscribe``'s mailto:).
UNSUBSCRIBE_ADDRESS = "shopcms.newsletter.unsubscribe_address"
DEFAULT_UNSUBSCRIBE_ADDRESS = "info@softcactus.be"


def unsubscribe_by_mail(request):
    """``(address, subject)`` of the mail that unsubscribes, in the page's language."""
    address = request.registry.settings.get(UNSUBSCRIBE_ADDRESS) or DEFAULT_UNSUBSCRIBE_ADDRESS
    return address, SENTENCES.get(request.locale_name, SENTENCES["nl"])


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
