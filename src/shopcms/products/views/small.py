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

import functools
import os
from html import escape

import deform
from pyramid.csrf import get_csrf_token

from shopcms.products.views.cards import RememberedMarkup
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


#: Stands for the CSRF token in a remembered rendering (each visitor's is put in).
_TOKEN = "shopcms-small-form-token"  # noqa: S105 (a stand-in, not a secret)


#: Small forms rendered before, keyed by everything their HTML depends on but the visitor's
#: CSRF token (kept as :data:`_TOKEN`): the same button on the same product in the same
#: language renders the same.
RENDERED = RememberedMarkup()

#: Stand-ins for hidden values that differ from item to item (``Repeated.render``), of
#: the type of their field (a product id is a number) and found nowhere else in a form.
STAND_INS = {"pid": 987654321, "came_from": "/shopcms-stand-in-came-from"}


class Repeated:
    """A deform form of ``schema`` (an instance) for showing, built once per request and
    rendered for as many items as needed: each render has its own formid and ids, and may
    have its own action and buttons.  A POST form carries the request's CSRF token.

    Only for schemas whose one deferred value is the CSRF token's default (the schema is
    copied, not bound).
    """

    def __init__(self, request, schema, buttons, css_class=None, method="POST", attributes=None):
        self.schema, self.buttons, self.method = schema, buttons, method
        self.css_class = css_class
        self.attributes = dict(attributes or {})  # of the <form> element (role="search")
        self.token = get_csrf_token(request) if method == "POST" else None
        self.lang = request.locale_name
        # The schemas are the module's own instances: the same kind of form for the process.
        self.kind = id(schema)

    @functools.cached_property
    def form(self):
        """The deform Form, built when a rendering is not remembered yet."""
        form = small(Form(self.schema.clone(), buttons=self.buttons, method=self.method))
        if self.css_class:
            form.css_class = self.css_class
        form.widget.attributes = self.attributes
        return form

    def render(self, formid, appstruct, action=None, buttons=None, hidden=()):
        """The form for one item, rendered (or remembered, see :data:`RENDERED`).

        ``hidden`` names hidden fields whose values differ from item to item (the product's
        id, the page to come back to) without changing anything else of the form: one
        rendering then serves every item, their values put in afterwards.
        """
        html = self.template(formid, appstruct, action, buttons, hidden)
        return fill(html, {name: appstruct[name] for name in hidden}, self.token)

    def template(self, formid, appstruct, action=None, buttons=None, hidden=()):
        """:meth:`render`'s form before :func:`fill`: with the stand-ins of the ``hidden``
        values and of the token, the same for every visitor and item."""
        appstruct = {**appstruct, **{name: STAND_INS[name] for name in hidden}}
        key = (
            deform.Form.default_renderer,
            self.lang,
            self.kind,
            self.css_class,
            tuple(sorted(self.attributes.items())),
            formid,
            action,
            tuple((b.name, b.title, b.css_class, b.value) for b in buttons or self.buttons),
            tuple(sorted((k, str(v)) for k, v in appstruct.items())),
        )
        html = RENDERED.get(key)
        if html is None:
            html = self._render(formid, appstruct, action, buttons)
            RENDERED.put(key, html)
        return html

    def _render(self, formid, appstruct, action=None, buttons=None):
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
            appstruct = {"csrf_token": _TOKEN, **appstruct}
        return form.render(appstruct)


def fill(html, hidden, token):
    """A :meth:`Repeated.template` made the item's: the ``hidden`` values (name -> value)
    and the CSRF ``token`` (None: a GET form, which has none) put in."""
    for name, value in hidden.items():
        # Only the hidden input's value: the stand-in cannot be taken for anything else.
        html = html.replace(
            f'value="{STAND_INS[name]}"', f'value="{escape(str(value), quote=True)}"'
        )
    return html if token is None else html.replace(_TOKEN, escape(token))


def visible_errors(form):
    """True when a field the visitor sees (or the form as a whole) is in error; a failure
    only of hidden fields is a tampered request, not something to correct in the form."""
    if form.error is not None and form.error.msg:
        return True
    return any(f.error is not None for f in _fields(form) if not f.widget.hidden)
