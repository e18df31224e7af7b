"""Forms: colander schemas rendered by deform in the site's language.

Every form schema derives from :class:`CSRFSchema`, so the CSRF token is always part of the
form (Pyramid also checks it on every unsafe request).  :func:`validate` returns the
appstruct or, for invalid input, None with the status set to 400: the view shows the form
again with the messages next to the fields, and pyramid_tm's commit veto aborts the
transaction so nothing half-written stays behind.
"""

import colander
import deform
from pyramid.csrf import get_csrf_token
from pyramid.threadlocal import get_current_request


def _translator(term):
    request = get_current_request()
    if request is None:
        return term
    return request.localizer.translate(term)


def _renderer():
    return deform.ZPTRendererFactory(
        deform.Form.default_renderer.loader.search_path, translator=_translator
    )


@colander.deferred
def _csrf_default(node, kw):
    return get_csrf_token(kw["request"])


class CSRFSchema(colander.Schema):
    """Base of every form schema: the CSRF token (``shopcms.web.csrf``) in a hidden field."""

    csrf_token = colander.SchemaNode(
        colander.String(),
        widget=deform.widget.HiddenWidget(),
        default=_csrf_default,
        missing=colander.null,
    )


def make_form(request, schema_class, buttons, action=None, formid="form", **bind):
    """A deform Form for ``schema_class`` bound to ``request``.

    ``buttons`` are ``(name, title)`` pairs; titles are translated by the renderer.
    """
    schema = schema_class().bind(request=request, **bind)
    return deform.Form(
        schema,
        buttons=[deform.Button(name, title) for name, title in buttons],
        action=action or request.path,
        formid=formid,
    )


def validate(request, form):
    """Validate the POSTed ``form``.

    Returns ``(appstruct, None)`` for valid input (without the CSRF token), or
    ``(None, html)`` after setting the response status to 400, where ``html`` is the form
    again with the visitor's input and the messages next to the fields.
    """
    try:
        appstruct = form.validate(request.POST.items())
    except deform.ValidationFailure as failure:
        request.response.status = 400
        return None, failure.render()
    appstruct.pop("csrf_token", None)
    return appstruct, None


def includeme(config):
    deform.Form.set_default_renderer(_renderer())
