"""The customer's rights on their own account: download all their data, delete the account.

- ``GET /{lang}/account/export``: everything the shop keeps about the customer
  (``shopcms.accounts.data_export``) as a readable page in the page's language;
- ``GET /{lang}/account/export.json``: the same as a JSON download (``Content-Disposition:
  attachment``; Decimal as strings, datetimes in ISO 8601), for another service;
- ``GET /{lang}/account/delete``: what deleting the account erases, what is kept and why,
  and the form; ``POST``: the password again, then the account is erased
  (``shopcms.accounts.privacy_requests``), the session ends and a confirmation page follows.

The exports are GETs and write nothing: who exported is noted in the application log (the
account id and the format), not in the database, where a GET never writes and where such a
record would itself be personal data.  The context of the ``account`` route is always the
requester's own account, so these URLs cannot reach anyone else's data.
"""

import logging

from pyramid.response import Response
from pyramid.security import forget
from pyramid.traversal import find_root

from shopcms.accounts import privacy_requests
from shopcms.accounts.authentication import Throttled, confirm_password
from shopcms.accounts.data_export import export_filename, export_json, export_page_values
from shopcms.accounts.schemas import DeleteAccountSchema
from shopcms.accounts.views.area import AREA, TEMPLATES, AccountFormView, account_view, no_subpath
from shopcms.accounts.views.common import form_error
from shopcms.privacy.export import customer_orders
from shopcms.web.forms import Button, form_view
from shopcms.web.i18n import _, ngettext

log = logging.getLogger(__name__)

EXPORT_TEMPLATE = TEMPLATES + "export.pt"


def json_download(text, filename):
    """``text`` (JSON) as a file to save."""
    response = Response(text, content_type="application/json", charset="utf-8")
    response.content_disposition = f'attachment; filename="{filename}"'
    return response


@account_view("export", template="export.pt")
def export_page(context, request):
    """All my data, readable."""
    no_subpath(request)
    values = export_page_values(request, find_root(context), context)
    values["json_url"] = request.account_link("export.json")
    log.info("export: account %s viewed its data (html)", context.__name__)
    return values


@account_view("export.json")
def export_download(context, request):
    """All my data, as a JSON file."""
    no_subpath(request)
    log.info("export: account %s downloaded its data (json)", context.__name__)
    text = export_json(request, find_root(context), context)
    return json_download(text, export_filename(request))


# -- deleting the account -------------------------------------------------------------------


@form_view(name="delete", renderer=TEMPLATES + "delete.pt", **AREA)
class DeleteAccount(AccountFormView):
    """What deleting erases and keeps, and the form (or why it cannot be done now)."""

    section = "delete"
    schema = DeleteAccountSchema
    formid = "delete"
    buttons = (Button("delete", _("Delete my account")),)

    def values(self):
        root = find_root(self.context)
        orders = customer_orders(root, self.context)
        return {
            "orders": orders,
            "orders_kept": ngettext(
                "This concerns ${count} order.",
                "This concerns ${count} orders.",
                len(orders),
                self.request,
            ),
            "refused": privacy_requests.erasable(root, self.context),
        }

    def page(self, form_html, **more):
        values = super().page(form_html, **more)
        if values["refused"]:
            values["form"] = None
        return values

    def succeeded(self, appstruct):
        """Erase the account after the password is given again; end the session."""
        request, account = self.request, self.context
        try:
            right = confirm_password(request, account, appstruct["password"])
        except Throttled:
            message = _("Too many wrong passwords. Please try again in a few minutes.")
            return self.page(form_error(request, self.form, message, status=429))
        if not right:
            message = _("This password is not correct.")
            return self.page(form_error(request, self.form, message, "password"))
        site = find_root(account)
        try:
            done = privacy_requests.delete_own_account(
                request, site, account, keep_reviews=appstruct["keep_reviews"]
            )
        except privacy_requests.ErasureRefused as exc:
            request.response.status = 409
            return self.page(None, error=exc.message)
        # The account was this route's traversal root and is gone: the Site is the root now,
        # so that the session and the page's layout find nobody logged in.
        request.root = site
        forget(request)
        request.override_renderer = TEMPLATES + "deleted.pt"
        kept = ngettext(
            "We keep your ${count} order for the accounts, without your name, email address, "
            "phone number or address; its invoice keeps your name and address for 10 years, "
            "as the law requires.",
            "We keep your ${count} orders for the accounts, without your name, email address, "
            "phone number or address; their invoices keep your name and address for 10 "
            "years, as the law requires.",
            len(done.orders),
            request,
        )
        return {"orders": len(done.orders), "orders_kept": kept}
