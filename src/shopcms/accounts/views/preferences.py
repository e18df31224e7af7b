"""``/{lang}/account/preferences``: the language of our mails and, while account data is
kept, the phone; and ``POST /{lang}/account/keep-details``, the "keep my account data"
consent given from one of the account pages (the ledger records ``account-PAGE``).
"""

from pyramid.httpexceptions import HTTPSeeOther

from shopcms.accounts import saved_details
from shopcms.accounts.schemas import KeepDetailsSchema, PreferencesSchema
from shopcms.accounts.views.area import AREA, TEMPLATES, AccountFormView, account_view, no_subpath
from shopcms.web.errors import refusal
from shopcms.web.forms import Button, form_view, make_form, validate
from shopcms.web.i18n import _
from shopcms.web.notices import notice


@form_view(name="preferences", renderer=TEMPLATES + "preferences.pt", **AREA)
class Preferences(AccountFormView):
    section = "preferences"
    schema = PreferencesSchema
    formid = "preferences"
    buttons = (Button("save", _("Save")),)

    @property
    def bind(self):
        return {"keeps": saved_details.keeps(self.context)}

    def appstruct(self):
        return saved_details.preference_values(self.context, self.request.locale_name)

    def succeeded(self, appstruct):
        saved_details.save_preferences(self.context, appstruct)
        notice(self.request, _("Your preferences are saved."))
        return HTTPSeeOther(location=self.request.account_link("preferences"))


@account_view("keep-details", method="POST")
def keep_details(context, request):
    """Give the "keep my account data" consent from the page ``page`` and go back there."""
    no_subpath(request)
    form = make_form(request, KeepDetailsSchema, (), "keep-details")
    appstruct, _failed = validate(request, form)
    if appstruct is None:
        return refusal(request, _("Your choice could not be recorded: the request was not valid."))
    page = appstruct["page"]
    saved_details.give_consent(context, request.locale_name, request.now, page)
    notice(request, _("Thank you: your consent is recorded."))
    return HTTPSeeOther(location=request.account_link(page))
