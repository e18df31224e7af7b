"""Forms: colander schemas rendered by deform, one form system for the whole site.

Every form of shopcms is a deform form built by :func:`make_form` from a colander schema:

- a form that changes something (``method="POST"``) derives its schema from
  :class:`CSRFSchema`, so the CSRF token is always part of it (Pyramid also checks it on
  every unsafe request); a search or filter form (``method="GET"``) does not;
- every field's id is ``FORMID-FIELD`` (``login-email``), so two forms on one page never
  share an id and a label always points at its own field;
- the widget templates of ``shopcms.web:templates/deform/`` (searched before deform's, after
  a theme's ``web/deform/``) give
  every form the same accessible behaviour: required fields marked, each error linked to its
  field (``aria-invalid``, ``aria-describedby``), and an error summary (``role="alert"``)
  listing every problem with a link to its field, which takes the focus
  (``static/forms.js``);
- :func:`validate` returns the appstruct, or for invalid input answers ``400`` with the form
  again (the visitor's input kept, the messages next to the fields); pyramid_tm's commit
  veto then aborts the transaction, so nothing half-written stays behind.

Views that show one form and act on it derive from :class:`~shopcms.web.forms.views.FormView`.
"""

import deform

from shopcms.web.forms.core import (
    Button,
    CSRFSchema,
    button_form,
    make_form,
    renderer,
    set_ids,
    validate,
)
from shopcms.web.forms.views import FormView, form_view

__all__ = [
    "CSRFSchema",
    "Button",
    "button_form",
    "FormView",
    "form_view",
    "make_form",
    "set_ids",
    "validate",
]


def includeme(config):
    deform.Form.set_default_renderer(renderer(config.get_settings()))
