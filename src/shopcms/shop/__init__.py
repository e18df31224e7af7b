"""The shop: prices and VAT, the catalog listing, and the visitor's lists (cart, wishlist,
compare, recently viewed)."""
