"""The gift cards desk: ``/{lang}/manage/giftcards/`` (``MANAGE_ORDERS``: ``desk``).

- GET: the cards newest first, :data:`desk.PER_PAGE` a page (``?page=N``): ``•••• last4``,
  value, what remains, valid until, the order that bought it (a link to the order desk's
  page) and when it was issued; and the search form.
- POST ``search``: the card with that full code (the form is a POST so that the code is
  never in an address or an access log; the card is found by its digest), shown with its
  movements and their orders; a code that cannot be one or that no card has answers 400
  with the message in the staff member's language.  Nothing is written.
"""

import colander
from pyramid.view import view_config

from shopcms.giftcards import api, desk
from shopcms.giftcards.resources import GiftCards
from shopcms.giftcards.schemas import SearchSchema
from shopcms.giftcards.views.common import card_values, masked
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import _, ngettext

MANAGE = {"context": GiftCards, "route_name": "manage", "permission": desk.PERMISSION}
TEMPLATE = "shopcms.giftcards:templates/manage/giftcards.pt"
PAGE = colander.SchemaNode(colander.Int(), validator=colander.Range(min=1, max=100_000))


def search_form(request, folder):
    return make_form(
        request,
        SearchSchema,
        (Button("search", _("Find the card")),),
        "giftcard-search",
        request.manage_link(folder, "search"),
        css_class="search",
    )


def _page_number(request):
    try:
        return PAGE.deserialize(request.GET.get("page", colander.null))
    except colander.Invalid:
        return 1


def order_link(request, number):
    """The order desk's page of order ``number`` (None: a card without an order)."""
    return request.manage_link(None, "orders", number) if number else None


def list_values(request, folder, page, form_html, found=None):
    listed = desk.list_page(folder, page)
    return {
        "listed": listed,
        "rows": [
            {"card": card, "masked": masked(card), "order_url": order_link(request, card.order)}
            for card in listed.cards
        ],
        "total_text": ngettext("${count} gift card", "${count} gift cards", listed.total, request),
        "page_url": lambda n: request.manage_link(folder, query={"page": n}),
        "form": form_html,
        "found": found,
        "order_link": lambda number: order_link(request, number),
    }


@view_config(request_method="GET", renderer=TEMPLATE, **MANAGE)
def giftcard_list(context, request):
    """The list and the search form (see the module)."""
    form = search_form(request, context).render()
    return list_values(request, context, _page_number(request), form)


@view_config(name="search", request_method="POST", renderer=TEMPLATE, **MANAGE)
def giftcard_search(context, request):
    """The card with the posted code, with its movements and their orders."""
    form = search_form(request, context)
    appstruct, failed = validate(request, form)
    if appstruct is None:
        return list_values(request, context, 1, failed)
    card = api.find(request.root, appstruct["code"])  # its field refused a malformed one
    if card is None:
        request.response.status = 400
        message = api.explain(request, api.UNKNOWN)
        form.widget.handle_error(form, colander.Invalid(form.schema, message))
        return list_values(request, context, 1, form.render())
    found = {
        **card_values(request, card, orders=True),
        "order_url": order_link(request, card.order),
    }
    # The form again, empty: the code is not written back into the page.
    return list_values(request, context, 1, search_form(request, context).render(), found)
