"""Immutable models of Robin's objects, each built from Robin's JSON by ``from_json``.

Unknown fields are ignored and optional fields may be missing or null; see `parsing`.
"""

import sys
from dataclasses import dataclass

# Runtime imports so that typing.get_type_hints works on the public models.
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any, Self

from .const import BEHAVIOR_SCHEDULING, SCOPE_WRITE
from .errors import RobinMalformedResponseError
from .parsing import (
    JsonObject,
    all_day_bounds,
    amenity_names,
    as_object,
    flag,
    html_to_text,
    optional_float,
    optional_id,
    optional_int,
    optional_list,
    optional_str,
    parse_date_time_zone,
    parse_time_of_day,
    parse_timestamp,
    required_id,
    required_int,
    strings,
    text,
)


@dataclass(frozen=True, slots=True)
class Organization:
    """A Robin organization (tenant)."""

    id: int
    name: str
    slug: str | None = None
    avatar: str | None = None
    disabled_at: datetime | None = None

    @classmethod
    def from_json(cls, value: Any) -> Self:
        """Build an organization from Robin's JSON."""
        data = as_object(value, "organization")
        return cls(
            id=required_int(data, "id"),
            name=text(data, "name"),
            slug=optional_str(data, "slug"),
            avatar=optional_str(data, "avatar"),
            disabled_at=parse_timestamp(data.get("disabled_at")),
        )


@dataclass(frozen=True, slots=True)
class TimeFrame:
    """One span of working hours within a day (local time of the location)."""

    start: time
    end: time


@dataclass(frozen=True, slots=True)
class WorkingDay:
    """The working hours of one weekday; ``day`` 0 is Sunday."""

    day: int
    frames: tuple[TimeFrame, ...]

    @classmethod
    def from_json(cls, value: Any) -> Self | None:
        """Build a working day, or ``None`` if the entry is unreadable."""
        if not isinstance(value, dict) or (day := optional_int(value, "day")) is None:
            return None
        frames: list[TimeFrame] = []
        for raw in optional_list(value.get("time_frames")):
            if not isinstance(raw, dict):
                continue
            start = parse_time_of_day(raw.get("start"))
            end = parse_time_of_day(raw.get("end"))
            if start is not None and end is not None:
                frames.append(TimeFrame(start=start, end=end))
        return cls(day=day, frames=tuple(frames))


@dataclass(frozen=True, slots=True)
class Location:
    """An office (building) of an organization."""

    id: int
    organization_id: int | None
    name: str
    description: str = ""
    address: str = ""
    time_zone: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    working_hours: tuple[WorkingDay, ...] = ()

    @classmethod
    def from_json(cls, value: Any) -> Self:
        """Build a location from Robin's JSON."""
        data = as_object(value, "location")
        latitude = optional_float(data, "latitude")
        longitude = optional_float(data, "longitude")
        if not latitude and not longitude:
            # Robin reports 0/0 when it could not resolve the address.
            latitude = longitude = None
        days = (WorkingDay.from_json(raw) for raw in optional_list(data.get("working_hours")))
        return cls(
            id=required_int(data, "id"),
            organization_id=optional_int(data, "account_id"),
            name=text(data, "name"),
            description=text(data, "description"),
            address=text(data, "address"),
            time_zone=optional_str(data, "time_zone"),
            latitude=latitude,
            longitude=longitude,
            working_hours=tuple(day for day in days if day is not None),
        )


@dataclass(frozen=True, slots=True)
class Level:
    """A floor of a location; spaces name theirs by ``level_id``."""

    id: int
    name: str
    location_id: int | None = None

    @classmethod
    def from_json(cls, value: Any, *, location_id: int | None = None) -> Self:
        """Build a level; ``location_id`` fills in when Robin omits it."""
        data = as_object(value, "level")
        own_location_id = optional_int(data, "location_id")
        return cls(
            id=required_int(data, "id"),
            name=text(data, "name"),
            location_id=location_id if own_location_id is None else own_location_id,
        )


@dataclass(frozen=True, slots=True)
class Calendar:
    """The external calendar a room is bound to (it makes the room bookable ahead)."""

    remote_type: str | None = None
    calendar_id: str | None = None
    space_resource_email: str | None = None

    @classmethod
    def from_json(cls, value: Any) -> Self | None:
        """Build a calendar, or ``None`` for null and for PHP's empty ``{}``/``[]``."""
        if not isinstance(value, dict) or not value:
            return None
        return cls(
            remote_type=optional_str(value, "remote_type"),
            calendar_id=optional_str(value, "calendar_id"),
            space_resource_email=optional_str(value, "space_resource_email"),
        )


@dataclass(frozen=True, slots=True)
class Space:
    """A room or other area of a location."""

    id: int
    location_id: int
    name: str
    level_id: int | None = None
    description: str | None = None
    type: str | None = None
    capacity: int | None = None
    behaviors: tuple[str, ...] = ()
    is_disabled: bool = False
    is_dibsed: bool = False
    is_accessible: bool = False
    calendar: Calendar | None = None
    last_presence_at: datetime | None = None
    amenities: tuple[str, ...] = ()

    @property
    def is_bookable(self) -> bool:
        """Tell whether the room can be booked ahead (Robin's "scheduling" behavior)."""
        return (
            not self.is_disabled
            and self.calendar is not None
            and (not self.behaviors or BEHAVIOR_SCHEDULING in self.behaviors)
        )

    @classmethod
    def from_json(cls, value: Any, *, location_id: int | None = None) -> Self:
        """Build a space; ``location_id`` fills in for reduced payloads that omit it."""
        data = as_object(value, "space")
        own_location_id = optional_int(data, "location_id")
        if own_location_id is None:
            if location_id is None:
                msg = "Space without location_id"
                raise RobinMalformedResponseError(msg)
            own_location_id = location_id
        return cls(
            id=required_int(data, "id"),
            location_id=own_location_id,
            name=text(data, "name"),
            level_id=optional_int(data, "level_id"),
            description=optional_str(data, "description"),
            type=optional_str(data, "type"),
            capacity=optional_int(data, "capacity"),
            behaviors=strings(data.get("behaviors")),
            is_disabled=flag(data, "is_disabled"),
            is_dibsed=flag(data, "is_dibsed"),
            is_accessible=flag(data, "is_accessible"),
            calendar=Calendar.from_json(data.get("calendar")),
            last_presence_at=parse_timestamp(data.get("last_presence_at")),
            # `space_amenities` is what the client asks for; the deprecated `amenities` may
            # still come back from other payloads (it was always empty in 2026).
            amenities=amenity_names(
                data["space_amenities"] if "space_amenities" in data else data.get("amenities")
            ),
        )


@dataclass(frozen=True, slots=True)
class SpaceState:
    """A room's current availability as Robin computes it."""

    availability: str
    present: int = 0
    next_busy_change: datetime | None = None

    @classmethod
    def from_json(cls, value: Any) -> Self:
        """Build a space state from Robin's JSON."""
        data = as_object(value, "space state")
        availability = optional_str(data, "availability")
        if availability is None:
            msg = "Space state without availability"
            raise RobinMalformedResponseError(msg)
        return cls(
            availability=availability,
            present=optional_int(data, "present") or 0,
            next_busy_change=parse_timestamp(data.get("next_busy_change")),
        )


@dataclass(frozen=True, slots=True)
class Presence:
    """A presence session: a person or a sensor detected in a space or location."""

    location_id: int | None
    space_id: int | None = None
    user_id: int | None = None
    device_id: int | None = None
    arrived_at: datetime | None = None
    last_seen_at: datetime | None = None
    expired_at: datetime | None = None
    session_ttl: int | None = None
    session_active: bool = False
    user_name: str | None = None

    @classmethod
    def from_json(cls, value: Any) -> Self:
        """Build a presence session from Robin's JSON."""
        data = as_object(value, "presence")
        user = data.get("user")
        return cls(
            location_id=optional_int(data, "location_id"),
            space_id=optional_int(data, "space_id"),
            user_id=optional_int(data, "user_id"),
            device_id=optional_int(data, "device_id"),
            arrived_at=parse_timestamp(data.get("arrived_at")),
            last_seen_at=parse_timestamp(data.get("last_seen_at")),
            expired_at=parse_timestamp(data.get("expired_at")),
            session_ttl=optional_int(data, "session_ttl"),
            session_active=flag(data, "session_active"),
            user_name=optional_str(user, "name") if isinstance(user, dict) else None,
        )


@dataclass(frozen=True, slots=True)
class Invitee:
    """A person or room resource invited to an event."""

    email: str | None
    display_name: str | None = None
    user_id: int | None = None
    response_status: str | None = None
    is_organizer: bool = False
    is_resource: bool = False
    id: str | None = None

    @classmethod
    def from_json(cls, value: Any) -> Self:
        """Build an invitee from Robin's JSON."""
        data = as_object(value, "invitee")
        return cls(
            email=optional_str(data, "email"),
            display_name=optional_str(data, "display_name"),
            user_id=optional_int(data, "user_id"),
            response_status=optional_str(data, "response_status"),
            is_organizer=flag(data, "is_organizer"),
            is_resource=flag(data, "is_resource"),
            id=optional_id(data, "id"),
        )


def _event_bound(data: JsonObject, key: str, legacy_key: str) -> tuple[datetime, str | None]:
    # started_at/ended_at are deprecated; read them only when the DateTimeZone is missing.
    moment, time_zone = parse_date_time_zone(data.get(key))
    if moment is None:
        moment = parse_timestamp(data.get(legacy_key))
    if moment is None:
        msg = f"Event without a readable {key!r}"
        raise RobinMalformedResponseError(msg)
    return moment, time_zone


@dataclass(frozen=True, slots=True)
class Event:
    """A meeting booked in a room; one recurring occurrence is one event."""

    id: str
    title: str
    start: datetime | date
    end: datetime | date
    uid: str | None = None
    series_id: str | None = None
    recurrence_id: str | None = None
    space_id: int | None = None
    description: str = ""
    is_all_day: bool = False
    time_zone: str | None = None
    organizer_id: int | None = None
    organizer_email: str | None = None
    creator_id: int | None = None
    creator_email: str | None = None
    creation_type: str | None = None
    visibility: str | None = None
    status: str | None = None
    recurrence: tuple[str, ...] = ()
    invitees: tuple[Invitee, ...] = ()

    @property
    def is_recurring(self) -> bool:
        """Tell whether the event is an occurrence of (or the master of) a series."""
        return bool(self.series_id or self.recurrence_id or self.recurrence)

    @property
    def is_series(self) -> bool:
        """Tell whether the event is a series' master: a change to it changes every occurrence.

        An occurrence may carry its series' rules too, but also its recurrence id.
        """
        return bool(self.recurrence) and self.recurrence_id is None

    @classmethod
    def from_json(cls, value: Any, *, schedule_only: bool = False) -> Self:
        """Build an event from Robin's JSON.

        `schedule_only`: keep what a room's schedule shows and acts on (times, title,
        description, series, status, time zone) and of the invitees only the rooms, with
        their answers; people, organizer, creator and the series' rules are left out. For
        readers that keep thousands of events: much less to build and to hold, and the
        strings every event repeats (zone, status, room, answer) are shared.
        """
        data = as_object(value, "event")
        start_at, start_zone = _event_bound(data, "start", "started_at")
        end_at, end_zone = _event_bound(data, "end", "ended_at")
        is_all_day = flag(data, "is_all_day")
        start: datetime | date = start_at
        end: datetime | date = end_at
        if is_all_day:
            start, end = all_day_bounds(start_at, end_at)
        invitees = (raw for raw in optional_list(data.get("invitees")) if isinstance(raw, dict))
        time_zone = start_zone or end_zone or optional_str(data, "time_zone")
        status = optional_str(data, "status")
        schedule: dict[str, Any] = {
            "id": required_id(data, "id"),
            "title": text(data, "title"),
            "start": start,
            "end": end,
            "series_id": optional_id(data, "series_id"),
            "recurrence_id": optional_id(data, "recurrence_id"),
            "space_id": optional_int(data, "space_id"),
            "description": html_to_text(data.get("description")),
            "is_all_day": is_all_day,
        }
        if schedule_only:
            rooms = (raw for raw in invitees if flag(raw, "is_resource"))
            return cls(
                **schedule,
                time_zone=_shared(time_zone),
                status=_shared(status),
                invitees=_room_invitations(
                    tuple(
                        (optional_str(room, "email"), optional_str(room, "response_status"))
                        for room in rooms
                    )
                ),
            )
        return cls(
            **schedule,
            time_zone=time_zone,
            status=status,
            uid=optional_str(data, "uid"),
            organizer_id=optional_int(data, "organizer_id"),
            organizer_email=optional_str(data, "organizer_email"),
            creator_id=optional_int(data, "creator_id"),
            creator_email=optional_str(data, "creator_email"),
            creation_type=optional_str(data, "creation_type"),
            visibility=optional_str(data, "visibility"),
            recurrence=strings(data.get("recurrence")),
            invitees=tuple(Invitee.from_json(raw) for raw in invitees),
        )


@lru_cache(maxsize=4096)
def _room_invitations(answers: tuple[tuple[str | None, str | None], ...]) -> tuple[Invitee, ...]:
    """Return the rooms invited, with their answers: one shared tuple per distinct answer.

    An organization's events repeat a few (room, answer) pairs thousands of times.
    """
    return tuple(
        Invitee(email=email, response_status=answer, is_resource=True) for email, answer in answers
    )


def _shared(value: str | None) -> str | None:
    """Return one shared copy of a string that thousands of events repeat."""
    return None if value is None else sys.intern(value)


@dataclass(frozen=True, slots=True)
class Confirmation:
    """A check-in that confirms an event is really taking place."""

    event_id: str
    user_id: int | None = None
    device_id: int | None = None
    confirmed_at: datetime | None = None

    @classmethod
    def from_json(cls, value: Any, *, event_id: str) -> Self:
        """Build a confirmation; ``event_id`` fills in when Robin omits it."""
        data = as_object(value, "confirmation")
        return cls(
            event_id=optional_id(data, "event_id") or event_id,
            user_id=optional_int(data, "user_id"),
            device_id=optional_int(data, "device_id"),
            confirmed_at=parse_timestamp(data.get("confirmed_at")),
        )


@dataclass(frozen=True, slots=True)
class Busy:
    """A busy block of a room; events may be reduced to their ids."""

    start: datetime
    end: datetime
    event_ids: tuple[str, ...] = ()
    # Each event's id with the start and end Robin lists it with (None where it gives none):
    # when they change, the event was moved or resized.
    event_times: tuple[tuple[str, datetime | None, datetime | None], ...] = ()

    @classmethod
    def from_json(cls, value: Any) -> Self:
        """Build a busy block from Robin's JSON."""
        data = as_object(value, "busy block")
        start = parse_timestamp(data.get("from"))
        end = parse_timestamp(data.get("to"))
        if start is None or end is None:
            msg = "Busy block without readable from/to"
            raise RobinMalformedResponseError(msg)
        times = tuple(
            (
                event_id,
                parse_date_time_zone(event.get("start"))[0],
                parse_date_time_zone(event.get("end"))[0],
            )
            for event in optional_list(data.get("events"))
            if isinstance(event, dict) and (event_id := optional_id(event, "id"))
        )
        return cls(
            start=start,
            end=end,
            event_ids=tuple(event_id for event_id, _, _ in times),
            event_times=times,
        )


@dataclass(frozen=True, slots=True)
class FreeBusySpace:
    """The busy blocks of one room within the requested window."""

    space: Space
    has_presence: bool = False
    busy: tuple[Busy, ...] = ()

    @classmethod
    def from_json(cls, value: Any, *, location_id: int | None = None) -> Self:
        """Build a room's free/busy entry from Robin's JSON."""
        data = as_object(value, "free/busy entry")
        return cls(
            space=Space.from_json(data.get("space"), location_id=location_id),
            has_presence=flag(data, "has_presence"),
            busy=tuple(Busy.from_json(raw) for raw in optional_list(data.get("busy"))),
        )


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What Robin knows about the access token in use."""

    id: int | None = None
    name: str | None = None
    type: str | None = None
    organization_id: int | None = None
    scopes: frozenset[str] = frozenset()
    expire_at: datetime | None = None
    created_at: datetime | None = None
    last_accessed_at: datetime | None = None

    @property
    def can_write(self) -> bool:
        """Tell whether the token may book, change and cancel events."""
        return SCOPE_WRITE in self.scopes

    def is_expired(self, now: datetime) -> bool:
        """Tell whether the token has expired at ``now`` (an aware datetime)."""
        return self.expire_at is not None and self.expire_at <= now

    @classmethod
    def from_json(cls, value: Any) -> Self:
        """Build token information from Robin's JSON."""
        data = as_object(value, "token")
        raw_scopes = data.get("scopes")
        if isinstance(raw_scopes, str):
            # A space- or comma-separated scope string, as OAuth servers often send.
            raw_scopes = raw_scopes.replace(",", " ").split()
        return cls(
            id=optional_int(data, "id"),
            name=optional_str(data, "name"),
            type=optional_str(data, "type"),
            organization_id=optional_int(data, "type_id"),
            scopes=frozenset(strings(raw_scopes)),
            expire_at=parse_timestamp(data.get("expire_at")),
            created_at=parse_timestamp(data.get("created_at")),
            last_accessed_at=parse_timestamp(data.get("last_accessed_at")),
        )


@dataclass(frozen=True, slots=True)
class User:
    """The person behind the access token."""

    id: int
    name: str
    slug: str | None = None
    email: str | None = None
    time_zone: str | None = None

    @classmethod
    def from_json(cls, value: Any) -> Self:
        """Build a user from Robin's JSON."""
        data = as_object(value, "user")
        primary_email = data.get("primary_email")
        email = optional_str(primary_email, "email") if isinstance(primary_email, dict) else None
        return cls(
            id=required_int(data, "id"),
            name=text(data, "name"),
            slug=optional_str(data, "slug"),
            email=email or optional_str(data, "email"),
            time_zone=optional_str(data, "time_zone"),
        )


@dataclass(frozen=True, slots=True)
class Amenity:
    """An entry of the organization's amenity catalogue (a display, video conferencing)."""

    id: int
    name: str

    @classmethod
    def from_json(cls, value: Any) -> Self:
        """Build an amenity from Robin's JSON."""
        data = as_object(value, "amenity")
        return cls(id=required_int(data, "id"), name=text(data, "name"))


@dataclass(frozen=True, slots=True)
class Device:
    """A device registered with Robin (a sensor, or something that reports presence)."""

    id: int
    name: str
    space_id: int | None = None
    manifest_name: str | None = None

    @classmethod
    def from_json(cls, value: Any) -> Self:
        """Build a device from Robin's JSON."""
        data = as_object(value, "device")
        manifest = data.get("device_manifest")
        space = data.get("space")
        space_id = optional_int(data, "space_id")
        if space_id is None and isinstance(space, dict):
            space_id = optional_int(space, "id")
        return cls(
            id=required_int(data, "id"),
            name=text(data, "name"),
            space_id=space_id,
            manifest_name=optional_str(manifest, "name") if isinstance(manifest, dict) else None,
        )
