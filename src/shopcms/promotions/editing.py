"""The desk's changes of promotions: the one place a promotion's rules change.

A promotion's uses are never changed here (only checkouts, cancellations and refunds count
them: ``api``), so an edit made while customers check out never touches what they write.
"""

from shopcms.promotions.resources import CATEGORIES, FREE_SHIPPING, PRODUCTS, Promotion, code_key
from shopcms.tree.resources import FolderKeyError
from shopcms.web.i18n import _


class EditRefused(Exception):
    """The change cannot be made; ``message`` (translatable) says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _names(value):
    return [name for name in value.replace(",", " ").split() if name]


def apply(promotion, values, products):
    """Give ``promotion`` the form's ``values``; ``products``: name -> pid."""
    promotion.names.clear()
    promotion.names.update(
        {
            key.removeprefix("name_"): value
            for key, value in values.items()
            if key.startswith("name_")
        }
    )
    promotion.kind = values["kind"]
    promotion.value = values["value"] if values["kind"] != FREE_SHIPPING else None
    promotion.scope = values["scope"]
    if values["scope"] == CATEGORIES:
        promotion.targets = tuple(sorted(values["categories"]))
    elif values["scope"] == PRODUCTS:
        promotion.targets = tuple(products[name] for name in _names(values["products"]))
    else:
        promotion.targets = ()
    # An automatic promotion's form has no use limits, minimum nor combination (schemas).
    for name in ("valid_from", "valid_until", "total_uses", "uses_per_customer", "minimum"):
        setattr(promotion, name, values.get(name))
    promotion.combinable = bool(values.get("combinable"))
    promotion.touch()


def create(folder, values, products, registry=None):
    """A new promotion with the form's ``values`` (its ``code`` among them, or
    ``automatic``: without a code, keyed by the folder)."""
    if values.get("automatic"):
        promotion = Promotion("")
        apply(promotion, values, products)
        return folder.add_automatic(promotion, registry=registry)
    code = values["code"].strip()
    if folder.for_code(code) is not None:
        raise EditRefused(_("The code ${code} exists already.", mapping={"code": code.upper()}))
    promotion = Promotion(code)
    apply(promotion, values, products)
    try:
        folder.add(code_key(code), promotion, registry=registry)
    except FolderKeyError as exc:
        raise EditRefused(exc.message) from None
    return promotion


def form_values(promotion, products):
    """The form's values of ``promotion``; ``products``: pid -> name."""
    values = {f"name_{lang}": name for lang, name in promotion.names.items()}
    values.update(
        kind=promotion.kind,
        scope=promotion.scope,
        combinable=promotion.combinable,
        categories=set(promotion.targets) if promotion.scope == CATEGORIES else set(),
        products=", ".join(products.get(pid, "") for pid in promotion.targets)
        if promotion.scope == PRODUCTS
        else "",
    )
    for name in (
        "value",
        "valid_from",
        "valid_until",
        "total_uses",
        "uses_per_customer",
        "minimum",
    ):
        if getattr(promotion, name) is not None:
            values[name] = getattr(promotion, name)
    return values
