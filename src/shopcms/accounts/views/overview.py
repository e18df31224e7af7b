"""``GET /{lang}/account/``: the overview, with links to every page of the account."""

from shopcms.accounts.views.area import account_page, account_view, no_subpath


@account_view("", template="overview.pt")
def overview(context, request):
    no_subpath(request)
    return account_page(request, context, "overview")
