"""The plain peer's persistent classes (importable by the build and the server alike)."""

from BTrees.OOBTree import OOBTree
from persistent import Persistent


class Shop(Persistent):
    """The root: products by name in an OOBTree, found by traversal (``__getitem__``)."""

    __name__ = ""
    __parent__ = None

    def __init__(self):
        self.products = OOBTree()

    def __setitem__(self, name, product):
        product.__parent__ = self
        self.products[name] = product

    def __getitem__(self, name):
        return self.products[name]


class Product(Persistent):
    __parent__ = None

    def __init__(self, name, title, description, price, stock, categories):
        self.__name__ = name
        self.title = title
        self.description = description
        self.price = price
        self.stock = stock
        self.categories = list(categories)
