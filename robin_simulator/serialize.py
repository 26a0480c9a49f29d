"""Model -> Robin JSON, quirks included.

Robin's quirks reproduced on purpose so clients learn to cope: empty lists sometimes come back
as `{}` (PHP encoding an empty array as an object), timestamps use `+0000`-style offsets,
event times carry the location's own offset, event ids are strings, PHP DateTime objects leak
into a few fields, deprecated fields linger, and unknown extra fields appear here and there.
"""

from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

from .availability import SpaceState
from .model import (
    Amenity,
    Calendar,
    Confirmation,
    Device,
    Event,
    Invitee,
    Level,
    Location,
    Organization,
    PresenceSession,
    Space,
    TokenGrant,
    User,
)

IMAGE_HOST = "https://static.robinpowered.com/reimagine/images"


def robin_time(instant: datetime | None) -> str | None:
    """An instant as Robin writes it: UTC with a `+0000` offset."""
    if instant is None:
        return None
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S%z")


def local_time(instant: datetime, time_zone: str) -> str:
    """An instant in a time zone, offset without a colon (e.g. `-0500`)."""
    return instant.astimezone(ZoneInfo(time_zone)).strftime("%Y-%m-%dT%H:%M:%S%z")


def php_date(instant: datetime) -> dict[str, Any]:
    """A PHP DateTime object, as it leaks into some Robin payloads."""
    return {
        "date": instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.000000"),
        "timezone_type": 3,
        "timezone": "UTC",
    }


def robin_list(items: list[Any]) -> list[Any] | dict[str, Any]:
    """A JSON list, except that an empty one is encoded as `{}` (the PHP quirk)."""
    return items or {}


def meta(
    status: int, message: str = "", errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The `meta` block of the envelope."""
    return {
        "status_code": status,
        "status": HTTPStatus(status).name,
        "message": message,
        "more_info": {},
        "errors": errors or [],
    }


def envelope(data: Any, status: int = 200, paging: dict[str, Any] | None = None) -> dict[str, Any]:
    """A successful response body."""
    body: dict[str, Any] = {"meta": meta(status), "data": data}
    if paging is not None:
        body["paging"] = paging
    return body


def error_body(
    status: int, message: str, *, reason: str | None = None, domain: str = "api"
) -> dict[str, Any]:
    """An error response body: the envelope with `data: {}` and one entry in `meta.errors`."""
    errors = [{"domain": domain, "reason": reason, "message": message}] if reason else []
    return {"meta": meta(status, message, errors), "data": {}}


def user_json(user: User) -> dict[str, Any]:
    """A User."""
    return {
        "id": user.id,
        "name": user.name,
        "given_name": user.given_name,
        "family_name": user.family_name,
        "slug": user.slug,
        "avatar": f"{IMAGE_HOST}/{user.slug}.jpg",
        "time_zone": user.time_zone,
        "is_pending": False,
        "primary_email": {"email": user.email, "is_verified": True},
        "working_hours": None,
        "created_at": robin_time(user.created_at),
        "updated_at": robin_time(user.created_at),
    }


def organization_json(org: Organization, *, with_access: bool = False) -> dict[str, Any]:
    """An Organization; `/me/organizations` adds the caller's `user_access`."""
    body: dict[str, Any] = {
        "id": org.id,
        "is_organization": True,
        "name": org.name,
        "slug": org.slug,
        "avatar": f"{IMAGE_HOST}/{org.slug}.png",
        "created_at": robin_time(org.created_at),
        "updated_at": robin_time(org.created_at),
        # Observed, not documented (robin-api.md §3.2): set for a disabled organization.
        "disabled_at": robin_time(org.disabled_at),
    }
    if with_access:
        body["user_access"] = {"management_level": 0, "is_owner": False}
    return body


def level_json(level: Level, location: Location) -> dict[str, Any]:
    """A Level (floor), in the shape seen in real responses."""
    return {
        "id": level.id,
        "location_id": location.id,
        "name": level.name,
        "created_at": robin_time(level.created_at),
        "updated_at": robin_time(level.created_at),
    }


def location_json(location: Location) -> dict[str, Any]:
    """A Location, with `working_hours` for every day of the week."""
    working_hours = []
    for day in range(7):
        frames = [
            {"start": f.start.strftime("%H:%M"), "end": f.end.strftime("%H:%M")}
            for f in location.working_hours.get(day, [])
        ]
        # Empty days come back both ways in the wild: `[]` on Sunday, `{}` on Saturday.
        working_hours.append(
            {"day": day, "time_frames": frames if day == 0 else robin_list(frames)}
        )
    return {
        "id": location.id,
        "account_id": location.account_id,
        "campus_id": None,
        "name": location.name,
        "description": location.description,
        "address": location.address,
        "image": "",
        "latitude": location.latitude,
        "longitude": location.longitude,
        "is_visitor_management_enabled": False,
        "time_zone": location.reported_time_zone or location.time_zone,
        "working_hours": working_hours,
        "created_at": robin_time(location.created_at),
        "updated_at": robin_time(location.created_at),
    }


def calendar_json(space: Space, calendar: Calendar) -> dict[str, Any]:
    """A space's calendar binding."""
    return {
        "space_id": space.id,
        "remote_type": calendar.remote_type,
        "calendar_id": calendar.resource_email,
        "subscriber_id": f"sub{space.id}",
        "space_resource_id": str(1_000_000_000 + space.id),
        "space_resource_email": calendar.resource_email,
        "subscriber_expires_at": None,
        "created_at": robin_time(calendar.created_at),
    }


def state_json(state: SpaceState) -> dict[str, Any]:
    """A SpaceState."""
    return {
        "availability": state.availability,
        "present": state.present,
        "next_busy_change": robin_time(state.next_busy_change),
    }


def space_json(
    space: Space,
    *,
    last_presence_at: datetime | None = None,
    include_calendar: bool = False,
    location: Location | None = None,
    state: SpaceState | None = None,
) -> dict[str, Any]:
    """A Space; submodels only when included."""
    body: dict[str, Any] = {
        "id": space.id,
        "location_id": space.location_id,
        "level_id": space.level_id,
        "name": space.name,
        "description": space.description,
        "image": None,
        "discovery_radius": 3.5,
        "capacity": space.capacity,
        "type": space.type,
        "behaviors": robin_list(list(space.behaviors)),
        "last_presence_at": robin_time(last_presence_at),
        "is_disabled": space.is_disabled,
        "is_dibsed": False,
        "is_accessible": space.is_accessible,
        "is_managed": True,  # unknown to clients: they must ignore it
        "current_event": None,  # deprecated, lingers as null
        "next_event": None,
        "created_at": robin_time(space.created_at),
        "updated_at": robin_time(space.created_at),
    }
    if include_calendar:
        body["calendar"] = calendar_json(space, space.calendar) if space.calendar else None
    if location is not None:
        body["location"] = location_json(location)
    if state is not None:
        body["state"] = state_json(state)
    return body


def invitee_json(invitee: Invitee, event: Event) -> dict[str, Any]:
    """An event invitee (a room resource calendar is an invitee too)."""
    stamp = robin_time(event.created_at or event.start)
    return {
        "id": invitee.id,
        "event_id": event.series_id or event.id,
        "user_id": invitee.user_id,
        "email": invitee.email,
        "display_name": invitee.display_name,
        "response_status": invitee.response_status,
        "is_organizer": invitee.is_organizer,
        "is_resource": invitee.is_resource,
        "created_at": stamp,
        "updated_at": stamp,
    }


def event_json(event: Event, space_name: str) -> dict[str, Any]:
    """An Event with `start`/`end` in its own time zone, plus the deprecated `started_at`."""
    start = local_time(event.start, event.time_zone)
    end = local_time(event.end, event.time_zone)
    return {
        "id": event.id,
        "series_id": event.series_id,
        "recurrence_id": event.recurrence_id,
        "uid": event.uid,
        "organizer_id": event.organizer_id,
        "organizer_email": event.organizer_email,
        "creator_id": event.creator_id,
        "creator_email": event.creator_email or event.organizer_email,
        "space_id": event.space_id,
        "title": event.title,
        "description": event.description,
        "location": space_name,
        "remote_event_id": event.remote_event_id,
        "remote_type": event.remote_type,
        "creation_type": event.creation_type,
        "started_at": start,  # deprecated but still sent
        "ended_at": end,
        "start": {"date_time": start, "time_zone": event.time_zone},
        "end": {"date_time": end, "time_zone": event.time_zone},
        "status": event.status,
        "recurrence": event.recurrence,
        "is_all_day": event.is_all_day,
        "visibility": event.visibility,
        "invitees": robin_list([invitee_json(invitee, event) for invitee in event.invitees]),
        "hangout_link": None,  # unknown to clients: they must ignore it
        "created_at": robin_time(event.created_at or event.start),
        "updated_at": robin_time(event.created_at or event.start),
    }


def reduced_event_json(event: Event) -> dict[str, Any]:
    """The short event form used inside free/busy blocks (no title)."""
    return {
        "id": event.id,
        "series_id": event.series_id,
        "recurrence_id": event.recurrence_id,
        "uid": event.uid,
        "space_id": event.space_id,
        "start": {
            "date_time": local_time(event.start, event.time_zone),
            "time_zone": event.time_zone,
        },
        "end": {"date_time": local_time(event.end, event.time_zone), "time_zone": event.time_zone},
    }


def confirmation_json(confirmation: Confirmation, *, php_style: bool) -> dict[str, Any]:
    """An event check-in; `confirmed_at` is sometimes a PHP date object."""
    confirmed_at: Any = (
        php_date(confirmation.confirmed_at) if php_style else robin_time(confirmation.confirmed_at)
    )
    return {
        "event_id": confirmation.event_id,
        "user_id": confirmation.user_id,
        "device_id": confirmation.device_id,
        "confirmed_at": confirmed_at,
    }


def presence_json(session: PresenceSession, org: Organization, now: datetime) -> dict[str, Any]:
    """A presence session; unless reported through the API or ended, it was last seen just now."""
    last_seen_at = session.last_seen_at or now
    body: dict[str, Any] = {
        "location_id": session.location_id,
        "space_id": session.space_id,
        "user_id": session.user_id,
        "device_id": session.device_id,
        "last_seen_at": robin_time(last_seen_at),
        "arrived_at": robin_time(session.arrived_at),
        "expired_at": robin_time(last_seen_at + timedelta(seconds=session.ttl)),
        "session_ttl": session.ttl,
        "session_active": session.active,
    }
    user = org.user(session.user_id)
    if user is not None:
        body["user"] = user_json(user)
    if session.device_id is not None:
        device = org.device(session.device_id)
        body["device"] = {
            "id": session.device_id,
            "account_id": org.id,
            "device_manifest_id": 13,
            "name": device.name if device else "PIR sensor",
            "last_reported_at": robin_time(last_seen_at),
            "created_at": robin_time(org.created_at),
            "updated_at": robin_time(org.created_at),
        }
    return body


def amenity_json(amenity: Amenity, org: Organization) -> dict[str, Any]:
    """An Amenity of the organization's catalogue."""
    return {
        "id": amenity.id,
        "account_id": org.id,
        "name": amenity.name,
        "owner_types": ["space"],
        "created_at": robin_time(amenity.created_at),
        "updated_at": robin_time(amenity.created_at),
    }


def space_amenity_json(space: Space, amenity: Amenity, org: Organization) -> dict[str, Any]:
    """One `space_amenities` entry; Robin documents no shape, so it is the likely join record."""
    return {
        "id": space.id * 1000 + amenity.id % 1000,
        "space_id": space.id,
        "amenity_id": amenity.id,
        "quantity": 1,
        "amenity": amenity_json(amenity, org),
    }


def device_json(device: Device, org: Organization) -> dict[str, Any]:
    """A registered Device."""
    return {
        "id": device.id,
        "account_id": org.id,
        "device_manifest_id": 13,
        "name": device.name,
        "space_id": device.space_id,
        "device_manifest": {"id": 13, "name": device.manifest_name},
        "last_reported_at": None,
        "identifiers": [],
        "created_at": robin_time(device.created_at),
        "updated_at": robin_time(device.created_at),
    }


def token_json(
    grant: TokenGrant, org: Organization, *, ip: str, agent: str, now: datetime
) -> dict[str, Any]:
    """Token info for `GET /auth`; `last_accessed_at` is a PHP date object."""
    return {
        "id": grant.id,
        "name": grant.name,
        "type": "account",
        "type_id": org.id,
        "ip": ip,
        "agent": agent,
        "scopes": list(grant.scopes),
        "last_accessed_at": php_date(now),
        "expire_at": robin_time(grant.expire_at),
        "created_at": robin_time(grant.created_at),
    }
