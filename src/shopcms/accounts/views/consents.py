"""The customer's privacy page and the one place consents are given or withdrawn.

- ``GET /{lang}/account/privacy``: every purpose of processing (legal basis, the data it
  uses, retention, recipients); for each purpose that needs consent its state (given or
  not, since when, under which revision of the privacy statement) and one button to give or
  withdraw it; the consents given under an earlier privacy statement than the one in force,
  each with a button to confirm it under the current one; the whole consent ledger; links to
  the data export and to deleting the account.
- ``POST /{lang}/account/consent`` (``purpose``, ``op`` = give | withdraw | renew, ``form``,
  ``came_from``): records the change (``shopcms.accounts.consents``), then goes back to
  ``came_from``.  Withdrawing is the same single click as giving.

Other account pages ask for a consent where its data is concerned with the
``consent-toggle`` macro (``templates/macros.pt``), fed by ``consents.consent_states`` and
:func:`consent_form`.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.traversal import find_root

from shopcms.accounts.consents import change_consent, consent_history, consent_states
from shopcms.accounts.schemas import GIVE, RENEW, WITHDRAW, ConsentChangeSchema
from shopcms.accounts.views.area import account_view
from shopcms.privacy import ledger
from shopcms.privacy.purposes import BASIS_TITLES, PURPOSES
from shopcms.web.errors import refusal
from shopcms.web.forms import Button, make_form, validate
from shopcms.web.i18n import _
from shopcms.web.notices import notice
from shopcms.web.urls import local_path

BUTTON_TITLES = {
    GIVE: _("Give my consent"),
    WITHDRAW: _("Withdraw my consent"),
    RENEW: _("Confirm under the current version"),
}
#: The button of a consent asked for and waiting for its mailed link (the newsletter).
RESEND_TITLE = _("Send the confirmation mail again")


def _form(request, formid="consent", buttons=(), css_class=None):
    return make_form(
        request,
        ConsentChangeSchema,
        buttons,
        formid,
        request.account_link("consent"),
        css_class=css_class,
    )


def consent_form(request, consent, renew=False):
    """The one button of ``consent`` (a ``ConsentState``): give or withdraw it, or with
    ``renew`` confirm it under the privacy statement in force.  Its formid names the
    purpose, so that several on one page keep their ids apart."""
    op = RENEW if renew else (WITHDRAW if consent.given else GIVE)
    title = RESEND_TITLE if consent.pending and not renew else BUTTON_TITLES[op]
    form = _form(
        request,
        f"{'renew' if renew else 'consent'}-{consent.name}".replace("_", "-"),
        (Button("change", title, css_class="toggle"),),
        "inline renew" if renew else "consent-toggle",
    )
    if not renew:
        # The button's form says which purpose it is about and whether it is given, so
        # that the toggle can be found, and its state read, without its wording.
        form.widget.attributes = {
            "data-purpose": consent.name,
            "data-given": "true" if consent.given else "false",
            "data-pending": "true" if consent.pending else "false",
        }
    return form.render(
        {"purpose": consent.name, "op": op, "form": consent.form, "came_from": consent.came_from}
    )


@account_view("privacy", template="privacy.pt")
def privacy_page(context, request):
    states = {
        state.name: state for state in consent_states(request, context, form="account-privacy")
    }
    purposes = [
        {"purpose": purpose, "basis": BASIS_TITLES[purpose.basis], "consent": states.get(name)}
        for name, purpose in PURPOSES.items()
    ]
    return {
        "purposes": purposes,
        "stale": [state for state in states.values() if state.stale],
        "consent_forms": {name: consent_form(request, state) for name, state in states.items()},
        "renew_forms": {
            name: consent_form(request, state, renew=True)
            for name, state in states.items()
            if state.stale
        },
        "history": consent_history(request, context),
        "policy": ledger.policy_in_force(find_root(context), request.locale_name, request.now),
    }


@account_view("consent", method="POST")
def consent_change(context, request):
    """Give, withdraw or confirm (under the current privacy statement) one consent."""
    appstruct, _failed = validate(request, _form(request))
    if appstruct is None:
        return refusal(request, _("Your choice could not be recorded: the request was not valid."))
    message = change_consent(
        request, context, appstruct["purpose"], appstruct["op"], appstruct["form"]
    )
    notice(request, message)
    target = local_path(appstruct["came_from"]) or request.account_link("privacy")
    return HTTPSeeOther(location=target)
