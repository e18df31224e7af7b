"""The form view: a GET shows the form, a POST validates it, success redirects, failure
answers 400 with the form again.

A view that shows one form and acts on it is a class::

    @form_view(context=Site, route_name="public", name="login", permission=VIEW,
               renderer="shopcms.accounts:templates/login.pt")
    class Login(FormView):
        schema = LoginSchema
        formid = "login"
        buttons = (Button("login", _("Log in")),)

        def succeeded(self, appstruct):
            ...
            return HTTPSeeOther(location=self.request.link())

:func:`form_view` registers ``show`` for GET and ``submit`` for POST with the same
predicates.  The template gets ``form`` (the rendered form) and whatever :meth:`values`
adds.  :meth:`succeeded` may also return a dict (the page is shown again, status 200) or
call :meth:`refuse` to show the form with a message for the whole form at the head of its
error summary (status 400).
"""

from abc import ABC, abstractmethod

import colander
from pyramid.view import view_config

from shopcms.web.forms.core import make_form, validate


def form_view(**settings):
    """Class decorator: register ``cls.show`` for GET and ``cls.submit`` for POST with the
    view predicates and options ``settings`` (``context``, ``name``, ``permission``, ...)."""

    def decorate(cls):
        # _depth: venusian must find the module that defines ``cls``, not this one.
        cls = view_config(attr="submit", request_method="POST", _depth=1, **settings)(cls)
        return view_config(attr="show", request_method="GET", _depth=1, **settings)(cls)

    return decorate


class FormView(ABC):
    """Base of the form views (see the module).  Subclasses set :attr:`schema`,
    :attr:`formid` and :attr:`buttons`, and implement :meth:`succeeded`."""

    schema = None
    formid = None
    buttons = ()
    #: Extra values bound into the schema (``colander.deferred`` reads them).
    bind = {}

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def action(self):
        """Where the form posts: the page it is on."""
        return self.request.path_qs

    def make(self):
        """The deform Form (a method so that a view may shape it per request)."""
        return make_form(
            self.request, self.schema, self.buttons, self.formid, self.action(), **self.bind
        )

    def appstruct(self):
        """The values the form starts with on a GET."""
        return {}

    def values(self):
        """What the template gets besides ``form``."""
        return {}

    def page(self, form_html, **more):
        return {"form": form_html, "error": None, **self.values(), **more}

    def show(self):
        return self.page(self.make().render(self.appstruct()))

    def submit(self):
        form = self.make()
        appstruct, failed = validate(self.request, form)
        if appstruct is None:
            return self.page(failed)
        self.form = form
        return self.succeeded(appstruct)

    @abstractmethod
    def succeeded(self, appstruct):
        """Act on valid input; return a response (a redirect) or the page's values."""

    def refuse(self, message, appstruct=None, status=400):
        """The form again (with the visitor's input) and ``message`` at the head of its
        error summary: valid input that cannot be honoured (a wrong password)."""
        self.request.response.status = status
        self.form.widget.handle_error(self.form, colander.Invalid(self.form.schema, message))
        return self.page(self.form.render(appstruct or {}))
