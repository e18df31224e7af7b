"""The invoices folder and what it holds: :class:`Invoice` and :class:`CreditNote`.

Both are records of a :class:`~shopcms.invoicing.document.Document` as it was issued (the
PDF and the UBL file are rendered from it when asked for, never stored), with the order
number and the account it was issued to (None for a guest, or once that account was erased).

Numbers: two series, each gapless per calendar year (the year of issue, Europe/Brussels):

- invoices ``F2026-000001`` (F: factuur, facture),
- credit notes ``C2026-000001`` (C: creditnota, note de crédit, credit note).

Numbers are handed out as the orders' are: the counter of a series and year is one
persistent object that every issuer writes, so two concurrent issues conflict and
pyramid_retry replays one of them; a number is used once, only by a transaction that
commits, and never again (nothing deletes a counter).  A document is keyed in the folder by
its number.

Retention (Belgian VAT Code art. 60, law of 20 November 2022): ten years from 1 January of
the year after the year of issue, i.e. until :func:`keep_until` (an invoice of 2026 is kept
until 1 January 2037).  An order's documents and the order itself go together, once the
last of them may go (``shopcms.invoicing.retention``); :attr:`Invoices.expiring` finds
them without reading every document.
"""

from datetime import date, timedelta

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.authorization import DENY_ALL, Allow

from shopcms.invoicing.document import CREDIT_NOTE, INVOICE
from shopcms.tree.resources import Content, Folder
from shopcms.web import security

#: The prefix of each series' numbers.
PREFIXES = {INVOICE: "F", CREDIT_NOTE: "C"}

#: Years an invoice is kept, from 1 January of the year after its issue.
RETENTION_YEARS = 10

_STAFF = (
    (Allow, security.role_principal(security.ORDER_DESK), security.VIEW),
    (Allow, security.role_principal(security.ADMIN), security.VIEW),
)


def keep_until(issued):
    """The first day a document issued on ``issued`` (a date) may be deleted."""
    return date(issued.year + 1 + RETENTION_YEARS, 1, 1)


class SeriesCounter(Persistent):
    """The last number of one series in one year (a plain attribute: every writer
    conflicts with every other, which keeps the series gapless and unique)."""

    def __init__(self):
        self.last = 0


class Issued(Content):
    """An issued invoice or credit note (see the module).  ``document`` is never changed."""

    kind = None
    #: Its key in ``Invoices.chronological`` (the moment of issue and its number).
    listed = None

    def __init__(self, document, account=None):
        super().__init__()
        self.document = document
        self.number = document.number
        self.order_number = document.order_number
        self.account = account

    @property
    def issued(self):
        return self.document.issued

    @property
    def lang(self):
        return self.document.lang

    @property
    def keep_until(self):
        return keep_until(self.document.issued)

    @property
    def __acl__(self):
        acl = list(_STAFF)
        if self.account is not None:
            acl.append((Allow, security.user_principal(self.account), security.VIEW))
        acl.append(DENY_ALL)
        return acl


class Invoice(Issued):
    """The invoice of one paid order (one per order, ever)."""

    content_type = "invoice"
    kind = INVOICE
    #: The file names its downloads are served under (views and mail attachments).
    file_stem = "invoice"


class CreditNote(Issued):
    """A credit note for one refund of an order; ``refund_id`` names that refund."""

    content_type = "credit_note"
    kind = CREDIT_NOTE
    file_stem = "credit-note"

    def __init__(self, document, account=None, refund_id=None):
        super().__init__(document, account)
        self.refund_id = refund_id


class Invoices(Folder):
    """The invoices and credit notes, keyed by number; staff of the order desk and
    administrators see them all, each document grants its own customer."""

    content_type = "invoices"
    __acl__ = [*_STAFF, DENY_ALL]

    def __init__(self):
        super().__init__()
        self.setup()

    def setup(self):
        self.counters = OOBTree()  # (prefix, year) -> SeriesCounter
        self.by_order = OOBTree()  # order number -> its documents' numbers, oldest first
        self.by_refund = OOBTree()  # (order number, refund id) -> credit note number
        # (year from which they may go, order number) -> None: an order's documents go
        # together once its last one may (see the module).
        self.expiring = OOBTree()
        # (issue time ISO, number) -> number: the desk's list, newest first.
        self.chronological = OOBTree()

    def next_number(self, kind, year):
        """The next number of series ``kind`` in ``year`` (taken: see the module)."""
        prefix = PREFIXES[kind]
        counter = self.counters.get((prefix, year))
        if counter is None:
            counter = self.counters[(prefix, year)] = SeriesCounter()
        counter.last += 1
        return f"{prefix}{year}-{counter.last:06d}"

    def of_order(self, order_number):
        """The documents of order ``order_number``, oldest first."""
        numbers = self.by_order.get(order_number, ())
        return [doc for doc in (self.get(n) for n in numbers) if doc is not None]

    def invoice_of(self, order_number):
        """The invoice of order ``order_number``, or None."""
        for doc in self.of_order(order_number):
            if doc.kind == INVOICE:
                return doc
        return None

    def store(self, issued, when, registry=None):
        """Keep ``issued`` (an :class:`Invoice` or :class:`CreditNote`) under its number and
        index it; ``when`` is the moment of issue (aware datetime)."""
        number, order_number = issued.number, issued.order_number
        old_year = self._expiry_year(order_number)
        self.add(number, issued, registry=registry)
        self.by_order[order_number] = (*self.by_order.get(order_number, ()), number)
        new_year = max(old_year or 0, issued.keep_until.year)
        if old_year is not None and old_year != new_year:
            del self.expiring[(old_year, order_number)]
        self.expiring[(new_year, order_number)] = None
        issued.listed = (when.isoformat(), number)
        self.chronological[issued.listed] = number
        return issued

    def _expiry_year(self, order_number):
        """The year from which the documents of ``order_number`` may go (None: none)."""
        docs = self.of_order(order_number)
        return max((doc.keep_until.year for doc in docs), default=None)

    def due(self, year):
        """The numbers of the orders whose documents may all go in ``year``."""
        return [order for (_year, order) in self.expiring.keys(max=(year, "\uffff"))]

    def forget_order(self, order_number, registry=None):
        """Delete every document of order ``order_number`` (its retention ran out);
        returns how many."""
        year = self._expiry_year(order_number)
        if year is not None:
            self.expiring.pop((year, order_number), None)
        numbers = self.by_order.pop(order_number, ())
        for number in numbers:
            doc = self.remove(number, registry=registry)
            self.chronological.pop(getattr(doc, "listed", None), None)
            if isinstance(doc, CreditNote):
                self.by_refund.pop((order_number, doc.refund_id), None)
        return len(numbers)

    def newest(self, start, size):
        """The documents from position ``start`` (0: the newest), at most ``size``."""
        numbers = self.chronological.values()
        count = len(self)  # one entry per document (the folder's count is kept, not counted)
        return [self[numbers[count - 1 - i]] for i in range(start, min(start + size, count))]


def documents_between(site, start, end):
    """The :class:`~shopcms.invoicing.document.Document` of every invoice and credit note
    issued on or after the date ``start`` and before the date ``end``, in the order of
    issue (the OSS report's source: ``shopcms.invoicing.views.oss``)."""
    folder = site.get("invoices")
    if folder is None:
        return
    # The index is by the moment of issue (UTC); a day's margin each side covers the time
    # zone, and the date of issue decides.
    low = ((start - timedelta(days=1)).isoformat(),)
    high = ((end + timedelta(days=1)).isoformat(),)
    for number in folder.chronological.values(min=low, max=high):
        issued = folder[number]
        if start <= issued.issued < end:
            yield issued.document
