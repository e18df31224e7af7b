"""The ranking of a closed contest: who wins, and why each entry has its place.

The rules (the same sentences are in every contest's rules page, ``rules``):

1. Only confirmed entries count, one per person and per household; an entry that staff
   disqualified (with a reason) is left out, and the entries after it move up.
2. Only entries with the right answer to the question take part in the ranking.
3. They are ranked by how far their estimate is from the true value of the tie-breaker
   question, closest first; an estimate under or over the true value counts the same.
4. At the same distance, the entry confirmed first ranks first.
5. At the same distance and confirmation time, the entry sent first ranks first.
6. Entries still equal share the place; when they share a winning place, each of them wins.

Nothing in it is left to chance: there is no draw, and there is no way to configure one.

:func:`rank` returns one :class:`Place` per ranked entry, then the entries left out with
why (a wrong answer, a disqualification), so staff see every confirmed entry and the reason
for its place.
"""

from dataclasses import dataclass

from shopcms.contests.answers import is_correct

#: Why an entry has its place (``Place.reason``), from the rule that decided it.
CLOSER = "closer"  # a smaller distance than the next entry's
EARLIER_CONFIRMED = "earlier-confirmed"  # same distance, confirmed earlier
EARLIER_SENT = "earlier-sent"  # same distance and confirmation time, sent earlier
SHARED = "shared"  # equal on every rule: the place is shared
LAST = "last"  # the last ranked entry: nothing after it to compare with
WRONG = "wrong-answer"
DISQUALIFIED = "disqualified"


@dataclass(frozen=True)
class Place:
    """An entry's place: ``number`` (1 for the first; shared places share it; None for an
    entry left out), its ``distance`` to the true value, whether it ``wins``, and the
    ``reason`` (one of the constants above) it is ahead of the next entry or left out."""

    entry: object
    number: int | None
    distance: int | None
    wins: bool
    reason: str


def _order(entry, true_value):
    return (abs(entry.estimate - true_value), entry.confirmed, entry.created)


def _reason(order, next_order):
    if next_order is None:
        return LAST
    if order[0] != next_order[0]:
        return CLOSER
    if order[1] != next_order[1]:
        return EARLIER_CONFIRMED
    if order[2] != next_order[2]:
        return EARLIER_SENT
    return SHARED


def rank(contest, true_value=None):
    """The ranking of ``contest``'s confirmed entries against ``true_value`` (default: the
    contest's own), then the entries left out (see the module).  ValueError without a true
    value."""
    true_value = contest.true_value if true_value is None else true_value
    if true_value is None:
        raise ValueError("the tie-breaker's true value is needed to rank the entries")
    ranked, wrong, disqualified = [], [], []
    for entry in contest.confirmed_entries():
        if entry.disqualified is not None:
            disqualified.append(entry)
        elif is_correct(contest, entry.answer):
            ranked.append(entry)
        else:
            wrong.append(entry)
    ranked.sort(key=lambda entry: _order(entry, true_value))
    orders = [_order(entry, true_value) for entry in ranked]
    places, number = [], 0
    for index, entry in enumerate(ranked):
        if index == 0 or orders[index] != orders[index - 1]:
            number = index + 1  # standard competition ranking: 1, 2, 2, 4
        following = orders[index + 1] if index + 1 < len(orders) else None
        places.append(
            Place(
                entry,
                number,
                orders[index][0],
                number <= contest.winners,
                _reason(orders[index], following),
            )
        )
    left_out = [Place(entry, None, None, False, WRONG) for entry in sorted(wrong, key=_sent)] + [
        Place(entry, None, None, False, DISQUALIFIED) for entry in sorted(disqualified, key=_sent)
    ]
    return places + left_out


def _sent(entry):
    return entry.created


def winners(contest, true_value=None):
    """The entries that win (shared winning places included), in ranking order."""
    return [place.entry for place in rank(contest, true_value) if place.wins]
