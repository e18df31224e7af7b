"""The files crawlers ask for at the site's root: ``/sitemap.xml``, ``/robots.txt`` and
``/favicon.ico``.  Each only reads."""

from pyramid.path import AssetResolver
from pyramid.response import FileResponse, Response
from pyramid.view import view_config

from shopcms.findability import sitemap
from shopcms.web.i18n import languages
from shopcms.web.security import VIEW
from shopcms.web.urls import public_url

#: The sitemap and robots.txt may be kept an hour by crawlers and caches.
HOUR = 3600
#: /favicon.ico cannot be fingerprinted (browsers ask that very address), so a month, not a
#: year: a new icon reaches returning visitors within that.
FAVICON_MAX_AGE = 30 * 24 * HOUR
FAVICON = "shopcms.web:static/favicon.ico"


def _public_text(request, body, content_type):
    """A public answer that crawlers and caches may keep an hour, with an ETag of its
    content (so a crawler that asks again with it gets a 304)."""
    response = Response(body, content_type=content_type, charset="utf-8")
    response.cache_control.public = True
    response.cache_control.max_age = HOUR
    response.md5_etag()
    response.conditional_response = True
    return response


@view_config(route_name="sitemap", permission=VIEW, request_method=("GET", "HEAD"), shared=True)
def sitemap_xml(request):
    """Every public page and product in each of its languages (see ``sitemap``)."""
    return _public_text(request, sitemap.render(request), "application/xml")


def robots(request):
    """robots.txt's text: the management and account areas stay out, in every language
    (``/nl/manage``, not ``/*/manage``, which would also match a page named manage-…)."""
    lines = ["User-agent: *"]
    for area in ("manage", "account"):
        lines.append(f"Disallow: /{area}")
        lines.extend(f"Disallow: /{lang}/{area}" for lang in languages(request.registry))
    lines += ["Allow: /", "", f"Sitemap: {public_url(request.registry, request)}/sitemap.xml"]
    return "\n".join(lines) + "\n"


@view_config(route_name="robots", permission=VIEW, request_method=("GET", "HEAD"), shared=True)
def robots_txt(request):
    return _public_text(request, robots(request), "text/plain")


@view_config(route_name="favicon", permission=VIEW, request_method=("GET", "HEAD"))
def favicon(request):
    """The shop's icon as an ICO (16, 32 and 48 pixels), for browsers that ask for it.

    A file with its own lifetime, not a shared page: the page cache would answer a
    browser's If-Modified-Since with the whole icon again."""
    path = AssetResolver().resolve(FAVICON).abspath()
    response = FileResponse(
        path, request=request, content_type="image/x-icon", cache_max_age=FAVICON_MAX_AGE
    )
    response.cache_control.public = True
    response.conditional_response = True  # If-Modified-Since: 304
    return response
