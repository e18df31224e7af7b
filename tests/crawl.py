"""Visit every page a visitor can reach by following links, as a visitor would.

``crawl(fetch, starts)`` follows the same-site links (``<a href>``) of every HTML page it
gets, from the ``starts`` paths on, and returns ``{path: status}``.  ``fetch(path)`` returns
``(status, content_type, text)``: :func:`webtest_fetch` reads through a WebTest app (with
its cookies: a logged-in crawl), :func:`http_fetch` through a real server.  A path is
followed with at most ``QUERIES_PER_PATH`` different query strings (a listing's facets and
pages would multiply the same template).  Links that are not pages are not followed: static
files, product images, the language switcher (it sets a cookie), downloads.
"""

import re
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

QUERIES_PER_PATH = 2
#: Paths that are not pages to render: assets, the switcher, files to download.
SKIP = re.compile(r"^/(static/|.*/image/|.*/language$|.*\.(json|csv|svg|png|jpg|pdf|xml)$)")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def links(base, html):
    """The same-site addresses (path and query) ``html`` (served at ``base``) links to."""
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.links:
        parts = urlsplit(urljoin(base, href))
        if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != "x"):
            continue
        if parts.path and not SKIP.match(parts.path):
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def crawl(fetch, starts, limit=500, pages=None):
    """``{address: status}`` of every page reachable from ``starts`` (at most ``limit``).
    ``pages``, a dict if given, receives ``{address: html}`` of every HTML page got (what
    the HTML checker reads)."""
    seen, queries = {}, {}
    todo = list(starts)
    while todo and len(seen) < limit:
        address = todo.pop(0)
        path, _sep, query = address.partition("?")
        if address in seen or (query and len(queries.setdefault(path, set())) >= QUERIES_PER_PATH):
            continue
        if query:
            queries[path].add(query)
        status, content_type, text = fetch(address)
        seen[address] = status
        if content_type.startswith("text/html") and pages is not None:
            pages[address] = text
        if status == 200 and content_type.startswith("text/html"):
            todo.extend(a for a in links(f"http://x{address}", text) if a not in seen)
    return seen


def webtest_fetch(app):
    def fetch(path):
        response = app.get(path, status="*", expect_errors=True)
        return response.status_int, response.content_type or "", response.text

    return fetch


def http_fetch(base_url):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    opener = urllib.request.build_opener(NoRedirect)

    def fetch(path):
        try:
            with opener.open(base_url + path, timeout=30) as response:
                body = response.read().decode("utf-8", "replace")
                return response.status, response.headers.get_content_type(), body
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get_content_type(), error.read().decode()

    return fetch
