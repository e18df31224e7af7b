"""The contest's image on its public page: ``/{lang}/contests/NAME/image``.

The image of the page's language, or of the first language that has one (an editor may
give one image for all); the JPEG the desk stored after checking and re-encoding the
upload (``products.api.process_image``), so nothing of the uploaded file is served.  Only
as an image: its own Content-Security-Policy, ``sandbox``.  404 for a draft or a contest
without an image.
"""

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from shopcms.contests.resources import Contest
from shopcms.contests.workflow import PUBLIC
from shopcms.web.i18n import pick
from shopcms.web.security import VIEW

SIZES = ("large", "thumb")


def image_of(request, contest):
    """``(lang, {size: JPEG bytes})`` of the image shown to ``request``, or ``(None, None)``."""
    return pick(contest.images, request)


def image_values(request, contest):
    """What the contest page needs to show the image: its address and its text alternative
    (in the image's own language), or None."""
    lang, sizes = image_of(request, contest)
    if not sizes:
        return None
    text = contest.texts.get(lang)
    return {
        "url": request.link(contest, "image", query={"v": str(int(contest.modified.timestamp()))}),
        "alt": text.image_alt if text is not None else "",
        "lang": lang,
    }


@view_config(
    context=Contest, route_name="public", name="image", request_method="GET", permission=VIEW
)
def image(context, request):
    if context.workflow_state not in PUBLIC:
        raise HTTPNotFound()
    __, sizes = image_of(request, context)
    size = request.params.get("size", "large")
    if not sizes or size not in SIZES or size not in sizes:
        raise HTTPNotFound()
    response = request.response
    response.content_type = "image/jpeg"
    response.body = sizes[size]
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Content-Disposition"] = "inline"
    return response
