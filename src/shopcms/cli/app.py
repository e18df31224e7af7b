"""What every subcommand of ``shopcms`` shares: the application of the ini file, the
databases it opened, the lines written for the person at the terminal (none with
``--quiet``), the progress of a long run on stderr, and the one-line error that ends a
subcommand with exit status 2.
"""

import sys
import time

from pyramid.paster import get_app, setup_logging
from tqdm import tqdm

from shopcms.tree.database import get_database

# The registries ``load`` configured in this run, for ``close_databases`` to close.
_loaded = []

#: Without a terminal (cron, a log): a progress line at most this often (seconds).
LINE_EVERY = 10


class _Output:
    """This run's choice: ``quiet`` (``--quiet``, for cron) writes nothing but errors."""

    quiet = False


_output = _Output()


class CommandError(Exception):
    """A problem to report to the user in one line, exit status 2."""


def set_quiet(quiet):
    """From ``--quiet``: ``out`` and the progress write nothing for the rest of the run."""
    _output.quiet = bool(quiet)


def out(message=""):
    """Write a line for the person at the terminal (nothing with ``--quiet``)."""
    if _output.quiet:
        return
    sys.stdout.write(f"{message}\n")
    sys.stdout.flush()


def result(text):
    """Write what the person asked the command for (an export, a new key, a question to
    answer): written even with ``--quiet``, which silences only the report of a run."""
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


def load(ini):
    """The configured registry of the app in ``ini`` (the Site is created on load)."""
    setup_logging(ini)
    # Tell main() that a script is loading it: create the Site if needed, but leave a
    # pending evolve to ``shopcms evolve`` instead of refusing to start.
    app = get_app(ini, options={"shopcms_script": "true"})
    _loaded.append(app.registry)
    return app.registry


def close_databases():
    """Close what ``load`` opened: a FileStorage stays locked until its database is closed."""
    while _loaded:
        get_database(_loaded.pop()).close()


class Progress:
    """``progress(done, total)``, the callback the long runs take (``total`` may be None
    while unknown): a tqdm bar on stderr when it is a terminal, else (cron, a log) a line
    ``NAME: DONE/TOTAL (N%)`` at most every :data:`LINE_EVERY` seconds and one at the end;
    nothing with ``--quiet``.  ``close()`` ends it (the last line, the bar's newline); it
    is also a context manager."""

    def __init__(self, name, unit="", stream=None):
        self.name = name
        self.unit = f" {unit}" if unit else ""
        self.stream = stream or sys.stderr
        self.quiet = _output.quiet
        self.tty = self.stream.isatty()
        self.bar = None
        self.written = None  # when the last line was written
        self.last = None  # (done, total) not written yet

    def __call__(self, done, total=None):
        if self.quiet:
            return
        if self.tty:
            if self.bar is None:
                self.bar = tqdm(
                    total=total,
                    initial=done,
                    desc=self.name,
                    unit=self.unit,
                    file=self.stream,
                    dynamic_ncols=True,
                )
            else:
                if total != self.bar.total:
                    self.bar.total = total
                    self.bar.refresh()
                self.bar.update(done - self.bar.n)
            return
        if self.written is None or time.monotonic() - self.written >= LINE_EVERY:
            self._line(done, total)
        else:
            self.last = (done, total)

    def _line(self, done, total):
        if total:
            self.stream.write(f"{self.name}: {done}/{total} ({100 * done // total}%)\n")
        else:
            self.stream.write(f"{self.name}: {done}{self.unit}\n")
        self.stream.flush()
        self.written, self.last = time.monotonic(), None

    def close(self):
        if self.bar is not None:
            self.bar.close()
        elif self.last is not None:  # the end, unless its line was written
            self._line(*self.last)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
