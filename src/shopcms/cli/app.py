"""What every subcommand of ``shopcms`` shares: the application of the ini file, the
databases it opened, the lines written for the person at the terminal, and the one-line
error that ends a subcommand with exit status 2.
"""

import sys

from pyramid.paster import get_app, setup_logging

from shopcms.tree.database import get_database

# The registries ``load`` configured in this run, for ``close_databases`` to close.
_loaded = []


class CommandError(Exception):
    """A problem to report to the user in one line, exit status 2."""


def out(message=""):
    """Write a line for the person at the terminal."""
    sys.stdout.write(f"{message}\n")
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
