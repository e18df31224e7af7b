"""URL layout: language first, management apart from the public views.

- ``/`` negotiates a language and redirects.
- ``/{lang}/manage/…`` is the management area (``route_name='manage'`` views); ``/manage/…``
  redirects to it in the visitor's language.
- ``/{lang}/account/…`` is the logged-in customer's own area (``route_name='account'``
  views): its context is always the requester's own account (:func:`account_root`), so no
  URL there can reach another customer's data.
- ``/{lang}/…`` is the public site (``route_name='public'`` views).
Both language routes traverse the same resource tree; the language is a view parameter.
"""

from pyramid.httpexceptions import HTTPForbidden
from pyramid.interfaces import IRootFactory
from pyramid.security import NO_PERMISSION_REQUIRED

from shopcms.web.i18n import languages


def account_root(request):
    """The root of ``/{lang}/account/``: the logged-in account itself.

    A visitor who is not logged in meets HTTPForbidden, which shows the login form in place
    and comes back to the page afterwards (``views.errors.forbidden``).
    """
    # The identity is looked up in the Site: it is the root until Pyramid sets the account.
    request.root = request.registry.getUtility(IRootFactory)(request)
    account = request.identity
    if account is None:
        raise HTTPForbidden()
    return account


def includeme(config):
    # The language segment of every language route: one of the configured languages.
    lang = "/{lang:" + "|".join(languages(config.registry)) + "}"
    # Fingerprinted URLs, cached for a year (shopcms.web.static).
    config.add_fingerprinted_static_view(
        "static", "shopcms.web:static", permission=NO_PERMISSION_REQUIRED
    )
    config.add_route("root", "/")
    config.add_route("manage_redirect", "/manage*rest")
    config.add_route("manage_slash", lang + "/manage")
    config.add_route("manage", lang + "/manage/*traverse")
    config.add_route("account", lang + "/account/*traverse", factory=account_root)
    config.add_route("public", lang + "/*traverse")
