"""What the views of accounts share: the answers of the mailed-link pages, marking a
validated form with a problem the schema could not see, and the button forms.

- :func:`mail_sent`: the one answer of every form that mails a link, whether or not the
  address is known;
- :func:`invalid_link`: the page (400) of a link that is forged, expired or used;
- :func:`form_error`: valid input that cannot be honoured (a wrong password, a taken
  address) shown at its field, and in the form's error summary, like any other error;
- :func:`submitted`: the values of a posted button form (hidden fields only), or 400;
- :func:`throttled`: the answer's status and message while attempts are paused.
"""

import colander
from pyramid.httpexceptions import HTTPBadRequest

from shopcms.accounts.authentication import too_many
from shopcms.web.forms import validate
from shopcms.web.i18n import _

SENT_TEMPLATE = "shopcms.accounts:templates/mail_sent.pt"
LINK_TEMPLATE = "shopcms.accounts:templates/verify.pt"


def mail_sent(request, again=None):
    """The one answer of the forms that mail a link (``again``: where to ask a new one)."""
    request.override_renderer = SENT_TEMPLATE
    return {
        "title": _("Check your mailbox"),
        "text": _(
            "If the address you entered can be used for this, a mail with a link is on its "
            "way to it. Open the link to continue; it works only once and for a limited "
            "time."
        ),
        "again": again,
    }


def mailed_token(request):
    """The token of a mailed link: in the query of the link's page, then in the form that
    page posts (a hidden field)."""
    return (request.POST if request.method == "POST" else request.GET).get("token", "")


def invalid_link(request, again, status=400):
    """The page for a link that cannot be used (forged, expired, used)."""
    request.response.status = status
    request.override_renderer = LINK_TEMPLATE
    return {
        "title": _("This link cannot be used"),
        "text": _(
            "The link is not valid: it has expired, or it was used already (each link "
            "works only once). You can ask a new one."
        ),
        "form": None,
        "again": again,
    }


def form_error(request, form, message, field=None, appstruct=None, status=400):
    """``form`` rendered again with ``message`` at ``field`` (or for the whole form when
    None) and in its error summary; sets the answer's ``status``."""
    error = colander.Invalid(form.schema, None if field else message)
    if field:
        error[field] = message
    form.widget.handle_error(form, error)
    request.response.status = status
    return form.render(appstruct or {})


def submitted(request, form):
    """The values of a posted button form; 400 when they were tampered with (there is no
    field the visitor could correct)."""
    appstruct, _failed = validate(request, form)
    if appstruct is None:
        raise HTTPBadRequest()
    return appstruct


def throttled(request, wait):
    """Set the 429 status and ``Retry-After`` (``wait`` seconds); return the message."""
    request.response.status = 429
    request.response.headers["Retry-After"] = str(wait)
    return too_many(wait, request)
