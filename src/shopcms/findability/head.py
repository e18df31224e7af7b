"""The tags of every public page's ``<head>``: ``ui.findability`` in the templates.

The layout calls the macro ``findability-head`` (``templates/macros.pt``) once; it shows
what :class:`HeadTags` computes from the request and what the view said
(:func:`.description.describe`):

- on a public page that answers 200: the meta description (the view's, else the shop's
  own), the canonical link (the page's own address in its language, with only the query
  pairs the view names as part of it: tracking and sorting parameters are left out), Open
  Graph (title, description, address, type, image, locale and the other languages') and
  the Twitter card;
- the hreflang alternates (the languages of ``ui.alternates``, at their canonical
  addresses on a public page) with ``x-default``: the page in the site's default language
  (the first alternate), or ``/`` for the home page;
- the JSON-LD blocks the view gave, whatever the status (a refused form on a product page
  is still that product).

Management and account pages, error pages, redirects and pages at a secret address (a
mailed link) get none of the public tags.
"""

from functools import cached_property
from urllib.parse import urlencode

from shopcms.findability.description import described
from shopcms.findability.structured import BRAND, LOGO, absolute_static, json_ld
from shopcms.web.i18n import _, languages, localized_path
from shopcms.web.layout import PageContext
from shopcms.web.urls import public_url

#: The shop's own description: the meta description of a page that gives none.
SHOP_DESCRIPTION = _(
    "Plants, pots and gifts that are easy to live with, chosen and packed with care in Belgium."
)

#: Open Graph locales (language_TERRITORY) of the site's languages: a Belgian shop.
LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}


def og_locale(lang):
    return LOCALES.get(lang, lang)


class HeadTags:
    """What the head of the current page shows (see the module); computed once per page,
    after the view ran."""

    site_name = BRAND

    def __init__(self, request):
        self.request = request
        self.said = described(request)

    @cached_property
    def public(self):
        """True on a public page (the language tree) that answers 200, unless its address
        carries a secret (a view declared ``secret_address``, whose answer sends no
        referrer): a mailed link's token is not repeated as a canonical address."""
        request = self.request
        route = getattr(request, "matched_route", None)
        response = request.response
        return (
            route is not None
            and route.name == "public"
            and response.status_int == 200
            and response.headers.get("Referrer-Policy") != "no-referrer"
        )

    @cached_property
    def description(self):
        return self.said.text or self.request.localizer.translate(SHOP_DESCRIPTION)

    @cached_property
    def title(self):
        return self.said.title or BRAND

    @cached_property
    def kind(self):
        return self.said.kind

    def canonical_in(self, lang):
        """The page's address in ``lang``, without any query but the pairs the view named
        (``canonical_query``)."""
        request = self.request
        path = localized_path(request, lang).partition("?")[0]
        query = [(k, v) for k, v in self.said.canonical_query if v not in (None, "")]
        url = public_url(request.registry, request) + path
        return f"{url}?{urlencode(query)}" if query else url

    @cached_property
    def canonical(self):
        """The page's own address in its language (or the language of the text it shows)."""
        return self.canonical_in(self.said.canonical_lang or self.request.locale_name)

    @cached_property
    def alternates(self):
        """hreflang's ``(lang, absolute URL)``: the languages of ``ui.alternates``; on a
        public page each at its canonical address (hreflang names canonical pages only, so
        a search's or a tracking link's query is not repeated in every language)."""
        alternates = PageContext(self.request).alternates
        if not self.public:
            return alternates
        return [(lang, self.canonical_in(lang)) for lang, _url in alternates]

    @cached_property
    def x_default(self):
        """hreflang's ``x-default``: for the home page ``/``, which chooses the visitor's
        language; for any other page that page in the site's default language (the first
        alternate), or None without alternates."""
        if not self.alternates:
            return None
        request = self.request
        lang = self.alternates[0][0]
        home = request.route_path("public", lang=lang, traverse=())
        if localized_path(request, lang).partition("?")[0] == home:
            return public_url(request.registry, request) + "/"
        return self.alternates[0][1]

    @cached_property
    def image(self):
        """The page's image (absolute), else the shop's logo."""
        return self.said.image or absolute_static(self.request, LOGO)

    @cached_property
    def image_alt(self):
        return self.said.image_alt if self.said.image else BRAND

    @cached_property
    def twitter_card(self):
        """A large image for a page with an image of its own (a product), else the summary."""
        return "summary_large_image" if self.said.image else "summary"

    @cached_property
    def locale(self):
        return og_locale(self.request.locale_name)

    @cached_property
    def alternate_locales(self):
        """The Open Graph locales of the page's other languages (those of its hreflang)."""
        existing = getattr(self.request, "shopcms_alternate_languages", None)
        return [
            og_locale(code)
            for code in languages(self.request.registry)
            if code != self.request.locale_name and (existing is None or code in existing)
        ]

    @cached_property
    def structured(self):
        """The JSON-LD blocks' texts, safe to write unescaped into the script elements."""
        return [json_ld(data) for data in self.said.structured]
