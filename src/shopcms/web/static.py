"""Static files with fingerprinted URLs: cached for a year, changed when the file changes.

``config.add_fingerprinted_static_view(name, spec)`` serves the folder ``spec`` (an asset
spec, ``shopcms.web:static``) under ``/NAME/`` as ``add_static_view`` does, and registers a
cache buster for it: ``request.static_path('shopcms.web:static/style.css')`` writes
``/static/style.css?v=TOKEN``, TOKEN the start of the SHA-256 of the file's bytes, so the URL
changes exactly when the file does: while a developer edits it (``pyramid.reload_templates``
or ``pyramid.reload_assets``: the hash is kept per file, size and modification time), and at
the next start in production, where each file's hash is computed once.

A request that carries the file's current token is answered with ``Cache-Control: public,
max-age=31536000, immutable``: the browser never asks again, and the next version has
another URL.  Without the token, or with an old one, the file keeps the short lifetime
(:data:`UNBUSTED_AGE`): whoever links it by hand still gets updates.

Files a stylesheet names (``url(logo.svg)``, ``url("../fonts/a.woff2")``: relative, within
the same folder) are fingerprinted too: the stylesheet is served with each such reference
rewritten to ``url(logo.svg?v=TOKEN)``, and the stylesheet's own token is the hash of that
rewritten text, so a changed image changes the stylesheet's URL as well (an immutable
stylesheet never keeps pointing at an old image).  A script never writes a static file's
path itself: it reads the URL the page gives it (a ``data-`` attribute written with
``request.static_path``), which is fingerprinted (tests/web/test_static_fingerprints.py
checks that no shipped script or stylesheet names a static path another way).
"""

import hashlib
import os
import posixpath
import re
import threading
from datetime import UTC, datetime, timedelta

from pyramid.events import NewResponse
from pyramid.path import AssetResolver
from pyramid.settings import asbool
from pyramid.static import QueryStringCacheBuster

#: The query parameter that carries the fingerprint.
PARAM = "v"
#: How long a fingerprinted URL is kept (a year, in seconds).
FINGERPRINTED_AGE = 31_536_000
#: How long a static file is kept when asked for without its fingerprint (an hour).
UNBUSTED_AGE = 3600
#: Hex digits of the SHA-256 in the URL: plenty to tell versions of a file apart.
TOKEN_LENGTH = 12
#: A stylesheet's ``url(...)`` (quoted or not).
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)""")
#: References left as they are: absolute, another site's, data, a fragment.
NOT_A_FILE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/|#)", re.IGNORECASE)


class ContentHashCacheBuster(QueryStringCacheBuster):
    """``?v=TOKEN`` on every URL of the static files it is registered for (``tokenize``);
    the tokens of files that do not exist are left out (the URL answers 404 anyway)."""

    def __init__(self, param=PARAM, watch=True):
        super().__init__(param=param)
        #: Whether files may change while the application runs (a developer's): each token
        #: is then checked against the file's size and time whenever it is asked for;
        #: else a file's token is computed once (a deployment restarts the processes).
        self.watch = watch
        self._resolver = AssetResolver()
        self._tokens = {}  # absolute path -> ((size, mtime_ns), token)
        self._found = {}  # a stylesheet's absolute path -> ((size, mtime_ns), references)
        # An asset spec -> its absolute path: resolving one through pkg_resources cost more
        # than the rest of a fingerprint, and a page asks for several on every rendering.
        self._paths = {}
        self._lock = threading.Lock()

    def token(self, pathspec):
        """The fingerprint of the file ``pathspec`` (an asset spec) as it is now, or None
        when it does not exist.  A stylesheet's is that of what is served (:meth:`content`)."""
        path = self._paths.get(pathspec)
        if path is None:
            path = self._paths[pathspec] = self._resolver.resolve(pathspec).abspath()
        return self._token(path, depth=0)

    def content(self, pathspec):
        """The bytes to serve for ``pathspec`` when they differ from the file's: a
        stylesheet whose references are rewritten to fingerprinted URLs; else None."""
        path = self._resolver.resolve(pathspec).abspath()
        if not path.endswith(".css"):
            return None
        try:
            return self._rewritten(path, depth=0)
        except OSError:
            return None

    def _token(self, path, depth):
        if not self.watch:
            known = self._tokens.get(path)
            if known is not None:
                return known[1]
        try:
            stat = os.stat(path)
        except OSError:
            return None
        version = (stat.st_size, stat.st_mtime_ns)
        if path.endswith(".css"):
            # A stylesheet changes with the files it names: their versions are in its own.
            version = (version, self._references_version(path, depth))
        known = self._tokens.get(path)
        if known is not None and known[0] == version:
            return known[1]
        data = (self._rewritten(path, depth) if path.endswith(".css") else None) or _read(path)
        token = hashlib.sha256(data).hexdigest()[:TOKEN_LENGTH]
        with self._lock:
            self._tokens[path] = (version, token)
        return token

    def _references(self, path):
        """``[(path of the file named, reference as written)]`` of a stylesheet (kept per
        version of the file: pages ask for the stylesheet's token on every rendering)."""
        stat = os.stat(path)
        version = (stat.st_size, stat.st_mtime_ns)
        known = self._found.get(path)
        if known is not None and known[0] == version:
            return known[1]
        folder = os.path.dirname(path)
        found = []
        for match in CSS_URL.finditer(_read(path).decode("utf-8", "replace")):
            written = match.group(2)
            if NOT_A_FILE.match(written):
                continue
            name = written.split("?", 1)[0].split("#", 1)[0]
            target = os.path.normpath(os.path.join(folder, *posixpath.split(name)))
            found.append((target, written))
        with self._lock:
            self._found[path] = (version, found)
        return found

    def _references_version(self, path, depth):
        if depth > 4:  # stylesheets naming each other in a circle: stop there
            return ()
        return tuple(self._token(target, depth + 1) for target, _ in self._references(path))

    def _rewritten(self, path, depth):
        """The stylesheet with every reference to an existing file fingerprinted, or
        None when it names none (it is then served as it is)."""
        text = _read(path).decode("utf-8")
        references = {written: target for target, written in self._references(path)}
        if not references:
            return None

        def fingerprinted(match):
            quote, written = match.group(1), match.group(2)
            target = references.get(written)
            token = None if target is None or depth > 4 else self._token(target, depth + 1)
            if token is None or "?" in written:
                return match.group(0)
            name, hash_mark, fragment = written.partition("#")
            return f"url({quote}{name}?{PARAM}={token}{hash_mark}{fragment}{quote})"

        return CSS_URL.sub(fingerprinted, text).encode("utf-8")

    def tokenize(self, request, subpath, kw):
        return self.token(kw["pathspec"])

    def __call__(self, request, subpath, kw):
        if self.tokenize(request, subpath, kw) is None:
            return subpath, kw
        return super().__call__(request, subpath, kw)


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def add_fingerprinted_static_view(config, name, spec, permission=None):
    """Serve the folder ``spec`` under ``/NAME/`` with fingerprinted URLs (see the module)."""
    spec = spec.rstrip("/")
    buster = config.registry.shopcms_static_buster
    config.add_static_view(name, spec, cache_max_age=UNBUSTED_AGE, permission=permission)
    config.add_cache_buster(spec, buster)
    # Pyramid names a static view's route "__" + its name with a trailing slash.
    config.registry.shopcms_static_folders[f"__{name.strip('/')}/"] = spec


def immutable_when_fingerprinted(event):
    """A static file asked for with its current fingerprint is cached for a year; a
    stylesheet is served with its references fingerprinted (see the module)."""
    request, response = event.request, event.response
    route = getattr(request, "matched_route", None)
    spec = route and request.registry.shopcms_static_folders.get(route.name)
    if spec is None or response.status_int not in (200, 304):
        return
    pathspec = f"{spec}/{'/'.join(request.subpath)}"
    buster = request.registry.shopcms_static_buster
    if response.status_int == 200 and pathspec.endswith(".css"):
        content = buster.content(pathspec)
        if content is not None:
            response.body = content  # the Content-Length with it
    if PARAM in request.GET and request.GET[PARAM] == buster.token(pathspec):
        response.headers["Cache-Control"] = f"public, max-age={FINGERPRINTED_AGE}, immutable"
        response.expires = datetime.now(UTC) + timedelta(seconds=FINGERPRINTED_AGE)


def includeme(config):
    settings = config.get_settings()
    # A page asks for several tokens at every rendering; a stat of each file costs more
    # than the rest of it (the checkout's page: 0.1 ms).  Watched where templates are.
    watch = any(
        asbool(settings.get(name))
        for name in ("pyramid.reload_templates", "pyramid.reload_assets", "pyramid.reload_all")
    )
    config.registry.shopcms_static_buster = ContentHashCacheBuster(watch=watch)
    config.registry.shopcms_static_folders = {}
    config.add_directive("add_fingerprinted_static_view", add_fingerprinted_static_view)
    config.add_subscriber(immutable_when_fingerprinted, NewResponse)
