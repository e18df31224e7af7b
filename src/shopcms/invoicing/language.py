"""A request in a given language, outside any visitor's request: documents are written in
their order's language whoever asks for them (staff working in Dutch download a French
invoice: it is French)."""

from pyramid.request import Request, apply_request_extensions
from pyramid.threadlocal import manager as threadlocal_manager

from shopcms.web.urls import public_url


def language_request(registry, lang, base_url=None):
    """A blank request of ``registry`` whose language is ``lang`` (its localizer
    translates into it; links are made on ``base_url``, default the shop's address)."""
    request = Request.blank("/", base_url=base_url or public_url(registry))
    request.registry = registry
    apply_request_extensions(request)
    # The locale negotiator reads the language from the route's match (as for /fr/...).
    request.matchdict = {"lang": lang}
    return request


class current:
    """Context manager: ``request`` is the current request meanwhile (Chameleon
    translates through the current request)."""

    def __init__(self, request):
        self.request = request

    def __enter__(self):
        threadlocal_manager.push({"registry": self.request.registry, "request": self.request})
        return self.request

    def __exit__(self, *exc):
        threadlocal_manager.pop()
