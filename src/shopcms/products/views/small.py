"""The machinery of the shop's small forms (``views.forms``, the desk's buttons): deform
forms built once per request and rendered lean.

The product page and the listing are the shop's busiest pages, rendered for every visitor
with cookies, so the forms they show cost as little as a deform form can
(:class:`Repeated`):

- a form of each kind is built once per request and rendered for every item with the
  item's formid, field ids (``cart-12``, ``cart-12-qty``), action and buttons;
- its schema is copied, not bound: binding walks every attribute of every node only to
  find the CSRF field's default, which the render is given instead (the request's token);
- it is rendered with this package's ``templates/deform/small_form.pt`` and
  ``small_item.pt``: web's form and item templates (error summary, required note, labels,
  errors linked to fields, buttons), lean, where hidden fields are written in place
  instead of through a widget template each.

A form that validates a POST is made by ``web.forms.make_form`` as everywhere, and shown
again by ``web.forms.validate`` with the same templates when it fails (:func:`small`).
"""

import os

import deform
from pyramid.csrf import get_csrf_token

from shopcms.web.forms import set_ids
from shopcms.web.forms.core import Form

#: Absolute paths: deform resolves an asset spec anew for every render, a path once.
TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "templates", "deform")
SMALL_FORM = os.path.join(TEMPLATES, "small_form.pt")
SMALL_ITEM = os.path.join(TEMPLATES, "small_item.pt")


def small(form):
    """``form`` rendered with the small forms' templates (its fields are single inputs:
    text, number, select, hidden)."""
    form.widget.template = SMALL_FORM
    form.widget.item_template = SMALL_ITEM
    return form


def _fields(field):
    for child in field.children:
        yield child
        yield from _fields(child)


def unnamed_button(name, title, css_class=None):
    """A submit button that sends nothing: a GET form's address keeps only its fields."""
    return deform.Button(name, title, css_class=css_class, attributes={"name": None})


class Repeated:
    """A deform form of ``schema`` (an instance) for showing, built once per request and
    rendered for as many items as needed: each render has its own formid and ids, and may
    have its own action and buttons.  A POST form carries the request's CSRF token.

    Only for schemas whose one deferred value is the CSRF token's default (the schema is
    copied, not bound).
    """

    def __init__(self, request, schema, buttons, css_class=None, method="POST"):
        self.form = small(Form(schema.clone(), buttons=buttons, method=method))
        if css_class:
            self.form.css_class = css_class
        self.token = get_csrf_token(request) if method == "POST" else None

    def render(self, formid, appstruct, action=None, buttons=None):
        form = self.form
        form.formid = formid
        set_ids(form.schema, formid)
        for field in _fields(form):
            field.oid = field.schema.oid
        if action is not None:
            form.action = action
        if buttons is not None:
            form.buttons = buttons
        if self.token is not None:
            appstruct = {"csrf_token": self.token, **appstruct}
        return form.render(appstruct)


def visible_errors(form):
    """True when a field the visitor sees (or the form as a whole) is in error; a failure
    only of hidden fields is a tampered request, not something to correct in the form."""
    if form.error is not None and form.error.msg:
        return True
    return any(f.error is not None for f in _fields(form) if not f.widget.hidden)
