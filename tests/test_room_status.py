"""Robin's availability rules, applied to cached bookings at a given instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.robin.api import Event, Location, Space
from custom_components.robin.data import Availability, location_time_zone, room_status
from custom_components.robin.discovery import room_model

LONDON = ZoneInfo("Europe/London")
NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ROOM = Space(id=1, location_id=10, name="Thames Room", type="study_room")


def meeting(start: datetime, minutes: int, event_id: str = "1") -> Event:
    return Event(id=event_id, title="Meeting", start=start, end=start + timedelta(minutes=minutes))


@pytest.mark.parametrize(
    ("events", "people", "expected"),
    [
        ((), 0, Availability.AVAILABLE),
        ((), 2, Availability.AVAILABLE),  # people without a meeting: occupancy, not a booking
        ((meeting(NOON - timedelta(minutes=10), 30),), 0, Availability.BOOKED),
        ((meeting(NOON - timedelta(minutes=10), 30),), 1, Availability.IN_USE),
        ((meeting(NOON + timedelta(minutes=15), 30),), 0, Availability.BOOKED),  # about to start
        ((meeting(NOON + timedelta(minutes=16), 30),), 0, Availability.AVAILABLE),
        ((meeting(NOON - timedelta(minutes=30), 30),), 0, Availability.AVAILABLE),  # just ended
    ],
    ids=["free", "drop-in", "no-show", "in-use", "starts-in-15", "starts-in-16", "ended"],
)
def test_availability(events: tuple[Event, ...], people: int, expected: Availability) -> None:
    assert room_status(ROOM, events, people, NOON, LONDON).availability is expected


def test_disabled_room_is_disabled_whatever_its_bookings() -> None:
    disabled = Space(id=2, location_id=10, name="Old Library", is_disabled=True)
    status = room_status(disabled, (meeting(NOON, 30),), 3, NOON, LONDON)
    assert status.availability is Availability.DISABLED
    assert status.free_until is None


def test_free_until_and_next_change_follow_the_next_meeting() -> None:
    later = meeting(NOON + timedelta(hours=2), 60)
    status = room_status(ROOM, (later,), 0, NOON, LONDON)
    assert status.current is None
    assert status.upcoming == later
    assert status.free_until == NOON + timedelta(hours=2)
    # The next change by the clock alone: when the room turns "booked", 15 min before.
    assert status.next_change == NOON + timedelta(hours=1, minutes=45)


def test_back_to_back_meetings_hand_over_without_a_gap() -> None:
    first = meeting(NOON - timedelta(minutes=30), 30 + 15, "a")
    second = meeting(NOON + timedelta(minutes=15), 30, "b")
    status = room_status(ROOM, (first, second), 1, NOON, LONDON)
    assert status.current == first
    assert status.free_until is None
    assert status.next_change == NOON + timedelta(minutes=15)


def test_all_day_booking_covers_the_local_day() -> None:
    offsite = Event(
        id="9", title="Offsite", start=date(2026, 11, 23), end=date(2026, 11, 24), is_all_day=True
    )
    status = room_status(ROOM, (offsite,), 0, NOON, LONDON)
    assert status.current == offsite
    assert status.next_change == datetime(2026, 11, 24, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Europe/London", LONDON), (None, None), ("", None), ("Mars/Olympus_Mons", None)],
)
def test_location_time_zone(zone: str | None, expected: ZoneInfo | None) -> None:
    location = Location(id=10, organization_id=1, name="HQ", time_zone=zone)
    assert location_time_zone(location) == expected


@pytest.mark.parametrize(
    ("space_type", "model"),
    [("study_room", "Study room"), ("conference", "Conference"), (None, "Space")],
)
def test_room_model_is_readable(space_type: str | None, model: str) -> None:
    assert room_model(space_type) == model
