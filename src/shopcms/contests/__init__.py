"""Contests that are legal in Belgium: won by skill (a question with a right answer and a
tie-breaker estimate), never by chance; entered without purchase or account, confirmed by
mail; winners ranked, confirmed by staff and announced by first name, initial and town;
the response to each campaign counted without knowing who; entrants' data purged.

The modules: ``resources`` (the contests folder, a contest, its entries and counts),
``workflow`` (draft, published, closed, winners confirmed, announced, purged; the phases
scheduled, open and ended from the clock), ``answers`` (the skill question),
``postal`` (one household, one entry), ``entries`` (the one place entries change),
``ranking`` (the winners and the reason for each place), ``tokens`` (the confirmation
link), ``response`` and ``response_report`` (page views counted in memory and stored by
the server's timer; the desk's table, chart and CSV file), ``privacy`` (export, erasure,
retention), ``evolve``; the views and their helpers (``schemas``, ``rules``, ``guard``,
``mail``, ``editing``, ``closing``, ``winner_mail``, ``board``, ``schemas_desk``).  What
other capabilities may use is in ``api``.
"""

from shopcms.contests import board, response
from shopcms.contests.evolve import contests_folder
from shopcms.contests.resources import Contest, Contests
from shopcms.contests.workflow import CONTEST_WORKFLOW
from shopcms.web import security
from shopcms.web.i18n import _


def includeme(config):
    config.add_desk_section("contests", _("Contests"), ("contests",), security.EDIT, order=55)
    config.add_content_type(
        "contests", Contests, title=_("Contests"), site_folder="contests", catalog=False
    )
    config.add_content_type(
        "contest",
        Contest,
        title=_("Contest"),
        container="contests",
        add_permission=security.EDIT,
        catalog=False,
        workflow=CONTEST_WORKFLOW,
    )
    config.add_evolve_step(11, "Contests: the contests folder", contests_folder)
    # Visitors find the contests from every page (the list says which are open).
    config.add_footer_link(("contests",), _("Contests"), order=85)

    # The desk, closing and the winners: the contests' rows on the pages' translation
    # board (views are found by the scan of the package).
    config.add_board_rows("contests", _("Contests"), board.rows, order=10)
    # The response per campaign: the page views counted in memory are stored by the
    # server's timer (a GET never writes).
    config.add_timer_job(response.flush, owner="contests")
    # The privacy side: the entries in the data export and erasure (retention: api).
    config.include(".privacy")
