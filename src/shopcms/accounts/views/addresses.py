"""``/{lang}/account/addresses``: the delivery addresses the customer keeps.

- ``GET``: the addresses, each with its buttons, and the form that adds one;
- ``POST``: add an address (kept only with the "keep my account data" consent);
- ``POST .../addresses/ID/remove`` and ``.../addresses/ID/default``: one of the customer's
  own addresses (404 for any other id); their forms post only the CSRF token.
"""

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther

from shopcms.accounts import saved_details
from shopcms.accounts.schemas import AddressSchema
from shopcms.accounts.views.area import AREA, TEMPLATES, AccountFormView, account_view, item_action
from shopcms.accounts.views.common import submitted
from shopcms.web.errors import refusal
from shopcms.web.forms import Button, CSRFSchema, form_view, make_form
from shopcms.web.i18n import _
from shopcms.web.notices import notice


def address_form(request, address_id, action):
    """The button ``action`` (``default`` or ``remove``) of one address."""
    title = _("Make default") if action == "default" else _("Remove")
    return make_form(
        request,
        CSRFSchema,
        (Button(action, title, css_class="toggle"),),
        f"{action}-{address_id}",
        request.account_link("addresses", address_id, action),
        css_class="inline",
    )


@form_view(name="addresses", renderer=TEMPLATES + "addresses.pt", **AREA)
class Addresses(AccountFormView):
    """The addresses and the form that adds one."""

    section = "addresses"
    schema = AddressSchema
    formid = "address"
    buttons = (Button("save", _("Save the address")),)

    def make(self):
        form = super().make()
        form.css_class = "add-address"
        return form

    def values(self):
        cards = [
            {
                "address": address,
                "default": default,
                "forms": [
                    address_form(self.request, address["id"], action).render() for action in actions
                ],
            }
            for address, default, actions in saved_details.addresses_with_actions(self.context)
        ]
        return super().values() | {"cards": cards}

    def submit(self):
        if not saved_details.keeps(self.context):
            return refusal(self.request, saved_details.NEEDS_CONSENT)
        return super().submit()

    def succeeded(self, appstruct):
        saved_details.add_address(self.context, appstruct)
        notice(self.request, _("The address is saved."))
        return HTTPSeeOther(location=self.request.account_link("addresses"))


def _own_address(request, account, action):
    """The id of the address the path names (404 unless it is the customer's own), once
    the button's form is checked."""
    address_id = request.subpath[0]
    if saved_details.own_address(account, address_id) is None:
        raise HTTPNotFound()
    submitted(request, address_form(request, address_id, action))
    return address_id


@account_view("addresses", method="POST", **item_action("addresses", "remove"))
def remove_address(context, request):
    saved_details.remove_address(context, _own_address(request, context, "remove"))
    notice(request, _("The address is removed."))
    return HTTPSeeOther(location=request.account_link("addresses"))


@account_view("addresses", method="POST", **item_action("addresses", "default"))
def make_default(context, request):
    address_id = _own_address(request, context, "default")
    try:
        saved_details.make_default(context, address_id)
    except saved_details.NeedsConsent as exc:
        return refusal(request, exc.message)
    notice(request, _("This is now your default address."))
    return HTTPSeeOther(location=request.account_link("addresses"))
