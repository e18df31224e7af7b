"""The privacy desk (administrators): requests that arrive by mail, and the record of
processing activities.

- ``/{lang}/manage/privacy/``: find an account by its email address (POSTed, so that the
  address appears in no URL and no access log); the desk then shows the account with links
  to its export and its erasure (``views.desk_customer``), and the orders placed with that
  address without an account, with their export and erasure (``views.desk_guest``);
- ``/{lang}/manage/privacy/purposes``: the record of processing activities (GDPR art. 30)
  rendered from the purpose registry in the page's language.

Every view needs ``manage-users`` (administrators): the accounts' ACL grants it on each
account, the site's on the desk.
"""

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from shopcms.accounts import privacy_requests
from shopcms.accounts.schemas import FindCustomerSchema, GuestEraseSchema, GuestSchema
from shopcms.privacy.disclosures import RECIPIENTS
from shopcms.privacy.export import contributors
from shopcms.privacy.purposes import BASIS_TITLES, PURPOSES
from shopcms.tree.site import Site
from shopcms.web.forms import Button, FormView, form_view, make_form
from shopcms.web.i18n import _
from shopcms.web.security import MANAGE_USERS

DESK_TEMPLATE = "shopcms.accounts:templates/manage/privacy.pt"
PURPOSES_TEMPLATE = "shopcms.accounts:templates/manage/privacy_purposes.pt"
MANAGE = {"route_name": "manage", "permission": MANAGE_USERS}


def desk_url(request):
    return request.manage_link(None, "privacy", slash=True)


def find_form(request):
    return make_form(
        request, FindCustomerSchema, (Button("find", _("Find")),), "find", desk_url(request)
    )


def guest_export_form(request):
    return make_form(
        request,
        GuestSchema,
        (Button("export", _("Download their data (JSON)")),),
        "guest-export",
        request.manage_link(None, "privacy", "guest-export"),
    )


def guest_erase_form(request):
    return make_form(
        request,
        GuestEraseSchema,
        (Button("erase", _("Erase the personal data of these orders")),),
        "guest-erase",
        request.manage_link(None, "privacy", "guest-erase"),
    )


def found_values(request, found, guest_erase=None):
    """What the desk shows of ``found`` (a ``privacy_requests.Found``); ``guest_erase``
    replaces the guest erasure's form (re-shown with its errors)."""
    values = {"found": found, "guest_export": None, "guest_erase": None}
    if found.guest_orders or found.guest_data:
        email = {"email": found.email}
        values["guest_export"] = guest_export_form(request).render(email)
        values["guest_erase"] = guest_erase or guest_erase_form(request).render(email)
    return values


@form_view(context=Site, name="privacy", renderer=DESK_TEMPLATE, **MANAGE)
class Desk(FormView):
    """The desk, and what it finds for an email address."""

    def __init__(self, context, request):
        if request.subpath:
            raise HTTPNotFound()
        super().__init__(context, request)

    def make(self):
        return find_form(self.request)

    def values(self):
        return {
            "found": None,
            "guest_export": None,
            "guest_erase": None,
            "states": privacy_requests.state_titles(),
        }

    def succeeded(self, appstruct):
        found = privacy_requests.look_up(self.request.root, appstruct["email"])
        return self.page(self.form.render(appstruct), **found_values(self.request, found))


@view_config(
    context=Site,
    name="privacy",
    path_info=r"^/[^/]+/manage/privacy/purposes$",
    request_method="GET",
    renderer=PURPOSES_TEMPLATE,
    **MANAGE,
)
def processing_record(context, request):
    """The record of processing activities: each purpose with its basis, data, retention,
    recipients and description; the recipients of disclosures; the contributors."""
    return {
        "purposes": [
            {"name": name, "purpose": purpose, "basis": BASIS_TITLES[purpose.basis]}
            for name, purpose in PURPOSES.items()
        ],
        "recipients": sorted(RECIPIENTS.items()),
        "contributors": [(c.name, c.title) for c in contributors(request.registry)],
        "desk_url": desk_url(request),
    }
