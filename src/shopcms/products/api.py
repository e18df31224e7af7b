"""What other capabilities may use of products (the rest of the package is its own)."""

from shopcms.products.recommendations import for_customer as recommended_for

__all__ = ["recommended_for"]
