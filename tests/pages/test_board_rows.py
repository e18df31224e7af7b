"""``config.add_board_rows``: other capabilities' rows on the translation board, under their
own heading, in their declared order, without the pages importing them."""

import pytest
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationConflictError

from shopcms.pages import board_rows
from tests.contests.desk_helpers import editor, make_contest


def provider(label):
    def rows(request, languages):
        return [{"name": label, "languages": tuple(languages)}]

    return rows


def test_declared_providers_give_their_rows_in_order():
    config = Configurator()
    config.include("shopcms.pages.board_rows")
    config.add_board_rows("late", "Late", provider("late"), order=20)
    config.add_board_rows("early", "Early", provider("early"), order=10)
    config.commit()
    request = type("Request", (), {"registry": config.registry})()
    assert board_rows.sections(request, ("nl", "fr")) == [
        ("Early", [{"name": "early", "languages": ("nl", "fr")}]),
        ("Late", [{"name": "late", "languages": ("nl", "fr")}]),
    ]


def test_a_key_is_declared_once():
    config = Configurator()
    config.include("shopcms.pages.board_rows")
    config.add_board_rows("same", "One", provider("one"))
    config.add_board_rows("same", "Two", provider("two"))
    with pytest.raises(ConfigurationConflictError, match="shopcms.board_rows"):
        config.commit()


def test_the_board_shows_the_contests_under_their_heading(site, app):
    editor(site, app)
    make_contest(site, langs=("fr",))
    board = app.get("/en/manage/pages/board")
    section = board.html.select_one("section.board-section")
    assert section.h2.text == "Contests"
    row = section.select_one('tr[data-name="cactus"]')
    assert row.th.text == "Concours cactus"
    states = {td["data-lang"]: td["data-state"] for td in row("td")}
    assert states == {"nl": "missing", "fr": "up-to-date", "en": "missing"}
    assert row.select_one('td[data-lang="nl"] a')["href"] == (
        "/en/manage/contests/cactus/edit?lang=nl&compare=fr"
    )
    # The pages' own table is still first and complete.
    assert board.html.select_one("table.board tr th a").text
