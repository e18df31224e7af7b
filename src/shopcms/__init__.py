"""shopcms: the web shop and CMS of Soft Cactus (onto object bvba) on Pyramid and ZODB."""

from pyramid.config import Configurator
from pyramid.settings import asbool

from . import analytics, pagecache
from .db import bootstrap, ensure_storage_directory, root_factory


def main(global_config, **settings):
    """The WSGI application.  Settings come from development.ini / production.ini."""
    ensure_storage_directory(settings)
    # The statistics' own database (zodbconn.uri.analytics), before pyramid_zodbconn opens it.
    analytics.configure_storage(settings)
    settings.setdefault("tm.manager_hook", "pyramid_tm.explicit_manager")
    # A 4xx or 5xx answer aborts the transaction: a rejected form leaves nothing behind.
    settings.setdefault("tm.commit_veto", "pyramid_tm.default_commit_veto")
    # A checkout conflicts with every concurrent one (order counter, stock): under a burst a
    # request may lose several times before it commits.
    settings.setdefault("retry.attempts", "10")
    with Configurator(settings=settings, root_factory=root_factory) as config:
        config.include("pyramid_retry")
        config.include(".retry")
        config.include("pyramid_tm")
        config.include("pyramid_zodbconn")
        config.include(".analytics")
        config.include("pyramid_chameleon")
        config.include(".clock")
        config.include(".i18n")
        config.include(".templates")
        config.include(".privacy")
        config.include(".sessions")
        config.include(".csrf")
        config.include(".privacy.vault")
        config.include(".security")
        config.include(".throttle")
        config.include(".catalog")
        config.include(".shop.payments")
        config.include(".forms")
        config.include(".mail")
        config.include(".shop.order_mail")
        config.include(".headers")
        config.include(".routes")
        config.scan(".views")
    try:
        bootstrap(config.registry, script=asbool((global_config or {}).get("shopcms_script")))
    except Exception:
        # Release the storage (a FileStorage lock) so the operator can run shopcms evolve.
        config.registry._zodb_databases[""].close()
        raise
    # Shared pages for visitors without cookies are answered before Pyramid (pagecache);
    # the statistics layer is in front of it, so it counts the pages the cache answers too.
    return analytics.wrap(pagecache.wrap(config.make_wsgi_app(), settings))
