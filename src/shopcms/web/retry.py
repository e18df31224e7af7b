"""A pause before each retry of a request that met a ZODB conflict.

pyramid_retry replays a conflicting request at once.  When many requests write the same
objects (checkouts: the year's order counter, the stock of a popular product), replaying all
losers at once makes them collide again, and a request can lose every attempt.  A short
random pause that grows with each attempt (exponential backoff with full jitter) spreads
them out, so each round lets others commit.  ``retry.backoff`` is the first pause's upper
bound in seconds (default 0.02); a pause never exceeds ``retry.backoff_max`` (default 1.0).

The budget is counted in time as much as in attempts: on RelStorage a loser fails at once
(PostgreSQL's NOWAIT on the rows it only read) for as long as a winner holds its locks, and
on a loaded machine a winner's commit can take longer than ten quick retries.  With 20
attempts (``retry.attempts``) and pauses up to a second, a request keeps trying for several
seconds before it answers 503: a customer in a rush of orders waits a little rather than
being told to send the form again.
"""

import random
import time

from pyramid_retry import BeforeRetry


def pause(attempt, base, ceiling):
    """Seconds to wait before retrying after failed ``attempt`` (0 for the first)."""
    return random.uniform(0, min(ceiling, base * 2**attempt))  # noqa: S311 (jitter, not a secret)


def includeme(config):
    settings = config.get_settings()
    base = float(settings.get("retry.backoff", 0.02))
    ceiling = float(settings.get("retry.backoff_max", 1.0))

    def before_retry(event):
        time.sleep(pause(event.environ.get("retry.attempt", 0), base, ceiling))

    config.add_subscriber(before_retry, BeforeRetry)
