"""Visitors in the states a shared page must be exact for: each a browser on one site.

``VISITORS`` names them; ``make_visitor(site, name)`` returns the browser (a WebTest client
with its cookies).  Used by the skeleton tests of the policy pages and of the home page.
"""

import itertools
from datetime import UTC, datetime

from shopcms.privacy.choice_cookie import Choice, encode
from shopcms.web.clock import now
from shopcms.web.cookies import Category
from shopcms.web.sessions import session_secret
from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Browser, login, start_session

ALL = (Category.FUNCTIONAL, Category.PERSONALISATION, Category.STATISTICS)


def consent_cookie(site, *allowed):
    """The ``cookie_consent`` value of a choice made now allowing ``allowed``, under the
    Dutch cookie policy in force (a valid choice: the banner does not ask again)."""
    version = site.read(lambda root: root["pages"]["cookies"].in_force("nl", now(site.registry)).id)
    choice = Choice(frozenset(allowed), datetime.now(UTC), version)
    return encode(choice, session_secret(site.registry.settings))


def _consenting(site, *allowed):
    browser = Browser(site.wsgi)
    browser.set_cookie("cookie_consent", consent_cookie(site, *allowed))
    return browser


def logged_in(browser, email, password=PASSWORD):
    """``browser`` logged in as ``email``, the login's notice already shown (a notice is
    shown once, on the next page: a visitor who has one is never served a skeleton)."""
    login(browser, email, password)
    browser.get("/nl/cart")
    return browser


_numbers = itertools.count()


def _customer(site, name):
    """A new customer's browser, logged in (each call a new account)."""
    email = f"{name}-{next(_numbers)}@example.be"
    site.add_account(email)
    return logged_in(Browser(site.wsgi), email)


def _staff(site):
    return logged_in(Browser(site.wsgi), ADMIN_EMAIL, ADMIN_PASSWORD)


def _with_cart(browser):
    start_session(browser)  # one mug in the cart
    browser.get("/nl/cart")  # its notice shown
    return browser


VISITORS = {
    "anonymous": lambda site: Browser(site.wsgi),
    "necessary only": lambda site: _consenting(site),
    "all cookies": lambda site: _consenting(site, *ALL),
    "personalisation only": lambda site: _consenting(site, Category.PERSONALISATION),
    "cart": lambda site: _with_cart(Browser(site.wsgi)),
    "consent and cart": lambda site: _with_cart(_consenting(site, *ALL)),
    "customer": lambda site: _customer(site, "customer"),
    "customer with cart": lambda site: _with_cart(_customer(site, "buyer")),
    "staff": _staff,
}


def make_visitor(site, name):
    return VISITORS[name](site)
