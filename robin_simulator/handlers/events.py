"""Event endpoints: read, update, cancel, and check in."""

import dataclasses
from typing import TYPE_CHECKING, Any

from aiohttp import web

from robin_simulator.errors import bad_request, not_found
from robin_simulator.middleware import current_grant
from robin_simulator.model import Confirmation, Event
from robin_simulator.params import includes
from robin_simulator.respond import json_body, ok
from robin_simulator.rules import check_free, read_window
from robin_simulator.serialize import confirmation_json, event_json

from .spaces import VISIBILITIES, occurrence_windows, read_rule
from .views import render_space, space_name

if TYPE_CHECKING:
    from robin_simulator.simulator import RobinSimulator


class EventsApi:
    """`/events/{id}`."""

    def __init__(self, sim: RobinSimulator) -> None:
        """Serve this simulator."""
        self.sim = sim

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
        self.sim.now()  # plans today's meetings so their ids resolve
        event = self.sim.events.get(request.match_info["event_id"])
        if event is None:
            raise not_found()
        return event

    def _render(self, event: Event, wanted: set[str] | None = None) -> dict[str, Any]:
        wanted = wanted or set()
        body = event_json(event, space_name(self.sim, event))
        if "confirmation" in wanted:
            confirmation = self.sim.events.confirmations.get(event.id)
            body["confirmation"] = (
                confirmation_json(confirmation, php_style=event.creation_type == "synced")
                if confirmation
                else None
            )
        if "space" in wanted:
            space = self.sim.organization.space(event.space_id)
            body["space"] = render_space(self.sim, space, {"calendar"}) if space else None
        return body

    async def get(self, request: web.Request) -> web.Response:
        """One event (single, occurrence, or series master)."""
        return ok(self._render(self._event(request), includes(request.query)))

    async def update(self, request: web.Request) -> web.Response:
        """Change title, description, visibility, times (start and end together) or recurrence."""
        event = self._event(request)
        body = await json_body(request)
        is_master = event.id in self.sim.events.series
        if "recurrence" in body and not is_master:
            raise bad_request(
                "recurrence can only be changed on the series master", "invalid_recurrence"
            )
        if ("start" in body) != ("end" in body):
            raise bad_request("start and end must be sent together", "invalid_event_time")
        changes: dict[str, Any] = {
            key: str(body[key]) for key in ("title", "description") if body.get(key) is not None
        }
        if body.get("visibility") is not None:
            if body["visibility"] not in VISIBILITIES:
                raise bad_request(f"visibility must be one of {sorted(VISIBILITIES)}")
            changes["visibility"] = body["visibility"]
        series = self.sim.events.series.get(event.id)
        rule = read_rule(body) if is_master and "recurrence" in body else None
        if rule is None and series is not None:
            rule = series.rule
        if "start" in body:
            window = read_window(body, event.time_zone)
            windows = occurrence_windows(window, rule, self.sim.now())
            check_free(self.sim.events, event.space_id, windows, ignore=event.series_id or event.id)
            changes |= {"start": window.start, "end": window.end, "time_zone": window.time_zone}
        updated = dataclasses.replace(event, **changes)
        self.sim.events.save(updated)
        if series is not None and rule is not None:
            series.rule = rule
        saved = self.sim.events.get(event.id)
        return ok(self._render(saved or updated))

    async def cancel(self, request: web.Request) -> web.Response:
        """Cancel an event, one occurrence, or (by master id) the whole series."""
        event = self._event(request)
        self.sim.events.cancel(event.id)
        return ok({})

    async def confirm(self, request: web.Request) -> web.Response:
        """Check in to a meeting (once, and not after it ended)."""
        event = self._event(request)
        body = await json_body(request)
        confirmations = self.sim.events.confirmations
        if event.id in confirmations:
            raise bad_request(
                "The event has already been confirmed.", "event_already_confirmed", "scheduling"
            )
        now = self.sim.clock.now()
        if event.end <= now:
            raise bad_request(
                "It is too late to confirm this event.", "too_late_to_confirm_event", "scheduling"
            )
        device_id = body.get("device_id")
        confirmation = Confirmation(
            event_id=event.id,
            confirmed_at=now,
            user_id=None if device_id is not None else current_grant(request).user_id,
            device_id=device_id if isinstance(device_id, int) else None,
        )
        confirmations[event.id] = confirmation
        return ok(confirmation_json(confirmation, php_style=event.creation_type == "synced"))

    async def confirmation(self, request: web.Request) -> web.Response:
        """The meeting's check-in; 404 while it has none."""
        event = self._event(request)
        confirmation = self.sim.events.confirmations.get(event.id)
        if confirmation is None:
            raise not_found()
        return ok(confirmation_json(confirmation, php_style=event.creation_type == "synced"))
