"""Health for a load balancer: ``/healthz`` (alive) and ``/readyz`` (able to serve).

- ``/healthz`` answers ``200`` as long as the process answers HTTP at all: it reads no
  database and checks nothing else (a liveness probe: restart the process when it fails).
- ``/readyz`` runs every readiness check and answers ``200`` when every *critical* check
  passed, ``503`` otherwise, with a JSON body naming each check::

      {"ready": false, "failing": ["database"],
       "checks": {"database": {"ok": false, "critical": true, "detail": "..."},
                  "statistics": {"ok": true, "critical": false, "detail": "counting"}}}

  A check that is not critical (the statistics: an optional part) is reported but never
  takes the process out of the load balancer, so that an optional part fails soft.

A check is declared with the directive ``config.add_readiness_check(name, check,
critical=True)``: ``check(registry)`` returns a short description of a healthy state (a
string, or anything JSON can write) and raises when not ready, the exception's text being
the detail.  ``database`` (the main database is reachable) is declared by
``shopcms.operations``; ``statistics`` by ``shopcms.statistics``.  A check that needs the
site's data reads it through :func:`read_root`, e.g. the mail outbox::

    config.add_readiness_check(
        "outbox", lambda registry: read_root(registry, outbox_not_stuck))

Both answers are made by the operations layer in front of everything (``shopcms.operations``),
so they set no cookie, start no session, are never counted in the statistics, never
cached (``Cache-Control: no-store``) and are not measured in the request metrics.
"""

import json
import logging

import transaction
from ZODB.interfaces import IMVCCStorage

from shopcms.tree.database import get_database

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
REGISTRY_KEY = "shopcms_readiness_checks"


class NotReady(RuntimeError):
    """A readiness check failed: its text says why."""


def add_readiness_check(config, name, check, critical=True):
    """Directive: ``check(registry)`` is run by every ``/readyz`` (see the module).
    Two checks of the same name conflict."""

    def register():
        checks = getattr(config.registry, REGISTRY_KEY, None)
        if checks is None:
            checks = {}
            setattr(config.registry, REGISTRY_KEY, checks)
        checks[name] = (check, critical)

    config.action(("shopcms.readiness-check", name), register)


def readiness_checks(registry):
    """``{name: (check, critical)}`` in the order they were declared."""
    return getattr(registry, REGISTRY_KEY, {})


def read_root(registry, func):
    """``func(root)`` with the main database's ZODB root, in a connection and transaction
    of their own that are aborted afterwards: a check never writes."""
    tm = transaction.TransactionManager()
    conn = get_database(registry).open(transaction_manager=tm)
    try:
        tm.begin()
        return func(conn.root())
    finally:
        tm.abort()
        conn.close()


def database_reachable(registry):
    """The main database answers: RelStorage polls PostgreSQL through an instance of its
    own (a ZODB connection that fails to open while the server is gone would stay in the
    pool half-registered); a ZEO client is connected to its server and reads the root."""
    storage = get_database(registry).storage
    if IMVCCStorage.providedBy(storage):
        instance = storage.new_instance()
        try:
            instance.poll_invalidations()
        finally:
            instance.release()
        return "reachable"
    is_connected = getattr(storage, "is_connected", None)
    if is_connected is not None and not is_connected():
        raise NotReady("not connected to the database server")
    read_root(registry, lambda root: root.get("site"))
    return "reachable"


def _detail(value):
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return str(value)
    return value


def readiness(registry):
    """Run every check: ``(ready, report)``, ``report`` being the JSON body's dict.

    A check's failure is logged when it begins and its recovery when it ends, not at
    every probe (a load balancer asks every few seconds)."""
    checks, failing = {}, []
    states = registry.__dict__.setdefault("shopcms_readiness_states", {})
    for name, (check, critical) in readiness_checks(registry).items():
        try:
            result = {"ok": True, "critical": critical, "detail": _detail(check(registry))}
        except Exception as error:
            result = {"ok": False, "critical": critical, "detail": str(error) or repr(error)}
            if critical:
                failing.append(name)
        if states.get(name, True) != result["ok"]:
            if result["ok"]:
                log.info("readiness check %s passes again", name)
            else:
                log.warning("readiness check %s fails: %s", name, result["detail"])
        states[name] = result["ok"]
        checks[name] = result
    return not failing, {"ready": not failing, "failing": failing, "checks": checks}


def answer(start_response, status, body, content_type="application/json; charset=utf-8"):
    """A plain WSGI answer that no cache keeps."""
    data = body.encode("utf-8")
    start_response(
        status,
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
        ],
    )
    return [data]


def healthz(registry, environ, start_response):
    return answer(start_response, "200 OK", json.dumps({"alive": True}))


def readyz(registry, environ, start_response):
    ready, report = readiness(registry)
    status = "200 OK" if ready else "503 Service Unavailable"
    return answer(start_response, status, json.dumps(report, sort_keys=True))
