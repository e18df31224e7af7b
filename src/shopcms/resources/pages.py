"""Pages: plain multilingual pages under ``pages/``.

The policy pages (privacy statement, cookie policy, terms) get revisions and a publication
workflow in their own issue; here a page holds one title and body per language.
"""

from .base import Content, Folder, Translations


class Pages(Folder):
    content_type = "pages"


class Page(Content):
    """A page with a title and a plain-text body per language (paragraphs split on blank lines)."""

    content_type = "page"

    def __init__(self, titles=None, bodies=None):
        super().__init__()
        self.titles = Translations(titles or {})
        self.bodies = Translations(bodies or {})

    def paragraphs(self, text):
        return [p.strip() for p in (text or "").split("\n\n") if p.strip()]
