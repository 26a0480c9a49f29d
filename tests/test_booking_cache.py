"""The booking cache: what a room's entities show follows from a few events, found by index."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from custom_components.robin.api import Event, Space
from custom_components.robin.booking_cache import BookingCache
from custom_components.robin.data import room_status

LONDON = ZoneInfo("Europe/London")
NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
LOCATION = 10
ROOM = Space(id=1, location_id=LOCATION, name="Thames Room")
FIXTURES = Path(__file__).parent / "fixtures" / "robin_api"


def meeting(
    start: datetime, minutes: int, event_id: str, space_id: int = 1, title: str = "Meeting"
) -> Event:
    return Event(
        id=event_id,
        title=title,
        start=start,
        end=start + timedelta(minutes=minutes),
        space_id=space_id,
    )


def filled(*events: Event, start: datetime = NOON - timedelta(days=1)) -> BookingCache:
    cache = BookingCache()
    cache.replace(LOCATION, start, NOON + timedelta(days=14), events, LONDON)
    return cache


def test_events_of_a_room_are_sorted_by_start() -> None:
    later = meeting(NOON + timedelta(hours=2), 30, "b")
    sooner = meeting(NOON + timedelta(hours=1), 30, "a")
    other_room = meeting(NOON, 30, "c", space_id=2)
    cache = filled(later, sooner, other_room)
    assert cache.events(1) == (sooner, later)
    assert cache.events(2) == (other_room,)
    assert cache.events(3) == ()
    assert dict(cache.by_room) == {1: (sooner, later), 2: (other_room,)}


def test_a_read_replaces_only_its_time_range_and_tells_which_rooms_changed() -> None:
    morning = meeting(NOON - timedelta(hours=3), 60, "morning")
    lunch = meeting(NOON, 60, "lunch")
    tomorrow = meeting(NOON + timedelta(days=1), 60, "tomorrow")
    neighbour = meeting(NOON, 60, "neighbour", space_id=2)
    cache = filled(morning, lunch, tomorrow, neighbour)

    # Robin now lists, for the next hour, the lunch under another title and nothing else:
    # the neighbour's meeting was cancelled.
    renamed = meeting(NOON, 60, "lunch", title="Team lunch")
    changed = cache.replace(LOCATION, NOON, NOON + timedelta(hours=1), [renamed], LONDON)

    assert changed == {1, 2}
    assert cache.events(1) == (morning, renamed, tomorrow)  # outside the range: kept
    assert cache.events(2) == ()


def test_reading_the_same_again_changes_nothing() -> None:
    lunch = meeting(NOON, 60, "lunch")
    cache = filled(lunch)
    assert cache.replace(LOCATION, NOON, NOON + timedelta(hours=1), [lunch], LONDON) == set()


def test_an_event_overlapping_the_start_of_a_range_is_replaced_too() -> None:
    long_meeting = meeting(NOON - timedelta(hours=3), 4 * 60, "long")
    cache = filled(long_meeting)
    changed = cache.replace(LOCATION, NOON, NOON + timedelta(hours=1), [], LONDON)
    assert changed == {1}
    assert cache.events(1) == ()


def test_past_events_are_evicted() -> None:
    yesterday = meeting(NOON - timedelta(days=1), 60, "yesterday")
    ongoing = meeting(NOON - timedelta(minutes=30), 60, "ongoing")
    cache = filled(yesterday, ongoing)
    cache.evict(NOON)
    assert cache.events(1) == (ongoing,)
    assert len(cache) == 1


def test_between_returns_the_events_overlapping_a_range() -> None:
    events = [meeting(NOON + timedelta(hours=hour), 30, str(hour)) for hour in range(-2, 5)]
    cache = filled(*events)
    found = cache.between(1, NOON - timedelta(minutes=45), NOON + timedelta(minutes=61))
    assert [event.id for event in found] == ["-1", "0", "1"]
    found = cache.between(1, NOON - timedelta(minutes=15), NOON + timedelta(hours=1))
    assert [event.id for event in found] == ["0"]


def test_current_and_next_booking() -> None:
    earlier = meeting(NOON - timedelta(hours=2), 30, "earlier")
    current = meeting(NOON - timedelta(minutes=10), 30, "current")
    upcoming = meeting(NOON + timedelta(hours=1), 30, "upcoming")
    last = meeting(NOON + timedelta(hours=3), 30, "last")
    cache = filled(earlier, current, upcoming, last)
    assert cache.current_and_next(1, NOON) == (current, upcoming)
    assert cache.current_and_next(1, NOON + timedelta(hours=2)) == (last,)
    assert cache.current_and_next(1, NOON + timedelta(hours=4)) == ()


def test_all_day_events_start_at_the_locations_midnight() -> None:
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    all_day = Event(
        id="offsite",
        title="Offsite",
        start=date(2026, 7, 1),
        end=date(2026, 7, 2),
        space_id=1,
        is_all_day=True,
    )
    cache = BookingCache()
    cache.replace(
        LOCATION, summer - timedelta(days=1), summer + timedelta(days=2), [all_day], LONDON
    )
    # Midnight in London is 23:00 UTC the day before, in summer.
    assert cache.current_and_next(1, datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == (all_day,)
    assert cache.current_and_next(1, datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == ()


def test_bookings_in_the_hour_the_clocks_repeat_keep_their_own_instants() -> None:
    """On 25 October 2026 London reads 01:00-02:00 twice; each reading is another booking."""

    def booked(event_id: str, start_utc: str, end_utc: str) -> Event:
        raw = {
            "id": event_id,
            "title": event_id,
            "space_id": 1,
            "start": {"date_time": start_utc, "time_zone": "Europe/London"},
            "end": {"date_time": end_utc, "time_zone": "Europe/London"},
        }
        return Event.from_json(raw, schedule_only=True)

    summer_time = booked("01:30 BST", "2026-10-25T00:30:00+0000", "2026-10-25T00:50:00+0000")
    winter_time = booked("01:30 GMT", "2026-10-25T01:30:00+0000", "2026-10-25T01:50:00+0000")
    # Shown in London time, both start at 01:30: only `fold` tells them apart.
    assert summer_time.start == winter_time.start
    cache = BookingCache()
    cache.replace(
        LOCATION,
        NOON.replace(month=10, day=24),
        NOON.replace(month=10, day=26),
        [summer_time, winter_time],
        LONDON,
    )
    at = datetime(2026, 10, 25, 0, 40, tzinfo=UTC)
    assert cache.current_and_next(1, at) == (summer_time, winter_time)
    assert cache.current_and_next(1, at + timedelta(hours=1)) == (winter_time,)
    assert cache.between(1, at + timedelta(minutes=20), at + timedelta(minutes=40)) == ()


def test_robins_documented_event_listing_is_cached_as_the_rooms_schedule() -> None:
    payload = json.loads((FIXTURES / "space_events.json").read_text())
    events = [Event.from_json(raw, schedule_only=True) for raw in payload["data"]]
    start = datetime(2024, 6, 3, tzinfo=UTC)
    cache = BookingCache()
    changed = cache.replace(2117, start, start + timedelta(days=1), events, LONDON)
    assert changed == {6351}
    (cached,) = cache.events(6351)
    assert cached.id == "23481829_20240603T090000Z"
    assert cached.title == "Weekly Round-Up"
    status = room_status(
        Space(id=6351, location_id=2117, name="Thames Room"),
        cache.current_and_next(6351, datetime(2024, 6, 3, 9, 30, tzinfo=UTC)),
        0,
        datetime(2024, 6, 3, 9, 30, tzinfo=UTC),
        LONDON,
    )
    assert status.current == cached
    # Reading the same listing again is no change, even read whole, with everyone invited.
    assert cache.replace(2117, start, start + timedelta(days=1), events, LONDON) == set()
    everyone = [Event.from_json(raw) for raw in payload["data"]]
    assert cache.replace(2117, start, start + timedelta(days=1), everyone, LONDON) == set()


def test_an_all_day_booking_over_a_clock_change_lasts_to_its_last_midnight() -> None:
    new_york = ZoneInfo("America/New_York")
    # 31 October to 2 November 2026: New York leaves summer time on the 1st (49 hours).
    hackathon = Event(
        id="hackathon",
        title="Weekend hackathon",
        start=date(2026, 10, 31),
        end=date(2026, 11, 2),
        space_id=1,
        is_all_day=True,
    )
    cache = BookingCache()
    start = datetime(2026, 10, 30, tzinfo=UTC)
    cache.replace(LOCATION, start, start + timedelta(days=5), [hackathon], new_york)
    sunday_night = datetime(2026, 11, 2, 4, 30, tzinfo=UTC)  # 23:30 in New York
    assert cache.current_and_next(1, sunday_night) == (hackathon,)


_meetings = st.lists(
    st.tuples(
        st.integers(min_value=-24 * 4, max_value=24 * 4),  # start, in quarter hours from noon
        st.sampled_from((15, 30, 45, 60, 120, 24 * 60)),  # length in minutes
    ),
    max_size=25,
)


@given(meetings=_meetings, at=st.integers(min_value=-24 * 4, max_value=24 * 4))
def test_indexed_status_matches_the_status_over_all_bookings(
    meetings: list[tuple[int, int]], at: int
) -> None:
    events = [
        meeting(NOON + timedelta(minutes=15 * quarter), minutes, f"e{index}")
        for index, (quarter, minutes) in enumerate(meetings)
    ]
    now = NOON + timedelta(minutes=15 * at + 7)
    cache = filled(*events, start=NOON - timedelta(days=3))
    everything = cache.events(1)
    for people in (0, 2):
        assert room_status(ROOM, cache.current_and_next(1, now), people, now, LONDON) == (
            room_status(ROOM, everything, people, now, LONDON)
        )


def test_a_booking_moved_in_from_another_day_is_cached_once() -> None:
    thursday = meeting(NOON + timedelta(days=3), 60, "moved")
    friday = meeting(NOON + timedelta(days=4), 60, "stays")
    cache = filled(thursday, friday)
    # Its organiser moves it to this noon; the next read covers the next hour only.
    today = meeting(NOON, 30, "moved")
    changed = cache.replace(LOCATION, NOON, NOON + timedelta(hours=1), [today], LONDON)
    assert changed == {1}
    assert cache.events(1) == (today, friday)
    # Read again unchanged: nothing changes.
    assert cache.replace(LOCATION, NOON, NOON + timedelta(hours=1), [today], LONDON) == set()


def test_a_room_robin_moved_to_another_location_is_not_cleared_by_the_old_one() -> None:
    cache = filled(meeting(NOON, 60, "talk"))
    moved_to = LOCATION + 1
    cache.replace(moved_to, NOON, NOON + timedelta(hours=1), [meeting(NOON, 60, "talk")], LONDON)
    # The old location's read no longer lists the room: it is not its room any more.
    assert cache.replace(LOCATION, NOON, NOON + timedelta(hours=1), [], LONDON) == set()
    assert [event.id for event in cache.events(1)] == ["talk"]


def test_bookings_a_read_stops_listing_are_told_once_unless_a_read_puts_them_back() -> None:
    lunch = meeting(NOON, 60, "lunch")
    call = meeting(NOON + timedelta(minutes=30), 15, "call", space_id=2)
    cache = filled(lunch, call)
    assert cache.take_vanished() == []  # the first read dropped nothing

    # The next hour lists neither; then the day's read lists the call later on.
    cache.replace(LOCATION, NOON, NOON + timedelta(hours=1), [], LONDON)
    later_call = meeting(NOON + timedelta(hours=5), 15, "call", space_id=2)
    cache.replace(LOCATION, NOON, NOON + timedelta(days=1), [later_call], LONDON)

    assert cache.take_vanished() == [(1, lunch)]
    assert cache.take_vanished() == []


def test_a_booking_put_on_its_own_replaces_its_copy_in_the_room() -> None:
    lunch = meeting(NOON, 60, "lunch")
    cache = filled(lunch, meeting(NOON + timedelta(hours=3), 30, "review"))
    moved = meeting(NOON + timedelta(hours=4), 120, "lunch")

    assert cache.put(LOCATION, moved, LONDON)
    assert [event.id for event in cache.events(1)] == ["review", "lunch"]
    assert not cache.put(LOCATION, moved, LONDON)  # the same again: nothing changed
    # Its length counts for what overlaps a time: a two-hour booking started an hour ago.
    assert cache.between(1, NOON + timedelta(hours=5), NOON + timedelta(hours=6)) == (moved,)

    # A room no read has listed yet belongs to the location from then on: the next read
    # that does not list the booking takes it away.
    elsewhere = meeting(NOON, 30, "elsewhere", space_id=3)
    assert cache.put(LOCATION, elsewhere, LONDON)
    cache.replace(LOCATION, NOON, NOON + timedelta(hours=1), [], LONDON)
    assert cache.events(3) == ()


def test_a_booking_the_room_declined_is_no_booking_of_it() -> None:
    turned_down = meeting(NOON, 60, "turned down")
    later = meeting(NOON + timedelta(hours=2), 30, "later")
    cache = BookingCache()
    changed = cache.replace(
        LOCATION, NOON, NOON + timedelta(days=1), [later], LONDON, declined=[turned_down]
    )
    assert changed == {1}
    assert cache.events(1) == (later,)
    # Not the booking under way at noon: the next one is.
    assert cache.current_and_next(1, NOON + timedelta(minutes=10)) == (later,)
    assert cache.between(1, NOON, NOON + timedelta(hours=1)) == ()
    # Only its times are kept, for free/busy, which lists it without the room's answer.
    assert cache.declined_by_room(1) == {"turned down": (NOON, NOON + timedelta(hours=1))}
    assert cache.declined_by_room(2) == {}
    # Read again the same: nothing changed.
    again = cache.replace(
        LOCATION, NOON, NOON + timedelta(days=1), [later], LONDON, declined=[turned_down]
    )
    assert again == set()


def test_a_booking_the_room_declines_later_leaves_it_wherever_it_was_cached() -> None:
    lunch = meeting(NOON, 60, "lunch")
    thursday = meeting(NOON + timedelta(days=3), 60, "moved")
    cache = filled(lunch, thursday)
    # The room declines the lunch; the Thursday meeting is moved to this afternoon, where
    # the room declines it too. The read covers this afternoon only.
    moved = meeting(NOON + timedelta(hours=2), 60, "moved")
    changed = cache.replace(
        LOCATION, NOON, NOON + timedelta(hours=4), [], LONDON, declined=[lunch, moved]
    )
    assert changed == {1}
    assert cache.events(1) == ()
    assert set(cache.declined_by_room(1)) == {"lunch", "moved"}
    # Still listed by Robin: not gone, so nothing to look up.
    assert cache.take_vanished() == []

    # The room accepts the lunch after all: a booking again, no longer declined.
    changed = cache.replace(
        LOCATION, NOON, NOON + timedelta(hours=4), [lunch], LONDON, declined=[moved]
    )
    assert changed == {1}
    assert cache.events(1) == (lunch,)
    assert set(cache.declined_by_room(1)) == {"moved"}


def test_bookings_the_room_declined_go_when_deleted_put_back_or_over() -> None:
    lunch = meeting(NOON, 60, "lunch")
    review = meeting(NOON + timedelta(hours=3), 60, "review")
    cache = BookingCache()
    cache.replace(LOCATION, NOON, NOON + timedelta(days=1), [], LONDON, declined=[lunch, review])
    # A read that no longer lists the lunch: deleted.
    cache.replace(LOCATION, NOON, NOON + timedelta(hours=1), [], LONDON)
    assert set(cache.declined_by_room(1)) == {"review"}
    # Our own change shows it held again (as a look-up would find it).
    assert cache.put(LOCATION, review, LONDON)
    assert cache.declined_by_room(1) == {}
    cache.replace(LOCATION, NOON, NOON + timedelta(days=1), [], LONDON, declined=[lunch, review])
    assert cache.drop(1, "lunch") is False  # no booking of the room changed
    assert set(cache.declined_by_room(1)) == {"review"}
    cache.evict(NOON + timedelta(hours=4))
    assert cache.declined_by_room(1) == {}


# What happens to each booking between two reads: kept, moved (to a quarter hour), deleted.
_fates = st.one_of(
    st.just("kept"), st.just("deleted"), st.integers(min_value=-24 * 4, max_value=24 * 4)
)


@given(
    before=_meetings,
    fates=st.lists(_fates, min_size=25, max_size=25),
    added=_meetings,
    read=st.tuples(
        st.integers(min_value=-24 * 4, max_value=24 * 4),  # the read's start, in quarters
        st.integers(min_value=1, max_value=24 * 4),  # its length, in quarters
    ),
)
def test_a_read_and_its_look_ups_leave_each_booking_it_touched_as_robin_has_it(
    before: list[tuple[int, int]],
    fates: list[int | str],
    added: list[tuple[int, int]],
    read: tuple[int, int],
) -> None:
    """Whatever moved, went or came: what the read range covered, before or now, is right.

    The cache holds a room's bookings; Robin's change some of them; one range is read and
    the bookings it no longer lists are looked up (as the coordinator does).
    """

    def at(quarter: int) -> datetime:
        return NOON + timedelta(minutes=15 * quarter)

    old = {
        f"b{index}": meeting(at(quarter), minutes, f"b{index}")
        for index, (quarter, minutes) in enumerate(before)
    }
    cache = filled(*old.values(), start=at(-24 * 4 - 100))
    robin: dict[str, Event] = {}
    for (event_id, event), fate in zip(old.items(), fates, strict=False):
        if fate == "kept":
            robin[event_id] = event
        elif fate != "deleted":
            moved_to = at(int(fate))
            robin[event_id] = dataclasses.replace(
                event, start=moved_to, end=moved_to + (event.end - event.start)
            )
    robin |= {
        f"n{index}": meeting(at(quarter), minutes, f"n{index}")
        for index, (quarter, minutes) in enumerate(added)
    }
    start, end = at(read[0]), at(read[0] + read[1])

    def overlaps(event: Event) -> bool:
        return event.end > start and event.start < end

    cache.replace(LOCATION, start, end, [e for e in robin.values() if overlaps(e)], LONDON)
    for _space_id, vanished in cache.take_vanished():
        if (now_held := robin.get(vanished.id)) is not None:  # else Robin answers 404
            cache.put(LOCATION, now_held, LONDON)

    cached = {event.id: event for event in cache.events(1)}
    assert len(cached) == len(cache.events(1))  # no booking twice
    touched = {i for i, e in old.items() if overlaps(e)} | {
        i for i, e in robin.items() if overlaps(e)
    }
    for event_id in touched:
        assert cached.get(event_id) == robin.get(event_id), event_id
