"""What the statistics keep of a User-Agent header: a browser family with its major version
from a fixed list, and a device class."""

import pytest

from shopcms.statistics.useragents import classify

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)


@pytest.mark.parametrize(
    ("header", "browser", "device"),
    [
        (CHROME_WINDOWS, "Chrome 130", "desktop"),
        (CHROME_WINDOWS + " Edg/130.0.2849.46", "Edge 130", "desktop"),
        (CHROME_WINDOWS + " OPR/114.0.0.0", "Opera 114", "desktop"),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chromium/130.0.0.0 Chrome/130.0.0.0 Safari/537.36",
            "Chromium 130",
            "desktop",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
            "Firefox 132",
            "desktop",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Safari/605.1.15",
            "Safari 17",
            "desktop",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari 17",
            "mobile",
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari 17",
            "tablet",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
            "Chrome 130",
            "mobile",
        ),
        (
            # An Android tablet: no "Mobile" in the header.
            "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
            "Chrome 130",
            "tablet",
        ),
        (
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/26.0 Chrome/130.0.0.0 Mobile Safari/537.36",
            "Samsung Internet 26",
            "mobile",
        ),
        (
            "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0",
            "Firefox 132",
            "mobile",
        ),
        (
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Googlebot",
            "bot",
        ),
        (
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; "
            "+http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
            "bingbot",
            "bot",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/130.0.0.0 Safari/537.36",
            "HeadlessChrome",
            "bot",
        ),
        ("curl/8.5.0", "curl", "bot"),
        ("python-requests/2.31.0", "Python Requests", "bot"),
        ("", "unknown", "bot"),
    ],
)
def test_browsers_and_devices(header, browser, device):
    agent = classify(header)
    assert (agent.browser, agent.device) == (browser, device)


@pytest.mark.parametrize(
    "header",
    [
        "Mozilla/5.0 (compatible; JanssensPrivateCrawler/1.0; +https://janssens.example)",
        "SomeonesOwnTool-7f3a9c",
        "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 MadeUpBrowser/42.0",
    ],
)
def test_what_is_not_on_the_lists_is_other_and_never_the_header(header):
    agent = classify(header)
    assert agent.browser == "other"
    assert header not in (agent.browser, agent.device)


def test_a_made_up_version_is_not_kept():
    agent = classify(CHROME_WINDOWS.replace("Chrome/130.0.0.0", "Chrome/1234567890.0"))
    assert agent.browser in ("Chrome", "other")
    assert "1234567890" not in agent.browser
