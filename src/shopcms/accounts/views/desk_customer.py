"""The privacy desk's actions on one account (administrators):

- ``/{lang}/manage/customers/ID/export`` and ``export.json``: the same export the customer
  gets (``shopcms.accounts.data_export``), readable or as a JSON file to send them;
- ``/{lang}/manage/customers/ID/erase``: what erasing does, and a form that needs a note of
  the request (kept in the orders' history); the POST erases the account as the customer's
  own deletion does (``shopcms.accounts.privacy_requests``) and the confirmation mail goes
  to them.

The exports write nothing; each is noted in the application log (who, which account id,
which format).
"""

import logging

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from shopcms.accounts import privacy_requests
from shopcms.accounts.data_export import export_filename, export_json, export_page_values
from shopcms.accounts.resources import Customer
from shopcms.accounts.schemas import EraseRequestSchema
from shopcms.accounts.views.area import no_subpath
from shopcms.accounts.views.privacy_desk import MANAGE, desk_url
from shopcms.accounts.views.rights import EXPORT_TEMPLATE, json_download
from shopcms.privacy.export import customer_orders
from shopcms.web.forms import Button, FormView, form_view
from shopcms.web.i18n import _, ngettext
from shopcms.web.notices import notice

log = logging.getLogger(__name__)


@view_config(
    context=Customer, name="export", request_method="GET", renderer=EXPORT_TEMPLATE, **MANAGE
)
def staff_export_page(context, request):
    no_subpath(request)
    values = export_page_values(request, request.root, context, staff=True)
    values["json_url"] = request.manage_link(context, "export.json")
    log.info(
        "export: %s viewed the data of account %s (html)",
        request.authenticated_userid,
        context.__name__,
    )
    return values


@view_config(context=Customer, name="export.json", request_method="GET", **MANAGE)
def staff_export_json(context, request):
    no_subpath(request)
    log.info(
        "export: %s downloaded the data of account %s (json)",
        request.authenticated_userid,
        context.__name__,
    )
    text = export_json(request, request.root, context)
    return json_download(text, export_filename(request, context))


@form_view(
    context=Customer,
    name="erase",
    renderer="shopcms.accounts:templates/manage/privacy_erase.pt",
    **MANAGE,
)
class EraseAccount(FormView):
    """What erasing this account does, and the form asking which request it answers."""

    schema = EraseRequestSchema
    formid = "erase"
    buttons = (Button("erase", _("Erase this account")),)

    def __init__(self, context, request):
        no_subpath(request)
        super().__init__(context, request)

    def action(self):
        return self.request.manage_link(self.context, "erase")

    def values(self):
        root = self.request.root
        orders = customer_orders(root, self.context)
        return {
            "account": self.context,
            "orders_kept": ngettext(
                "Its ${count} order stays for the accounts without name, email address, phone "
                "or address; its total, VAT and the stock do not change. Its invoice stays as "
                "issued, with the name and address, for 10 years, as the law requires.",
                "Its ${count} orders stay for the accounts without name, email address, phone "
                "or address; their totals, VAT and the stock do not change. Their invoices stay "
                "as issued, with the name and address, for 10 years, as the law requires.",
                len(orders),
                self.request,
            ),
            "refused": privacy_requests.erasable(root, self.context),
            "desk_url": desk_url(self.request),
        }

    def page(self, form_html, **more):
        values = super().page(form_html, **more)
        if values["refused"]:
            values["form"] = None
        return values

    def succeeded(self, appstruct):
        """Erase the account for the request the note names; back to the desk."""
        request = self.request
        try:
            done = privacy_requests.erase_for_request(
                request, self.context, appstruct["note"], keep_reviews=appstruct["keep_reviews"]
            )
        except privacy_requests.ErasureRefused as exc:
            request.response.status = 409
            return self.page(None, error=exc.message)
        notice(
            request,
            ngettext(
                "The account is erased; ${count} order kept without personal data. The "
                "confirmation mail is on its way.",
                "The account is erased; ${count} orders kept without personal data. The "
                "confirmation mail is on its way.",
                len(done.orders),
                request,
            ),
        )
        return HTTPSeeOther(location=desk_url(request))
