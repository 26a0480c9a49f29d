"""Diagnostics: what the integration knows, with the token and personal data removed."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_ACCESS_TOKEN
from homeassistant.core import HomeAssistant

from .coordinator import RobinConfigEntry, RobinCoordinator
from .office_actions import office_actor
from .presence_sources import chosen_sources, room_devices, room_sources

TO_REDACT = {
    CONF_ACCESS_TOKEN,
    "email",
    "organizer_email",
    "creator_email",
    "space_resource_email",
    "calendar_id",  # the same resource mailbox as space_resource_email
    "display_name",
    "user_name",
    "name_of_user",
    "address",
    "latitude",
    "longitude",
    "title",
    "description",
    "invitees",
}


def _as_json_data(value: Any) -> Any:
    """Turn the client's dataclasses into JSON-friendly values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: _as_json_data(getattr(value, field.name))
            for field in dataclasses.fields(value)
        }
    if isinstance(value, Mapping):
        return {str(key): _as_json_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_as_json_data(item) for item in value]
    if isinstance(value, datetime | date | time):  # a location's working hours hold times
        return value.isoformat()
    return value


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: RobinConfigEntry
) -> dict[str, Any]:
    """Return the entry, the token's scopes and identity and the latest snapshot, redacted."""
    known_without_robin = {
        "entry": async_redact_data(
            {"data": dict(entry.data), "options": dict(entry.options), "title": entry.title},
            TO_REDACT,
        ),
        # Why it is not set up: Robin failing or refusing the token at setup (retried, or
        # re-authentication asked for), or a reload under way. Nothing else is known then.
        "state": entry.state.value,
        "reason": entry.reason,
        # The binary sensors chosen per room (space id) in "presence sources" subentries.
        "presence_sources": {
            str(space_id): sorted(sources)
            for space_id, sources in sorted(chosen_sources(entry).items())
        },
    }
    if entry.state is not ConfigEntryState.LOADED:
        return known_without_robin
    coordinator = entry.runtime_data
    token_info = coordinator.token_info
    return {
        **known_without_robin,
        "token": {
            "scopes": sorted(token_info.scopes) if token_info else None,
            "expire_at": token_info.expire_at.isoformat()
            if token_info and token_info.expire_at
            else None,
        },
        # Whether a user is behind the token and the Robin device for Home Assistant: who
        # check-ins and presence reports are made as. Never the user's id, name or email.
        "check_in_identity": coordinator.check_in_identity.as_diagnostics(),
        # Every sensor that counts for each room now: those chosen and those in the room's
        # area (README), which is what "why is this room occupied?" needs. Rooms with none
        # are left out. They count only with the presence option on (in the options above).
        "presence_sources_counting": {
            str(space_id): sorted(sources)
            for space_id, sources in sorted(
                room_sources(
                    hass, entry, room_devices(hass, entry, coordinator.data.spaces)
                ).items()
            )
            if sources
        },
        # Locations Robin refused (403, or 404 once deleted) at their last poll: their
        # rooms are unavailable.
        "refused_locations": sorted(
            location_id
            for location_id in coordinator.discovery.locations
            if coordinator.is_refused(location_id)
        ),
        # What the office released or checked in, what it is still trying, and the rooms
        # with a booking or unbooked use now: why a booking was released, or not.
        "office": office_actor(hass, entry).as_diagnostics(),
        "location_events_supported": coordinator.location_events_supported,
        "last_update_success": coordinator.last_update_success,
        "data": async_redact_data(_as_json_data(_data(coordinator)), TO_REDACT),
    }


def _data(coordinator: RobinCoordinator) -> dict[str, Any]:
    """Return what the coordinator knows, its cached bookings summed up per room."""
    data = coordinator.data
    known = {
        field.name: getattr(data, field.name)
        for field in dataclasses.fields(data)
        if field.name != "events"
    }
    return {**known, "bookings": _bookings_by_room(coordinator)}


def _bookings_by_room(coordinator: RobinCoordinator) -> dict[str, dict[str, Any]]:
    """Return per room with cached bookings how many there are, and its current and next one.

    Not every booking: the window holds thousands at hundreds of rooms, a file too large to
    attach to an issue and to redact in the event loop, and mostly noise.
    """
    bookings: dict[str, dict[str, Any]] = {}
    for space_id in sorted(coordinator.data.events):
        status = coordinator.room_status(space_id)
        bookings[str(space_id)] = {
            "cached": coordinator.bookings.count(space_id),
            "current": status.current if status else None,
            "next": status.upcoming if status else None,
        }
    return bookings
