"""The translation board: for every page and language, missing, up to date or outdated
(``editorial.board``), with a link to write the missing or outdated text."""

from pyramid.view import view_config

from shopcms.pages.editorial import board
from shopcms.pages.resources import Pages
from shopcms.pages.views.common import MANAGE, helpers
from shopcms.web.i18n import languages


@view_config(
    context=Pages, name="board", renderer="shopcms.pages:templates/manage/board.pt", **MANAGE
)
def translation_board(context, request):
    rows = board(context, languages(request.registry), request.now)
    return {"pages": context, "rows": rows, **helpers(request)}
