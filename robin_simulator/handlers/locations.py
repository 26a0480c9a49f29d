"""Location endpoints: details, levels, spaces, presence and (observed-only) events."""

from aiohttp import web

from robin_simulator.errors import ApiError
from robin_simulator.faults import Faults
from robin_simulator.interfaces import Rooms
from robin_simulator.respond import listing, ok
from robin_simulator.serialize import level_json, location_json, presence_json

from .views import event_listing, location_of, space_listing


class LocationsApi:
    """`/locations/{id}` and its lists."""

    def __init__(self, rooms: Rooms, faults: Faults) -> None:
        """Serve these rooms, honouring the faults."""
        self.rooms = rooms
        self.faults = faults

    def routes(self) -> list[web.RouteDef]:
        """The endpoints."""
        return [
            web.get("/v1.0/locations/{location_id}", self.location),
            web.get("/v1.0/locations/{location_id}/spaces", self.spaces),
            web.get("/v1.0/locations/{location_id}/levels", self.levels),
            web.get("/v1.0/locations/{location_id}/presence", self.presence),
            web.get("/v1.0/locations/{location_id}/events", self.events),
        ]

    async def location(self, request: web.Request) -> web.Response:
        """One location."""
        return ok(location_json(location_of(self.rooms, request)))

    async def levels(self, request: web.Request) -> web.Response:
        """The location's floors (observed, not documented, by Robin)."""
        location = location_of(self.rooms, request)
        return listing(request.query, location.levels, lambda level: level_json(level, location))

    async def spaces(self, request: web.Request) -> web.Response:
        """The location's spaces, optionally filtered by `query` (name)."""
        location = location_of(self.rooms, request)
        wanted = request.query.get("query", "").lower()
        found = [space for space in location.spaces if wanted in space.name.lower()]
        return space_listing(self.rooms, request, found)

    async def presence(self, request: web.Request) -> web.Response:
        """Current presence sessions, optionally only in `space_ids` (comma-separated).

        Unfiltered, those in the location but in none of its spaces (`space_id: null`) too.
        """
        location = location_of(self.rooms, request)
        raw_ids = request.query.get("space_ids", "")
        wanted = {int(part) for part in raw_ids.split(",") if part.strip().isdigit()}
        now = self.rooms.now()
        sessions = [
            session
            for space in location.spaces
            if not wanted or space.id in wanted
            for session in self.rooms.presence_listed_in(space)
        ]
        if not wanted:
            sessions.extend(self.rooms.location_presence(location))
        org = self.rooms.organization
        return listing(request.query, sessions, lambda s: presence_json(s, org, now))

    async def events(self, request: web.Request) -> web.Response:
        """Events in all the location's spaces; can be switched off (Robin may lack it)."""
        if not self.faults.location_events_supported:
            raise ApiError(404, "Not Found")
        location = location_of(self.rooms, request)
        return event_listing(
            self.rooms, self.faults, request, {space.id for space in location.spaces}
        )
