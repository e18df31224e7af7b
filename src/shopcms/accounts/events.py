"""What accounts tell the other capabilities.

Sent with ``request.registry.notify``; subscribers react without the account code knowing
them (the visitor's lists move onto the account at login: ``shopcms.products.lists``).
"""


class LoggedIn:
    """``account`` has just logged in with ``request`` (a POST: the session is new)."""

    def __init__(self, request, account):
        self.request = request
        self.account = account
