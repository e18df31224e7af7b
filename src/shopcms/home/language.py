"""``/{lang}/language?next=PATH``: the language switcher's links remember the choice.

Sets the strictly necessary ``language`` cookie to the URL's language, which ``/`` then
negotiates from (``shopcms.web.i18n``), and goes on to ``next`` (a local path: the page the
visitor was on, in that language; without one, or with one that leaves the site, the home
page in that language).  Only a click on the switcher sets it: browsing does not.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.tree.site import Site
from shopcms.web.cookies import set_cookie
from shopcms.web.i18n import LANGUAGE_COOKIE, SWITCH_VIEW
from shopcms.web.security import VIEW
from shopcms.web.urls import local_path


@view_config(
    context=Site, route_name="public", name=SWITCH_VIEW, request_method="GET", permission=VIEW
)
def choose_language(context, request):
    lang = request.locale_name
    target = local_path(request.GET.get("next", "")) or request.link(lang=lang)
    response = HTTPSeeOther(location=target)
    if request.cookies.get(LANGUAGE_COOKIE) != lang:
        set_cookie(request, response, LANGUAGE_COOKIE, lang)
    return response
