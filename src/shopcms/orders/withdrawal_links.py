"""The withdrawal link of the shipped and delivered mails (``orders.withdrawal``).

A customer's link leads to their account's page (``/{lang}/account/withdrawal/NUMBER``); a
guest's is signed: its token (``web.tokens.sign``, the site secret, this purpose) names the
order and a digest of its access key (an erased order's new key kills the links of its old
mails), and is valid :data:`LINK_MAX_AGE` after the mail.  The delivered mail carries a
fresh one, so a link lasts well past the period (14 days after delivery, a weekend or a
holiday's extension).  It is not single-use: the customer may open it several times before
sending the form, and again to withdraw from what is left; each statement is recorded once
(``withdrawal.state_withdrawal``).
"""

import hashlib
import secrets

from shopcms.orders.mail import MailPart
from shopcms.orders.withdrawal import STATES
from shopcms.web import tokens
from shopcms.web.i18n import _

PURPOSE = "withdrawal-link"
#: Seconds a mailed link stays valid: 60 days after its mail.
LINK_MAX_AGE = 60 * 24 * 3600


def _key_digest(order):
    return hashlib.sha256(order.access_key.encode()).hexdigest()[:16]


def link_token(secret, order, now):
    """The token of the guest's withdrawal link of ``order``."""
    return tokens.sign(secret, PURPOSE, {"o": order.number, "k": _key_digest(order)}, now)


def order_for_token(secret, site, token, now):
    """``(order, None)`` for a genuine, unexpired link, else ``(None, tokens.FORGED or
    tokens.EXPIRED)``; an order gone or erased (its key changed) is FORGED."""
    payload, why = tokens.unsign(secret, PURPOSE, token, now, LINK_MAX_AGE)
    if payload is None:
        return None, why
    number, digest = payload.get("o"), payload.get("k")
    order = site["orders"].get(number) if isinstance(number, str) else None
    if (
        order is None
        or not isinstance(digest, str)
        or not secrets.compare_digest(_key_digest(order), digest)
    ):
        return None, tokens.FORGED
    return order, None


def withdrawal_url(request, order):
    """Where the customer of ``order`` states a withdrawal (absolute, in its language):
    their account's page, or for a guest the signed link."""
    lang = order.lang
    if order.customer is not None:
        return request.account_link("withdrawal", order.number, lang=lang, absolute=True)
    token = link_token(request.registry.settings["shopcms.secret"], order, request.now)
    return request.link(None, "withdrawal", token, lang=lang, absolute=True)


def mail_part(request, order):
    """The withdrawal link of the shipped and delivered mails (``add_order_mail_part``)."""
    if order.erased is not None or order.state not in STATES:
        return None
    return MailPart(
        heading=_("Changed your mind?"),
        text=_(
            "You may withdraw from your purchase within 14 days of the day after delivery, "
            "without giving a reason. State it online with the model withdrawal form:"
        ),
        links=((_("Withdraw from your purchase"), withdrawal_url(request, order)),),
    )


def includeme(config):
    config.add_order_mail_part("order_shipped", mail_part)
    config.add_order_mail_part("order_delivered", mail_part)
