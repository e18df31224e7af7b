"""Seed content from the top-level ``content/`` folder, loaded by ``shopcms init``.

Layout: ``content/pages/NAME/LANG.md``: the first line ``# Title``, then the body
(paragraphs separated by blank lines).  Loading is idempotent: a page that exists is left as
the editors have it.
"""

import os
from pathlib import Path

from .resources.pages import Page

DEFAULT_CONTENT = Path(__file__).resolve().parents[2] / "content"


def content_dir(settings):
    return Path(settings.get("shopcms.content") or DEFAULT_CONTENT)


def read_page_file(path):
    """``(title, body)`` of one page file; raises ValueError without a ``# Title`` line."""
    text = path.read_text(encoding="utf-8")
    first, _sep, body = text.partition("\n")
    if not first.startswith("# "):
        raise ValueError(f"{path}: the first line must be '# Title'")
    return first[2:].strip(), body.strip()


def load_pages(site, folder, languages, registry=None):
    """Add the pages of ``folder/pages`` that the site does not have yet; returns their names."""
    pages_dir = Path(folder) / "pages"
    added = []
    if not pages_dir.is_dir():
        return added
    for entry in sorted(os.scandir(pages_dir), key=lambda e: e.name):
        if not entry.is_dir() or entry.name in site["pages"]:
            continue
        titles, bodies = {}, {}
        for lang in languages:
            path = Path(entry.path) / f"{lang}.md"
            if path.exists():
                titles[lang], bodies[lang] = read_page_file(path)
        if titles:
            site["pages"].add(entry.name, Page(titles, bodies), registry=registry)
            added.append(entry.name)
    return added
