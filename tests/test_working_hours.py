"""When a location works: Robin's working hours or the default week, in the location's zone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.robin.api import Location, TimeFrame, WorkingDay
from custom_components.robin.working_hours import WorkingHours, end_of_local_day

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SUNDAY, MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY = range(7)


def frames(*spans: tuple[str, str]) -> tuple[TimeFrame, ...]:
    return tuple(
        TimeFrame(time.fromisoformat(start), time.fromisoformat(end)) for start, end in spans
    )


def office_week(opens: str = "08:30", closes: str = "18:00") -> tuple[WorkingDay, ...]:
    """Robin's shape as the simulator serves it: every day listed, the weekend empty."""
    return tuple(
        WorkingDay(day, frames((opens, closes)) if MONDAY <= day <= FRIDAY else ())
        for day in range(7)
    )


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)  # type: ignore[misc]


# 2026-11-23 is a Monday.


def test_inside_and_outside_robins_hours_in_the_locations_zone() -> None:
    hours = WorkingHours.of(office_week(), NEW_YORK)
    # 13:00 UTC is 08:00 in New York: not yet; 13:30 UTC is 08:30: open.
    assert not hours.is_open(datetime(2026, 11, 23, 13, 0, tzinfo=UTC))
    assert hours.is_open(datetime(2026, 11, 23, 13, 30, tzinfo=UTC))
    assert hours.is_open(local(NEW_YORK, 2026, 11, 23, 17, 59))
    assert not hours.is_open(local(NEW_YORK, 2026, 11, 23, 18, 0))  # the end is excluded
    assert hours.next_start(datetime(2026, 11, 23, 13, 0, tzinfo=UTC)) == datetime(
        2026, 11, 23, 13, 30, tzinfo=UTC
    )


def test_closed_at_the_weekend_opens_on_monday() -> None:
    hours = WorkingHours.of(office_week(), LONDON)
    friday_evening = local(LONDON, 2026, 11, 27, 18, 0)
    saturday_noon = local(LONDON, 2026, 11, 28, 12, 0)
    assert not hours.is_open(friday_evening)
    assert not hours.is_open(saturday_noon)
    monday = local(LONDON, 2026, 11, 30, 8, 30)
    assert hours.next_start(friday_evening) == monday
    assert hours.next_start(saturday_noon) == monday
    # While open, the next start is the next day's.
    assert hours.next_start(local(LONDON, 2026, 11, 30, 9, 0)) == local(LONDON, 2026, 12, 1, 8, 30)


def test_hours_on_some_days_only() -> None:
    days = (
        WorkingDay(TUESDAY, frames(("10:00", "14:00"))),
        WorkingDay(THURSDAY, frames(("10:00", "12:00"), ("13:00", "15:00"))),
    )
    hours = WorkingHours.of(days, LONDON)
    assert not hours.is_open(local(LONDON, 2026, 11, 23, 11, 0))  # Monday: not listed
    assert hours.is_open(local(LONDON, 2026, 11, 24, 11, 0))  # Tuesday
    assert not hours.is_open(local(LONDON, 2026, 11, 26, 12, 30))  # Thursday's lunch break
    assert hours.next_start(local(LONDON, 2026, 11, 26, 12, 30)) == local(
        LONDON, 2026, 11, 26, 13, 0
    )
    # After Thursday, the next opening is a week away at most: Tuesday.
    assert hours.next_start(local(LONDON, 2026, 11, 26, 16, 0)) == local(LONDON, 2026, 12, 1, 10, 0)


@pytest.mark.parametrize(
    "days",
    [
        (),  # absent or `{}`
        tuple(WorkingDay(day, ()) for day in range(7)),  # every day listed without frames
    ],
    ids=["absent", "all-empty"],
)
def test_no_working_hours_means_the_default_week(days: tuple[WorkingDay, ...]) -> None:
    hours = WorkingHours.of(days, LONDON)
    assert not hours.is_open(local(LONDON, 2026, 11, 23, 6, 59))
    assert hours.is_open(local(LONDON, 2026, 11, 23, 7, 0))
    assert hours.is_open(local(LONDON, 2026, 11, 27, 19, 59))  # Friday
    assert not hours.is_open(local(LONDON, 2026, 11, 27, 20, 0))
    assert not hours.is_open(local(LONDON, 2026, 11, 28, 12, 0))  # Saturday
    assert hours.next_start(local(LONDON, 2026, 11, 27, 20, 0)) == local(LONDON, 2026, 11, 30, 7, 0)


def test_a_location_is_read_with_the_zone_it_is_given() -> None:
    location = Location(id=1, organization_id=2, name="Remote", working_hours=())
    hours = WorkingHours.of_location(location, NEW_YORK)  # no zone of its own: Home Assistant's
    assert hours.is_open(local(NEW_YORK, 2026, 11, 23, 7, 0))
    assert not hours.is_open(local(LONDON, 2026, 11, 23, 7, 0))  # 02:00 in New York


def test_a_frame_crossing_midnight_runs_into_the_next_day() -> None:
    hours = WorkingHours.of((WorkingDay(FRIDAY, frames(("22:00", "06:00"))),), LONDON)
    assert hours.is_open(local(LONDON, 2026, 11, 27, 23, 0))
    assert hours.is_open(local(LONDON, 2026, 11, 28, 5, 59))  # Saturday morning, Friday's frame
    assert not hours.is_open(local(LONDON, 2026, 11, 28, 6, 0))
    assert not hours.is_open(local(LONDON, 2026, 11, 27, 5, 0))  # Thursday's night: not listed
    assert hours.next_start(local(LONDON, 2026, 11, 28, 6, 0)) == local(LONDON, 2026, 12, 4, 22, 0)


def test_24_00_closes_at_midnight() -> None:
    monday = WorkingDay.from_json(
        {"day": MONDAY, "time_frames": [{"start": "18:00", "end": "24:00"}]}
    )
    assert monday is not None
    hours = WorkingHours.of((monday,), LONDON)
    assert hours.is_open(local(LONDON, 2026, 11, 23, 23, 59, 59))
    assert not hours.is_open(local(LONDON, 2026, 11, 24, 0, 0))
    assert not hours.is_open(local(LONDON, 2026, 11, 23, 17, 59))


def test_dst_start_keeps_wall_clock_hours() -> None:
    # Sunday 29 March 2026: London moves from GMT to BST at 01:00 UTC.
    hours = WorkingHours.of(
        tuple(WorkingDay(day, frames(("08:30", "18:00"))) for day in range(7)), LONDON
    )
    # 08:30 BST is 07:30 UTC on the Sunday, 08:30 UTC the day before.
    assert hours.next_start(datetime(2026, 3, 28, 20, 0, tzinfo=UTC)) == datetime(
        2026, 3, 29, 7, 30, tzinfo=UTC
    )
    assert hours.is_open(datetime(2026, 3, 29, 7, 30, tzinfo=UTC))
    assert not hours.is_open(datetime(2026, 3, 29, 7, 29, tzinfo=UTC))
    assert not hours.is_open(datetime(2026, 3, 29, 17, 0, tzinfo=UTC))  # 18:00 BST


def test_dst_end_and_a_night_frame_across_the_change() -> None:
    # Sunday 25 October 2026: London goes back from BST to GMT at 01:00 UTC, so the night
    # frame 22:00-06:00 lasts 9 hours of real time.
    hours = WorkingHours.of((WorkingDay(SATURDAY, frames(("22:00", "06:00"))),), LONDON)
    opens = datetime(2026, 10, 24, 21, 0, tzinfo=UTC)  # 22:00 BST
    closes = datetime(2026, 10, 25, 6, 0, tzinfo=UTC)  # 06:00 GMT
    assert not hours.is_open(opens - timedelta(seconds=1))
    assert hours.is_open(opens)
    assert hours.is_open(closes - timedelta(seconds=1))
    assert not hours.is_open(closes)


def test_a_start_in_the_dst_gap_moves_forward() -> None:
    # 01:30 does not exist in London on 29 March 2026; it starts at 02:30 BST = 01:30 UTC.
    hours = WorkingHours.of((WorkingDay(SUNDAY, frames(("01:30", "05:00"))),), LONDON)
    start = hours.next_start(datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    assert start == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert hours.is_open(start)


def test_end_of_local_day() -> None:
    assert end_of_local_day(datetime(2026, 11, 23, 23, 30, tzinfo=UTC), NEW_YORK) == local(
        NEW_YORK, 2026, 11, 24, 0, 0
    )
    # The day DST ends in New York has 25 hours.
    assert end_of_local_day(local(NEW_YORK, 2026, 11, 1, 0, 30), NEW_YORK) == datetime(
        2026, 11, 2, 5, 0, tzinfo=UTC
    )
