"""The server's newsletter timer: the newsletter's jobs, every ``interval`` seconds.

A daemon thread of the application, started by the first request it serves (the
``shopcms`` commands serve none, so they never start it), as the mail sender is
(``shopcms.mail``).  Each round calls every job of ``registry.shopcms_newsletter_jobs`` in
turn, ``job(registry)``: sending the due campaigns (:func:`send_due`) and whatever the
package adds with :func:`add_job`.  A job that fails is logged and the next one runs; the
thread never dies of it.  Each job works in connections and transactions of its own.

Every serving process may run one: the jobs are safe beside each other and beside the
``shopcms`` commands (a campaign's batches are committed with their sent-marks, and two
runners on one campaign conflict rather than send twice).

Setting (``[app:main]``): ``shopcms.newsletter.interval``, seconds between two rounds;
0 (the default) runs no timer (``shopcms send-campaign`` from cron or a timer then).
"""

import logging
import threading

from pyramid.events import NewRequest

from shopcms.newsletter import sending

log = logging.getLogger(__name__)


def add_job(registry, func):
    """Run ``func(registry)`` in every round of the timer (after the jobs added before)."""
    registry.shopcms_newsletter_jobs.append(func)


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


class Timer:
    """The timer thread of one application (``registry.shopcms_newsletter_timer``)."""

    def __init__(self, registry, interval):
        self.registry = registry
        self.interval = interval
        self._thread = None
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def start(self):
        """Start the thread, once, if ``interval`` is above 0."""
        if self.interval <= 0 or self._thread is not None:
            return
        with self._lock:
            if self._thread is None:
                self._stop.clear()
                self._thread = threading.Thread(
                    target=self._run, name="shopcms-newsletter-timer", daemon=True
                )
                self._thread.start()

    @property
    def running(self):
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout=5):
        """Stop the thread (tests; a daemon thread needs no stop at exit)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def run_jobs(self):
        """One round: every job, each failure logged."""
        for job in list(self.registry.shopcms_newsletter_jobs):
            if self._stop.is_set():
                return
            try:
                job(self.registry)
            except Exception:
                # Never let the thread die: the next round tries again.
                log.exception("the newsletter job %s failed", getattr(job, "__name__", job))

    def _run(self):
        while not self._stop.is_set():
            self.run_jobs()
            if self._stop.wait(self.interval):
                return


def get_timer(registry):
    return registry.shopcms_newsletter_timer


def _start_timer(event):
    get_timer(event.request.registry).start()


def includeme(config):
    """The jobs list (with :func:`send_due`) and the timer; ValueError for a bad interval."""
    interval = float(config.get_settings().get("shopcms.newsletter.interval") or 0)
    if interval < 0:
        raise ValueError("shopcms.newsletter.interval cannot be negative")
    sending.batch_size_of(config.registry)  # a bad batch size stops the start, not a round
    config.registry.shopcms_newsletter_jobs = [send_due]
    config.registry.shopcms_newsletter_timer = Timer(config.registry, interval)
    if interval > 0:
        # Started by a request, so the shopcms commands (which load the app too) never run it.
        config.add_subscriber(_start_timer, NewRequest)
