"""A readiness check and a gauge declared the way another package declares its own (in
its ``includeme``, after ``shopcms.operations``)."""

from pyramid.config import Configurator

STATE = {"stuck": False, "waiting": 0}


def outbox_like(registry):
    if STATE["stuck"]:
        raise RuntimeError("3 mails wait for more than an hour")
    return {"waiting": STATE["waiting"]}


def includeme(config):
    config.add_readiness_check("test-outbox", outbox_like)
    config.add_metric_gauge("shopcms_test_outbox_messages", "Mails waiting", lambda r: 7)


def declare(site):
    """Include this module into ``site``'s running application."""
    config = Configurator(registry=site.registry)
    config.include(includeme)
    config.commit()
