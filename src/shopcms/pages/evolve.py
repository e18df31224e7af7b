"""The evolve steps of pages (declared in ``shopcms.pages.includeme``)."""

from datetime import UTC, datetime

from persistent.mapping import PersistentMapping

from shopcms.catalog import reindex_all
from shopcms.pages.content import content_folder, load_pages, publish_seed_updates
from shopcms.pages.earlier_seed import EARLIER
from shopcms.pages.resources import POLICY_KINDS, Page, PolicyPage
from shopcms.tree.content import content_types
from shopcms.web.clock import now
from shopcms.web.i18n import languages

#: The actor of the revisions this upgrade wrote (shown as a title: ``shopcms.pages``).
UPGRADE = "system:evolve"


def pages_with_revisions_and_catalog(site, registry):
    """Generation 1: pages with revisions, and the product catalog.

    - A page of the foundation (one title and body per language) becomes a page with
      revisions, each language published as its first revision; privacy, cookies and terms
      become policy pages.
    - Adds the ``categories`` folder, replaces the Products folder of the foundation by the
      one that hands out short product ids (it was always empty then), gives accounts their
      shop lists, and rebuilds the catalog with the declared indexes (product indexes; text
      and title per language).
    """
    # Indexes first: what is added below is indexed with the declared indexes.
    site.catalog.ensure_indexes(languages(registry))
    types = content_types(registry)
    now = datetime.now(UTC)
    for name, old in list(site["pages"].items()):
        if hasattr(old, "revisions"):
            continue
        page = PolicyPage(name) if name in POLICY_KINDS else Page()
        for lang, title in old.titles.items():
            page.save_draft(lang, title, old.bodies.get(lang, ""), "", UPGRADE, now)
            page.publish(lang, now, actor=UPGRADE)
        site["pages"].remove(name, registry=registry)
        site["pages"].add(name, page, registry=registry)
    if "categories" not in site:
        site.add("categories", types.create("categories"), registry=registry)
    # The foundation's folder (stored as shopcms.resources.site.Products, loaded as
    # today's class) lacks the product ids.
    if not hasattr(site["products"], "by_pid") and not len(site["products"]):
        site.remove("products", registry=registry)
        site.add("products", types.create("products"), registry=registry)
    for account in site["customers"].values():
        if not hasattr(account, "shop_lists"):
            account.shop_lists = PersistentMapping()
    reindex_all(site, languages(registry), registry)


def review_terms(site, registry):
    """Generation 8: the review terms (the policy page ``review-terms``, which the footer
    and the review forms link to) from the seed content folder, published, for a site
    made before they existed; a site that has them keeps its own.  Without the seed
    content folder nothing is added: ``shopcms init`` or ``load-content`` adds them later.
    """
    load_pages(
        site,
        content_folder(registry.settings),
        languages(registry),
        now(registry),
        registry=registry,
        names=("review-terms",),
    )


def newsletter_texts(site, registry):
    """Generation 10: the privacy statement and the contact page that describe the
    newsletter as it works (double opt-in, unsubscribing by link, account page or mail, the
    suppression list, erasure), published from the seed content folder in each language
    where the site still shows an earlier seed text untouched.  A text an editor changed
    stays as it is (``shopcms load-content`` offers the new one as a draft); without the
    seed content folder nothing changes.
    """
    publish_seed_updates(
        site,
        content_folder(registry.settings),
        languages(registry),
        now(registry),
        EARLIER,
        registry=registry,
    )


def contest_texts(site, registry):
    """Generation 12: the privacy statement that describes the contests as they work (the
    data of an entry, the counts per campaign without names, consent by taking part, the
    retention: unconfirmed 7 days, 60 days after the announcement, a winner's 60 days
    after delivery; the mails of an entry sent despite a newsletter unsubscription),
    published from the seed content folder in each language where the site still shows an
    earlier seed text untouched, like generation 10.
    """
    publish_seed_updates(
        site,
        content_folder(registry.settings),
        languages(registry),
        now(registry),
        {key: hashes for key, hashes in EARLIER.items() if key[0] == "privacy"},
        registry=registry,
    )
