"""Seed pages from the ``content/`` folder (``shopcms init``, ``shopcms load-content``).

Layout: ``content/pages/NAME/page.toml`` (``type = "page"``, or ``type = "policy"`` with a
``kind``) and ``content/pages/NAME/LANG.md``: the first line ``# Title``, then the Markdown
body.

- ``shopcms init`` adds the pages the site does not have, each language published as its
  first revision.
- ``shopcms load-content`` also looks at the pages that exist: where a file changed since it
  was last loaded it adds a *draft* for the editors to review; it never touches a draft an
  editor is working on, and never changes what is published.
- An evolve step may load one new page into a site made before it existed (``names``): the
  review terms, generation 8.
- An evolve step may publish a changed seed text where a site still shows an earlier seed
  text untouched (:func:`publish_seed_updates`): the privacy statement and the contact page
  of the newsletter, generation 10.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from shopcms.pages.resources import Page, PolicyPage
from shopcms.web.richtext import text_hash

LOADER = "system:content"
#: The note of a revision the loader writes, in the revision's language: a note is the
#: page's content, shown with it (an editor's too).  Earlier releases wrote the English
#: :data:`LEGACY_NOTE`, which :func:`shown_note` shows as the language's note.
SEED_NOTES = {"nl": "Tekst bijgewerkt", "fr": "Texte mis à jour", "en": "Text updated"}
LEGACY_NOTE = "content/ changed"


def seed_note(lang):
    return SEED_NOTES.get(lang, SEED_NOTES["en"])


def shown_note(revision):
    """The note of ``revision`` as its page shows it."""
    return seed_note(revision.lang) if revision.note == LEGACY_NOTE else revision.note


@dataclass(frozen=True)
class Loaded:
    """What the loader did with one file."""

    page: str
    lang: str
    action: str  # published | draft | kept-editor-draft

    def __str__(self):
        return f"{self.page} [{self.lang}]: {self.action}"


def read_page_file(path):
    """``(title, body, hash)`` of one page file; ValueError without a ``# Title`` line."""
    text = path.read_text(encoding="utf-8")
    first, _sep, body = text.partition("\n")
    if not first.startswith("# "):
        raise ValueError(f"{path}: the first line must be '# Title'")
    return first[2:].strip(), body.strip() + "\n", text_hash(text)


def new_page(folder):
    meta_path = folder / "page.toml"
    meta = tomllib.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    if meta.get("type", "page") == "policy":
        return PolicyPage(meta["kind"])
    return Page()


def content_folder(settings):
    """The seed content folder: ``shopcms.content``, else ``content/`` in the working folder."""
    return Path(settings.get("shopcms.content") or "content").resolve()


def load_pages(
    site, folder, languages, now, update=False, registry=None, names=None, progress=None
):
    """Load ``folder/pages`` into the site; returns a list of :class:`Loaded`.

    New pages are published as their first revisions.  With ``update``, a changed file of
    an existing page becomes a draft, unless an editor has a draft open in that language.
    ``names``: only these pages (default all).  ``progress(done, total)``, if given, is
    called before each page folder and once at the end.
    """
    pages_dir = Path(folder) / "pages"
    done = []
    if not pages_dir.is_dir():
        return done
    entries = sorted(p for p in pages_dir.iterdir() if p.is_dir())
    for number, entry in enumerate(entries):
        if progress is not None:
            progress(number, len(entries))
        if names is not None and entry.name not in names:
            continue
        files = {lang: entry / f"{lang}.md" for lang in languages}
        files = {lang: path for lang, path in files.items() if path.exists()}
        page = site["pages"].get(entry.name)
        if page is None:
            page = new_page(entry)
            for lang, path in files.items():
                title, body, digest = read_page_file(path)
                page.save_draft(lang, title, body, "", LOADER, now)
                page.publish(lang, now, actor=LOADER)
                page.loaded_hashes[lang] = digest
                done.append(Loaded(entry.name, lang, "published"))
            site["pages"].add(entry.name, page, registry=registry)
            continue
        if not update:
            continue
        for lang, path in files.items():
            title, body, digest = read_page_file(path)
            if page.loaded_hashes.get(lang) == digest:
                continue
            draft = page.draft(lang)
            if draft is not None and draft.author != LOADER:
                done.append(Loaded(entry.name, lang, "kept-editor-draft"))
                continue
            page.save_draft(lang, title, body, seed_note(lang), LOADER, now)
            page.loaded_hashes[lang] = digest
            done.append(Loaded(entry.name, lang, "draft"))
    if progress is not None:
        progress(len(entries), len(entries))
    return done


def untouched(page, lang, earlier):
    """Does ``page`` still show in ``lang`` a seed text of ``earlier`` (hashes of files as
    releases shipped them), as the loader published it, with no editor's revision or draft
    since?"""
    if page.loaded_hashes.get(lang) not in earlier:
        return False
    revisions = page.all_revisions(lang)
    return bool(revisions) and all(r.author == LOADER for r in revisions)


def publish_seed_updates(site, folder, languages, now, earlier, registry=None):
    """Publish the seed text of ``folder/pages`` for each ``(page, lang)`` of ``earlier``
    (``{(page, lang): hashes of its earlier seed texts}``) where the site still shows one of
    those texts untouched (:func:`untouched`); an edited page is left to the editors
    (``shopcms load-content`` offers them the new text as a draft).  Returns a list of
    :class:`Loaded`."""
    done = []
    for (name, lang), hashes in sorted(earlier.items()):
        path = Path(folder) / "pages" / name / f"{lang}.md"
        page = site["pages"].get(name)
        if lang not in languages or page is None or not path.exists():
            continue
        title, body, digest = read_page_file(path)
        if digest in hashes or not untouched(page, lang, hashes):
            continue
        page.save_draft(lang, title, body, seed_note(lang), LOADER, now)
        page.publish(lang, now, actor=LOADER)
        page.loaded_hashes[lang] = digest
        done.append(Loaded(name, lang, "published"))
    return done
