"""Static files with fingerprinted URLs: cached for a year, changed when the file changes.

``config.add_fingerprinted_static_view(name, spec)`` serves the folder ``spec`` (an asset
spec, ``shopcms.web:static``) under ``/NAME/`` as ``add_static_view`` does, and registers a
cache buster for it: ``request.static_path('shopcms.web:static/style.css')`` writes
``/static/style.css?v=TOKEN``, TOKEN the start of the SHA-256 of the file's bytes, so the URL
changes exactly when the file does (also while a developer edits it: the hash is kept per
file, size and modification time).

A request that carries the file's current token is answered with ``Cache-Control: public,
max-age=31536000, immutable``: the browser never asks again, and the next version has
another URL.  Without the token, or with an old one, the file keeps the short lifetime
(:data:`UNBUSTED_AGE`): whoever links it by hand still gets updates.
"""

import hashlib
import os
import threading

from pyramid.events import NewResponse
from pyramid.path import AssetResolver
from pyramid.static import QueryStringCacheBuster

#: The query parameter that carries the fingerprint.
PARAM = "v"
#: How long a fingerprinted URL is kept (a year, in seconds).
FINGERPRINTED_AGE = 31_536_000
#: How long a static file is kept when asked for without its fingerprint (an hour).
UNBUSTED_AGE = 3600
#: Hex digits of the SHA-256 in the URL: plenty to tell versions of a file apart.
TOKEN_LENGTH = 12


class ContentHashCacheBuster(QueryStringCacheBuster):
    """``?v=TOKEN`` on every URL of the static files it is registered for (``tokenize``);
    the tokens of files that do not exist are left out (the URL answers 404 anyway)."""

    def __init__(self, param=PARAM):
        super().__init__(param=param)
        self._resolver = AssetResolver()
        self._tokens = {}  # absolute path -> ((size, mtime_ns), token)
        self._lock = threading.Lock()

    def token(self, pathspec):
        """The fingerprint of the file ``pathspec`` (an asset spec) as it is now, or None
        when it does not exist."""
        path = self._resolver.resolve(pathspec).abspath()
        try:
            stat = os.stat(path)
        except OSError:
            return None
        version = (stat.st_size, stat.st_mtime_ns)
        known = self._tokens.get(path)
        if known is not None and known[0] == version:
            return known[1]
        with open(path, "rb") as f:
            token = hashlib.sha256(f.read()).hexdigest()[:TOKEN_LENGTH]
        with self._lock:
            self._tokens[path] = (version, token)
        return token

    def tokenize(self, request, subpath, kw):
        return self.token(kw["pathspec"])

    def __call__(self, request, subpath, kw):
        if self.tokenize(request, subpath, kw) is None:
            return subpath, kw
        return super().__call__(request, subpath, kw)


def add_fingerprinted_static_view(config, name, spec, permission=None):
    """Serve the folder ``spec`` under ``/NAME/`` with fingerprinted URLs (see the module)."""
    spec = spec.rstrip("/")
    buster = config.registry.shopcms_static_buster
    config.add_static_view(name, spec, cache_max_age=UNBUSTED_AGE, permission=permission)
    config.add_cache_buster(spec, buster)
    # Pyramid names a static view's route "__" + its name with a trailing slash.
    config.registry.shopcms_static_folders[f"__{name.strip('/')}/"] = spec


def immutable_when_fingerprinted(event):
    """A static file asked for with its current fingerprint is cached for a year."""
    request, response = event.request, event.response
    route = getattr(request, "matched_route", None)
    spec = route and request.registry.shopcms_static_folders.get(route.name)
    if spec is None or response.status_int not in (200, 304) or PARAM not in request.GET:
        return
    pathspec = f"{spec}/{'/'.join(request.subpath)}"
    if request.GET[PARAM] == request.registry.shopcms_static_buster.token(pathspec):
        response.headers["Cache-Control"] = f"public, max-age={FINGERPRINTED_AGE}, immutable"


def includeme(config):
    config.registry.shopcms_static_buster = ContentHashCacheBuster()
    config.registry.shopcms_static_folders = {}
    config.add_directive("add_fingerprinted_static_view", add_fingerprinted_static_view)
    config.add_subscriber(immutable_when_fingerprinted, NewResponse)
