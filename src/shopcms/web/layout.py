"""What the layout needs to know about the current request: ``ui`` in every template.

Language switcher, hreflang alternates, the logged-in account, formatting in the visitor's
language.  The capabilities add what they show on every page without this module knowing
them:

- ``config.add_layout_value(name, factory)``: ``ui.NAME`` is ``factory(request)``, computed
  once per page (the cart count, the cookie banner...);
- ``config.add_footer_link(elements, title, order=0, css_class=None)``: a link of the footer
  (``request.link(None, *elements)``), in ``order``;
- ``config.add_footer_part(macro, order=0)``: a part of the footer (the newsletter's form),
  the shared macro ``macro`` (``config.add_macros``) rendered in ``order``.

The header's account links are the personal part ``account-nav`` (:func:`account_nav`,
``shopcms.web.personal``): the management link, "welcome back", log in and register, or
my account and the logout form.

Everything here is read-only and cheap; nothing writes to the database.
"""

import functools
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from html import escape

import deform
from babel import Locale
from babel.dates import format_date, format_datetime, format_time, get_datetime_format
from babel.numbers import format_currency, format_decimal
from pyramid.csrf import get_csrf_token
from pyramid.threadlocal import get_current_request
from pyramid.traversal import find_root

from shopcms.web import personal
from shopcms.web.clock import site_timezone
from shopcms.web.company import company
from shopcms.web.forms import Button, button_form
from shopcms.web.i18n import LANGUAGE_NAMES, _, languages, localized_path, pick, switch_path
from shopcms.web.security import MANAGE


@functools.lru_cache(maxsize=8192)
def format_money(amount, lang):
    """Babel's formatting of a euro amount, remembered: shop pages show the same prices
    again and again, and each formatting costs tens of microseconds."""
    return format_currency(amount, "EUR", locale=f"{lang}_BE")


@functools.lru_cache(maxsize=16)
def territories(lang):
    """Babel's country names in ``lang`` (``{"BE": "België", ...}``)."""
    return Locale.parse(lang).territories


@functools.lru_cache(maxsize=64)
def format_percent(rate, lang):
    return format_decimal(rate, locale=f"{lang}_BE") + " %"


def format_moment(request, moment, format="medium", date_only=False):
    """``moment`` (aware) in the site's time zone and the request's language."""
    local = moment.astimezone(site_timezone(request.registry))
    if date_only:
        return format_date(local.date(), format=format, locale=request.locale_name)
    return format_datetime(local, format=format, locale=request.locale_name)


def format_moments(request, moments, format="long"):
    """Each of ``moments`` (aware) as a date in the site's time zone and the request's
    language, with its time as well ("3 december 2026, 14:05") where another of them falls
    on the same day: a list of versions or revisions then tells the two apart.  A moment
    alone on its day is its date only.  A list of texts, in the order of ``moments``."""
    zone = site_timezone(request.registry)
    local = [moment.astimezone(zone) for moment in moments]
    per_day = Counter(moment.date() for moment in local)
    lang = request.locale_name
    return [
        _date_and_time(moment, format, lang)
        if per_day[moment.date()] > 1
        else format_date(moment.date(), format=format, locale=lang)
        for moment in local
    ]


def _date_and_time(local, format, lang):
    """The date in ``format`` and the short time ("14:05", "2:05 PM"), joined as the
    language joins them (CLDR's date-time pattern, as ``babel.dates.format_datetime``)."""
    return (
        get_datetime_format(format, locale=lang)
        .replace("'", "")
        .replace("{0}", format_time(local, "short", locale=lang))
        .replace("{1}", format_date(local.date(), format=format, locale=lang))
    )


#: The stand-in for the visitor's CSRF token in the remembered logout form.
_STAND_IN = "shopcms-logout-token"


@functools.lru_cache(maxsize=64)
def _logout_form(lang, renderer, action):
    """The logout form in ``lang`` posting to ``action``, with a stand-in for the token:
    it is on every page of a logged-in customer, and rendering it anew each time cost more
    than the rest of the header.  The widget templates in use (``renderer``) are part of
    the key."""
    request = get_current_request()
    buttons = (Button("logout", _("Log out"), css_class="link"),)
    form = button_form(request, "logout", action, buttons, css_class="inline")
    return form.render({"csrf_token": _STAND_IN})


@dataclass(frozen=True)
class FooterLink:
    elements: tuple
    title: object
    order: int = 0
    css_class: str | None = None


class PageContext:
    """``ui`` in every template (the declared layout values are its attributes too)."""

    def __init__(self, request):
        self.request = request

    def __getattr__(self, name):
        factory = getattr(self.request.registry, "shopcms_layout_values", {}).get(name)
        if factory is None:
            raise AttributeError(name)
        value = self.__dict__[name] = factory(self.request)
        return value

    @cached_property
    def footer_links(self):
        """``(href, title, css_class)`` of the footer's links, in their declared order."""
        declared = sorted(self.request.registry.shopcms_footer_links, key=lambda f: f.order)
        return [(self.request.link(None, *f.elements), f.title, f.css_class) for f in declared]

    @cached_property
    def footer_parts(self):
        """The names of the footer's macros (``add_footer_part``), in their declared order."""
        declared = sorted(self.request.registry.shopcms_footer_parts, key=lambda p: p[1])
        return [macro for macro, _order in declared]

    @cached_property
    def company(self):
        """The company behind the shop (``web.company``)."""
        return company(self.request.registry)

    @cached_property
    def company_lines(self):
        """The footer's company details: lines of ``(text, href)`` items (``href`` None for
        text), the empty settings left out: the name with its legal form; the address; the
        enterprise number, VAT number and register; the email address and phone number."""
        c, translate = self.company, self.request.localizer.translate
        lines = [[(f"{c.brand} · {c.legal_name}", None)], [(c.address, None)]]
        ids = []
        if c.enterprise:
            ids.append(translate(_("Enterprise no. ${number}", mapping={"number": c.enterprise})))
        if c.vat:
            ids.append(translate(_("VAT ${number}", mapping={"number": c.vat})))
        lines.append([(text, None) for text in (*ids, c.register)])
        phone = "".join(x for x in c.phone if x.isdigit() or x == "+")
        lines.append([(c.email, f"mailto:{c.email}"), (c.phone, f"tel:{phone}")])
        return [[item for item in line if item[0]] for line in lines if any(i[0] for i in line)]

    @cached_property
    def lang(self):
        return self.request.locale_name

    @cached_property
    def switcher(self):
        """(code, name, path, is_current) for each language, keeping the visitor on this page."""
        return [
            (
                code,
                LANGUAGE_NAMES.get(code, code),
                localized_path(self.request, code),
                code == self.lang,
            )
            for code in languages(self.request.registry)
        ]

    def language_link(self, code):
        """The switcher's link to this page in ``code``: it remembers the choice."""
        return switch_path(self.request, code)

    @cached_property
    def alternates(self):
        """hreflang alternates (absolute URLs), or none for pages outside the language tree.

        A view whose content exists in only some languages lists them in
        ``request.shopcms_alternate_languages``: hreflang then names only those (only the
        languages in which the same address answers 200).  An error page has none: its
        address is no page in any language.
        """
        if not (self.request.matchdict or {}).get("lang"):
            return []
        if self.request.response.status_int != 200:
            return []
        existing = getattr(self.request, "shopcms_alternate_languages", None)
        return [
            (code, self.request.application_url + path)
            for code, _n, path, _c in self.switcher
            if existing is None or code in existing
        ]

    def format_date(self, moment, format="long"):
        """A date in the visitor's language and the site's time zone ("26 november 2026")."""
        return format_moment(self.request, moment, format, date_only=True)

    def format_datetime(self, moment, format="medium"):
        return format_moment(self.request, moment, format)

    def format_dates(self, moments, format="long"):
        """Dates of a list, with the time where two share a day (:func:`format_moments`)."""
        return format_moments(self.request, moments, format)

    def money(self, amount):
        """An amount in euro as the visitor's language writes it ("€ 12,95", "12,95 €")."""
        return format_money(amount, self.lang)

    def percent(self, rate):
        return format_percent(rate, self.lang)

    def decimal(self, value):
        """``value`` with one decimal, as the visitor's language writes it (4,3 or 4.3)."""
        return format_decimal(round(value, 1), "0.0", locale=self.lang)

    def country(self, code):
        """The name of the country ``code`` (ISO 3166-1 alpha-2) in the visitor's language."""
        return territories(self.lang).get(code, code)

    def title_of(self, resource):
        """A resource's title in the visitor's language (with the usual fallback)."""
        return pick(resource.titles, self.request)[1] or resource.__name__

    @cached_property
    def account(self):
        return self.request.identity

    @cached_property
    def can_manage(self):
        if self.account is None:
            return False
        # Under /{lang}/account/ the root is the account itself: ask the Site.
        return self.request.has_permission(MANAGE, find_root(self.account))

    @cached_property
    def logout_form(self):
        """The header's "Log out" button (a form: logging out changes the session)."""
        action = self.request.link(None, "logout")
        form = _logout_form(self.request.locale_name, deform.Form.default_renderer, action)
        return form.replace(_STAND_IN, escape(get_csrf_token(self.request), quote=True))

    def personal(self, name, **args):
        """The personal part ``name`` (``shopcms.web.personal``): this visitor's, or a hole
        the page cache fills for each visitor."""
        return personal.part(self.request, name, **args)

    @cached_property
    def csrf_token(self):
        """The session's token, or a stateless one for a visitor without cookies."""
        return get_csrf_token(self.request)


#: The account navigation rendered before (:func:`account_nav`), by what it shows:
#: ``(application URL, language, logged in, may manage, welcome back, deform's renderer)``
#: -> markup (with the "Log out" form's stand-in for the token).
_NAV_MEMO = {}


def account_nav(request):
    """The personal part ``account-nav``: the header's links of the visitor's account (the
    layout value ``welcome_back``, when a capability declares it, greets a returning
    customer who is not logged in).

    On every page of every visitor: the links are rendered once per process for each
    thing they depend on (the key of :data:`_NAV_MEMO`: the address of the site, the
    language, logged in or not, management or not, greeting or not), with the "Log out"
    form, whose token, the visitor's, is put in each time."""
    ui = PageContext(request)
    logged_in = ui.account is not None
    welcome = False
    if not logged_in:
        welcome_back = request.registry.shopcms_layout_values.get("welcome_back")
        welcome = bool(welcome_back is not None and welcome_back(request))
    renderer = deform.Form.default_renderer
    lang = request.locale_name
    key = (request.application_url, lang, logged_in, ui.can_manage, welcome, renderer)
    html = _NAV_MEMO.get(key)
    if html is None:
        html = _nav_links(request, ui, logged_in, welcome)
        if logged_in:
            action = request.link(None, "logout")
            html += "\n" + _logout_form(lang, renderer, action)
        _NAV_MEMO[key] = html
        while len(_NAV_MEMO) > 256:  # (hosts: a bound, not a policy)
            _NAV_MEMO.pop(next(iter(_NAV_MEMO)))
    if not logged_in:
        return html
    return html.replace(_STAND_IN, escape(ui.csrf_token, quote=True))


def _nav_links(request, ui, logged_in, welcome):
    """The account navigation's links (all but the "Log out" form)."""
    translate = request.localizer.translate

    def link(href, text, css_class=None):
        attribute = f' class="{css_class}"' if css_class else ""
        return f'<a{attribute} href="{escape(href)}">{escape(translate(text))}</a>'

    items = []
    if ui.can_manage:
        items.append(link(request.manage_link(), _("Management")))
    if not logged_in:
        if welcome:
            text = escape(translate(_("Welcome back!")))
            items.append(f'<span class="welcome-back">{text}</span>')
        items.append(link(request.link(None, "login"), _("Log in"), "login"))
        items.append(link(request.link(None, "register"), _("Register"), "register"))
    else:
        items.append(link(request.account_link(), _("My account"), "my-account"))
    return "\n".join(items)


def add_layout_value(config, name, factory):
    """Config directive: ``ui.NAME`` in every template is ``factory(request)``."""
    values = config.registry.shopcms_layout_values
    if name in values or hasattr(PageContext, name):
        raise ValueError(f"the layout value {name!r} is declared twice")
    values[name] = factory


def add_footer_link(config, elements, title, order=0, css_class=None):
    """Config directive: a link in the footer of every page (see the module)."""
    config.registry.shopcms_footer_links.append(
        FooterLink(tuple(elements), title, order, css_class)
    )


def add_footer_part(config, macro, order=0):
    """Config directive: the shared macro ``macro`` is a part of every page's footer."""
    config.registry.shopcms_footer_parts.append((macro, order))


def includeme(config):
    config.registry.shopcms_layout_values = {}
    config.registry.shopcms_footer_links = []
    config.registry.shopcms_footer_parts = []
    config.add_directive("add_layout_value", add_layout_value)
    config.add_directive("add_footer_link", add_footer_link)
    config.add_directive("add_footer_part", add_footer_part)

    def declare_parts():
        # An action: the directive of personal parts is included after this module.
        config.registry.shopcms_personal_parts["account-nav"] = account_nav

    config.action("shopcms.layout.account-nav", declare_parts)
