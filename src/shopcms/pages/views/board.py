"""The translation board: for every page and language, missing, up to date or outdated
(``editorial.board``), with a link to write the missing or outdated text; then the rows
other capabilities declared (``board_rows``), each under its heading."""

from pyramid.view import view_config

from shopcms.pages import board_rows
from shopcms.pages.editorial import board
from shopcms.pages.resources import Pages
from shopcms.pages.views.common import MANAGE, helpers
from shopcms.web.i18n import languages


@view_config(
    context=Pages, name="board", renderer="shopcms.pages:templates/manage/board.pt", **MANAGE
)
def translation_board(context, request):
    langs = languages(request.registry)
    rows = board(context, langs, request.now)
    sections = board_rows.sections(request, langs)
    return {"pages": context, "rows": rows, "sections": sections, **helpers(request)}
