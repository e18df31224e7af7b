"""The privacy desk's actions on the orders a guest placed (without an account):
``POST /{lang}/manage/privacy/guest-export`` (their data as a JSON download) and
``.../guest-erase`` (their personal data erased, for the request a note names).

The address travels in the POST (a hidden field of the desk's forms), never in a URL.
Each export is noted in the application log (who, not whose).
"""

import logging

from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.view import view_config

from shopcms.accounts import privacy_requests
from shopcms.accounts.data_export import local_date
from shopcms.accounts.schemas import valid_email
from shopcms.accounts.views.common import submitted
from shopcms.accounts.views.privacy_desk import (
    DESK_TEMPLATE,
    MANAGE,
    desk_url,
    find_form,
    found_values,
    guest_erase_form,
    guest_export_form,
)
from shopcms.accounts.views.rights import json_download
from shopcms.tree.site import Site
from shopcms.web.forms import validate
from shopcms.web.i18n import ngettext
from shopcms.web.notices import notice

log = logging.getLogger(__name__)


def _action(name):
    return {
        "context": Site,
        "name": "privacy",
        "path_info": rf"^/[^/]+/manage/privacy/{name}$",
        "request_method": "POST",
        "renderer": DESK_TEMPLATE,
        **MANAGE,
    }


def _desk(request, email, **values):
    """The desk showing what it found for ``email``, with ``values`` besides."""
    found = privacy_requests.look_up(request.root, email)
    return {
        "form": find_form(request).render({"email": email}),
        "error": None,
        "states": privacy_requests.state_titles(),
        **found_values(request, found, values.pop("guest_erase", None)),
        **values,
    }


@view_config(**_action("guest-export"))
def guest_export(context, request):
    """The data of a guest's orders as a JSON download."""
    email = submitted(request, guest_export_form(request))["email"]
    text = privacy_requests.guest_export(context, email, request.now)
    log.info("export: %s downloaded the data of guest orders", request.authenticated_userid)
    return json_download(text, f"softcactus-guest-data-{local_date(request)}.json")


@view_config(**_action("guest-erase"))
def guest_erase(context, request):
    """Erase the personal data of a guest's orders for the request the note names."""
    appstruct, failed = validate(request, guest_erase_form(request))
    if appstruct is None:
        email = valid_email(request.POST.get("email"))
        if email is None:
            raise HTTPBadRequest()
        return _desk(request, email, guest_erase=failed)
    email = appstruct["email"]
    try:
        done = privacy_requests.erase_guest_for_request(
            request, email, appstruct["note"], keep_reviews=appstruct["keep_reviews"]
        )
    except privacy_requests.ErasureRefused as exc:
        request.response.status = 409
        return _desk(request, email, error=exc.message)
    notice(
        request,
        ngettext(
            "${count} order placed without an account is kept without personal data. "
            "The confirmation mail is on its way.",
            "${count} orders placed without an account are kept without personal data. "
            "The confirmation mail is on its way.",
            len(done.orders),
            request,
        ),
    )
    return HTTPSeeOther(location=desk_url(request))
