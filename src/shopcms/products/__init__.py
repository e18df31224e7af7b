"""Products: the catalog, categories and images, listing and search, and the visitor's
lists (cart, wishlist, compare, recently viewed)."""

from datetime import timedelta

from shopcms.products import layout, lists, pricing, reductions, sections, sitemap
from shopcms.products.evolve import keep_changes_apart
from shopcms.products.resources import Categories, Category, Product, Products
from shopcms.products.views import parts
from shopcms.web.cookies import Category as CookieCategory
from shopcms.web.i18n import _
from shopcms.web.security import EDIT, LoggedIn


def includeme(config):
    # The VAT rates and shipping costs of the settings: a malformed one stops the start
    # (a wrong price or rate must never be charged silently).
    pricing.check_settings(config.registry.settings)
    config.include(sections)
    config.include(parts)
    config.add_desk_section("products", _("Products"), ("products",), EDIT, order=10)
    config.add_desk_section("categories", _("Categories"), ("categories",), EDIT, order=11)
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
    config.add_evolve_step(
        14, "Products: the folders' modification times in records apart", keep_changes_apart
    )
    _declare_cookies(config)
    config.add_layout_value("cart_count", layout.cart_count)
    config.add_personal_part("cart-count", layout.cart_count_part)
    config.add_layout_value("image_url", layout.image_url)
    config.add_layout_value("picture", layout.picture)
    config.add_layout_value("reduction", reductions.reduction)
    config.add_layout_value("search_form", layout.search_form)
    config.add_subscriber(lists.merge_at_login, LoggedIn)
    config.add_macros("shopcms.products:templates/macros.pt")
    config.add_sitemap_source(sitemap.catalog_pages)


def _declare_cookies(config):
    """The cookies of the visitor's lists.

    Cart, wishlist and compare are strictly necessary: each is set only when the visitor
    asks for it (adding a product), to provide that very service, which the ePrivacy
    exemption for services "explicitly requested by the user" covers; none of them
    identifies the visitor or follows them elsewhere.  Recently viewed is set without any
    request of the visitor, so it needs consent (personalisation).
    """
    month = timedelta(days=30)
    config.add_cookie(
        lists.CART,
        CookieCategory.NECESSARY,
        purpose=_("Keeps the products in your shopping cart until you order."),
        reason=_("Set only when you add a product to your cart, to keep that cart."),
        lifetime=month,
    )
    config.add_cookie(
        lists.WISHLIST,
        CookieCategory.NECESSARY,
        purpose=_("Keeps the products you put on your wishlist."),
        reason=_(
            "Set only when you add a product to your wishlist, to keep the list you asked "
            "for; it holds product numbers only."
        ),
        lifetime=timedelta(days=180),
    )
    config.add_cookie(
        lists.COMPARE,
        CookieCategory.NECESSARY,
        purpose=_("Keeps the products you chose to compare (at most 4)."),
        reason=_(
            "Set only when you add a product to the comparison, to keep the comparison "
            "you asked for; it holds product numbers only."
        ),
        lifetime=timedelta(days=7),
    )
    config.add_cookie(
        lists.RECENT,
        CookieCategory.PERSONALISATION,
        purpose=_("Remembers the last products you looked at, to show them again."),
        reason=_("Set without you asking for it while you browse: only with your consent."),
        lifetime=month,
    )
