"""Asking for an alert: ``POST /{lang}/products/NAME/stock-alert`` (the form under "Out of
stock" on the product page, ``stockalerts.form``).

The answer is the same for every address (new, waiting, confirmed, a customer's): one
notice in the page's language and a redirect to the product (303).  What was done depends
on who asks, decided here and never shown in the shared page: the logged-in customer
whose account's address was given is subscribed at once (``alerts.ask`` with the account),
anyone else gets a waiting alert and the confirmation mail's intent (composed by the
sender: only a waiting alert gets a link).  One transaction; asking again changes nothing
but the waiting alert's language and time (no second alert of a product and address).

Refused, nothing stored: an address that is not one (400, the form again with its
message), a product in stock or hidden (400, a page saying so; a visitor who may not see a
hidden product gets the site's 404).  The GET of the address shows the same form on a page
of its own (a private page: the product page's form is the one visitors see).
"""

from pyramid.httpexceptions import HTTPSeeOther

from shopcms.products.api import Product
from shopcms.stockalerts import alerts, form
from shopcms.stockalerts.mail import queue_confirmation
from shopcms.web.forms import FormView, form_view
from shopcms.web.i18n import _, pick
from shopcms.web.notices import notice
from shopcms.web.security import VIEW

TEMPLATE = "shopcms.stockalerts:templates/ask.pt"
MESSAGE_TEMPLATE = "shopcms.stockalerts:templates/message.pt"

#: The one answer to every accepted request, whatever the address (byte for byte).
ASKED = _(
    "Thank you. We mail you once when this product is back in stock. If your address still "
    "needs confirming, you first get a mail with a link: follow it."
)


def message_page(request, title, text, status, link, link_title):
    """A page saying ``title`` and ``text`` with one link onward, answered with ``status``."""
    request.response.status = status
    request.override_renderer = MESSAGE_TEMPLATE
    return {"title": title, "text": text, "link": link, "link_title": link_title}


def own_account(request, address):
    """The logged-in visitor's id when ``address`` is their account's address, else None:
    an alert is never confirmed for a mailbox the visitor has not proven."""
    email = getattr(request.identity, "email", None)
    if not email:
        return None
    try:
        same = alerts.normalise(email) == alerts.normalise(address)
    except ValueError:
        return None
    return request.identity.__name__ if same else None


@form_view(
    context=Product, route_name="public", name=form.VIEW_NAME, permission=VIEW, renderer=TEMPLATE
)
class AskAlert(FormView):
    """The form's page and its POST (see the module)."""

    formid = form.FORMID

    def make(self):
        return form.make(self.request, self.action())

    def action(self):
        return self.request.link(self.context, form.VIEW_NAME)

    def values(self):
        request, product = self.request, self.context
        return {
            "title": pick(product.titles, request)[1] or product.sku,
            "product": product,
            "product_url": request.link(product),
        }

    def _unavailable(self):
        """The page refusing an alert for a product in stock or hidden, or None."""
        request, product = self.request, self.context
        if product.published and not product.in_stock:
            return None
        if product.published:
            text = _("This product is in stock: you can order it now. No alert is needed.")
        else:
            text = _("This product is not for sale at the moment: no alert can be set for it.")
        title = pick(product.titles, request)[1] or product.sku
        return message_page(
            request,
            _("No alert for this product"),
            text,
            400,
            request.link(product),
            _("Back to ${product}", mapping={"product": title}),
        )

    def show(self):
        return self._unavailable() or super().show()

    def submit(self):
        return self._unavailable() or super().submit()

    def succeeded(self, appstruct):
        request, product = self.request, self.context
        address = appstruct["email"]
        site, account = request.root, own_account(request, address)
        try:
            alert = alerts.ask(
                site["stockalerts"],
                product.pid,
                address,
                request.locale_name,
                request.now,
                account=account,
            )
        except ValueError:
            return self.refuse(_("Enter a valid email address."), appstruct)
        if account is None:  # the same intent for every address: its composer decides
            queue_confirmation(request, site, alert)
        notice(request, ASKED)
        return HTTPSeeOther(location=request.link(product))
