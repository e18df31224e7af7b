"""Products: the catalog, categories and images, listing and search, and the visitor's
lists (cart, wishlist, compare, recently viewed)."""

from shopcms.products import layout, lists
from shopcms.products.resources import Categories, Category, Product, Products
from shopcms.web.i18n import _
from shopcms.web.security import EDIT, LoggedIn


def includeme(config):
    config.add_content_type("products", Products, title=_("Products"), site_folder="products")
    config.add_content_type(
        "categories", Categories, title=_("Categories"), site_folder="categories"
    )
    config.add_content_type(
        "product", Product, title=_("Product"), container="products", add_permission=EDIT
    )
    config.add_content_type(
        "category", Category, title=_("Category"), container="categories", add_permission=EDIT
    )
    config.add_moved_module("shopcms.resources.products", "shopcms.products.resources")
    for name in ("Products", "Categories"):
        config.add_moved_class(
            f"shopcms.resources.site.{name}", f"shopcms.products.resources.{name}"
        )
    lists.declare_cookies(config)
    config.add_layout_value("cart_count", layout.cart_count)
    config.add_layout_value("image_url", layout.image_url)
    config.add_subscriber(lists.merge_at_login, LoggedIn)
    config.add_macros("shopcms.products:templates/macros.pt")
