"""`POST /free-busy/spaces`: busy blocks for many rooms in one call.

Choices where Robin is silent: busy blocks merge overlapping and back-to-back meetings and keep
their real start/end (not clipped to the bounds); a meeting the room declined is still listed
busy (the reduced events carry no answers, so a client cannot tell it from the answer alone:
the harder case for it); results are ordered "best fit" as smallest
adequate capacity first. Paging comes from `paging_info` in the body only, the one request
shape known for it (robin-api.md §2.7): `page`/`per_page` in the query of this POST are ignored,
so a client paging through the query alone would get page 1 again and again. Default 10 per
page. Without bounds the window is the next 24 hours.
"""

from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from robin_simulator.errors import bad_request
from robin_simulator.faults import Faults
from robin_simulator.interfaces import Rooms
from robin_simulator.model import Event, Space
from robin_simulator.params import parse_timestamp, zone
from robin_simulator.respond import json_body, listing
from robin_simulator.serialize import reduced_event_json, robin_time

from .views import render_space

DEFAULT_TYPES = frozenset(
    {None, "breakout", "call", "conference", "meeting", "office", "study_room"}
)
DEFAULT_WINDOW = timedelta(days=1)


def busy_blocks(events: list[Event]) -> list[dict[str, Any]]:
    """Meetings merged into contiguous busy blocks."""
    blocks: list[tuple[datetime, datetime, list[Event]]] = []
    for event in sorted(events, key=lambda e: e.start):
        if blocks and event.start <= blocks[-1][1]:
            start, end, members = blocks[-1]
            blocks[-1] = (start, max(end, event.end), [*members, event])
        else:
            blocks.append((event.start, event.end, [event]))
    return [
        {
            "from": robin_time(start),
            "to": robin_time(end),
            "events": [reduced_event_json(e) for e in members],
        }
        for start, end, members in blocks
    ]


def _ids(raw: Any, field: str) -> set[int]:
    if raw is None:
        return set()
    if not isinstance(raw, list) or not all(isinstance(v, int) for v in raw):
        raise bad_request(f"{field} must be an array of integers")
    return set(raw)


class FreeBusyApi:
    """Batched availability."""

    def __init__(self, rooms: Rooms, faults: Faults) -> None:
        """Serve these rooms, honouring the faults."""
        self.rooms = rooms
        self.faults = faults

    def routes(self) -> list[web.RouteDef]:
        """The endpoints."""
        return [web.post("/v1.0/free-busy/spaces", self.free_busy)]

    async def free_busy(self, request: web.Request) -> web.Response:
        """Free/busy per matching space."""
        body = await json_body(request)
        scope = body.get("scope") or {}
        filters = body.get("filters") or {}
        if not isinstance(scope, dict) or not isinstance(filters, dict):
            raise bad_request("scope and filters must be objects")
        location_ids = _ids(scope.get("location_ids"), "scope.location_ids")
        space_ids = _ids(scope.get("space_ids"), "scope.space_ids")
        if not location_ids and not space_ids:
            raise bad_request("scope.location_ids or scope.space_ids is required", "missing_scope")
        after, before = self._bounds(body)
        spaces = [
            space
            for space in self.rooms.organization.spaces()
            if (space.location_id in location_ids or space.id in space_ids)
            and _matches(space, filters)
        ]
        spaces.sort(key=lambda space: (space.capacity or 0, space.id))
        self.rooms.events.plan_range(self.rooms.organization.locations, after, before)
        paging_info = body.get("paging_info") or {}
        if not isinstance(paging_info, dict):
            raise bad_request("paging_info must be an object")
        return listing(paging_info, spaces, lambda space: self._entry(space, after, before))

    def _bounds(self, body: dict[str, Any]) -> tuple[datetime, datetime]:
        view_options = body.get("view_options") or {}
        bounds = view_options.get("bounds") or {} if isinstance(view_options, dict) else {}
        time_zone = str(bounds.get("time_zone") or "UTC")
        zone(time_zone, "view_options.bounds.time_zone")
        now = self.rooms.now()
        after = (
            parse_timestamp(bounds["from"], "bounds.from", time_zone) if "from" in bounds else now
        )
        before = (
            parse_timestamp(bounds["to"], "bounds.to", time_zone)
            if "to" in bounds
            else after + DEFAULT_WINDOW
        )
        if before <= after:
            raise bad_request("view_options.bounds.to must be after from", "invalid_bounds")
        return after, before

    def _entry(self, space: Space, after: datetime, before: datetime) -> dict[str, Any]:
        events = self.rooms.events.occurrences({space.id}, after, before)
        room = (
            {"id": space.id, "location_id": space.location_id, "name": space.name}
            if self.faults.reduced_free_busy_spaces
            else render_space(self.rooms, space, {"calendar"})
        )
        return {
            "has_presence": bool(self.rooms.presence_in(space)),
            "space": room,
            "busy": busy_blocks(events),
        }


def _matches(space: Space, filters: dict[str, Any]) -> bool:
    """Whether a space survives the filters (filters remove, they do not rank)."""
    types = set(filters.get("types") or DEFAULT_TYPES)
    if space.type not in types:
        return False
    if not filters.get("include_unbookable") and (space.is_disabled or not space.is_bookable):
        return False
    minimum, maximum = filters.get("min_capacity"), filters.get("max_capacity")
    capacity = space.capacity or 0
    if isinstance(minimum, int) and capacity < minimum:
        return False
    return not (isinstance(maximum, int) and capacity > maximum)
