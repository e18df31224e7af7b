"""The returning customer's mark: the functional ``known_visitor`` cookie.

Contract: the cookie holds no identifier (just ``1``).  It is set only while the visitor's
choice allows functional cookies: at login (:func:`remember_returning_customer`) or when a
logged-in customer allows them (:func:`shopcms.privacy.consent.save`), and it is expired
when a choice no longer allows them.  While it is there and allowed, the login link of a
visitor who is not logged in greets them (:func:`welcome_back`).
"""

from shopcms.privacy.choice_cookie import allows
from shopcms.web.cookies import Category, set_cookie

KNOWN_VISITOR_COOKIE = "known_visitor"


def known_visitor(request):
    """True for a visitor whose browser kept the returning-customer cookie, while functional
    cookies are allowed: the login link then says "welcome back"."""
    return request.cookies.get(KNOWN_VISITOR_COOKIE) == "1" and allows(request, Category.FUNCTIONAL)


def welcome_back(request):
    """A returning customer who is not logged in (functional cookies allowed): the login
    link greets them (the layout value ``ui.welcome_back``)."""
    return request.identity is None and known_visitor(request)


def remember_returning_customer(request):
    """At login: let the browser recognise a returning customer, if functional cookies are
    allowed (the cookie is set with the login's response)."""
    if not allows(request, Category.FUNCTIONAL):
        return

    def callback(request, response):
        if request.cookies.get(KNOWN_VISITOR_COOKIE) != "1":
            set_cookie(request, response, KNOWN_VISITOR_COOKIE, "1")

    request.add_response_callback(callback)
