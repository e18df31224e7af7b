"""What the statistics keep of a ``User-Agent`` header: a browser family with its major
version, and a device class.

The header is parsed with ``ua-parser`` (the maintained Python port of the uap-core rules,
updated monthly through ``ua-parser-builtins``), and its answer is then reduced to values
from fixed lists, so that nothing the visitor's software wrote verbatim is ever stored:

- ``browser``: ``"<family> <major>"`` for a known browser family (``"Chrome 130"``,
  ``"Safari 17"``; the mobile and desktop variants of a family are one family), the bare
  name of a known crawler or tool (``"Googlebot"``, ``"curl"``), ``"other"`` for anything
  else and ``"unknown"`` for an empty header;
- ``device``: ``"desktop"``, ``"mobile"``, ``"tablet"`` or ``"bot"`` (crawlers, tools,
  headless browsers and an empty header).  iPadOS announces itself as a Mac by default and
  therefore counts as a desktop: a header cannot tell them apart.

:func:`classify` is a pure function of the header, remembered for the most recent 4,096
headers (in memory only): a visit is classified once, at its first page.
"""

import functools
import re
from dataclasses import dataclass

import ua_parser

#: ua-parser's browser families -> the family the statistics show.
BROWSERS = {
    "Chrome": "Chrome",
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chrome Mobile WebView": "Android WebView",
    "Chromium": "Chromium",
    "Edge": "Edge",
    "Edge Mobile": "Edge",
    "Firefox": "Firefox",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Firefox Focus": "Firefox",
    "Safari": "Safari",
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "Safari",
    "Opera": "Opera",
    "Opera Mobile": "Opera",
    "Opera Mini": "Opera Mini",
    "Opera Touch": "Opera",
    "Samsung Internet": "Samsung Internet",
    "Vivaldi": "Vivaldi",
    "Brave": "Brave",
    "Yandex Browser": "Yandex Browser",
    "DuckDuckGo Mobile": "DuckDuckGo",
    "UC Browser": "UC Browser",
    "MiuiBrowser": "MIUI Browser",
    "Silk": "Silk",
    "IE": "Internet Explorer",
    "IE Mobile": "Internet Explorer",
    "Facebook": "Facebook app",
    "Instagram": "Instagram app",
    "Pinterest": "Pinterest app",
    "LinkedIn": "LinkedIn app",
    "Snapchat": "Snapchat app",
    "Thunderbird": "Thunderbird",
    "Apple Mail": "Apple Mail",
    "Outlook": "Outlook",
}

#: Crawlers and tools whose name the statistics show (lower case -> the name shown); any
#: other robot is ``"other"``.
ROBOTS = {
    name.lower(): name
    for name in (
        "Googlebot",
        "Google-InspectionTool",
        "AdsBot-Google",
        "Mediapartners-Google",
        "bingbot",
        "BingPreview",
        "Applebot",
        "DuckDuckBot",
        "YandexBot",
        "Baiduspider",
        "Qwantify",
        "Seznambot",
        "PetalBot",
        "AhrefsBot",
        "SemrushBot",
        "MJ12bot",
        "DotBot",
        "facebookexternalhit",
        "Twitterbot",
        "LinkedInBot",
        "Pinterestbot",
        "Slackbot",
        "WhatsApp",
        "TelegramBot",
        "Discordbot",
        "GPTBot",
        "ChatGPT-User",
        "OAI-SearchBot",
        "ClaudeBot",
        "PerplexityBot",
        "CCBot",
        "Bytespider",
        "UptimeRobot",
        "HeadlessChrome",
        "curl",
        "Wget",
        "Python Requests",
        "python-urllib",
        "Go-http-client",
        "okhttp",
    )
}

#: Tools and headless browsers that ua-parser reports as a browser, not as a spider.
TOOLS = {"headlesschrome", "curl", "wget", "python requests", "python-urllib", "go-http-client"}

_TABLET = re.compile(r"iPad|Tablet|Kindle|Silk|PlayBook|Nexus (7|9|10)\b", re.IGNORECASE)
_MAJOR = re.compile(r"\d{1,4}")

DESKTOP, MOBILE, TABLET, BOT = "desktop", "mobile", "tablet", "bot"
OTHER, UNKNOWN = "other", "unknown"


@dataclass(frozen=True)
class Agent:
    browser: str
    device: str


@functools.lru_cache(maxsize=4096)
def classify(header):
    """The :class:`Agent` of a ``User-Agent`` header (``""`` or None: no header)."""
    header = (header or "").strip()
    if not header:
        return Agent(UNKNOWN, BOT)
    result = ua_parser.parse(header[:1000])
    agent, os, device = result.user_agent, result.os, result.device
    family = agent.family if agent is not None else None
    robot = ROBOTS.get((family or "").lower())
    if (device is not None and device.family == "Spider") or (family or "").lower() in TOOLS:
        return Agent(robot or OTHER, BOT)
    if family is None and _looks_like_a_robot(header):
        return Agent(OTHER, BOT)
    browser = BROWSERS.get(family)
    if browser is None:
        label = robot or OTHER
    else:
        major = agent.major if agent.major and _MAJOR.fullmatch(agent.major) else None
        label = f"{browser} {major}" if major else browser
    return Agent(label, _device_class(header, os, device))


def _looks_like_a_robot(header):
    lowered = header.lower()
    return not lowered.startswith("mozilla/") or any(
        word in lowered for word in ("bot", "crawl", "spider", "http://", "https://")
    )


def _device_class(header, os, device):
    os_family = os.family if os is not None else ""
    brand = device.brand if device is not None else ""
    if (device is not None and device.family == "iPad") or brand == "Generic_Android_Tablet":
        return TABLET
    if _TABLET.search(header) and "Mobi" not in header:
        return TABLET
    if os_family == "Android" and "Mobile" not in header:
        # Android tablets leave "Mobile" out of the header (Google's advice to makers).
        return TABLET
    if "Mobi" in header or os_family in ("iOS", "Android", "Windows Phone", "KaiOS"):
        return MOBILE
    return DESKTOP
