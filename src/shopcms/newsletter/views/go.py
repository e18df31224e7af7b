"""The click counter's redirect: ``/{lang}/newsletter/go/{campaign}/{n}``.

A GET: it redirects (302) to link ``n`` of the campaign as fixed when it was scheduled,
and counts one click for the campaign and that link in memory (``clicks.count``; stored by
``clicks.flush`` in a transaction of its own, so this GET writes nothing).  Only stored
links are redirected to (no open redirect); an unknown campaign or link is the 404 page.
Nothing about the visitor is kept.
"""

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config

from shopcms.newsletter import clicks
from shopcms.newsletter.resources import Newsletter
from shopcms.web.security import VIEW


@view_config(
    context=Newsletter, route_name="public", name="go", request_method="GET", permission=VIEW
)
def go(context, request):
    if len(request.subpath) != 2:
        raise HTTPNotFound()
    name, index = request.subpath
    campaign = context.get(name)
    url = clicks.link(campaign, index)
    if url is None:
        raise HTTPNotFound()
    clicks.count(request.registry, campaign, int(index))
    response = HTTPFound(location=url)
    # The page it leads to (often another site) learns nothing of the counter's address.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
