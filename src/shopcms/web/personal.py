"""Personal parts of shared pages: what differs from one visitor to the next.

A shared page (``shared=True`` on its view, ``shopcms.web.sharing``) is the same for every
visitor except for a few small parts: the cart count, the account's links, the cookie banner,
the state of the wishlist and compare buttons, the recently viewed products, the CSRF token
of its forms.  Each such part is declared once, by the capability that owns it::

    config.add_personal_part("cart-count", render)      # render(request, **args) -> markup
    config.add_personal_effect("recently-viewed", apply)  # apply(request, response, **args)

and a template shows it with ``${structure: ui.personal("cart-count", lang=ui.lang)}``; a
view that changes a cookie on a GET (the recently viewed list) calls
``personal.effect(request, "recently-viewed", pid=...)``.

Contract of a part's ``render(request, **args)``:

- it returns escaped markup (a ``str``), the same for two requests that carry the same
  cookies (and session) with the same ``args``;
- it reads the visitor only through ``request.cookies``, ``request.session``,
  ``request.identity`` (and what hangs from it: the account), ``request.registry`` and
  ``request.localizer`` / ``request.locale_name``; never ``request.context``, the matched
  route, the view's values or the page's URL: whatever the page knows goes into ``args``
  (plain values: str, int, float, bool, None, tuples of them), fixed when the page renders;
- it writes nothing, neither to the database nor to the response.

An effect's ``apply(request, response, **args)`` follows the same rules, and may set headers
(cookies) on ``response``, as the page's own response would get them.

Two ways of rendering a page use the same declarations:

- **full** (any request): :func:`part` calls the part at once with the request, and
  :func:`effect` applies the effect to ``request.response``;
- **skeleton** (the request's environ has :data:`SKELETON`): :func:`part` writes a hole
  (:func:`hole`) in the page and :func:`effect` records the effect; the CSRF token is written
  as :data:`CSRF_MARK`.  The page cache (``shopcms.web.pagecache``) keeps the skeleton and,
  for each visitor, fills the holes by calling the same parts with a request made for that
  visitor, without going through the application.  So a visitor is shown exactly what the
  full rendering would show them.
"""

#: In the environ: render personal parts as holes (the page cache's rendering).
SKELETON = "shopcms.skeleton"
#: In the environ of a skeleton rendering: ``[(name, args), ...]`` of its holes, in order.
HOLES = "shopcms.personal.holes"
#: In the environ of a skeleton rendering: ``[(name, args), ...]`` of its effects.
EFFECTS = "shopcms.personal.effects"
#: Where a skeleton holds a CSRF token (each is filled with the visitor's, masked anew).
CSRF_MARK = "\x00csrf\x00"
#: A hole is ``HOLE_START + index + HOLE_END``: NUL never occurs in a page's text.
HOLE_START, HOLE_END = "\x00part:", "\x00"


def in_skeleton(request):
    """True while ``request`` renders a skeleton (its personal parts as holes)."""
    return bool(request.environ.get(SKELETON))


def hole(index):
    return f"{HOLE_START}{index}{HOLE_END}"


def _frozen(args):
    return tuple(sorted(args.items()))


def part(request, name, **args):
    """The personal part ``name`` for this request: rendered, or a hole in a skeleton.
    Markup: a template writes it with ``structure``."""
    render = request.registry.shopcms_personal_parts[name]
    if in_skeleton(request):
        holes = request.environ.setdefault(HOLES, [])
        holes.append((name, _frozen(args)))
        return hole(len(holes) - 1)
    return render(request, **args)


def effect(request, name, **args):
    """Apply the personal effect ``name`` to this request's response (or record it)."""
    apply = request.registry.shopcms_personal_effects[name]
    if in_skeleton(request):
        request.environ.setdefault(EFFECTS, []).append((name, _frozen(args)))
        return
    apply(request, request.response, **args)


def add_personal_part(config, name, render):
    """Config directive: the personal part ``name`` is ``render(request, **args)``."""
    parts = config.registry.shopcms_personal_parts
    if name in parts:
        raise ValueError(f"the personal part {name!r} is declared twice")
    parts[name] = render


def add_personal_effect(config, name, apply):
    """Config directive: the personal effect ``name`` is ``apply(request, response, **args)``."""
    effects = config.registry.shopcms_personal_effects
    if name in effects:
        raise ValueError(f"the personal effect {name!r} is declared twice")
    effects[name] = apply


def includeme(config):
    config.registry.shopcms_personal_parts = {}
    config.registry.shopcms_personal_effects = {}
    config.add_directive("add_personal_part", add_personal_part)
    config.add_directive("add_personal_effect", add_personal_effect)
