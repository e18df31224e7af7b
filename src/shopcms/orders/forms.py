"""The checkout's forms, their schemas bound once per set of options (issue 18).

Binding the checkout's schema (a copy of its forty nodes, the deferred widgets and
validators, the countries' names) cost a few milliseconds per form, and the ``place``
POST builds two.  What a binding depends on is the language, the site's URL (the terms'
link), and the options offered (shipping with its costs, payment methods, whether details
can be kept); the same few sets come back all day.  So :func:`checkout_form` keeps bound
schemas by those, and builds each request only its deform Form over the kept schema
(schemas are not changed by validating or rendering).

Two things differ per visitor and are never kept: the CSRF token (the kept schema's
default is empty; :class:`CheckoutForm` puts the requester's token into the values it
renders) and saved addresses (a requester with saved addresses gets a schema bound for
them alone, as every form did before).  A kept schema holds no request: its bindings
name a stand-in that only knows the language.
"""

import threading
from types import SimpleNamespace

import colander
from pyramid.csrf import get_csrf_token

from shopcms.orders.checkout import starting_values
from shopcms.web.forms.core import Form, make_form, set_ids

#: Bound schemas kept (a few per language is what a shop uses; more are made again).
KEPT = 64

_kept = {}
_lock = threading.Lock()


#: Stand-ins for the one-time token and the CSRF token in a kept first rendering: letters
#: and digits only, which rendering leaves as they are.
TOKEN_MARK = "shopcmsCheckoutTokenMark"  # noqa: S105 (a mark, no secret)
CSRF_TOKEN_MARK = "shopcmsCheckoutCsrfMark"  # noqa: S105

_first = {}


class CheckoutForm(Form):
    """A form over a kept schema (``kept``: its key): renders the requester's CSRF token
    with its values."""

    csrf_token = None
    kept = None

    def render(self, *args, **kw):
        # Without values (after set_pstruct) the form shows what was posted, token included.
        if args and isinstance(args[0], dict) and "csrf_token" not in args[0]:
            args = ({**args[0], "csrf_token": self.csrf_token}, *args[1:])
        return super().render(*args, **kw)

    def render_first(self, values):
        """``render(values)`` for a visitor who has given nothing yet: ``values`` are the
        shop's defaults (plain values, no visitor's data: never a customer's) and a new
        one-time ``token``.  Such a form is the same for every visitor but for the two
        tokens, so it is rendered once per kept schema and defaults and the tokens put in
        (the deform rendering was half the cost of a guest's checkout page)."""
        defaults = {key: value for key, value in values.items() if key != "token"}
        key = (self.kept, repr(sorted(defaults.items())))
        html = _first.get(key)
        if html is None:
            html = self.render({**defaults, "token": TOKEN_MARK, "csrf_token": CSRF_TOKEN_MARK})
            _keep(_first, key, html)
        return html.replace(TOKEN_MARK, values["token"]).replace(CSRF_TOKEN_MARK, self.csrf_token)


def _nodes(node):
    yield node
    for child in node.children:
        yield from _nodes(child)


def _bound(request, schema_class, formid, options):
    key = (
        schema_class,
        formid,
        request.locale_name,
        request.application_url,
        options.shipping,
        options.payment,
        options.can_keep,
    )
    schema = _kept.get(key)
    if schema is not None:
        return key, schema
    schema = schema_class().bind(request=request, options=options)
    set_ids(schema, formid)
    schema["csrf_token"].default = colander.null
    stand_in = SimpleNamespace(locale_name=request.locale_name)
    for node in _nodes(schema):
        node.bindings = {**(node.bindings or {}), "request": stand_in}
    _keep(_kept, key, schema)
    return key, schema


def _keep(store, key, value):
    """Keep ``value`` under ``key`` in ``store``, which holds at most :data:`KEPT`."""
    with _lock:
        if len(store) >= KEPT:
            store.clear()
        store[key] = value


def checkout_form(request, schema_class, formid, button, css_class, options):
    """The form of ``schema_class`` (a checkout schema bound with ``request`` and
    ``options``) posting to the checkout, with ``button``."""
    action = request.link(None, "checkout")
    if options.addresses:
        return make_form(
            request, schema_class, (button,), formid, action, css_class=css_class, options=options
        )
    key, schema = _bound(request, schema_class, formid, options)
    form = CheckoutForm(
        schema,
        buttons=[button],
        action=action,
        method="POST",
        formid=formid,
    )
    form.csrf_token = get_csrf_token(request)
    form.kept = key
    if css_class:
        form.css_class = css_class
    return form


def starting_form(request, form):
    """``form`` (the checkout's details form) rendered with the requester's starting
    values (``checkout.starting_values``): once for every guest, who has given nothing
    yet (:meth:`CheckoutForm.render_first`); for a customer with their own details."""
    values = starting_values(request)
    if request.identity is None and isinstance(form, CheckoutForm):
        return form.render_first(values)
    return form.render(values)


def refused_field(form, name, message):
    """``form`` with ``message`` (translatable) as the error of its field ``name``: what
    the schema cannot know (a gift card that cannot pay this order), shown where the
    visitor typed it, the form's other values kept when it is rendered with them."""
    error = colander.Invalid(form.schema, "")
    error[name] = message
    form.widget.handle_error(form, error)
    return form
