"""URL layout: language first, management apart from the public views.

- ``/`` negotiates a language and redirects.
- ``/{lang}/manage/…`` is the management area (``route_name='manage'`` views); ``/manage/…``
  redirects to it in the visitor's language.
- ``/{lang}/…`` is the public site (``route_name='public'`` views).
Both language routes traverse the same resource tree; the language is a view parameter.
"""

from pyramid.security import NO_PERMISSION_REQUIRED

from .i18n import languages


def includeme(config):
    langs = "|".join(languages(config.registry))
    config.add_static_view(
        "static", "shopcms:static", cache_max_age=3600, permission=NO_PERMISSION_REQUIRED
    )
    config.add_route("root", "/")
    config.add_route("manage_redirect", "/manage*rest")
    config.add_route("manage_slash", f"/{{lang:{langs}}}/manage")
    config.add_route("manage", f"/{{lang:{langs}}}/manage/*traverse")
    config.add_route("public", f"/{{lang:{langs}}}/*traverse")
