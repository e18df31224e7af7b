"""One-time notices shown on the next page ("Draft saved.", "Added to your cart.").

They travel in the session cookie, so only the latest notice of each kind is kept: a
visitor who posts a thousand times without looking at a page does not grow the cookie.
"""

INFO, ERROR = "info", "error"


def notice(request, message, queue=INFO):
    """Queue ``message`` (a TranslationString, or text already translated such as
    :func:`shopcms.web.i18n.ngettext`'s) in the visitor's language for the next page."""
    request.session.pop_flash(queue)
    request.session.flash(request.localizer.translate(message), queue)
