"""The statistics page says how long a visit lasts after its last page as a plural of the
reader's language: "1 minute", "30 minutes", never "minute(s)" or "minuut/minuten"."""

import pytest
import transaction

from tests.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Browser, login, make_site


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [("60", "A visit ends 1 minute after"), ("1800", "A visit ends 30 minutes after")],
)
def test_the_visit_timeout_is_one_minute_or_many(tmp_path, timeout, expected):
    site = make_site(
        tmp_path,
        **{"shopcms.statistics.enabled": "true", "shopcms.statistics.visit_timeout": timeout},
    )
    try:
        admin = Browser(site.wsgi)
        login(admin, ADMIN_EMAIL, ADMIN_PASSWORD)
        text = admin.get("/en/manage/statistics/").html.select_one("#visit-end").get_text()
        assert text.startswith(expected)
        # Dutch: the catalog's forms ("1 minuut", "30 minuten") once the lead compiled
        # them; the number is there in any case, without a "(s)" or a slash.
        dutch = admin.get("/nl/manage/statistics/").html.select_one("#visit-end").get_text()
        assert expected.split()[3] in dutch and "(" not in dutch and "/" not in dutch
    finally:
        transaction.abort()
        site.close()
