"""``shopcms retention`` purges the contests' entrants (issue 15, acceptance 5): after the
purge date no entrant's name, address or email is left in the raw ``Data.fs`` after the
pack, while the response counts and the winners' public lines stay.

The contests are planted through the model (``privacy_helpers``), every personal value a
unique marker; the command runs as cron runs it (``cli.main`` on an ini), its clock moved
forward by the ini (``privacy_helpers.retention_ini``); then the database file is read as
raw bytes, every revision and transaction included.
"""

from datetime import UTC, datetime, timedelta

import transaction

from shopcms import cli
from shopcms.contests import entries
from shopcms.contests.workflow import ANNOUNCED, PURGED
from tests.cli.test_cli_retention import make_site_again
from tests.conftest import make_site
from tests.contests.privacy_helpers import (
    TAG,
    announced_contest,
    enter,
    found_in_file,
    new_contest,
    public_lines,
    retention_ini,
)


def retention(capsys, tmp_path, days):
    """Run ``shopcms retention`` with the clock ``days`` ahead; its lines."""
    assert cli.main(["retention", retention_ini(tmp_path, days)]) == 0
    return capsys.readouterr().out.splitlines()


def contest_lines(lines):
    return [line for line in lines if line.startswith("contests:")]


def read_contest(site, name):
    """What stays readable of contest ``name``: its state, the counts per (tag, day), the
    number of confirmed entries, the public lines and the keys of its entries."""

    def read(root):
        contest = root["contests"][name]
        counts = {
            key: (c.views.value, c.started.value, c.confirmed.value)
            for key, c in contest.response.items()
        }
        return (
            contest.workflow_state,
            counts,
            contest.confirmed_count.value,
            tuple(contest.public_winners),
            set(contest.entries),
        )

    return site.read(read)


def test_retention_purges_entrants_after_60_days_and_winners_after_delivery(tmp_path, capsys):
    site = make_site(tmp_path)
    planted = announced_contest(site, winners=2, losers=3, wrong=1)
    state, counts, confirmed, lines, kept = read_contest(site, "cactus")
    assert (state, confirmed, lines) == (ANNOUNCED, 6, tuple(public_lines(planted)))
    assert sum(started for _v, started, _c in counts.values()) == 6
    everyone = [m for e in planted.entrants for m in e.markers]
    transaction.abort()
    site.close()
    assert found_in_file(tmp_path / "Data.fs", everyone) == sorted(everyone)

    # 59 days after the announcement: nothing goes (the pack keeps every current record).
    assert contest_lines(retention(capsys, tmp_path, 59)) == []
    assert found_in_file(tmp_path / "Data.fs", everyone) == sorted(everyone)

    # 61 days: every entry but the winners' goes, from the file too (packed).
    assert contest_lines(retention(capsys, tmp_path, 61)) == [
        "contests: 4 entry(ies) past their retention deleted"
    ]
    others = [m for e in planted.others for m in e.markers]
    assert found_in_file(tmp_path / "Data.fs", others) == []
    winners = [m for e in planted.winners for m in e.markers]
    assert found_in_file(tmp_path / "Data.fs", winners) == sorted(
        winners
    )  # until their prize + 60 days
    site = make_site_again(tmp_path)
    state, after, confirmed, lines, kept = read_contest(site, "cactus")
    assert (state, after, confirmed) == (ANNOUNCED, counts, 6)
    assert lines == tuple(public_lines(planted))
    assert kept == {e.key for e in planted.winners}

    # The prizes are delivered (at the real time, 61 days before the clock of the next runs
    # reach 122): the winners' data stay 60 days more, then go.
    with site.edit() as root:
        contest = root["contests"]["cactus"]
        for entry in entries.winners(contest):
            entries.mark_delivered(contest, entry, datetime.now(UTC) + timedelta(days=61))
    transaction.abort()
    site.close()
    assert contest_lines(retention(capsys, tmp_path, 120)) == []
    assert found_in_file(tmp_path / "Data.fs", winners) == sorted(winners)
    assert contest_lines(retention(capsys, tmp_path, 122)) == [
        "contests: 2 entry(ies) past their retention deleted",
        "contests: 1 contest(s) purged: only the counts and the winners' lines stay",
    ]
    # No name, address or email of anyone; the public lines (first name, initial, town)
    # are the only trace of the winners.
    private = [m for e in planted.entrants for m in e.private_markers]
    assert found_in_file(tmp_path / "Data.fs", private) == []
    assert found_in_file(tmp_path / "Data.fs", others) == []
    site = make_site_again(tmp_path)
    try:
        state, after, confirmed, lines, kept = read_contest(site, "cactus")
        assert (state, after, confirmed, kept) == (PURGED, counts, 6, set())
        assert lines == tuple(public_lines(planted))
        assert {tag for tag, _day in after} == {TAG}
        history = site.read(lambda root: root["contests"]["cactus"].workflow_history[-1])
        assert (history.transition, history.actor) == ("purge", "retention")
    finally:
        site.close()
    # Cron-friendly: a purged contest gives nothing more to do.
    assert contest_lines(retention(capsys, tmp_path, 200)) == []


def test_unconfirmed_entries_go_when_their_link_expires(tmp_path, capsys):
    """An entry never confirmed is deleted once its link expired (7 days), even while the
    contest is open; a younger one stays, and so do the confirmed ones."""
    site = make_site(tmp_path)
    now = datetime.now(UTC)
    with site.edit() as root:
        contest = new_contest(
            root, "open", opens=now - timedelta(days=10), closes=now + timedelta(days=30)
        )
        old = enter(contest, now - timedelta(days=8), confirm=False)
        young = enter(contest, now - timedelta(days=6), confirm=False)
        confirmed = enter(contest, now - timedelta(days=9))
    transaction.abort()
    site.close()

    assert contest_lines(retention(capsys, tmp_path, 0)) == [
        "contests: 1 entry(ies) never confirmed in 7 days deleted"
    ]
    assert found_in_file(tmp_path / "Data.fs", old.markers) == []
    kept = young.markers + confirmed.markers
    assert found_in_file(tmp_path / "Data.fs", kept) == sorted(kept)
    site = make_site_again(tmp_path)
    try:
        _state, counts, count, _lines, keys = read_contest(site, "open")
        assert keys == {young.key, confirmed.key}
        assert count == 1
        # Started three times, confirmed once: the counts do not forget the deleted entry.
        assert sorted(counts.values()) == [(0, 1, 0), (0, 1, 0), (0, 1, 1)]
    finally:
        site.close()
