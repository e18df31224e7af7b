"""Compressed answers: brotli or gzip for text, as the client accepts, in the WSGI stack.

:class:`CompressionLayer` wraps the whole application (outside the page cache, so pages it
answers are compressed too, and outside the error views, so error pages are too).  An answer
is compressed when:

- the client accepts an encoding we have (``Accept-Encoding``; ``br`` first when the
  ``brotli`` package is installed, else ``gzip``; ``q=0`` refuses, ``*`` stands for any);
- its type is text: HTML, CSS, JavaScript, SVG, JSON, XML, plain text (:data:`TYPES`); images,
  fonts and archives are compressed already;
- it has a body worth it (at least ``min_bytes``), is not a 204, 206 or 304, has no
  ``Content-Encoding`` or ``Content-Range`` yet and no ``Cache-Control: no-transform``.

Every answer of such a type carries ``Vary: Accept-Encoding`` (compressed or not: a cache
must not hand a compressed copy to a client that did not ask for one).  A compressed answer
gets its new ``Content-Length``, and its ``ETag`` made weak (``W/"..."``): the compressed
bytes are another representation, semantically the same; the application compares
``If-None-Match`` weakly (webob, the page cache), so a revalidation still answers 304, and a
304 for a client that accepts compression carries the weak ETag too.  A ``HEAD`` gets the
headers a ``GET`` would get (``Content-Encoding``, weak ETag) without ``Content-Length``,
which only compressing the body would tell.

Cost (the levels are settings): a compressed answer is buffered whole and compressed in
one call, at a fast level: brotli quality 2 or gzip level 1 (bench: about 100-170 µs for a
30 KB page on the development machine, 5-6x smaller).  Answers marked ``immutable`` (the
fingerprinted static files, ``shopcms.web.static``) are compressed once at a high level and
kept (bounded, per process): their URL names their content.

BREACH: a compressed page that holds a secret next to text an attacker chooses leaks the
secret through its length; the CSRF token is masked anew in every answer
(``shopcms.web.csrf``), and no other secret is shown beside visitor input.

Settings: ``shopcms.compression`` (default true), ``shopcms.compression.min_bytes`` (1024),
``shopcms.compression.gzip_level`` (1), ``shopcms.compression.brotli_quality`` (2).
"""

import functools
import threading
import zlib

from pyramid.settings import asbool

try:
    import brotli
except ImportError:  # pragma: no cover (a dependency; an install without it sends gzip)
    brotli = None

#: Media types worth compressing (besides any ``+xml`` and ``+json`` type).
TYPES = frozenset(
    {
        "text/html",
        "text/css",
        "text/plain",
        "text/xml",
        "text/javascript",
        "text/csv",
        "application/javascript",
        "application/json",
        "application/xml",
        "image/svg+xml",
    }
)
#: Statuses whose answers have no body to compress (206: a range of the identity bytes).
BODYLESS = ("204", "206", "304")
#: High levels for answers compressed once and kept (immutable static files).
KEPT_GZIP_LEVEL, KEPT_BROTLI_QUALITY = 9, 9
#: Bytes of compressed immutable answers kept per process.
KEPT_BYTES = 16 * 2**20


def compressible(content_type):
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind in TYPES or kind.endswith(("+xml", "+json"))


@functools.lru_cache(maxsize=512)
def chosen_encoding(accept_encoding, have_brotli=brotli is not None):
    """``"br"``, ``"gzip"`` or None: what to send a client whose ``Accept-Encoding`` is
    ``accept_encoding`` (RFC 9110 12.5.3: ``q=0`` refuses, ``*`` stands for the rest)."""
    weights = {}
    for item in accept_encoding.lower().split(","):
        name, _, params = item.partition(";")
        name, weight = name.strip(), 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if name:
            weights[name] = weight
    star = weights.get("*", 0.0)
    for name in ("br", "gzip") if have_brotli else ("gzip",):
        if weights.get(name, star) > 0:
            return name
    return None


def _gzip(data, level):
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)  # 31: the gzip container
    return compressor.compress(data) + compressor.flush()


def weak(etag):
    return etag if etag.startswith("W/") else f"W/{etag}"


def _vary(headers):
    """``headers`` with ``Accept-Encoding`` in its ``Vary`` (merged into one header)."""
    names, rest = [], []
    for key, value in headers:
        if key.lower() == "vary":
            names.extend(n.strip() for n in value.split(",") if n.strip())
        else:
            rest.append((key, value))
    if "*" in names:
        return headers
    if not any(n.lower() == "accept-encoding" for n in names):
        names.append("Accept-Encoding")
    return [*rest, ("Vary", ", ".join(names))]


class CompressionLayer:
    """WSGI middleware compressing answers (see the module's docstring)."""

    def __init__(self, app, min_bytes=1024, gzip_level=1, brotli_quality=2):
        self.app = app
        self.registry = getattr(app, "registry", None)
        self.min_bytes = min_bytes
        self.gzip_level, self.brotli_quality = gzip_level, brotli_quality
        self._kept = {}  # (path, query, encoding, identity length) -> compressed bytes
        self._kept_size = 0
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        encoding = chosen_encoding(environ.get("HTTP_ACCEPT_ENCODING", ""))
        head = environ.get("REQUEST_METHOD") == "HEAD"
        pending = []  # [status, headers] of an answer to compress, once the body is read
        written = []  # what a (legacy) write() call sent of such an answer
        called = []

        def respond(status, headers, exc_info=None):
            called.append(True)
            squeeze, headers = self._plan(status, headers, encoding, head)
            if not squeeze:
                pending.clear()
                return start_response(status, headers, exc_info)
            pending[:] = [status, headers]
            return written.append

        body = self.app(environ, respond)
        if not called:
            # An application that answers only once its body is iterated (not Pyramid's).
            body = _read(body)
        if not pending:
            return body
        data = b"".join([*written, *_read(body)])
        status, headers = pending
        if head:
            start_response(status, headers)
            return []
        data, headers = self._compressed(environ, data, headers, encoding)
        start_response(status, headers)
        return [data]

    def _plan(self, status, headers, encoding, head):
        """``(squeeze, headers)``: whether to compress the answer (its ``Content-Length``
        then set later) and its headers, with ``Vary`` and weak ETags (see the module)."""
        content_type = length = None
        for key, value in headers:
            name = key.lower()
            if name == "content-type":
                content_type = value
            elif name == "content-length":
                length = value
            elif name in ("content-encoding", "content-range") or (
                name == "cache-control" and "no-transform" in value.lower()
            ):
                return False, headers
        code = status[:3]
        if code == "304":
            # What the 200 would have said: Vary, and the weak ETag of the compressed copy.
            if content_type is None or compressible(content_type):
                return False, _vary(_weakened(headers) if encoding is not None else headers)
            return False, headers
        if content_type is None or not compressible(content_type):
            return False, headers
        headers = _vary(headers)
        if (
            encoding is None
            or code in BODYLESS
            or code.startswith("1")
            or (length is not None and length.isdigit() and int(length) < self.min_bytes)
        ):
            return False, headers
        if head:
            headers = [(k, v) for k, v in _weakened(headers) if k.lower() != "content-length"]
            return True, [*headers, ("Content-Encoding", encoding)]
        return True, headers

    def _compressed(self, environ, data, headers, encoding):
        """``data`` compressed (or left, when short or not smaller) and its headers."""
        if len(data) >= self.min_bytes:
            immutable = any(
                k.lower() == "cache-control" and "immutable" in v.lower() for k, v in headers
            )
            packed = self._kept_copy(environ, data, encoding) if immutable else None
            if packed is None:
                packed = self._compress(data, encoding, keep=immutable)
                if immutable:
                    self._keep(environ, data, encoding, packed)
            if len(packed) < len(data):
                headers = [*_weakened(headers), ("Content-Encoding", encoding)]
                data = packed
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        return data, [*headers, ("Content-Length", str(len(data)))]

    def _compress(self, data, encoding, keep=False):
        if encoding == "br":
            quality = KEPT_BROTLI_QUALITY if keep else self.brotli_quality
            return brotli.compress(data, quality=quality, mode=brotli.MODE_TEXT)
        return _gzip(data, KEPT_GZIP_LEVEL if keep else self.gzip_level)

    @staticmethod
    def _key(environ, data, encoding):
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        return (path, environ.get("QUERY_STRING", ""), encoding, len(data))

    def _kept_copy(self, environ, data, encoding):
        return self._kept.get(self._key(environ, data, encoding))

    def _keep(self, environ, data, encoding, packed):
        if len(packed) > KEPT_BYTES:
            return
        with self._lock:
            key = self._key(environ, data, encoding)
            if key in self._kept:
                return
            self._kept[key] = packed
            self._kept_size += len(packed)
            while self._kept_size > KEPT_BYTES:  # the oldest out
                self._kept_size -= len(self._kept.pop(next(iter(self._kept))))


def _read(body):
    """The chunks of a WSGI body, the body closed."""
    try:
        return list(body)
    finally:
        if hasattr(body, "close"):
            body.close()


def _weakened(headers):
    return [(k, weak(v) if k.lower() == "etag" else v) for k, v in headers]


def wrap(app, settings):
    """``app`` behind the compression layer configured in ``settings`` (or ``app`` itself
    when ``shopcms.compression`` is false)."""
    if not asbool(settings.get("shopcms.compression", True)):
        return app
    return CompressionLayer(
        app,
        min_bytes=int(settings.get("shopcms.compression.min_bytes", 1024)),
        gzip_level=int(settings.get("shopcms.compression.gzip_level", 1)),
        brotli_quality=int(settings.get("shopcms.compression.brotli_quality", 2)),
    )
