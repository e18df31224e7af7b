"""Languages, locale negotiation and per-language content values.

Public URLs are language-first (``/nl/…``, ``/fr/…``, ``/en/…``): the language is a view
parameter, not a place in the resource tree.  Where a URL carries no language (``/``, error
pages outside the language routes) the locale comes from the ``language`` cookie, then the
``Accept-Language`` header, then the default.  Adding a language is a settings change
(``shopcms.languages``) plus a message catalog.

The ``language`` cookie (strictly necessary) is set only when the visitor chooses a
language: the switcher's links go through ``/{lang}/language?next=PATH``
(:func:`switch_path`, the view in ``views/public/language.py``), which sets it and redirects
to the page in that language.  Browsing itself never sets it, so pages stay cookie-free
and shared (``shopcms.web.pagecache``) for visitors who never switch.
"""

from pyramid.i18n import TranslationStringFactory
from pyramid.threadlocal import get_current_request
from pyramid_chameleon.interfaces import IChameleonTranslate

#: Every translatable UI string of shopcms lives in this domain.
_ = TranslationStringFactory("shopcms")

DEFAULT_LANGUAGES = ("nl", "fr", "en")

#: The name each language has in itself: the switcher never translates these.
LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English"}

LANGUAGE_COOKIE = "language"
#: The view (below each language) that remembers the language chosen with the switcher.
SWITCH_VIEW = "language"


def languages(registry):
    """The configured languages, the default first."""
    return registry.settings["shopcms.languages"]


def parse_languages(value):
    """Read the ``shopcms.languages`` setting: a space separated list, default first."""
    langs = tuple(value.split()) if value else DEFAULT_LANGUAGES
    if not langs:
        raise ValueError("shopcms.languages names no language")
    return langs


def negotiate_locale_name(request):
    """Pyramid locale negotiator.

    The URL wins (``/fr/...``); otherwise the ``language`` cookie, then the best match of
    ``Accept-Language``, then the default language.  Only configured languages are ever
    returned, whatever the client sends.
    """
    available = languages(request.registry)
    lang = (request.matchdict or {}).get("lang")
    if lang in available:
        return lang
    return preferred_language(request)


def preferred_language(request):
    """The visitor's language when the URL does not say: cookie, header, default."""
    available = languages(request.registry)
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in available:
        return cookie
    match = request.accept_language.lookup(available, default=available[0])
    return match if match in available else available[0]


def pick(values, request, fallback=True):
    """Choose a per-language value for the request's locale.

    ``values`` maps language codes to values.  The fallback order is the request's language,
    then the configured default, then the other languages in configured order, so a page is
    never blank because one translation is missing.  Returns ``(language, value)``; the
    language tells the template whether to mark the text as being in another language.
    """
    order = [request.locale_name]
    if fallback:
        order += [lang for lang in languages(request.registry) if lang != request.locale_name]
    for lang in order:
        value = values.get(lang)
        if value:
            return lang, value
    return None, None


def localized_path(request, lang):
    """The address of the current page in another language (the switcher and hreflang).

    The page's own route made again with ``lang``; outside the language routes (``/``, an
    error before routing) the home page in ``lang``.  The query stays: it is part of the page
    (the revision being edited, a search).
    """
    route = getattr(request, "matched_route", None)
    if route is not None and "lang" in (request.matchdict or {}):
        path = request.route_path(route.name, **{**request.matchdict, "lang": lang})
        if request.path_info.endswith("/") and not path.endswith("/"):
            path += "/"  # a folder's address keeps its slash
    else:
        path = request.route_path("public", lang=lang, traverse=())
    return f"{path}?{request.query_string}" if request.query_string else path


def switch_path(request, lang):
    """The switcher's link to the current page in ``lang``: through ``/{lang}/language``,
    which remembers the choice in the ``language`` cookie (see the module docstring)."""
    return request.link(None, SWITCH_VIEW, lang=lang, query={"next": localized_path(request, lang)})


class CachingTemplateTranslate:
    """Chameleon's translate function, remembering the plain messages it has translated.

    A page translates a few dozen fixed UI strings (buttons, headings) on every request;
    each costs a catalog lookup.  Messages without a mapping are looked up once per locale.
    Anything else (mappings, Chameleon's marker defaults) goes to ``inner`` untouched.
    """

    MAX_ENTRIES = 20_000

    def __init__(self, inner):
        self.inner = inner
        self.cache = {}

    def __call__(
        self, msgid, domain=None, mapping=None, context=None, target_language=None, default=None
    ):
        request = get_current_request()
        plain = type(msgid) is str and not mapping and (default is None or type(default) is str)
        if not plain or request is None:
            return self.inner(msgid, domain, mapping, context, target_language, default)
        key = (request.locale_name, domain, msgid, default, target_language)
        translated = self.cache.get(key)
        if translated is None:
            translated = self.inner(msgid, domain, mapping, context, target_language, default)
            if len(self.cache) >= self.MAX_ENTRIES:
                self.cache.clear()
            self.cache[key] = translated
        return translated


def _cache_template_translations(registry):
    inner = registry.queryUtility(IChameleonTranslate)
    if inner is not None:
        registry.registerUtility(CachingTemplateTranslate(inner), IChameleonTranslate)


def includeme(config):
    settings = config.get_settings()
    settings["shopcms.languages"] = parse_languages(settings.get("shopcms.languages"))
    settings["pyramid.default_locale_name"] = settings["shopcms.languages"][0]
    config.set_locale_negotiator(negotiate_locale_name)
    # Our catalog last: Pyramid gives precedence to translation dirs added later.
    config.add_translation_dirs("colander:locale", "deform:locale", "shopcms:locale")
    # After pyramid_chameleon registered its translate function (order 1000).
    config.action(None, _cache_template_translations, args=(config.registry,), order=1001)


def ngettext(singular, plural, count, request, **mapping):
    """``singular`` or ``plural`` (``${count}`` in them is ``count``, ``${NAME}`` the
    keyword ``NAME``) as the request's language says for ``count``: the message catalog's
    plural forms.

    Named and shaped so that ``make extract-messages`` (lingua's ``ngettext`` keyword:
    the first two arguments) puts both forms in the catalog.
    """
    return request.localizer.pluralize(
        singular, plural, count, domain="shopcms", mapping={**mapping, "count": count}
    )
