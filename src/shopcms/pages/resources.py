"""Pages with per-language revision histories: plain pages and policy pages.

A page holds, per language, numbered revisions.  A revision is a draft until it is
published; publishing fixes its text (title and sanitised body), its stable id
(``NAME:LANG:NUMBER``), a SHA-256 hash of exactly what is shown, and its effective time:
now, or later (scheduled).  Published revisions never change again.

Which revision is *in force* in a language is derived from the time: the published
revision with the latest effective time not after now.  So a scheduled revision takes over
at its time with no request, job or write needed, and the earlier one is from then on
*superseded*.  The workflow module drives the stored states (draft -> published, and back to
draft to withdraw a revision that is still scheduled); "scheduled", "in force" and
"superseded" are read off the effective times (:meth:`Page.status`).

At most one draft per language exists: editing a language edits its draft, or starts one
from the text in force.
"""

from persistent import Persistent
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from pyramid.authorization import DENY_ALL, Allow, Everyone

from shopcms.tree.events import ObjectModified, notify
from shopcms.tree.resources import Content, Folder, FolderKeyError
from shopcms.web import richtext, security
from shopcms.web.i18n import _
from shopcms.web.i18n import languages as site_languages
from shopcms.workflow import State, Transition, Workflow

DRAFT, PUBLISHED = "draft", "published"
SCHEDULED, IN_FORCE, SUPERSEDED = "scheduled", "in-force", "superseded"

STATUS_TITLES = {
    DRAFT: _("Draft"),
    SCHEDULED: _("Scheduled"),
    IN_FORCE: _("In force"),
    SUPERSEDED: _("Superseded"),
}

REVISION_WORKFLOW = Workflow(
    "revision",
    states=[State(DRAFT, _("Draft")), State(PUBLISHED, _("Published"))],
    transitions=[
        Transition("publish", (DRAFT,), PUBLISHED, security.EDIT, _("Publish")),
        Transition("withdraw", (PUBLISHED,), DRAFT, security.EDIT, _("Withdraw")),
    ],
    initial=DRAFT,
)

#: Marker an editor puts in the cookie policy where the generated cookie table goes.
COOKIE_TABLE_MARKER = "<p>[[cookie-table]]</p>"

POLICY_KINDS = ("privacy", "cookies", "terms", "contest-rules", "review-terms")


class PageError(Exception):
    """A request the page cannot honour; ``message`` is translatable."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class Revision(Persistent):
    """One version of a page in one language."""

    #: The meta description search engines show (plain text; empty: made from the body).
    #: Part of the revision, as its title is, but not of its hash: it is not the text a
    #: visitor agrees to.  A class default: revisions stored before it have none.
    description = ""

    def __init__(self, lang, number, title, body, note, author, now, description=""):
        self.lang = lang
        self.number = number
        self.author = author
        self.created = now
        self.effective = None
        self.published_at = None
        self.text_hash = None
        # A translation names the language it follows; at publication that becomes
        # (language, number of its revision then in force).  Originals have None.
        self.translates = None
        self.translation_of = None
        self._set_text(title, body, note, now, description)

    def _set_text(self, title, body, note, now, description=""):
        self.title = title.strip()
        self.description = " ".join(description.split())
        self.body = body
        self.html = richtext.render(body)
        self.note = note.strip()
        self.modified = now

    @property
    def id(self):
        """Stable id of the revision: ``NAME:LANG:NUMBER``."""
        return f"{self.__parent__.__name__}:{self.lang}:{self.number}"

    @property
    def is_draft(self):
        return self.workflow_state == DRAFT


class Pages(Folder):
    """All pages.  Names of management views cannot be page names."""

    content_type = "pages"
    RESERVED = frozenset({"add", "board"})

    def check_name(self, name):
        super().check_name(name)
        if name in self.RESERVED:
            raise FolderKeyError(_("This name is reserved."))
        return name

    def add_page(self, kind, name=""):
        """Add a new, empty page and return it.

        ``kind`` is ``"page"`` (a plain page, which needs ``name``) or a policy kind (the
        page is named for its kind; ``name`` is ignored).  Raises PageError when there is no
        name, or the name is invalid, reserved or taken.
        """
        if kind == "page":
            if not name:
                raise PageError(_("Choose a name."))
            page = Page()
        else:
            name, page = kind, PolicyPage(kind)
        try:
            return self.add(name, page)
        except FolderKeyError as exc:
            raise PageError(exc.message) from None


class Page(Content):
    """A plain page (``/{lang}/pages/NAME``) with per-language revisions."""

    content_type = "page"
    kind = None

    __acl__ = [
        (Allow, Everyone, security.VIEW),
        (Allow, security.role_principal(security.EDITOR), security.EDIT),
        (Allow, security.role_principal(security.ADMIN), security.EDIT),
        DENY_ALL,
    ]

    def __init__(self):
        super().__init__()
        self.revisions = PersistentMapping()  # lang -> PersistentList of Revision
        self.log = PersistentList()  # (when, who, lang, number, action, note)
        self.loaded_hashes = PersistentMapping()  # lang -> hash of the content/ file loaded

    # -- reading ---------------------------------------------------------------
    def languages(self):
        return [lang for lang, revisions in self.revisions.items() if revisions]

    def all_revisions(self, lang):
        return list(self.revisions.get(lang, ()))

    def revision(self, lang, number):
        for revision in self.revisions.get(lang, ()):
            if revision.number == number:
                return revision
        return None

    def draft(self, lang):
        """The open draft of ``lang``, or None."""
        for revision in self.revisions.get(lang, ()):
            if revision.is_draft:
                return revision
        return None

    def published(self, lang, now):
        """Revisions of ``lang`` published and effective by ``now``, newest first."""
        revisions = [
            r
            for r in self.revisions.get(lang, ())
            if r.workflow_state == PUBLISHED and r.effective <= now
        ]
        return sorted(revisions, key=lambda r: (r.effective, r.number), reverse=True)

    def in_force(self, lang, now):
        """The revision of ``lang`` in force at ``now``, or None."""
        published = self.published(lang, now)
        return published[0] if published else None

    def scheduled(self, lang, now):
        """Revisions of ``lang`` published to take effect after ``now``, soonest first."""
        revisions = [
            r
            for r in self.revisions.get(lang, ())
            if r.workflow_state == PUBLISHED and r.effective > now
        ]
        return sorted(revisions, key=lambda r: r.effective)

    def status(self, revision, now):
        """``draft``, ``scheduled``, ``in-force`` or ``superseded`` at ``now``."""
        if revision.is_draft:
            return DRAFT
        if revision.effective > now:
            return SCHEDULED
        return IN_FORCE if self.in_force(revision.lang, now) is revision else SUPERSEDED

    def shown(self, lang, fallback_order, now):
        """The revision a visitor of ``lang`` sees: ``lang``'s, else the first in
        ``fallback_order`` that has one in force.  Returns None when nothing is published."""
        for candidate in (lang, *fallback_order):
            revision = self.in_force(candidate, now)
            if revision is not None:
                return revision
        return None

    def desk_title(self, request):
        """The page's name on the desk (its breadcrumbs): the title visitors of the UI
        language see, else the name in the address."""
        revision = self.shown(request.locale_name, site_languages(request.registry), request.now)
        return revision.title if revision is not None else self.__name__

    def searchable_text(self, lang):
        """The title of the last published revision in ``lang`` (pages are found by title)."""
        published = [r for r in self.revisions.get(lang, ()) if r.workflow_state == PUBLISHED]
        return published[-1].title if published else None

    # -- writing ---------------------------------------------------------------
    def _record(self, now, who, lang, number, action, note=""):
        self.log.append((now, who, lang, number, action, note))
        self.modified = now

    def save_draft(self, lang, title, body, note, author, now, translates=None, description=""):
        """Create or update the draft of ``lang``; returns it.  Published text never changes.

        ``translates`` names the language this text is a translation of (None for a change
        of its own): a published translation does not make the other languages outdated.
        ``description`` is the revision's meta description (empty: made from the body).
        """
        draft = self.draft(lang)
        if draft is None:
            revisions = self.revisions.setdefault(lang, PersistentList())
            number = max((r.number for r in revisions), default=0) + 1
            draft = Revision(lang, number, title, body, note, author, now, description)
            draft.__parent__ = self
            draft.__name__ = f"{lang}-{number}"
            REVISION_WORKFLOW.initialize(draft, actor=author)
            revisions.append(draft)
            self._record(now, author, lang, number, "created", draft.note)
        else:
            draft._set_text(title, body, note, now, description)
            draft.author = author
            self._record(now, author, lang, draft.number, "saved", draft.note)
        draft.translates = translates if translates != lang else None
        return draft

    def publish(self, lang, now, request=None, actor=None, effective=None, note=""):
        """Publish the draft of ``lang``, now or at ``effective`` (a later UTC time).

        Fixes the revision's hash; the revision in force changes at the effective time.
        ``request`` is the editor's (their permission is checked); a script passes
        ``actor`` instead.  Raises PageError when there is no draft or the time lies in the
        past, and the workflow's errors when the requester may not publish.
        """
        draft = self.draft(lang)
        if draft is None:
            raise PageError(_("There is no draft to publish."))
        if effective is not None and effective < now:
            raise PageError(_("Choose a time in the future, or publish now."))
        entry = REVISION_WORKFLOW.transition(draft, request, "publish", comment=note, actor=actor)
        draft.effective = effective or now
        draft.published_at = now
        draft.text_hash = richtext.text_hash(draft.title, draft.html)
        source = self.in_force(draft.translates, now) if draft.translates else None
        draft.translation_of = (source.lang, source.number) if source is not None else None
        action = "scheduled" if draft.effective > now else "published"
        self._record(now, entry.actor, lang, draft.number, action, note)
        notify(ObjectModified(self))
        return draft

    def withdraw(self, lang, number, now, request):
        """Take a scheduled revision back to draft (it never was in force)."""
        revision = self.revision(lang, number)
        if revision is None or self.status(revision, now) != SCHEDULED:
            raise PageError(_("Only a revision that is not yet in force can be withdrawn."))
        if self.draft(lang) is not None:
            raise PageError(_("Publish or discard the current draft first."))
        entry = REVISION_WORKFLOW.transition(revision, request, "withdraw")
        revision.effective = revision.published_at = revision.text_hash = None
        revision.translation_of = None
        self._record(now, entry.actor, lang, number, "withdrawn")
        notify(ObjectModified(self))
        return revision

    def discard_draft(self, lang, who, now):
        """Delete the draft of ``lang`` (it was never public)."""
        draft = self.draft(lang)
        if draft is None:
            raise PageError(_("There is no draft to discard."))
        self.revisions[lang].remove(draft)
        self._record(now, who, lang, draft.number, "discarded")


class PolicyPage(Page):
    """A legal text (privacy statement, cookie policy, terms, contest rules, review terms) at
    ``/{lang}/KIND``.  Consents point at the id and hash of its revisions."""

    content_type = "policy"

    def __init__(self, kind):
        super().__init__()
        if kind not in POLICY_KINDS:
            raise ValueError(f"unknown policy kind {kind!r}")
        self.kind = kind
