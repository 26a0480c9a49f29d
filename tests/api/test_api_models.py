"""Parsing of Robin's documented example payloads and of the quirks seen in real responses."""

from __future__ import annotations

import dataclasses
from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from custom_components.robin.api import (
    Busy,
    Calendar,
    Confirmation,
    Event,
    FreeBusySpace,
    Invitee,
    Location,
    Organization,
    Presence,
    RobinMalformedResponseError,
    Space,
    SpaceState,
    TimeFrame,
    TokenInfo,
    User,
    WorkingDay,
)

from .conftest import load

LONDON = ZoneInfo("Europe/London")


def test_token_info() -> None:
    info = TokenInfo.from_json(load("auth")["data"])
    assert info == TokenInfo(
        id=1234567,
        name="Home Assistant",
        type="account",
        organization_id=2672,
        scopes=frozenset({"basic_read", "basic_write"}),
        expire_at=datetime(2024, 6, 17, 9, 12, 44, tzinfo=UTC),
        created_at=datetime(2024, 6, 3, 9, 12, 44, tzinfo=UTC),
        # A PHP date object.
        last_accessed_at=datetime(2024, 6, 3, 9, 12, 44, tzinfo=UTC),
    )
    assert info.can_write
    assert not info.is_expired(datetime(2024, 6, 17, 9, 12, 43, tzinfo=UTC))
    assert info.is_expired(datetime(2024, 6, 17, 9, 12, 44, tzinfo=UTC))


def test_token_info_minimal_with_php_offset_date() -> None:
    info = TokenInfo.from_json(load("auth_minimal")["data"])
    assert info.scopes == frozenset()  # `{}` for an empty list
    assert not info.can_write
    assert info.expire_at is None
    assert not info.is_expired(datetime(2100, 1, 1, tzinfo=UTC))
    assert info.last_accessed_at == datetime(2024, 6, 3, 7, 12, 44, tzinfo=UTC)
    assert info.name is None
    assert info.organization_id is None


def test_token_scopes_as_string() -> None:
    assert TokenInfo.from_json({"scopes": "basic_read,basic_write"}).can_write


def test_user() -> None:
    assert User.from_json(load("me")["data"]) == User(
        id=619521,
        name="Ada Lovelace",
        slug="ada-lovelace",
        email="ada@example.com",
        time_zone="Europe/London",
    )
    assert User.from_json({"id": 1, "name": "Bob", "email": "bob@example.com"}).email == (
        "bob@example.com"
    )


def test_organization() -> None:
    organization = Organization.from_json(load("my_organizations")["data"][0])
    assert organization == Organization(
        id=2672,
        name="Example Corp",
        slug="example-corp",
        avatar="https://static.robinpowered.com/reimagine/images/org.png",
        disabled_at=None,
    )
    disabled = Organization.from_json(
        {"id": "5", "name": "Gone", "disabled_at": "2023-01-01T00:00:00+0000"}
    )
    assert disabled.id == 5
    assert disabled.disabled_at == datetime(2023, 1, 1, tzinfo=UTC)


def test_location() -> None:
    location = Location.from_json(load("locations")["data"][0])
    assert location == Location(
        id=2117,
        organization_id=2672,
        name="London",
        description="",
        address="1 London Bridge Street, London, United Kingdom",
        time_zone="Europe/London",
        latitude=51.5051679,
        longitude=-0.0873985,
        working_hours=(
            WorkingDay(day=0, frames=()),
            WorkingDay(day=1, frames=(TimeFrame(start=time(8, 30), end=time(17, 0)),)),
        ),
    )


def test_location_quirks() -> None:
    remote, studio = (Location.from_json(raw) for raw in load("locations_quirks")["data"])
    # 0/0 is Robin's "address not resolved"; `{}` working hours is an empty list.
    assert (remote.latitude, remote.longitude, remote.working_hours) == (None, None, ())
    assert remote.time_zone is None
    assert studio.organization_id is None
    assert (studio.description, studio.address) == ("", "")
    assert studio.time_zone == "America/New_York"
    # "24:00" closes the day; unreadable frames and days are skipped.
    assert studio.working_hours == (
        WorkingDay(day=5, frames=(TimeFrame(start=time(9), end=time.max),)),
    )


def test_space() -> None:
    space = Space.from_json(load("spaces")["data"][0])
    assert space == Space(
        id=6351,
        location_id=2117,
        level_id=1000,
        name="Thames Room",
        description="Front meeting space for up to 10 people.",
        type="conference",
        capacity=10,
        behaviors=("scheduling",),
        is_disabled=False,
        is_dibsed=False,
        is_accessible=True,
        calendar=Calendar(
            remote_type="google",
            calendar_id="c_abc123@resource.calendar.google.com",
            space_resource_email="c_abc123@resource.calendar.google.com",
        ),
        last_presence_at=datetime(2024, 6, 3, 8, 55, 10, tzinfo=UTC),
    )
    assert space.is_bookable


def test_space_quirks() -> None:
    minimal, lounge, library, desks, empty_calendar = (
        Space.from_json(raw) for raw in load("spaces_quirks")["data"]
    )
    assert minimal == Space(id=7001, location_id=2117, name="Phone Booth")
    assert not minimal.is_bookable  # no calendar: on-demand only
    assert lounge.id == 7002  # a numeric string
    assert lounge.behaviors == ()  # `{}`
    assert lounge.is_dibsed
    assert (lounge.description, lounge.capacity, lounge.level_id) == (None, None, None)
    assert not lounge.is_bookable
    assert library.calendar == Calendar(
        remote_type="microsoft", space_resource_email="old-library@example.com"
    )
    assert not library.is_bookable  # disabled
    assert not desks.is_bookable  # a desk area, not a schedulable room
    assert empty_calendar.calendar is None  # PHP's `{}` for "no calendar"


def test_space_location_fallback_and_missing() -> None:
    assert Space.from_json({"id": 1, "name": "X"}, location_id=9).location_id == 9
    with pytest.raises(RobinMalformedResponseError):
        Space.from_json({"id": 1, "name": "X"})
    with pytest.raises(RobinMalformedResponseError):
        Space.from_json({"location_id": 1, "name": "X"})
    with pytest.raises(RobinMalformedResponseError):
        Space.from_json({"id": True, "location_id": 1})


def test_space_state() -> None:
    assert SpaceState.from_json(load("space_state")["data"]) == SpaceState(
        availability="in_use",
        present=3,
        next_busy_change=datetime(2024, 6, 3, 10, tzinfo=UTC),
    )
    assert SpaceState.from_json({"availability": "available", "next_busy_change": None}) == (
        SpaceState(availability="available", present=0, next_busy_change=None)
    )
    with pytest.raises(RobinMalformedResponseError):
        SpaceState.from_json({"present": 1})


def test_presence() -> None:
    person, sensor = (Presence.from_json(raw) for raw in load("space_presence")["data"])
    assert person == Presence(
        location_id=2117,
        space_id=6351,
        user_id=619521,
        device_id=None,
        arrived_at=datetime(2024, 6, 3, 9, 2, 11, tzinfo=UTC),
        last_seen_at=datetime(2024, 6, 3, 9, 14, 48, tzinfo=UTC),
        expired_at=datetime(2024, 6, 3, 9, 15, 18, tzinfo=UTC),
        session_ttl=30,
        session_active=True,
        user_name="Ada Lovelace",
    )
    assert sensor.user_id is None
    assert sensor.device_id == 9921
    assert sensor.user_name is None
    assert sensor.session_active


def test_presence_in_no_space_and_ended_presence() -> None:
    # Location-level presence has no space; an ended session may still be listed.
    person, _ = load("space_presence")["data"]
    in_no_space = Presence.from_json({**person, "space_id": None})
    assert (in_no_space.location_id, in_no_space.space_id) == (2117, None)
    assert in_no_space.session_active
    ended = Presence.from_json({**person, "session_active": False})
    assert not ended.session_active
    assert (ended.space_id, ended.user_id) == (6351, 619521)


def test_recurring_occurrence() -> None:
    event = Event.from_json(load("space_events")["data"][0])
    assert event.id == "23481829_20240603T090000Z"
    assert event.series_id == "23481829"
    assert event.recurrence_id == "20240603T090000Z"
    assert event.uid == "jsdopi342kf2309fj203@google.com"
    assert event.is_recurring
    assert event.recurrence == ("RRULE:FREQ=WEEKLY;UNTIL=20240701T090000Z",)
    # With its series' rules, but an occurrence: changing it changes only this one.
    assert not event.is_series
    series = Event.from_json({**load("space_events")["data"][0], "recurrence_id": None})
    assert series.is_series
    assert event.title == "Weekly Round-Up"
    assert event.description == "Discuss the progress made during the week."
    # `+0100` in Europe/London: 09:00 UTC, shown in the event's own zone.
    assert event.start == datetime(2024, 6, 3, 9, tzinfo=UTC)
    assert isinstance(event.start, datetime)
    assert event.start.tzinfo == LONDON
    assert event.start.hour == 10
    assert event.end == datetime(2024, 6, 3, 10, tzinfo=UTC)
    assert event.time_zone == "Europe/London"
    assert not event.is_all_day
    assert event.space_id == 6351
    assert (event.organizer_id, event.organizer_email) == (42, "brian@example.com")
    assert (event.creator_id, event.creator_email) == (42, "brian@example.com")
    assert (event.creation_type, event.visibility, event.status) == (
        "synced",
        "default",
        "confirmed",
    )
    assert event.invitees == (
        Invitee(
            id="108209227",
            email="brian@example.com",
            display_name="Brian",
            user_id=42,
            response_status="accepted",
            is_organizer=True,
            is_resource=False,
        ),
        Invitee(
            id="108209230",
            email="c_abc123@resource.calendar.google.com",
            display_name="Thames Room",
            user_id=None,
            response_status="accepted",
            is_organizer=False,
            is_resource=True,
        ),
    )


def test_created_event() -> None:
    event = Event.from_json(load("create_event_response")["data"])
    assert event.id == "35655099"
    assert event.series_id is None
    assert not event.is_recurring
    assert not event.is_series
    assert event.start == datetime(2024, 6, 3, 13, tzinfo=UTC)
    assert event.end - event.start == timedelta(minutes=30)  # type: ignore[operator]
    assert event.creation_type == "manual"
    assert [invitee.email for invitee in event.invitees] == ["ada@example.com"]


def test_event_quirks() -> None:
    all_day, legacy, occurrence = (Event.from_json(raw) for raw in load("events_quirks")["data"])

    assert all_day.id == "35655100"  # a JSON number
    assert all_day.is_all_day
    assert (all_day.start, all_day.end) == (date(2024, 6, 3), date(2024, 6, 4))
    assert type(all_day.start) is date
    assert all_day.invitees == ()  # `{}`
    assert all_day.recurrence == ()
    assert all_day.description == ""

    # Only the deprecated started_at/ended_at.
    assert legacy.start == datetime(2024, 6, 3, 15, tzinfo=UTC)
    assert legacy.end == datetime(2024, 6, 3, 15, 45, tzinfo=UTC)
    assert legacy.time_zone is None
    assert legacy.title == ""
    assert legacy.description == ("Agenda:\n1. Budget & plans\n2. Q&A\n\nJoin at meet.example.com")
    assert legacy.invitees == (
        Invitee(id="9100002", email="ada@example.com", user_id=619521, is_organizer=True),
    )

    # start/end win over started_at/ended_at; `Z` and `+00:00` both read.
    assert occurrence.series_id == "35655102"
    assert occurrence.start == datetime(2024, 6, 5, 9, tzinfo=UTC)
    assert occurrence.end == datetime(2024, 6, 5, 9, 15, tzinfo=UTC)
    assert occurrence.is_recurring


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Ends at 23:59:59 on the last day instead of midnight.
        ("2024-06-03T00:00:00+0000", "2024-06-03T23:59:59+0000", (date(2024, 6, 3), 1)),
        # Two days.
        ("2024-06-03T00:00:00+0000", "2024-06-05T00:00:00+0000", (date(2024, 6, 3), 2)),
        # Zero length still covers its day.
        ("2024-06-03", "2024-06-03", (date(2024, 6, 3), 1)),
    ],
)
def test_all_day_end_is_exclusive(start: str, end: str, expected: tuple[date, int]) -> None:
    event = Event.from_json(
        {
            "id": "1",
            "is_all_day": True,
            "start": {"date_time": start, "time_zone": "UTC"},
            "end": {"date_time": end, "time_zone": "UTC"},
        }
    )
    first, days = expected
    assert event.start == first
    assert event.end == first + timedelta(days=days)


def test_event_wall_clock_and_unknown_zone() -> None:
    event = Event.from_json(
        {
            "id": "1",
            "start": {"date_time": "2024-06-03T10:00:00", "time_zone": "Europe/London"},
            "end": {"date_time": "2024-06-03T11:00:00-0400", "time_zone": "Mars/Olympus"},
        }
    )
    assert event.start == datetime(2024, 6, 3, 9, tzinfo=UTC)
    # An unknown zone keeps the sent offset.
    assert event.end == datetime(2024, 6, 3, 11, tzinfo=timezone(timedelta(hours=-4)))


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "no id", "start": {"date_time": "2024-06-03T10:00:00Z"}, "end": "x"},
        {"id": "1", "start": {"date_time": "not a date"}, "end": {"date_time": "also not"}},
        {"id": "1", "start": None, "end": None},
        {"id": "1"},
        ["not", "an", "object"],
        None,
    ],
)
def test_unreadable_event_is_malformed(payload: object) -> None:
    with pytest.raises(RobinMalformedResponseError):
        Event.from_json(payload)


def test_confirmation() -> None:
    assert Confirmation.from_json(load("confirmation")["data"], event_id="x") == Confirmation(
        event_id="35655099",
        user_id=619521,
        device_id=None,
        confirmed_at=datetime(2024, 6, 3, 13, 58, 12, tzinfo=UTC),
    )
    # A PHP date object in the location's zone; a numeric event id.
    assert Confirmation.from_json(load("confirmation_php_date")["data"], event_id="x") == (
        Confirmation(
            event_id="35655099",
            user_id=None,
            device_id=9921,
            confirmed_at=datetime(2024, 6, 3, 12, 58, 12, tzinfo=UTC),
        )
    )
    assert Confirmation.from_json({}, event_id="77") == Confirmation(event_id="77")


def test_free_busy() -> None:
    busy_room, free_room = (FreeBusySpace.from_json(raw) for raw in load("free_busy")["data"])
    assert busy_room.has_presence
    assert busy_room.space.name == "Thames Room"
    assert busy_room.space.capacity == 10
    assert busy_room.space.calendar == Calendar(remote_type="google")
    assert busy_room.busy == (
        Busy(
            start=datetime(2024, 6, 3, 9, tzinfo=UTC),
            end=datetime(2024, 6, 3, 10, tzinfo=UTC),
            event_ids=("23481829_20240603T090000Z",),
            # The event's own times, in its zone: London's 10:00 is 09:00 UTC.
            event_times=(
                (
                    "23481829_20240603T090000Z",
                    datetime(2024, 6, 3, 9, tzinfo=UTC),
                    datetime(2024, 6, 3, 10, tzinfo=UTC),
                ),
            ),
        ),
    )
    assert free_room.space.id == 6352
    assert not free_room.has_presence
    assert free_room.busy == ()
    with pytest.raises(RobinMalformedResponseError):
        Busy.from_json({"from": "2024-06-03T09:00:00Z"})


def test_models_are_immutable_and_hashable() -> None:
    event = Event.from_json(load("space_events")["data"][0])
    space = Space.from_json(load("spaces")["data"][0])
    location = Location.from_json(load("locations")["data"][0])
    with pytest.raises(FrozenInstanceError):
        event.title = "changed"  # type: ignore[misc]
    assert len({event, event, space, location}) == 3
    assert {TokenInfo.from_json(load("auth")["data"])}


def test_an_event_read_for_a_schedule_keeps_what_it_shows_and_the_rooms_answers() -> None:
    raw = load("space_events")["data"][0]
    whole = Event.from_json(raw)
    schedule = Event.from_json(raw, schedule_only=True)
    assert whole.organizer_email
    assert len(whole.invitees) > 1
    # Of the invitees only the room, with its answer; no people, organizer or series rules.
    (thames,) = (invitee for invitee in whole.invitees if invitee.is_resource)
    assert schedule.invitees == (
        Invitee(email=thames.email, response_status=thames.response_status, is_resource=True),
    )
    assert schedule == dataclasses.replace(
        whole,
        invitees=schedule.invitees,
        uid=None,
        organizer_id=None,
        organizer_email=None,
        creator_id=None,
        creator_email=None,
        creation_type=None,
        visibility=None,
        recurrence=(),
    )
