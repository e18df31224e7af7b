"""shopcms: the web shop and CMS of Soft Cactus (onto object bvba) on Pyramid and ZODB.

Importing the package imports nothing else: the ``shopcms`` command (``shopcms.cli``), which
Python reaches through this package, must set its warning filters before Pyramid is first
imported (Pyramid 2.1 imports the deprecated ``pkg_resources``, which warns on import).
"""


def main(global_config, **settings):
    """The WSGI application.  Settings come from development.ini / production.ini."""
    # Imported here, not above: see the module docstring.
    from pyramid.config import Configurator
    from pyramid.settings import asbool

    from shopcms import operations, statistics
    from shopcms.tree.database import (
        bootstrap,
        ensure_storage_directory,
        open_databases,
        root_factory,
    )
    from shopcms.web import compression, malformed, pagecache

    ensure_storage_directory(settings)
    # The statistics' own database (zodbconn.uri.statistics), before pyramid_zodbconn opens it.
    statistics.configure_storage(settings)
    settings.setdefault("tm.manager_hook", "pyramid_tm.explicit_manager")
    # A 4xx or 5xx answer aborts the transaction: a rejected form leaves nothing behind.
    settings.setdefault("tm.commit_veto", "pyramid_tm.default_commit_veto")
    # A checkout conflicts with every concurrent one (order counter, stock): under a burst a
    # request may lose several times before it commits.
    settings.setdefault("retry.attempts", "20")
    with Configurator(settings=settings, root_factory=root_factory) as config:
        config.include("pyramid_retry")
        config.include("shopcms.web.retry")
        config.include("pyramid_tm")
        # pyramid_zodbconn's databases; the statistics are optional: a database of theirs
        # that cannot be opened leaves the shop serving (shopcms.statistics says so).
        open_databases(config, optional=(statistics.DATABASE,))
        # Right after the databases open: stored classes that moved, evolve steps.
        config.include("shopcms.evolve")
        # Health checks and metrics: before the packages that declare theirs.
        config.include("shopcms.operations")
        config.include("pyramid_chameleon")
        config.include("shopcms.web")
        config.include("shopcms.tree")
        config.include("shopcms.catalog")
        config.include("shopcms.mail")
        config.include("shopcms.privacy")
        # Before the capabilities: they declare their sitemap sources.
        config.include("shopcms.findability")
        capabilities = (
            "home",
            "accounts",
            "pages",
            "products",
            "orders",
            "invoicing",
            "reviews",
            "newsletter",
            "contests",
            "stockalerts",
            "promotions",
            "giftcards",
        )
        for package in ("statistics", *capabilities):
            config.include(f"shopcms.{package}")
        for package in (*capabilities, "privacy"):
            config.scan(f"shopcms.{package}")
        config.scan("shopcms.statistics.views")
    try:
        bootstrap(config.registry, script=asbool((global_config or {}).get("shopcms_script")))
    except Exception:
        # Release the storage (a FileStorage lock) so the operator can run shopcms evolve.
        config.registry._zodb_databases[""].close()
        raise
    # Shared pages for visitors without cookies are answered before Pyramid (pagecache);
    # the statistics layer is in front of it, so it counts the pages the cache answers too.
    # In front of those: malformed requests, answered by the router itself (web.malformed).
    # The operations layer, outermost, answers the health probes (never counted nor
    # cached) and times everything else, the malformed requests' 400s included.  Inside
    # it, around all the rest, compression (web.compression): cached pages, error pages and
    # the 400s are compressed too, and the time spent compressing is counted.
    router = config.make_wsgi_app()
    stack = malformed.wrap(statistics.wrap(pagecache.wrap(router, settings)), router)
    return operations.wrap(compression.wrap(stack, settings))
