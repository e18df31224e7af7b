"""The newsletter's jobs on the server's timer (``shopcms.operations.timer``).

Each round of the timer sends the due campaigns (:func:`send_due`), then runs whatever the
package adds with :func:`add_job` (the click counts, the shop's mailbox).  Every serving
process may run one: the jobs are safe beside each other and beside the ``shopcms``
commands (a campaign's batches are committed with their sent-marks, and two runners on one
campaign conflict rather than send twice).

Setting (``[app:main]``): ``shopcms.timer.interval`` (the older name
``shopcms.newsletter.interval`` is still read); 0, the default, runs no timer:
``shopcms send-campaign`` from cron or a timer then.
"""

import logging

from shopcms.newsletter import sending
from shopcms.operations import timer

log = logging.getLogger(__name__)

OWNER = "newsletter"


def add_job(registry, func):
    """Run ``func(registry)`` in every round of the timer (after the jobs added before)."""
    timer.add_job(registry, func, owner=OWNER)


def send_due(registry):
    """The job that sends the due campaigns (:func:`shopcms.newsletter.sending.send`)."""
    report = sending.send(registry)
    for run in report.campaigns:
        log.info(
            "campaign %s: %d mail(s) queued, %d skipped, %s",
            run.name,
            run.queued,
            run.skipped,
            run.state,
        )
    return report


def get_timer(registry):
    """The server's timer (``shopcms.operations.timer``), which runs these jobs."""
    return timer.get_timer(registry)


def includeme(config):
    """The newsletter's first job, :func:`send_due`; ValueError for a bad batch size."""
    sending.batch_size_of(config.registry)  # a bad batch size stops the start, not a round
    config.add_timer_job(send_due, owner=OWNER)
