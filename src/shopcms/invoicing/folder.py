"""The site's ``invoices`` folder: found, or created for a database older than it."""

from shopcms.tree.content import content_types

NAME = "invoices"


def invoices_folder(site, registry, create=False):
    """The site's :class:`~shopcms.invoicing.resources.Invoices`; None if it has none yet,
    unless ``create`` (a write: only in a transaction that issues a document).  New sites
    get it with the other site folders and older databases from evolve step 13; creating it
    here too keeps issuing safe for a database whose evolve steps have not run."""
    folder = site.get(NAME)
    if folder is None and create:
        folder = site.add(NAME, content_types(registry).create(NAME), registry=registry)
    return folder


def add_invoices_folder(site, registry):
    """Evolve step 13: the site's ``invoices`` folder."""
    invoices_folder(site, registry, create=True)
