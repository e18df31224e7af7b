"""Prometheus metrics (prometheus_client), one registry per application.

What is measured:

- ``shopcms_requests_total{route, method, status}`` and
  ``shopcms_request_duration_seconds{route}``: every request but the health probes and
  the metrics themselves.  ``route`` is bounded: the route's name, and for the traversal
  routes (``public``, ``manage``, ``account``) the kind of resource and the view's
  registered name (``public:product/``, ``manage:site/statistics``); an error answer is
  ``ROUTE:error``, a page the shared-page cache answered ``page_cache``, a request no
  route matched ``none``.  Never a path, a query or a resource's name;
- ``shopcms_zodb_conflicts_total``: ZODB conflicts met by the attempts of requests
  (retried, or not any more after the last attempt);
  ``shopcms_request_retries_total{reason}``: pyramid_retry's replays by exception class;
- ``shopcms_page_cache_requests_total{result="hit"|"miss"}``, ``shopcms_page_cache_pages``
  and ``shopcms_page_cache_bytes``, ``shopcms_page_cache_declined_total{reason=...}``
  (visitors a kept page could not serve: a session due for reissue, staff...;
  ``shopcms.web.pagecache``);
- gauges other packages declare with ``config.add_metric_gauge(name, documentation,
  func)``: ``func(registry)`` is called at each scrape and returns a number (or None:
  left out), e.g. the outbox's size through ``shopcms.operations.health.read_root``.

Where they are served (never publicly by default):

- ``shopcms.metrics.token``: ``/metrics`` (``shopcms.metrics.path``) on the site itself,
  for a request with ``Authorization: Bearer TOKEN`` only (401 otherwise); without a token
  that path is an ordinary unknown page;
- ``shopcms.metrics.port`` (``shopcms.metrics.address``, default 127.0.0.1): a separate
  HTTP server of this process, without token (keep it off the public network; with
  several processes on one machine, give each its own port).
"""

import hmac
import logging

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST, start_http_server
from ZODB.POSException import ConflictError

from shopcms.operations.health import answer

log = logging.getLogger(__name__)

#: Where Pyramid names the request's route for the layer in front (see :func:`route_label`).
ROUTE_LABEL = "shopcms.metrics.route"
TRAVERSAL_ROUTES = ("public", "manage", "account")
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def route_label(request):
    """The bounded name of what answered ``request`` (see the module)."""
    route = request.matched_route
    if route is None:
        return "none"
    name = route.name
    if name.startswith("__"):
        return "static"
    if name not in TRAVERSAL_ROUTES:
        return name
    if getattr(request, "exception", None) is not None:
        return f"{name}:error"
    context = getattr(request, "context", None)
    kind = getattr(context, "content_type", None) or type(context).__name__
    # Without an exception the view was found: its name is a registered one.
    return f"{name}:{kind}/{request.view_name or ''}"


class Metrics:
    """The collectors of one application (see the module)."""

    def __init__(self, registry):
        self.registry = registry
        self.collectors = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "shopcms_requests",
            "Requests answered, by route, method and status",
            ("route", "method", "status"),
            registry=self.collectors,
        )
        self.latency = Histogram(
            "shopcms_request_duration_seconds",
            "Time to answer a request, by route",
            ("route",),
            buckets=BUCKETS,
            registry=self.collectors,
        )
        self.conflicts = Counter(
            "shopcms_zodb_conflicts",
            "ZODB conflicts met by requests",
            registry=self.collectors,
        )
        self.retries = Counter(
            "shopcms_request_retries",
            "Requests replayed by pyramid_retry, by the exception that caused it",
            ("reason",),
            registry=self.collectors,
        )
        self.gauges = {}
        self.collectors.register(_Declared(self))
        self.server = None

    def observe(self, route, method, status, seconds):
        method = method if method in METHODS else "other"
        self.requests.labels(route, method, status).inc()
        self.latency.labels(route).observe(seconds)

    def before_retry(self, event):
        """pyramid_retry's BeforeRetry: a replay."""
        self.retries.labels(type(event.exception).__name__).inc()

    def conflict(self, request):
        """An attempt of ``request`` ends: was it a conflict?  (Every attempt is answered,
        by the exception view for a conflict, before pyramid_retry replays it.)"""
        if isinstance(getattr(request, "exception", None), ConflictError):
            self.conflicts.inc()

    def exposition(self):
        return generate_latest(self.collectors)

    def serve(self, port, address="127.0.0.1"):
        """The separate HTTP server of ``shopcms.metrics.port`` (a daemon thread)."""
        self.server, _thread = start_http_server(port, addr=address, registry=self.collectors)

    def close(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


class _Declared:
    """The page cache's counts and the gauges declared by other packages, read at scrape."""

    def __init__(self, metrics):
        self.metrics = metrics

    def describe(self):
        return []

    def collect(self):
        registry = self.metrics.registry
        cache = getattr(registry, "shopcms_page_cache", None)
        if cache is not None:
            family = CounterMetricFamily(
                "shopcms_page_cache_requests",
                "Shared-page cache look-ups, by result",
                labels=("result",),
            )
            family.add_metric(("hit",), cache.hits)
            family.add_metric(("miss",), cache.misses)
            yield family
            declined = CounterMetricFamily(
                "shopcms_page_cache_declined",
                "Visitors of a kept page sent to the application instead, by reason",
                labels=("reason",),
            )
            for reason, count in sorted(dict(cache.declined).items()):
                declined.add_metric((reason,), count)
            yield declined
            yield GaugeMetricFamily("shopcms_page_cache_pages", "Pages kept", value=len(cache))
            yield GaugeMetricFamily("shopcms_page_cache_bytes", "Bytes kept", value=cache.size)
        for name, (documentation, func) in self.metrics.gauges.items():
            try:
                value = func(registry)
            except Exception:
                log.warning("the metric %s could not be read", name, exc_info=True)
                continue
            if value is not None:
                yield GaugeMetricFamily(name, documentation, value=value)


def add_metric_gauge(config, name, documentation, func):
    """Directive: the gauge ``name``, ``func(registry)`` read at each scrape."""

    def register():
        get_metrics(config.registry).gauges[name] = (documentation, func)

    config.action(("shopcms.metric-gauge", name), register)


def get_metrics(registry):
    return registry.shopcms_metrics


def authorized(environ, token):
    """Does the request carry ``Authorization: Bearer TOKEN``?  (Constant time.)"""
    scheme, _, given = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def metrics_answer(metrics, token, environ, start_response):
    """``/metrics`` with the token (see the module): the exposition, or 401."""
    if not authorized(environ, token):
        start_response(
            "401 Unauthorized",
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("WWW-Authenticate", 'Bearer realm="metrics"'),
                ("Cache-Control", "no-store"),
            ],
        )
        return [b"a bearer token is needed\n"]
    return answer(
        start_response,
        "200 OK",
        metrics.exposition().decode("utf-8"),
        content_type=CONTENT_TYPE_LATEST,
    )
