"""Never two alerts for one product and address: the same address posted by 8 visitors at
once, over a real waitress server (each POST its own transaction; the conflicting inserts
are replayed by pyramid_retry), leaves one alert and the same answer for all."""

import re
import threading
import urllib.parse
import urllib.request

from tests.liveserver import serving
from tests.stockalerts.helpers import OUT, stored

PARALLEL = 8
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_parallel_requests_for_one_address_store_one_alert(site):
    with serving(site.wsgi, threads=PARALLEL) as base:
        page = urllib.request.urlopen(f"{base}/nl/products/{OUT}").read().decode()
        token = TOKEN.search(page[page.index('id="stock-alert"') :]).group(1)
        body = urllib.parse.urlencode(
            {"csrf_token": token, "email": "race@example.be", "notify": "notify"}
        ).encode()
        start, statuses = threading.Barrier(PARALLEL), []

        def post():
            request = urllib.request.Request(
                f"{base}/nl/products/{OUT}/stock-alert", data=body, headers={"Origin": base}
            )
            start.wait()
            try:
                urllib.request.build_opener(NoRedirect).open(request)
            except urllib.error.HTTPError as answer:
                statuses.append((answer.code, answer.headers["Location"]))

        threads = [threading.Thread(target=post) for _ in range(PARALLEL)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert statuses == [(303, f"{base}/nl/products/{OUT}")] * PARALLEL
    assert stored(site) == {"race@example.be": False}
    assert site.read(lambda root: len(root["stockalerts"].alerts)) == 1
