"""Space endpoints: details, state, presence, events, and booking."""

from typing import Any

from aiohttp import web

from robin_simulator.faults import Faults
from robin_simulator.interfaces import Rooms
from robin_simulator.middleware import current_grant
from robin_simulator.model import Event, Series, Space
from robin_simulator.params import includes
from robin_simulator.respond import json_body, listing, ok
from robin_simulator.rules import (
    Window,
    check_bookable,
    check_free,
    read_rule,
    read_visibility,
    read_window,
    requested_invitees,
)
from robin_simulator.serialize import event_json, presence_json, state_json

from .views import event_listing, render_space, space_of


class SpacesApi:
    """`/spaces/{id}` and its submodels."""

    def __init__(self, rooms: Rooms, faults: Faults) -> None:
        """Serve these rooms, honouring the faults."""
        self.rooms = rooms
        self.faults = faults

    def routes(self) -> list[web.RouteDef]:
        """The endpoints."""
        return [
            web.get("/v1.0/spaces/{space_id}", self.space),
            web.get("/v1.0/spaces/{space_id}/state", self.state),
            web.get("/v1.0/spaces/{space_id}/presence", self.presence),
            web.get("/v1.0/spaces/{space_id}/events", self.events),
            web.post("/v1.0/spaces/{space_id}/events", self.book),
        ]

    async def space(self, request: web.Request) -> web.Response:
        """One space, with `include` submodels."""
        space = space_of(self.rooms, request)
        return ok(render_space(self.rooms, space, includes(request.query)))

    async def state(self, request: web.Request) -> web.Response:
        """The space's availability now."""
        return ok(state_json(self.rooms.state_of(space_of(self.rooms, request))))

    async def presence(self, request: web.Request) -> web.Response:
        """Who is in the space now."""
        space = space_of(self.rooms, request)
        now = self.rooms.now()
        org = self.rooms.organization
        sessions = self.rooms.presence_listed_in(space)
        return listing(request.query, sessions, lambda s: presence_json(s, org, now))

    async def events(self, request: web.Request) -> web.Response:
        """The space's events overlapping `after`..`before`."""
        return event_listing(self.rooms, self.faults, request, {space_of(self.rooms, request).id})

    async def book(self, request: web.Request) -> web.Response:
        """Create an event in the space (201), following Robin's booking rules."""
        rooms = self.rooms
        space = space_of(rooms, request)
        check_bookable(space)
        body = await json_body(request)
        location = rooms.organization.location(space.location_id)
        window = read_window(body, location.time_zone if location else "UTC")
        rule = read_rule(body)
        check_free(rooms.events, space.id, (window, rule), rooms.now())
        event = self._new_event(request, space, body, window)
        if rule is None:
            rooms.events.add(event)
            created: Event | None = event
        else:
            rooms.events.add_series(Series(template=event, rule=rule))
            created = rooms.events.get(event.id)
        assert created is not None  # noqa: S101 - just stored
        return ok(event_json(created, space.name), status=201)

    def _new_event(
        self, request: web.Request, space: Space, body: dict[str, Any], window: Window
    ) -> Event:
        org = self.rooms.organization
        booker = org.user(current_grant(request).user_id) or org.users[0]
        visibility = read_visibility(body.get("visibility") or "default")
        event_id = self.rooms.events.new_id()
        return Event(
            id=event_id,
            space_id=space.id,
            title=str(body.get("title") or f"{booker.name} in {space.name}"),
            start=window.start,
            end=window.end,
            time_zone=window.time_zone,
            uid=f"{event_id}@robinpowered.com",
            organizer_email=booker.email,
            organizer_id=booker.id,
            creator_email=booker.email,
            creator_id=booker.id,
            description=str(body.get("description") or ""),
            creation_type="manual",
            remote_type=space.calendar.remote_type if space.calendar else None,
            remote_event_id=None,  # not synced to Google yet
            visibility=visibility,
            invitees=requested_invitees(org, event_id, body.get("invitees")),
            created_at=self.rooms.clock.now(),
        )
