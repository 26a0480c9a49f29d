"""Free/busy's busy times of a room, less the meetings the room declined."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from custom_components.robin.api import FreeBusySpace
from custom_components.robin.free_busy import busy_times

from .api.conftest import load

# The documented answer (robin-api.md §4.10): the Thames Room busy 09:00 to 10:00 UTC with
# one meeting, listed with its times in London (10:00 to 11:00, UTC+1).
MEETING = "23481829_20240603T090000Z"
NINE = datetime(2024, 6, 3, 9, tzinfo=UTC)
TEN = datetime(2024, 6, 3, 10, tzinfo=UTC)
ELEVEN = datetime(2024, 6, 3, 11, tzinfo=UTC)


def _thames(edit: Any = None) -> FreeBusySpace:
    raw = copy.deepcopy(load("free_busy")["data"][0])
    if edit is not None:
        edit(raw["busy"])
    return FreeBusySpace.from_json(raw)


def test_a_room_is_busy_as_free_busy_says_when_it_declined_nothing() -> None:
    assert busy_times(_thames(), {}) == [(NINE, TEN)]
    assert busy_times(_thames(), {"another meeting": (NINE, TEN)}) == [(NINE, TEN)]


def test_a_meeting_the_room_declined_is_not_busy() -> None:
    assert busy_times(_thames(), {MEETING: (NINE, TEN)}) == []


def test_a_declined_meeting_listed_at_other_times_was_moved_and_is_busy() -> None:
    """Declined at 09:00 when last read; free/busy lists it at 10:00: the room may hold it now."""

    def moved(busy: list[dict[str, Any]]) -> None:
        busy[0].update({"from": "2024-06-03T10:00:00+0000", "to": "2024-06-03T11:00:00+0000"})
        event = busy[0]["events"][0]
        event["start"]["date_time"] = "2024-06-03T11:00:00+0100"
        event["end"]["date_time"] = "2024-06-03T12:00:00+0100"

    assert busy_times(_thames(moved), {MEETING: (NINE, TEN)}) == [(TEN, ELEVEN)]


def test_a_block_of_several_meetings_keeps_the_others_times() -> None:
    def with_the_next_meeting(busy: list[dict[str, Any]]) -> None:
        busy[0]["to"] = "2024-06-03T11:00:00+0000"
        busy[0]["events"].append(
            {
                "id": "next",
                "start": {"date_time": "2024-06-03T11:00:00+0100"},
                "end": {"date_time": "2024-06-03T12:00:00+0100"},
            }
        )

    thames = _thames(with_the_next_meeting)
    assert busy_times(thames, {MEETING: (NINE, TEN)}) == [(TEN, ELEVEN)]


def test_a_block_with_a_meeting_listed_without_times_stays_busy_whole() -> None:
    def with_an_untimed_meeting(busy: list[dict[str, Any]]) -> None:
        busy[0]["to"] = "2024-06-03T11:00:00+0000"
        busy[0]["events"].append({"id": "untimed"})

    thames = _thames(with_an_untimed_meeting)
    assert busy_times(thames, {MEETING: (NINE, TEN)}) == [(NINE, ELEVEN)]


def test_a_declined_meeting_listed_without_times_is_told_by_its_id() -> None:
    def untimed(busy: list[dict[str, Any]]) -> None:
        for event in busy[0]["events"]:
            del event["start"], event["end"]

    assert busy_times(_thames(untimed), {MEETING: (NINE, TEN)}) == []
