"""The evolve steps of accounts (declared in ``shopcms.accounts.includeme``)."""

from BTrees.OOBTree import OOBTree


def accounts_preferences_and_tokens(site, registry):
    """Generation 3: accounts get token nonces, a verified flag and the TOTP slot; their
    preferences get the consent ledger, addresses, phone and payment methods; the orders
    folder gets its lookup by customer (for the account's order list)."""
    for account in site["customers"].values():
        if not hasattr(account, "token_nonces"):
            account.setup_accounts()
        if not hasattr(account.preferences, "consents"):
            account.preferences.setup()
    orders = site["orders"]
    if not hasattr(orders, "by_customer"):
        orders.by_customer = OOBTree()
        # Numbers sort in the order they were handed out (YYYY-NNNNNN).
        for number, order in sorted(orders.items()):
            if order.customer is not None:
                orders.by_customer[order.customer] = (
                    *orders.by_customer.get(order.customer, ()),
                    number,
                )
