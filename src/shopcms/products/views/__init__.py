"""The views of products.

- ``public``: the listing with search and facets, product pages, product images;
- ``lists``: the cart, the wishlist and the comparison, and the posts that change them;
- ``forms``: the shop's small deform forms, and ``small`` the machinery that builds them
  once per request and renders them lean;
- ``manage_list``, ``manage_product``, ``manage_images``, ``manage_categories``: the product
  desk (``manage_common``: what they share).
"""
