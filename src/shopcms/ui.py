"""What the layout needs to know about the current request: ``ui`` in every template.

Language switcher, hreflang alternates, the logged-in account, the footer's policy links.
Everything here is read-only and cheap; nothing writes to the database.
"""

from functools import cached_property

from .i18n import LANGUAGE_NAMES, _, languages, localized_path
from .security import MANAGE

#: Footer links to the policy pages: (view name, title).
POLICY_LINKS = (
    ("privacy", _("Privacy statement")),
    ("cookies", _("Cookie policy")),
    ("terms", _("Terms and conditions")),
)


class PageContext:
    def __init__(self, request):
        self.request = request

    @cached_property
    def lang(self):
        return self.request.locale_name

    def url(self, *path):
        """An absolute path in the current language: ``ui.url('login')`` -> ``/nl/login``."""
        return "/" + "/".join((self.lang, *path))

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

    @cached_property
    def alternates(self):
        """hreflang alternates (absolute URLs), or none for pages outside the language tree."""
        if not (self.request.matchdict or {}).get("lang"):
            return []
        return [(code, self.request.application_url + path) for code, _n, path, _c in self.switcher]

    @cached_property
    def account(self):
        return self.request.identity

    @cached_property
    def can_manage(self):
        return self.account is not None and self.request.has_permission(MANAGE, self.request.root)

    @cached_property
    def csrf_token(self):
        return self.request.session.get_csrf_token()

    def is_manage(self):
        return (
            self.request.matched_route is not None and self.request.matched_route.name == "manage"
        )

    policy_links = POLICY_LINKS
