"""What other capabilities may use of accounts (the rest of the package is its own)."""

from shopcms.accounts.events import LoggedIn

__all__ = ["LoggedIn"]
