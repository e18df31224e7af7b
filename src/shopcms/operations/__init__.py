"""Operations: what the people who run the shop and their machines need from it.

- ``health``: ``/healthz`` and ``/readyz`` for a load balancer, the
  ``config.add_readiness_check`` directive;
- ``metrics``: Prometheus metrics (requests and latency by route, conflicts and retries,
  the page cache, declared gauges: ``config.add_metric_gauge``), on a separate port or
  behind a bearer token;
- ``logs``: a JSON formatter for the logging configuration of the ini file;
- ``backup``: full and incremental backups of the site's FileStorages with ZODB's repozo,
  and their restore (the ``shopcms backup`` and ``shopcms restore`` commands);
- ``timer``: the server's timer thread running the jobs the capabilities declare
  (``config.add_timer_job``), every ``shopcms.timer.interval`` seconds.

A mechanism: it imports no capability; the capabilities declare their checks and gauges.
:func:`wrap` puts the operations layer in front of the whole application (in front of
the statistics layer and the shared-page cache): it answers the probes and ``/metrics``
itself, and times every other request.

Settings: ``shopcms.metrics.token``, ``shopcms.metrics.path`` (``/metrics``),
``shopcms.metrics.port``, ``shopcms.metrics.address`` (see ``metrics``);
``shopcms.timer.interval`` (see ``timer``).
"""

import time

from pyramid.events import NewResponse
from pyramid_retry import BeforeRetry

from shopcms.operations.health import (
    HEALTH_PATH,
    READY_PATH,
    add_readiness_check,
    database_reachable,
    healthz,
    readyz,
)
from shopcms.operations.metrics import (
    ROUTE_LABEL,
    Metrics,
    add_metric_gauge,
    get_metrics,
    metrics_answer,
    route_label,
)
from shopcms.web.pagecache import CACHE_HIT


def includeme(config):
    """The directives, the main database's check, this application's metrics and timer.

    Included before the packages that declare checks, gauges or timer jobs."""
    registry = config.registry
    config.include(".timer")
    settings = registry.settings
    config.add_directive("add_readiness_check", add_readiness_check)
    config.add_directive("add_metric_gauge", add_metric_gauge)
    config.add_readiness_check("database", database_reachable)
    metrics = registry.shopcms_metrics = Metrics(registry)
    config.add_subscriber(metrics.before_retry, BeforeRetry)
    config.add_subscriber(_name_the_route, NewResponse)
    port = (settings.get("shopcms.metrics.port") or "").strip()
    if port:
        metrics.serve(int(port), settings.get("shopcms.metrics.address") or "127.0.0.1")
        _close_with_main_database(registry, metrics)


def _close_with_main_database(registry, metrics):
    """Closing the main database (what every caller does when it is done with the
    application) stops the separate metrics server too, so its port is free again."""
    main = registry._zodb_databases[""]
    close_main = main.close

    def close():
        try:
            metrics.close()
        finally:
            close_main()

    main.close = close


def _name_the_route(event):
    request = event.request
    request.environ[ROUTE_LABEL] = route_label(request)
    request.registry.shopcms_metrics.conflict(request)


class OperationsLayer:
    """The WSGI layer in front of everything (see the package)."""

    def __init__(self, app, registry):
        self.app = app
        self.registry = registry
        self.metrics = get_metrics(registry)
        settings = registry.settings
        self.token = (settings.get("shopcms.metrics.token") or "").strip()
        self.metrics_path = settings.get("shopcms.metrics.path") or "/metrics"

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == HEALTH_PATH:
            return healthz(self.registry, environ, start_response)
        if path == READY_PATH:
            return readyz(self.registry, environ, start_response)
        if self.token and path == self.metrics_path:
            return metrics_answer(self.metrics, self.token, environ, start_response)
        started = time.perf_counter()
        status = []

        def remember(code, headers, exc_info=None):
            status.append(code)
            return start_response(code, headers, exc_info)

        try:
            return self.app(environ, remember)
        finally:
            hit = environ.get(CACHE_HIT)
            route = "page_cache" if hit else environ.get(ROUTE_LABEL, "none")
            code = status[-1].split(" ", 1)[0] if status else "500"
            self.metrics.observe(
                route, environ.get("REQUEST_METHOD", ""), code, time.perf_counter() - started
            )


def wrap(app):
    """``app`` (the whole WSGI stack) behind the operations layer."""
    return OperationsLayer(app, app.registry)
