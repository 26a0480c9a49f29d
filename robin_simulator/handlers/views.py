"""Pieces several handlers share: looking things up by path id and listing events."""

from datetime import timedelta
from functools import partial
from typing import Any

from aiohttp import web

from robin_simulator.calendar import PLAN_DAYS_AFTER
from robin_simulator.errors import not_found
from robin_simulator.faults import Faults
from robin_simulator.interfaces import Directory, Occupancy, Rooms
from robin_simulator.model import Event, Location, Space
from robin_simulator.params import includes, parse_timestamp, path_id
from robin_simulator.respond import listing
from robin_simulator.serialize import event_json, robin_list, space_amenity_json, space_json

# Without `before`, lists reach this far past `after` (Robin documents no default).
DEFAULT_EVENT_SPAN = timedelta(days=PLAN_DAYS_AFTER + 1)


def location_of(directory: Directory, request: web.Request) -> Location:
    """The location named by `{location_id}` (404 if unknown)."""
    location = directory.organization.location(path_id(request.match_info["location_id"]))
    if location is None:
        raise not_found()
    return location


def space_of(directory: Directory, request: web.Request) -> Space:
    """The space named by `{space_id}` (404 if unknown)."""
    space = directory.organization.space(path_id(request.match_info["space_id"]))
    if space is None:
        raise not_found()
    return space


def space_name(directory: Directory, event: Event) -> str:
    """The room's name, Robin's free-text event location."""
    space = directory.organization.space(event.space_id)
    return space.name if space else ""


def render_space(rooms: Occupancy, space: Space, wanted: set[str]) -> dict[str, Any]:
    """A space with the submodels named in `include`."""
    sessions = rooms.presence_in(space)
    body = space_json(
        space,
        last_presence_at=rooms.clock.now() if sessions else None,
        include_calendar="calendar" in wanted,
        location=rooms.organization.location(space.location_id) if "location" in wanted else None,
        state=rooms.state_of(space) if "state" in wanted else None,
    )
    org = rooms.organization
    if "space_amenities" in wanted:
        body["space_amenities"] = robin_list(
            [space_amenity_json(space, amenity, org) for amenity in space.amenities]
        )
    if "amenities" in wanted:
        # Deprecated; in 2026 Robin answered an empty list for every space.
        body["amenities"] = []
    return body


def space_listing(rooms: Occupancy, request: web.Request, spaces: list[Space]) -> web.Response:
    """A page of spaces, honouring `include`."""
    wanted = includes(request.query)
    return listing(request.query, spaces, lambda space: render_space(rooms, space, wanted))


def event_listing(
    rooms: Rooms, faults: Faults, request: web.Request, space_ids: set[int]
) -> web.Response:
    """A page of events: `after` bounds the END, `before` bounds the START, both exclusive."""
    now = rooms.now()
    query = request.query
    after = parse_timestamp(query["after"], "after") if "after" in query else now
    before = (
        parse_timestamp(query["before"], "before")
        if "before" in query
        else after + DEFAULT_EVENT_SPAN
    )
    rooms.events.plan_range(rooms.organization.locations, after, before)
    found = rooms.events.occurrences(space_ids, after, before)
    if "creation_type" in query:
        found = [event for event in found if event.creation_type == query["creation_type"]]
    return listing(
        query,
        found,
        lambda event: event_json(event, space_name(rooms, event)),
        overlap=partial(faults.take_page_overlap, request.path),
    )
