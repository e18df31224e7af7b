"""Acceptance 2 of the contests: the winners are right on 500 planted entries with ties at
every level.

The expected ranking is computed here from the rules as the rules page states them, one
sentence at a time, by *counting*: an entry's place is one more than the number of entries
that beat it under the rules (:func:`beats`), which is how a person checking the result by
hand would reason.  ``ranking.rank`` sorts instead; the two must agree on every place, every
shared place and every winner.

The rules:

1. Only confirmed entries count; a disqualified entry is left out and the next moves up.
2. Only entries with the right answer to the question take part in the ranking.
3. Closest estimate to the true value first; under or over counts the same.
4. At the same distance, the entry confirmed first ranks first.
5. At the same distance and confirmation time, the entry sent first ranks first.
6. Entries still equal share the place; when they share a winning place, each one wins.
"""

import datetime
import random

import pytest

from shopcms.contests import entries, ranking
from shopcms.contests.answers import CHOICE, TEXT
from shopcms.contests.resources import Contest, ContestText, Entry

TRUE_VALUE = 1240
START = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC)


def contest_with(planted, *, kind=CHOICE, winners=3):
    contest = Contest(owner="editor")
    contest.__name__ = "needles"
    contest.workflow_state = "closed"
    contest.kind = kind
    contest.correct_choice = 2
    contest.winners = winners
    contest.texts["nl"] = ContestText(
        title="Naalden", question="Welke?", accepted=("Sint-Niklaas", "Saint-Nicolas")
    )
    contest.texts["fr"] = ContestText(
        title="Aiguilles", question="Laquelle ?", accepted=("Bruges",)
    )
    for entry in planted:
        contest.entries[entry.key] = entry
    contest.true_value = TRUE_VALUE
    return contest


def entry(number, *, answer="2", estimate=TRUE_VALUE, confirmed=0, sent=0, confirmed_at=True):
    """Entry ``number`` with times as seconds after START (equal seconds: equal times)."""
    return Entry(
        key=f"{number:017d}0000",
        name=f"Entrant {number}",
        street=f"Kerkstraat {number}",
        postcode="9000",
        city="Gent",
        country="BE",
        email=f"e{number}@example.org",
        email_key=f"e{number}@example.org",
        postal_key=f"BE|9000|kerkstr {number}",
        lang="nl",
        answer=answer,
        estimate=estimate,
        created=START + datetime.timedelta(seconds=sent),
        confirmed=(START + datetime.timedelta(seconds=confirmed)) if confirmed_at else None,
    )


def planted_500(seed=15):
    """500 entries with ties at every level: right and wrong answers; estimates at equal
    distances under and over the true value; equal confirmation times; equal sending
    times; whole groups equal on everything; a few never confirmed."""
    rng = random.Random(seed)
    planted = []
    for number in range(500):
        distance = rng.choice((0, 0, 1, 3, 3, 7, 20, 150))
        estimate = TRUE_VALUE + distance * rng.choice((-1, 1))
        # Few distinct times, so many entries share one (to the microsecond).
        confirmed = rng.choice((10, 10, 20, 30))
        sent = confirmed - rng.choice((1, 1, 5))
        answer = rng.choice(("2", "2", "2", "1", "3"))
        planted.append(
            entry(
                number,
                answer=answer,
                estimate=estimate,
                confirmed=confirmed,
                sent=sent,
                confirmed_at=rng.random() > 0.03,
            )
        )
    return planted


# -- the rules, stated independently ------------------------------------------------------


def takes_part(contest, candidate):
    """Rules 1 and 2."""
    return (
        candidate.confirmed is not None
        and candidate.disqualified is None
        and (candidate.answer.strip() == str(contest.correct_choice))
    )


def beats(a, b, true_value):
    """Does ``a`` rank before ``b`` (rules 3, 4, 5)?  Neither beats the other when they are
    equal on all three (rule 6)."""
    distance_a, distance_b = abs(a.estimate - true_value), abs(b.estimate - true_value)
    if distance_a != distance_b:
        return distance_a < distance_b
    if a.confirmed != b.confirmed:
        return a.confirmed < b.confirmed
    return a.created < b.created


def expected_places(contest):
    """``{entry key: place}`` by counting who beats whom (rule 6: equal entries share)."""
    ranked = [e for e in contest.entries.values() if takes_part(contest, e)]
    return {e.key: 1 + sum(beats(other, e, contest.true_value) for other in ranked) for e in ranked}


def expected_winners(contest):
    return {key for key, place in expected_places(contest).items() if place <= contest.winners}


# -- the tests ----------------------------------------------------------------------------


def test_the_planted_set_has_ties_at_every_level():
    """The set is what it claims to be (else the other tests prove little)."""
    contest = contest_with(planted_500())
    ranked = [e for e in contest.entries.values() if takes_part(contest, e)]
    distances = [abs(e.estimate - TRUE_VALUE) for e in ranked]
    assert any(e.estimate < TRUE_VALUE for e in ranked if abs(e.estimate - TRUE_VALUE) == 3)
    assert any(e.estimate > TRUE_VALUE for e in ranked if abs(e.estimate - TRUE_VALUE) == 3)
    assert len(set(distances)) < len(distances) / 20  # many share a distance
    pairs = {(abs(e.estimate - TRUE_VALUE), e.confirmed) for e in ranked}
    assert len(pairs) < len(ranked) / 5  # and a confirmation time
    fully = {(abs(e.estimate - TRUE_VALUE), e.confirmed, e.created) for e in ranked}
    assert len(fully) < len(ranked) / 5  # and a sending time: shared places
    assert sum(1 for e in contest.entries.values() if not takes_part(contest, e)) > 50


def test_every_place_of_500_entries_follows_the_rules():
    contest = contest_with(planted_500())
    places = ranking.rank(contest)
    got = {place.entry.key: place.number for place in places if place.number is not None}
    assert got == expected_places(contest)
    # Every confirmed entry is on the list, once: ranked, or left out with why.
    confirmed = {e.key for e in contest.entries.values() if e.confirmed is not None}
    assert sorted(place.entry.key for place in places) == sorted(confirmed)
    left_out = {place.entry.key: place.reason for place in places if place.number is None}
    assert set(left_out.values()) == {ranking.WRONG}
    assert all(contest.entries[key].answer != "2" for key in left_out)


def test_the_winners_of_500_entries_include_everyone_sharing_a_winning_place():
    contest = contest_with(planted_500(), winners=3)
    expected = expected_winners(contest)
    assert {e.key for e in ranking.winners(contest)} == expected
    # The planted set has 0-distance entries sharing a time: more than three winners share.
    assert len(expected) >= 3


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_planted_sets_agree_too(seed):
    contest = contest_with(planted_500(seed), winners=5)
    got = {p.entry.key: p.number for p in ranking.rank(contest) if p.number is not None}
    assert got == expected_places(contest)


def test_the_reason_of_each_place_is_the_rule_that_decided_it():
    late = entry(1, estimate=TRUE_VALUE - 5, confirmed=5, sent=1)
    under = entry(2, estimate=TRUE_VALUE - 5, confirmed=3, sent=1)  # same distance, earlier
    over = entry(3, estimate=TRUE_VALUE + 5, confirmed=5, sent=0)  # same as 1, sent earlier
    twin = entry(4, estimate=TRUE_VALUE + 5, confirmed=5, sent=0)  # equal to 3 on everything
    closest = entry(5, estimate=TRUE_VALUE + 1, confirmed=50, sent=49)
    wrong = entry(6, answer="1", estimate=TRUE_VALUE)
    contest = contest_with([late, under, over, twin, closest, wrong], winners=2)
    rows = [(p.entry.key, p.number, p.reason, p.wins) for p in ranking.rank(contest)]
    assert rows == [
        (closest.key, 1, ranking.CLOSER, True),
        (under.key, 2, ranking.EARLIER_CONFIRMED, True),
        (over.key, 3, ranking.SHARED, False),
        (twin.key, 3, ranking.EARLIER_SENT, False),
        (late.key, 5, ranking.LAST, False),
        (wrong.key, None, ranking.WRONG, False),
    ]
    assert [p.distance for p in ranking.rank(contest)[:5]] == [1, 5, 5, 5, 5]


def test_a_disqualified_winner_lets_the_next_entry_move_up():
    contest = contest_with(planted_500(), winners=3)
    first = [p.entry for p in ranking.rank(contest) if p.number == 1]
    for cheat in first:
        entries.disqualify(contest, cheat, "two accounts", "admin", START)
    places = ranking.rank(contest)
    assert {p.entry.key for p in places if p.reason == ranking.DISQUALIFIED} == {
        e.key for e in first
    }
    assert {e.key for e in ranking.winners(contest)} == expected_winners(contest)
    assert not {e.key for e in first} & {e.key for e in ranking.winners(contest)}
    assert min(p.number for p in places if p.number is not None) == 1


def test_a_shared_winning_place_makes_each_a_winner():
    a = entry(1, estimate=TRUE_VALUE, confirmed=1, sent=0)
    b = entry(2, estimate=TRUE_VALUE + 2, confirmed=1, sent=0)
    c = entry(3, estimate=TRUE_VALUE - 2, confirmed=1, sent=0)  # ties b on everything
    d = entry(4, estimate=TRUE_VALUE - 3, confirmed=0, sent=0)
    contest = contest_with([a, b, c, d], winners=2)
    assert {e.key for e in ranking.winners(contest)} == {a.key, b.key, c.key}


def test_a_short_answer_is_right_in_any_language_whatever_its_case_accents_and_spacing():
    answers = {
        1: "  sint-niklaas ",
        2: "SAINT NICOLAS",
        3: "Brügès",
        4: "Antwerpen",
        5: "",
    }
    contest = contest_with(
        [entry(n, answer=text, confirmed=n, sent=n) for n, text in answers.items()], kind=TEXT
    )
    places = ranking.rank(contest)
    assert [p.entry.answer for p in places if p.number is not None] == [
        answers[1],
        answers[2],
        answers[3],
    ]
    assert {p.entry.answer for p in places if p.reason == ranking.WRONG} == {"Antwerpen", ""}


def test_without_the_true_value_nothing_is_ranked():
    contest = contest_with(planted_500()[:10])
    contest.true_value = None
    with pytest.raises(ValueError):
        ranking.rank(contest)
