"""Invoices past their retention, deleted with their orders (``shopcms retention``).

An order's invoice and credit notes are kept ten years from 1 January of the year after
their issue (``resources.keep_until``); once the last of them may go, :func:`purge_expired`
deletes them all and the order they belong to, which is anonymised first
(``Order.anonymise``, if it was not already) so that nothing personal is left in the
database's history beyond the next pack.  Orders without an invoice are not touched here.
"""

from shopcms.invoicing.folder import invoices_folder
from shopcms.orders.api import delete_order
from shopcms.web.clock import site_timezone

#: The actor the orders' history names for the anonymisation before deletion.
ACTOR = "system:retention"


def purge_expired(site, moment, registry):
    """Delete the documents past their retention at ``moment`` and their orders;
    ``(orders, documents)`` deleted."""
    folder = invoices_folder(site, registry)
    if folder is None:
        return 0, 0
    year = moment.astimezone(site_timezone(registry)).year
    orders = documents = 0
    for order_number in folder.due(year):
        documents += folder.forget_order(order_number, registry=registry)
        orders += delete_order(
            site, order_number, moment, ACTOR, note="retention period ended", registry=registry
        )
    return orders, documents
