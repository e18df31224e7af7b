"""The server's timer: the jobs the capabilities declare, every ``interval`` seconds.

A daemon thread of the application, started by the first request it serves (the
``shopcms`` commands load the application too but serve none, so they never start it), as
the mail sender is (``shopcms.mail``).  Each round calls every job in the order declared,
``job(registry)``; a job declares itself with the directive
``config.add_timer_job(func, owner="contests")`` (or, once the application is made,
:func:`add_job`).  A job that fails is logged with its owner and the next one runs; the
thread never dies of it.  Each job works in connections and transactions of its own, and
must be safe beside the same job of another serving process and beside the ``shopcms``
commands (every process may run a timer).

Who uses it: the newsletter (sending the due campaigns, flushing the click counts,
reading the shop's mailbox) and the contests (flushing the page views).

Setting (``[app:main]``): ``shopcms.timer.interval``, seconds between two rounds; when it
is absent, the older name ``shopcms.newsletter.interval`` is read.  0 (the default) runs no
timer (the commands from cron or a systemd timer then).
"""

import logging
import threading

from pyramid.events import NewRequest

log = logging.getLogger(__name__)

#: The setting, and the older name still read when it is absent.
INTERVAL = "shopcms.timer.interval"
OLD_INTERVAL = "shopcms.newsletter.interval"
JOBS_KEY = "shopcms_timer_jobs"
TIMER_KEY = "shopcms_timer"


def interval_of(settings):
    """Seconds between two rounds (see the module); ValueError for a negative or
    unreadable value, naming the setting it came from."""
    name = INTERVAL if (settings.get(INTERVAL) or "").strip() else OLD_INTERVAL
    raw = (settings.get(name) or "").strip() or "0"
    try:
        seconds = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, not {raw!r}") from None
    if seconds < 0:
        raise ValueError(f"{name} cannot be negative")
    return seconds


def jobs(registry):
    """``[(owner, job)]`` of the application, in the order they run."""
    found = getattr(registry, JOBS_KEY, None)
    if found is None:
        found = []
        setattr(registry, JOBS_KEY, found)
    return found


def add_job(registry, func, owner="shopcms"):
    """Run ``func(registry)`` in every round (after the jobs added before)."""
    jobs(registry).append((owner, func))


def add_timer_job(config, func, owner="shopcms"):
    """Directive: ``func(registry)`` runs in every round of the timer, after the jobs
    declared before it; ``owner`` names the capability in the log when it fails."""
    add_job(config.registry, func, owner)


class Timer:
    """The timer thread of one application (``get_timer(registry)``)."""

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
                self._thread = threading.Thread(target=self._run, name="shopcms-timer", daemon=True)
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
        for owner, job in list(jobs(self.registry)):
            if self._stop.is_set():
                return
            try:
                job(self.registry)
            except Exception:
                # Never let the thread die: the next round tries again.
                log.exception("the %s job %s failed", owner, getattr(job, "__name__", job))

    def _run(self):
        while not self._stop.is_set():
            self.run_jobs()
            if self._stop.wait(self.interval):
                return


def get_timer(registry):
    return getattr(registry, TIMER_KEY)


def _start_timer(event):
    get_timer(event.request.registry).start()


def includeme(config):
    """The directive and the timer; ValueError for a bad interval (the start fails, not a
    round)."""
    interval = interval_of(config.get_settings())
    jobs(config.registry)
    setattr(config.registry, TIMER_KEY, Timer(config.registry, interval))
    config.add_directive("add_timer_job", add_timer_job)
    if interval > 0:
        # Started by a request, so the shopcms commands (which load the app too) never run it.
        config.add_subscriber(_start_timer, NewRequest)
