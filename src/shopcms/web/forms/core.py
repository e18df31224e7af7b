"""Building and checking forms: the schema base, ids, buttons, the renderer, validation.

See the package's docstring for the rules every form follows.
"""

import os

import colander
import deform
from pyramid.csrf import get_csrf_token
from pyramid.settings import asbool
from pyramid.threadlocal import get_current_request

from shopcms.web.forms.types import Text
from shopcms.web.i18n import _
from shopcms.web.theme import template_dirs

#: The summary of a form whose only refused values are hidden ones.
NOT_ACCEPTED = _("Something in the request was not right.")
#: The widget templates of shopcms, searched before deform's own.
TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "templates", "deform")


def _translator(term):
    request = get_current_request()
    if request is None:
        return term
    return request.localizer.translate(term)


def renderer(settings):
    """deform's renderer: a theme's ``web/deform/`` folder first, then ours, then deform's."""
    themes = [os.path.join(folder, "web", "deform") for folder in template_dirs(settings)]
    ours = [path for path in themes if os.path.isdir(path)] + [TEMPLATES]
    deform_templates = deform.Form.default_renderer.loader.search_path
    return deform.ZPTRendererFactory(
        (*ours, *(path for path in deform_templates if path not in ours)),
        translator=_translator,
        # Checking every widget template's file on every render is for development only.
        auto_reload=asbool(settings.get("pyramid.reload_templates", False)),
    )


@colander.deferred
def _csrf_default(node, kw):
    return get_csrf_token(kw["request"])


class CSRFSchema(colander.Schema):
    """Base of every form schema that posts: the CSRF token in a hidden field."""

    csrf_token = colander.SchemaNode(
        Text(),
        widget=deform.widget.HiddenWidget(),
        default=_csrf_default,
        missing=colander.null,
    )


def _fields(field):
    """Every field below ``field``, depth first."""
    for child in field.children:
        yield child
        yield from _fields(child)


def parts(form):
    """What ``form.pt`` shows beyond deform's own values: the error summary's lines
    ``(field id or None, title, message)``, whether to say what the required mark means,
    and whether the form uploads files."""
    failures = []
    if form.error is not None and form.error.msg:
        failures.append((None, None, form.error.msg))
    fields = list(_fields(form))
    for field in fields:
        if field.error is not None and field.error.msg and not field.widget.hidden:
            failures.extend((field.oid, field.title, msg) for msg in field.error.messages())
    if not failures and any(f.error is not None and f.widget.hidden for f in fields):
        # A hidden value was refused (tampered with, or odd characters): nothing to point
        # at, but the summary still says that the form was not accepted.
        failures.append((None, None, NOT_ACCEPTED))
    visible = [f for f in fields if not f.widget.hidden and not f.children]
    return {
        "failures": failures,
        "required_note": any(f.required for f in visible),
        "multipart": any(isinstance(f.widget, deform.widget.FileUploadWidget) for f in fields),
    }


class Form(deform.Form):
    """A deform Form whose page shows the error summary and the required note."""

    def render(self, *args, **kw):
        return super().render(*args, **{**parts(self), **kw})


def Button(name, title, css_class=None, value=None, **attributes):
    """A submit button; ``attributes`` are added to the ``<button>`` (``form="..."``)."""
    return deform.Button(
        name, title, value=value, css_class=css_class, attributes=attributes or None
    )


def set_ids(node, prefix):
    """Give ``node`` and every node below it the id ``PREFIX-PATH`` (``checkout-delivery-
    street``): unique per form, readable, stable between renders."""
    for child in node.children:
        child.oid = f"{prefix}-{child.name}".replace("_", "-")
        set_ids(child, child.oid)


def make_form(
    request,
    schema,
    buttons,
    formid="form",
    action=None,
    method="POST",
    css_class=None,
    **bind,
):
    """A deform Form for ``schema`` (a schema, or a class or function that makes one)
    bound to ``request``.

    ``buttons`` are :func:`Button` objects or ``(name, title)`` pairs (titles are
    translated by the renderer); ``formid`` names the form and prefixes its field ids;
    ``action`` defaults to the current page.
    """
    if not isinstance(schema, colander.SchemaNode):
        schema = schema()  # a schema class, or a function that makes one
    schema = schema.bind(request=request, **bind)
    set_ids(schema, formid)
    form = Form(
        schema,
        buttons=[b if isinstance(b, deform.Button) else Button(*b) for b in buttons],
        action=action or request.path_qs,
        method=method,
        formid=formid,
    )
    if css_class:
        form.css_class = css_class
    return form


def button_form(request, formid, action, buttons, css_class=None):
    """A form of buttons only (the logout in the header): the CSRF token and ``buttons``."""
    return make_form(request, CSRFSchema, buttons, formid, action, css_class=css_class)


def validate(request, form):
    """Validate the submitted ``form`` (the POST, or the query of a GET form).

    Returns ``(appstruct, None)`` for valid input (without the CSRF token), or
    ``(None, html)`` after setting the response status to 400, where ``html`` is the form
    again with the visitor's input, the error summary and the messages next to the fields.
    """
    controls = request.GET if form.method.upper() == "GET" else request.POST
    try:
        appstruct = form.validate(controls.items())
    except deform.ValidationFailure as failure:
        request.response.status = 400
        return None, failure.render(**parts(failure.field))
    appstruct.pop("csrf_token", None)
    return appstruct, None
