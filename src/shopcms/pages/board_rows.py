"""Other capabilities' rows on the translation board (``/{lang}/manage/pages/board``).

A capability whose content is written per language declares, in its ``includeme``::

    config.add_board_rows("contests", _("Contests"), provider, order=10)

``provider(request, languages)`` returns the rows of that content, each a dict::

    {"name": "summer", "title": "Summer contest", "url": <its desk page>,
     "cells": [{"lang": "nl", "state": "missing" | "up-to-date" | "outdated",
                "link": <where to write or update it>, "newer": <lang or None>,
                "changed": <aware datetime or None>}, ...]}

one cell per language of ``languages`` in that order, with the states of
``editorial`` (:data:`~shopcms.pages.editorial.MISSING` ...).  The board shows each
provider's rows under its own ``heading``, after the pages, in ``order``.  The pages never
import the capabilities that declare rows: they only call the providers.
"""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BoardRows:
    """One declared provider of board rows (see the module)."""

    key: str
    heading: Any
    provider: Any
    order: int = 0


def declared(registry):
    """The declared providers, in their order."""
    found = getattr(registry, "shopcms_board_rows", {})
    return sorted(found.values(), key=lambda rows: (rows.order, rows.key))


def sections(request, languages):
    """``[(heading, rows)]`` of every declared provider for ``request``."""
    found = declared(request.registry)
    return [(rows.heading, rows.provider(request, languages)) for rows in found]


def add_board_rows(config, key, heading, provider, order=0):
    """Config directive: declare the provider ``key`` of board rows (see the module)."""
    rows = BoardRows(key, heading, config.maybe_dotted(provider), order)
    found = config.registry.shopcms_board_rows

    def register():
        found[key] = rows

    config.action(("shopcms.board_rows", key), register)


def includeme(config):
    config.registry.shopcms_board_rows = {}
    config.add_directive("add_board_rows", add_board_rows)
