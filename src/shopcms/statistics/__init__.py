"""Anonymous connection statistics: counted in memory, kept only as daily aggregates.

- ``visits``: the visit key (a keyed hash under the day's secret) and the counts of one
  process; ``days``: the day's secret and the visits counted that day, shared by every
  process through the statistics database and deleted after the day;
  ``useragents``: browser family and device class;
- ``recorder``: the outermost WSGI layer that counts page views, and the flusher thread;
- ``store``: the aggregates in a ZODB database of their own (named ``statistics``), so a
  flush never moves the main database's last transaction (the shared-page cache's key);
- ``report``: the read API of the statistics page; ``retention``: the 25-month roll-up;
- the statistics page (``views``): ``schemas`` (its range), ``presentation`` (the report in
  the page's language, its tables and ``charts``), ``export`` (the CSV file).

Nothing that identifies a visitor is stored: not the address, not its /24 or /48 network,
not the User-Agent header; the day's secret and the shortened keys of the day's visits
only until the day is over.  Requests write nothing to the main database; each process
claims its new visits and commits its counts every ``flush_interval`` seconds (or
``flush_events`` page views), on counters that add up concurrent flushes of several
processes.

Who is counted: a visitor whose choice in the consent cookie allows statistics.  With
``Sec-GPC: 1`` or a choice refusing them, never.  A visitor who has made no choice yet is
not counted either by default, as the consent banner's rule "no statistics before a
choice" and the Belgian data protection authority's reading (prior opt-in for first-party
statistics, no exemption for audience measurement) ask; ``count_undecided = true`` counts
them, on the view that nothing is read from or stored on their device and nothing
personal is kept.  ``respect_refusal = false`` counts everyone.

Settings:

- ``zodbconn.uri.statistics`` (formerly ``zodbconn.uri.analytics``, still read): the
  statistics database.  When it is missing and the main database is a FileStorage
  (``file://``), ``Statistics.fs`` beside ``Data.fs`` is used (an ``Analytics.fs`` there,
  the name it had before, is renamed):
  one process on one machine, where that is the only sensible place.  With ZEO or
  RelStorage there is no safe guess (a storage of the ZEO server, a PostgreSQL database
  the operator creates): the application refuses to start without it;
  A statistics database that cannot be opened at start (a corrupt file, an unreachable
  server) does not stop the shop: the error is logged once, nothing is counted, and the
  statistics page names the problem (:func:`problem`) until the site is restarted with a
  sound database.  A flush that fails later is tried again; the page and ``/readyz`` say
  since when it fails (:func:`health`);
- ``shopcms.statistics.enabled`` (true): false records nothing and needs no database;
- ``shopcms.statistics.respect_refusal`` (true), ``shopcms.statistics.count_undecided``
  (false): see above;
- ``shopcms.statistics.flush_interval`` (60 seconds), ``shopcms.statistics.flush_events``
  (1000 page views): when a process commits its counts;
- ``shopcms.statistics.visit_timeout`` (1800 seconds): a visit ends after this long without
  a page;
- ``shopcms.statistics.protocol_header`` (empty): the request header in which the proxy
  reports the client's HTTP version (see ``recorder``).
"""

import logging
import os
from urllib.parse import urlsplit

from pyramid.events import NewResponse
from pyramid.exceptions import ConfigurationError
from pyramid.settings import asbool

from shopcms.statistics.evolve import unused_analytics_folder
from shopcms.statistics.recorder import Recorder, StatisticsMiddleware, remember_page_kind
from shopcms.statistics.store import DATABASE, ensure_statistics
from shopcms.tree.database import failed_databases
from shopcms.web.i18n import _
from shopcms.web.security import VIEW_STATISTICS

log = logging.getLogger(__name__)

URI_SETTING = f"zodbconn.uri.{DATABASE}"
LEGACY_URI_SETTING = "zodbconn.uri.analytics"


def enabled(settings):
    return asbool(settings.get("shopcms.statistics.enabled", True))


def configure_storage(settings):
    """Before pyramid_zodbconn reads them: complete ``settings`` with the statistics
    database (see the module) and create the folder of a ``file://`` one.

    Raises ConfigurationError when it is missing and cannot be derived.
    """
    # Before the statistics were called by their name, the setting was zodbconn.uri.analytics.
    legacy = settings.pop(LEGACY_URI_SETTING, None)
    if legacy and not settings.get(URI_SETTING):
        log.warning("%s is now called %s", LEGACY_URI_SETTING, URI_SETTING)
        settings[URI_SETTING] = legacy
    if not enabled(settings):
        settings.pop(URI_SETTING, None)
        return
    uri = (settings.get(URI_SETTING) or "").strip()
    if not uri:
        main = settings.get("zodbconn.uri", "")
        if not main.startswith("file://"):
            raise ConfigurationError(
                f"{URI_SETTING} is not set: the connection statistics need a database of "
                "their own (with ZEO: a second storage of the ZEO server, "
                "zeo://HOST:PORT?storage=statistics; with RelStorage: a second PostgreSQL "
                "database; see production.ini), or set shopcms.statistics.enabled = false"
            )
        folder = os.path.dirname(urlsplit(main).path)
        uri = f"file://{folder}/Statistics.fs"
        rename_legacy_file(folder)
    settings[URI_SETTING] = uri
    if uri.startswith("file://"):
        os.makedirs(os.path.dirname(urlsplit(uri).path), exist_ok=True)


def rename_legacy_file(folder):
    """``Analytics.fs`` (and its index) beside ``Data.fs`` becomes ``Statistics.fs``: the
    name the derived default had before the statistics were called by their name."""
    old, new = os.path.join(folder, "Analytics.fs"), os.path.join(folder, "Statistics.fs")
    if not os.path.exists(old) or os.path.exists(new):
        return
    for suffix in ("", ".index"):
        if os.path.exists(old + suffix):
            os.rename(old + suffix, new + suffix)
    log.info("renamed %s to %s", old, new)


def _close_with_main_database(databases, recorder):
    """Closing the main database (what every caller does) flushes the statistics and
    closes the other databases too, so a FileStorage's lock is never left behind."""
    main = databases[""]
    close_main = main.close

    def close():
        try:
            if recorder is not None:
                recorder.close()
        finally:
            close_main()
            for name, db in list(databases.items()):
                if name:
                    db.close()

    main.close = close


def get_recorder(registry):
    """This process's :class:`~.recorder.Recorder`, or None (statistics turned off)."""
    return getattr(registry, "shopcms_statistics", None)


def includeme(config):
    """After pyramid_zodbconn: the recorder, the page kinds, the statistics root."""
    config.add_desk_section(
        "statistics", _("Statistics"), ("statistics",), VIEW_STATISTICS, order=60
    )
    # Before the statistics root is read below.
    config.add_moved_module("shopcms.analytics.store", "shopcms.statistics.store")
    config.add_evolve_step(
        4,
        "The unused analytics folder goes (statistics have their own database)",
        unused_analytics_folder,
    )
    registry = config.registry
    settings = registry.settings
    databases = registry._zodb_databases
    db = databases.get(DATABASE)
    recorder = None
    registry.shopcms_statistics_problem = failed_databases(registry).get(DATABASE)
    if enabled(settings) and registry.shopcms_statistics_problem is None:
        if db is None:  # main() completes the settings; an app made otherwise may not
            raise ConfigurationError(f"{URI_SETTING} is not set (see shopcms.statistics)")
        try:
            ensure_statistics(db)
        except Exception as error:
            # Opened but not writable (a read-only server, a storage gone meanwhile).
            log.error("the statistics database cannot be used; nothing is counted", exc_info=True)
            registry.shopcms_statistics_problem = error
    if enabled(settings) and registry.shopcms_statistics_problem is None:
        recorder = Recorder(registry, db, settings)
        # Only one process can hold a FileStorage: that process keeps it tidy (roll-up,
        # pack); shared storages are tidied by `shopcms retention` from cron.
        recorder.maintain = hasattr(db.storage, "_file_name")
        config.add_subscriber(remember_page_kind, NewResponse)
    registry.shopcms_statistics = recorder
    _close_with_main_database(databases, recorder)
    # Optional: a load balancer keeps a process whose statistics fail (the shop serves).
    config.add_readiness_check("statistics", health, critical=False)


def problem(registry):
    """Why the statistics are not being counted although they are turned on, as
    ``(kind, detail)``: ``("unavailable", error)`` when their database could not be opened
    at start, ``("failing", (since, error))`` when flushes fail since ``since`` (an aware
    datetime); None when all is well or the statistics are turned off."""
    error = getattr(registry, "shopcms_statistics_problem", None)
    if error is not None:
        return "unavailable", f"{type(error).__name__}: {error}"
    recorder = get_recorder(registry)
    if recorder is not None and recorder.failing_since is not None:
        return "failing", (recorder.failing_since, recorder.last_error)
    return None


def health(registry):
    """The readiness check of the statistics (``shopcms.operations``): raises while they
    cannot count (see :func:`problem`), returns a short state otherwise."""
    if not enabled(registry.settings):
        return "turned off"
    found = problem(registry)
    if found is None:
        return "counting"
    kind, detail = found
    if kind == "unavailable":
        raise RuntimeError(f"the statistics database could not be opened: {detail}")
    since, error = detail
    raise RuntimeError(f"the statistics could not be saved since {since.isoformat()}: {error}")


def wrap(app):
    """``app`` behind the layer that counts page views (unchanged when turned off)."""
    recorder = get_recorder(app.registry)
    if recorder is None:
        return app
    return StatisticsMiddleware(app, recorder)
