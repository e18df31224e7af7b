"""The public balance page: ``/{lang}/giftcard``.

A form with the code (``schemas.BalanceSchema``); its POST shows what the card holds
now: its remaining balance, its value, until when it can be spent (the date in the
visitor's language; an expired card's balance is still shown, with that it expired) and
its movements (issued, spent, given back: when and how much, never the orders).  A
code that cannot be one (length, characters) and a code no card has are each told in
words (400), and the form is shown again, empty.

Whoever holds the code may read this, nobody else: the code travels only in the POST's
body (never in an address, so never in an access log or a referrer), is never written
back into the page (the card is named by its last four characters), and the page is
private (``Cache-Control: no-store``).  Its address holds no secret (always
``/{lang}/giftcard``), so it keeps the site's referrer policy: ``secret_address`` would
start a session for every visitor of a page linked from every footer (and a page sent
with ``no-referrer`` gets ``Origin: null`` on its form's next POST).  The POST writes
nothing.

Guessing codes is hopeless (80 random bits, ``codes``), and :data:`TRIES` makes it slower
still: :data:`LIMIT` tries per client in :data:`WINDOW` seconds (``web.limits``: a keyed
hash of the client's address, in memory, per process), then 429 with ``Retry-After``.
"""

from shopcms.giftcards import api
from shopcms.giftcards.schemas import BalanceSchema
from shopcms.giftcards.views.common import card_values
from shopcms.tree.site import Site
from shopcms.web.forms import Button, FormView, form_view
from shopcms.web.i18n import _
from shopcms.web.limits import Throttle, client
from shopcms.web.security import VIEW

VIEW_NAME = "giftcard"
FORMID = "giftcard-balance"
TEMPLATE = "shopcms.giftcards:templates/balance.pt"

LIMIT, WINDOW = 10, 600
TRIES = Throttle(LIMIT, WINDOW)
#: Salts the client's hash: this limit cannot be joined with the others.
PURPOSE = "shopcms.giftcards.balance"

TOO_MANY = _(
    "You asked for gift card balances too often from this connection. Please wait ten "
    "minutes and try again."
)


@form_view(
    context=Site,
    route_name="public",
    name=VIEW_NAME,
    permission=VIEW,
    renderer=TEMPLATE,
)
class BalancePage(FormView):
    """The page and its POST (see the module)."""

    schema = BalanceSchema
    formid = FORMID
    buttons = (Button("check", _("Show the balance")),)

    def action(self):
        return self.request.link(None, VIEW_NAME)

    def values(self):
        return {"result": None}

    def submit(self):
        # Counted before anything is read: a malformed or unknown code is a try too.
        if not TRIES.allow(client(self.request, PURPOSE)):
            self.form = self.make()
            self.request.response.headers["Retry-After"] = str(WINDOW)
            return self.refuse(TOO_MANY, status=429)
        return super().submit()

    def succeeded(self, appstruct):
        # A code that cannot be one was refused by its field (``schemas``).
        card = api.find(self.request.root, appstruct["code"])
        if card is None:
            return self.refuse(api.explain(self.request, api.UNKNOWN))
        # The form again, empty: the code is not written back into the page.
        return self.page(self.make().render(), result=card_values(self.request, card))
