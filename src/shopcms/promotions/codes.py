"""The codes a visitor entered, and what they do to a cart, as the pages say it.

Only the codes are kept, in the visitor's session (``KEY``): never an amount.  Every
summary (the cart, each checkout step, the placing transaction) evaluates them anew from
the database (``rules.evaluate``), so no POST can change a discount: a forged field is
not read, and a changed code is only a code to check.  A visitor without a session has
entered no code (the cart page starts none).
"""

from shopcms.promotions import automatic, rules
from shopcms.promotions.resources import customer_key
from shopcms.web.i18n import _
from shopcms.web.layout import format_moment, format_money

#: The session's key of the entered codes, and how many it keeps.
KEY = "promotions.codes"
MOST = 3


def entered(request):
    """The codes the visitor entered, in order (upper case)."""
    name = request.registry.settings["shopcms.session.cookie_name"]
    if name not in request.cookies and "session" not in request.__dict__:
        return ()
    return tuple(request.session.get(KEY, ()))


def enter(request, code):
    """Keep ``code`` (after the others; at most ``MOST``)."""
    code = code.strip().upper()
    kept = [c for c in entered(request) if c != code]
    request.session[KEY] = [*kept, code][-MOST:]


def forget(request, code=None):
    """Forget ``code`` (None: every code)."""
    kept = [c for c in entered(request) if code is not None and c != code.strip().upper()]
    if kept:
        request.session[KEY] = kept
    elif entered(request):
        request.session.pop(KEY, None)


def customer(request, email=None):
    """The requester's key for the per-customer limit: the account, else ``email``."""
    return customer_key(request.authenticated_userid, email)


def evaluate(request, lines, codes=None, email=None):
    """The :class:`~shopcms.promotions.rules.Outcome` of ``codes`` (default: those
    entered) for ``lines`` (``rules.Line``), for the requester (``email``: a guest's
    address, once the checkout knows it), now; the automatic promotions' reductions
    first (their ``code`` empty)."""
    # A database from before the promotions folder's evolve step has no code at all.
    promotions = request.root.get("promotions")
    lines = tuple(lines)
    return rules.evaluate(
        promotions.for_code if promotions is not None else lambda code: None,
        entered(request) if codes is None else codes,
        lines,
        customer(request, email),
        request.now,
        automatic.applied(promotions.automatic(), lines, request.now)
        if promotions is not None
        else (),
    )


def explain(request, refusal):
    """Why ``refusal``'s code does not apply, in the visitor's language (translated)."""
    code = refusal.code
    if refusal.reason == rules.UNKNOWN:
        message = _("The code ${code} does not exist.", mapping={"code": code})
    elif refusal.reason == rules.NOT_YET_VALID:
        message = _(
            "The code ${code} is valid from ${moment}.",
            mapping={"code": code, "moment": format_moment(request, refusal.moment, "medium")},
        )
    elif refusal.reason == rules.EXPIRED:
        message = _(
            "The code ${code} expired on ${moment}.",
            mapping={"code": code, "moment": format_moment(request, refusal.moment, "medium")},
        )
    elif refusal.reason == rules.USED_UP:
        message = _("The code ${code} is used up.", mapping={"code": code})
    elif refusal.reason == rules.CUSTOMER_LIMIT:
        message = _(
            "You have already used the code ${code} as often as it allows.",
            mapping={"code": code},
        )
    elif refusal.reason == rules.UNDER_MINIMUM:
        message = _(
            "The code ${code} is valid from an order of ${amount}.",
            mapping={"code": code, "amount": format_money(refusal.minimum, request.locale_name)},
        )
    elif refusal.reason == rules.NOTHING_APPLIES:
        message = _(
            "The code ${code} does not apply to any product in your cart.",
            mapping={"code": code},
        )
    else:
        message = _(
            "The code ${code} cannot be combined with the code ${other}.",
            mapping={"code": code, "other": refusal.other},
        )
    return request.localizer.translate(message)
