"""Start-up: a new database is stamped; an older one is evolved only when allowed."""

import pytest
from webtest import TestApp

from shopcms import evolve, main
from shopcms.db import StartupError, site_transaction

STEP_INCLUDE = "tests.functional.teststeps"


def settings(tmp_path, **extra):
    return {
        "zodbconn.uri": f"file://{tmp_path}/Data.fs",
        "shopcms.secret": "z" * 40,
        **extra,
    }


def close(app):
    app.registry._zodb_databases[""].close()


def generation_and_motto(app):
    with site_transaction(app.registry) as site:
        root = site._p_jar.root()
        return evolve.current_generation(root), getattr(site, "motto", None)


def test_new_database_is_stamped_with_the_latest_generation(tmp_path):
    app = main({}, **settings(tmp_path, **{"pyramid.includes": STEP_INCLUDE}))
    try:
        # Stamped, not evolved: the step did not run on the fresh site.
        assert generation_and_motto(app) == (evolve.latest_generation() + 1, None)
    finally:
        close(app)


def test_pending_step_refuses_to_start_unless_evolving_on_start_is_allowed(tmp_path):
    close(main({}, **settings(tmp_path)))  # a database made by the code before the step
    with pytest.raises(StartupError, match="shopcms evolve"):
        main({}, **settings(tmp_path, **{"pyramid.includes": STEP_INCLUDE}))

    app = main(
        {},
        **settings(
            tmp_path, **{"pyramid.includes": STEP_INCLUDE, "shopcms.evolve_on_start": "true"}
        ),
    )
    try:
        assert generation_and_motto(app) == (evolve.latest_generation() + 1, "evolved")
        assert TestApp(app).get("/nl/").status_int == 200
    finally:
        close(app)
