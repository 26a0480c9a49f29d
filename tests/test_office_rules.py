"""The office's rules: no-shows, their release, the check-in window and unbooked use."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.robin.api import Event
from custom_components.robin.office_rules import (
    Booking,
    PresenceLog,
    Release,
    booking_to_check_in,
    check_in_window,
    current_booking,
    is_no_show,
    is_unbooked_use,
    next_change,
    present_for,
    release_kind,
    split_bookings,
    unbooked_since,
)

LONDON = ZoneInfo("Europe/London")
ELEVEN = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
GRACE = timedelta(minutes=10)
ROOM = 7
CALL = Booking("call", "Customer call", ELEVEN, ELEVEN + timedelta(hours=1))


def at(minutes: float) -> datetime:
    """Return the instant this many minutes after eleven."""
    return ELEVEN + timedelta(minutes=minutes)


def log(*counts: tuple[float, int]) -> PresenceLog:
    """Return the presence seen by polls at these minutes after eleven."""
    presence = PresenceLog()
    for minutes, people in counts:
        presence.observe({ROOM: people}, {ROOM: at(minutes)})
    return presence


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(9, False), (9.99, False), (10, True), (59, True), (60, False)],
    ids=["in-grace", "just-before", "grace-over", "late", "over"],
)
def test_no_show_once_the_grace_period_is_over(minutes: float, expected: bool) -> None:
    assert (
        is_no_show(CALL, at(minutes), GRACE, present_since_start=False, checked_in=False)
        is expected
    )


def test_presence_or_a_check_in_means_the_meeting_takes_place() -> None:
    assert not is_no_show(CALL, at(15), GRACE, present_since_start=True, checked_in=False)
    assert not is_no_show(CALL, at(15), GRACE, present_since_start=False, checked_in=True)


def test_people_who_left_by_the_start_do_not_count_but_later_ones_do() -> None:
    # The previous meeting's people were seen until the poll at the start: gone by then.
    previous_meeting = log((-5, 3), (0, 0))
    assert not previous_meeting.present_after(ROOM, ELEVEN)
    # Someone came at 11:02 and left before 11:04: the meeting took place.
    came_and_went = log((-1, 0), (3, 1), (4, 0))
    assert came_and_went.present_after(ROOM, ELEVEN)
    # People present since before the start and still there.
    stayed = log((-5, 2))
    assert stayed.present_after(ROOM, ELEVEN)
    assert stayed.occupied_since(ROOM) == at(-5)


def test_robins_last_presence_covers_what_the_polls_did_not_see() -> None:
    restarted = PresenceLog()  # e.g. Home Assistant restarted at 11:08
    restarted.observe({ROOM: 0}, {ROOM: at(8)})
    assert not restarted.present_after(ROOM, ELEVEN)
    assert restarted.present_after(ROOM, ELEVEN, robin_last_presence=at(3))
    assert not restarted.present_after(ROOM, ELEVEN, robin_last_presence=at(-30))


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(4, Release.CANCEL), (5, Release.CANCEL), (5 + 1 / 60, Release.END), (10, Release.END)],
    ids=["4-min", "5-min", "5-min-1-s", "10-min"],
)
def test_a_booking_five_minutes_old_or_less_is_cancelled_not_ended(
    minutes: float, expected: Release
) -> None:
    assert release_kind(CALL, at(minutes)) is expected


def test_the_check_in_window_opens_before_the_start_and_closes_with_the_grace() -> None:
    bookings = [CALL]
    assert booking_to_check_in(bookings, at(-6), GRACE) is None
    assert booking_to_check_in(bookings, at(-5), GRACE) == CALL
    assert booking_to_check_in(bookings, at(9), GRACE) == CALL
    assert booking_to_check_in(bookings, at(10), GRACE) is None


def test_people_of_a_meeting_in_progress_do_not_check_the_next_one_in() -> None:
    review = Booking("review", "Design review", at(-60), ELEVEN)
    assert booking_to_check_in([review, CALL], at(-3), GRACE) is None
    assert booking_to_check_in([review, CALL], ELEVEN, GRACE) == CALL


def test_a_short_booking_closes_its_check_in_window_at_its_end() -> None:
    short = Booking("short", "Quick sync", ELEVEN, at(6))
    assert booking_to_check_in([short], at(5), GRACE) == short
    assert booking_to_check_in([short], at(6), GRACE) is None


def test_current_booking_skips_all_day_events_and_picks_the_earliest() -> None:
    all_day = Event(
        id="day", title="Offsite", start=date(2026, 11, 23), end=date(2026, 11, 24), is_all_day=True
    )
    overlapping = Event(id="late", title="Overlap", start=at(30), end=at(90))
    call = Event(id="call", title="Customer call", start=ELEVEN, end=at(60))
    split = split_bookings([all_day, overlapping, call], LONDON)
    assert [booking.event_id for booking in split.all_day] == ["day"]
    bookings = split.timed
    assert [booking.event_id for booking in bookings] == ["late", "call"]
    current = current_booking(bookings, at(45))
    assert current is not None
    assert current.event_id == "call"
    assert current_booking(bookings, at(95)) is None


def test_unbooked_use_counts_from_the_end_of_the_last_booking() -> None:
    # Occupied since 10:30 through the 11:00-12:00 call, still there at 12:20.
    since = at(-30)
    assert unbooked_since([CALL], since, at(30)) is None  # booked use
    assert unbooked_since([CALL], since, at(80)) == at(60)
    assert not is_unbooked_use(unbooked_since([CALL], since, at(69)), at(69), GRACE)
    assert is_unbooked_use(unbooked_since([CALL], since, at(70)), at(70), GRACE)
    # Nobody there: no use at all.
    assert unbooked_since([CALL], None, at(80)) is None


def test_unbooked_use_before_a_booking_is_unbooked() -> None:
    assert unbooked_since([CALL], at(-20), at(-8)) == at(-20)
    assert is_unbooked_use(at(-20), at(-10), GRACE)
    assert not is_unbooked_use(at(-20), at(-10) - MINUTE, GRACE)


def test_next_change_is_the_next_rule_boundary() -> None:
    assert next_change([CALL], at(-30), GRACE, None, GRACE) == at(-5)  # check-in opens
    assert next_change([CALL], at(-5), GRACE, None, GRACE) == ELEVEN
    assert next_change([CALL], ELEVEN, GRACE, None, GRACE) == at(10)  # the grace ends
    assert next_change([CALL], at(10), GRACE, None, GRACE) == at(60)
    assert next_change([CALL], at(61), GRACE, at(61), GRACE) == at(71)  # unbooked use
    assert next_change([CALL], at(61), GRACE, None, GRACE) is None


def test_next_change_includes_the_start_and_end_of_all_day_bookings() -> None:
    # Unbooked use ends when an all-day booking begins, and may begin again at its end.
    day = Booking("day", "Offsite", ELEVEN + timedelta(hours=13), ELEVEN + timedelta(hours=37))
    assert next_change([], at(61), GRACE, None, GRACE, all_day=[day]) == day.start
    assert next_change([], day.start, GRACE, None, GRACE, all_day=[day]) == day.end
    assert next_change([], day.end, GRACE, None, GRACE, all_day=[day]) is None


def test_people_arriving_in_the_window_or_seen_after_the_start_are_there_for_it() -> None:
    assert present_for(CALL, GRACE, at(-4), at(-4))  # arrived a little early
    assert present_for(CALL, GRACE, at(-40), at(1))  # stayed on, seen after the start
    # Seen only before the start, since before the window: the previous meeting's people.
    assert not present_for(CALL, GRACE, at(-40), at(-1))
    assert not present_for(CALL, GRACE, None, at(1))


def test_people_there_at_the_first_read_arrived_at_an_unknown_time() -> None:
    # Home Assistant restarted at 10:56 with the previous meeting's people in the room:
    # first seen in the call's check-in window, they did not come for it.
    restarted = log((-4, 3))
    assert not restarted.arrival_known(ROOM)
    assert not present_for(CALL, GRACE, restarted.occupied_since(ROOM), at(-4), arrival_known=False)
    # Still there after the start: there for it, whenever they came.
    assert present_for(CALL, GRACE, restarted.occupied_since(ROOM), at(1), arrival_known=False)
    # Seen coming in later, between two reads: their arrival is known.
    came_later = log((-6, 0), (-4, 3))
    assert came_later.arrival_known(ROOM)


def test_a_room_not_read_again_keeps_what_its_last_read_said() -> None:
    # Outside working hours the room's location was read at 10:00; another location's
    # poll at 11:30 brings no news of it, whatever the count it still carries.
    presence = PresenceLog()
    presence.observe({ROOM: 0}, {ROOM: at(-60)})
    presence.observe({ROOM: 0}, {})
    assert presence.observed_at(ROOM) == at(-60)
    presence.observe({ROOM: 2}, {ROOM: at(-60)})  # the same read again: nothing new
    assert presence.occupied_since(ROOM) is None
    presence.observe({ROOM: 2}, {ROOM: at(30)})
    assert presence.occupied_since(ROOM) == at(30)
    assert presence.observed_at(ROOM) == at(30)


def test_people_there_at_the_first_read_are_there_since_robin_says_they_arrived() -> None:
    arrivals = {ROOM: at(-90)}.get
    restarted = PresenceLog()  # Home Assistant restarted at 11:00 with people there since 9:30
    restarted.observe({ROOM: 2}, {ROOM: at(0)}, arrivals)
    assert restarted.occupied_since(ROOM) == at(-90)
    assert not restarted.arrival_known(ROOM)  # for check-in, still unknown
    assert unbooked_since([], restarted.occupied_since(ROOM), at(0)) == at(-90)
    # A clock ahead of ours is not believed; without Robin's word the first read counts.
    ahead = PresenceLog()
    ahead.observe({ROOM: 2}, {ROOM: at(0)}, {ROOM: at(5)}.get)
    assert ahead.occupied_since(ROOM) == at(0)
    unknown = PresenceLog()
    unknown.observe({ROOM: 2}, {ROOM: at(0)}, {}.get)
    assert unknown.occupied_since(ROOM) == at(0)
    # People seen coming between two reads came at the later read, as before.
    came = PresenceLog()
    came.observe({ROOM: 0}, {ROOM: at(-1)}, arrivals)
    came.observe({ROOM: 2}, {ROOM: at(0)}, arrivals)
    assert came.occupied_since(ROOM) == at(0)


def test_the_night_the_clocks_go_back_is_timed_by_the_clock_not_the_wall() -> None:
    # London, 25 October 2026: a call at 01:55 BST (00:55 UTC); its grace ends ten minutes
    # later by the clock, at 01:05 UTC (01:05 GMT on the wall, the hour repeated).
    start_utc = datetime(2026, 10, 25, 0, 55, tzinfo=UTC)
    start, end = start_utc.astimezone(LONDON), (start_utc + 2 * GRACE).astimezone(LONDON)
    assert start.utcoffset() == timedelta(hours=1)
    night_call = Event(id="night", title="Night call", start=start, end=end)
    [booking] = split_bookings([night_call], LONDON).timed
    grace_over = datetime(2026, 10, 25, 1, 5, tzinfo=UTC)
    opens = datetime(2026, 10, 25, 0, 50, tzinfo=UTC)
    assert check_in_window(booking, GRACE) == (opens, grace_over)
    assert next_change([booking], grace_over - MINUTE, GRACE, None, GRACE) == grace_over
    assert booking.end == grace_over + GRACE
