"""Event endpoints: read, update, cancel, and check in."""

import dataclasses
from typing import Any

from aiohttp import web

from robin_simulator.errors import bad_request, not_found
from robin_simulator.interfaces import Rooms
from robin_simulator.middleware import current_grant
from robin_simulator.model import Confirmation, Event
from robin_simulator.params import includes
from robin_simulator.respond import json_body, ok
from robin_simulator.rules import (
    check_can_confirm,
    check_free,
    check_update,
    read_rule,
    read_visibility,
    read_window,
)
from robin_simulator.serialize import confirmation_json, event_json

from .views import render_space, space_name


class EventsApi:
    """`/events/{id}`."""

    def __init__(self, rooms: Rooms) -> None:
        """Serve these rooms."""
        self.rooms = rooms

    def routes(self) -> list[web.RouteDef]:
        """The endpoints."""
        return [
            web.get("/v1.0/events/{event_id}", self.get),
            web.patch("/v1.0/events/{event_id}", self.update),
            web.delete("/v1.0/events/{event_id}", self.cancel),
            web.put("/v1.0/events/{event_id}/confirmation", self.confirm),
            web.get("/v1.0/events/{event_id}/confirmation", self.confirmation),
        ]

    def _event(self, request: web.Request) -> Event:
        self.rooms.now()  # plans today's meetings so their ids resolve
        event = self.rooms.events.get(request.match_info["event_id"])
        if event is None:
            raise not_found()
        return event

    def _render(self, event: Event, wanted: set[str] | None = None) -> dict[str, Any]:
        wanted = wanted or set()
        body = event_json(event, space_name(self.rooms, event))
        if "confirmation" in wanted:
            confirmation = self.rooms.events.confirmations.get(event.id)
            body["confirmation"] = (
                confirmation_json(confirmation, php_style=event.creation_type == "synced")
                if confirmation
                else None
            )
        if "space" in wanted:
            space = self.rooms.organization.space(event.space_id)
            body["space"] = render_space(self.rooms, space, {"calendar"}) if space else None
        return body

    async def get(self, request: web.Request) -> web.Response:
        """One event (single, occurrence, or series master)."""
        return ok(self._render(self._event(request), includes(request.query)))

    async def update(self, request: web.Request) -> web.Response:
        """Change title, description, visibility, times (start and end together) or recurrence."""
        event = self._event(request)
        body = await json_body(request)
        is_master = event.id in self.rooms.events.series
        check_update(body, is_master=is_master)
        changes: dict[str, Any] = {
            key: str(body[key]) for key in ("title", "description") if body.get(key) is not None
        }
        if body.get("visibility") is not None:
            changes["visibility"] = read_visibility(body["visibility"])
        series = self.rooms.events.series.get(event.id)
        rule = read_rule(body) if is_master and "recurrence" in body else None
        if rule is None and series is not None:
            rule = series.rule
        if "start" in body:
            now = self.rooms.now()
            window = read_window(body, event.time_zone)
            moved = event.series_id or event.id
            check_free(self.rooms.events, event.space_id, (window, rule), now, ignore=moved)
            changes |= {"start": window.start, "end": window.end, "time_zone": window.time_zone}
        updated = dataclasses.replace(event, **changes)
        self.rooms.events.save(updated)
        if series is not None and rule is not None:
            series.rule = rule
        saved = self.rooms.events.get(event.id)
        return ok(self._render(saved or updated))

    async def cancel(self, request: web.Request) -> web.Response:
        """Cancel an event, one occurrence, or (by master id) the whole series."""
        event = self._event(request)
        self.rooms.events.cancel(event.id)
        return ok({})

    async def confirm(self, request: web.Request) -> web.Response:
        """Check in to a meeting (once, and not after it ended), as a user or a device.

        Without a `device_id` the check-in is the token's user's; a token with no user behind
        it must name one of the organization's devices (robin-api.md §2.6).
        """
        event = self._event(request)
        body = await json_body(request)
        user_id = current_grant(request).user_id
        device_id = self._confirming_device(body, has_user=user_id is not None)
        confirmations = self.rooms.events.confirmations
        now = self.rooms.clock.now()
        check_can_confirm(event, confirmed=event.id in confirmations, now=now)
        confirmation = Confirmation(
            event_id=event.id,
            confirmed_at=now,
            user_id=None if device_id is not None else user_id,
            device_id=device_id,
        )
        confirmations[event.id] = confirmation
        return ok(confirmation_json(confirmation, php_style=event.creation_type == "synced"))

    def _confirming_device(self, body: dict[str, Any], *, has_user: bool) -> int | None:
        """The device a check-in names; None: the token's user checks in.

        Raises:
            ApiError: 400 when a token without a user names no device, or the device named
                is not one of the organization's. Robin's words and reason codes for these
                are not known (robin-api.md §6, #9): the ones here are inferred, in the
                shape of its other validation errors, and checked (like Laravel's request
                validation) before the event's own rules.
        """
        raw = body.get("device_id")
        if raw is None:
            if not has_user:
                raise bad_request(
                    "The device id field is required when the token has no user.",
                    "device_id_required",
                )
            return None
        device = (
            self.rooms.organization.device(raw)
            if isinstance(raw, int) and not isinstance(raw, bool)
            else None
        )
        if device is None:
            raise bad_request("The selected device id is invalid.", "invalid_device_id")
        return device.id

    async def confirmation(self, request: web.Request) -> web.Response:
        """The meeting's check-in; 404 while it has none."""
        event = self._event(request)
        confirmation = self.rooms.events.confirmations.get(event.id)
        if confirmation is None:
            raise not_found()
        return ok(confirmation_json(confirmation, php_style=event.creation_type == "synced"))
