"""``GET /{lang}/account/gift-cards``: the gift cards the customer bought (``giftcards.api.
bought_by``), newest first: each by the last four characters of its code, its value, what
remains and until when it can be spent; and the way to the public balance page (a card
received as a present is not the account's: its balance is there, behind its code)."""

from pyramid.traversal import find_root

from shopcms.accounts.views.area import account_page, account_view, no_subpath
from shopcms.giftcards import api as giftcards

#: The public balance page (``giftcards.views.balance``), below the language.
BALANCE_PAGE = "giftcard"


@account_view("gift-cards", template="gift_cards.pt")
def gift_cards(context, request):
    no_subpath(request)
    return account_page(
        request,
        context,
        "gift-cards",
        cards=giftcards.bought_by(find_root(context), context.__name__),
        balance_url=request.link(None, BALANCE_PAGE),
    )
