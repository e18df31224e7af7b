"""Markup remembered per process by what it shows: the product cards, the sections around
them and the recently viewed section (``shopcms.products.views.parts``), the small forms
(``shopcms.products.views.small``)."""

import threading
from collections import OrderedDict


class RememberedMarkup:
    """Markup rendered before, by a key that holds everything it shows; bounded (least
    recently used out), per process.  A product card's key holds the product's record
    serial, so an edited product is a new key and its old card is never shown again (and
    soon pushed out)."""

    def __init__(self, size=4096):
        self.size = size
        self._html = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            html = self._html.get(key)
            if html is not None:
                self._html.move_to_end(key)
            return html

    def put(self, key, html):
        with self._lock:
            self._html[key] = html
            while len(self._html) > self.size:
                self._html.popitem(last=False)
