"""The `/_simulator` control API: steer time, faults and presence from outside the process."""

from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from robin_simulator.interfaces import Controls
from robin_simulator.middleware import Handler
from robin_simulator.serialize import robin_time


class ControlError(Exception):
    """A bad control request."""


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as err:
        raise ControlError("body must be JSON") from err
    if not isinstance(body, dict):
        raise ControlError("body must be a JSON object")
    return body


CONTROL_PREFIX = "/_simulator/"


@web.middleware
async def control_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Report control mistakes as `400 {"error": ...}`.

    Only under `/_simulator/`: elsewhere such an exception is a bug in the simulator, and must
    surface as a 500 rather than pass for Robin refusing the request.
    """
    if not request.path.startswith(CONTROL_PREFIX):
        return await handler(request)
    try:
        response = await handler(request)
    except (ControlError, KeyError, TypeError, ValueError) as err:
        return web.json_response({"error": str(err)}, status=400)
    return response


class ControlApi:
    """Unauthenticated test hooks, not counted in `sim.requests`."""

    def __init__(self, sim: Controls) -> None:
        """Control this simulator."""
        self.sim = sim

    def routes(self) -> list[web.RouteDef]:
        """The endpoints."""
        return [
            web.get("/_simulator/clock", self.get_clock),
            web.post("/_simulator/clock", self.set_clock),
            web.post("/_simulator/faults", self.set_faults),
            web.get("/_simulator/requests", self.get_requests),
            web.delete("/_simulator/requests", self.clear_requests),
            web.post("/_simulator/presence", self.set_presence),
            web.post("/_simulator/revoke", self.revoke),
        ]

    def _clock_json(self) -> dict[str, Any]:
        return {"now": robin_time(self.sim.clock.now()), "frozen": self.sim.clock.is_frozen}

    async def get_clock(self, _request: web.Request) -> web.Response:
        """The simulated time."""
        return web.json_response(self._clock_json())

    async def set_clock(self, request: web.Request) -> web.Response:
        """`{"freeze": iso}`, `{"advance_seconds": n}` and/or `{"unfreeze": true}`."""
        body = await _body(request)
        clock = self.sim.clock
        if body.get("unfreeze"):
            clock.unfreeze()
        if "freeze" in body:
            clock.freeze(datetime.fromisoformat(str(body["freeze"])))
        if "advance_seconds" in body:
            clock.advance(timedelta(seconds=float(body["advance_seconds"])))
        return web.json_response(self._clock_json())

    async def set_faults(self, request: web.Request) -> web.Response:
        """Switch faults: fail_next, rate_limit_next, hang_next, malformed_next, latency, ..."""
        body = await _body(request)
        faults = self.sim.faults
        if body.get("clear"):
            faults.clear()
        if "fail_next" in body:
            faults.fail_next(**body["fail_next"])
        if "rate_limit_next" in body:
            faults.rate_limit_next(**body["rate_limit_next"])
        if "hang_next" in body:
            faults.hang_next(**body["hang_next"])
        if "malformed_next" in body:
            faults.malformed_next(**body["malformed_next"])
        if "empty_list_next" in body:
            faults.empty_list_next(**body["empty_list_next"])
        if "drop_next" in body:
            faults.drop_next(**body["drop_next"])
        if "overlap_next_page" in body:
            faults.overlap_next_page(**body["overlap_next_page"])
        if "latency" in body:
            faults.latency = float(body["latency"])
        if "location_events_supported" in body:
            faults.location_events_supported = bool(body["location_events_supported"])
        if "reduced_free_busy_spaces" in body:
            faults.reduced_free_busy_spaces = bool(body["reduced_free_busy_spaces"])
        if "location_time_zone" in body:
            self._report_time_zone(**body["location_time_zone"])
        return web.json_response(
            {
                "pending": faults.pending,
                "latency": faults.latency,
                "location_events_supported": faults.location_events_supported,
                "reduced_free_busy_spaces": faults.reduced_free_busy_spaces,
            }
        )

    async def get_requests(self, _request: web.Request) -> web.Response:
        """Every API request served so far."""
        return web.json_response(
            [
                {
                    "method": r.method,
                    "path": r.path,
                    "query": r.query,
                    "status": r.status,
                    "at": robin_time(r.at),
                    "retry_after": r.retry_after,
                }
                for r in self.sim.requests
            ]
        )

    async def clear_requests(self, _request: web.Request) -> web.Response:
        """Forget the served requests."""
        self.sim.reset_requests()
        return web.json_response({"cleared": True})

    async def set_presence(self, request: web.Request) -> web.Response:
        """`{"space_id": n, "present": true|false}` (optional user_id, device_id, ttl).

        `"active": false` adds a session Robin lists as ended (`session_active: false`).
        `{"location_id": n, ...}` instead of a space: someone in the location, in no space.
        """
        body = await _body(request)
        if "space_id" not in body:
            return self._set_location_presence(body)
        space_id = int(body["space_id"])
        if body["present"]:
            self.sim.start_presence(
                space_id,
                user_id=body.get("user_id"),
                device_id=body.get("device_id"),
                ttl=int(body.get("ttl", 600)),
                active=bool(body.get("active", True)),
            )
        else:
            self.sim.end_presence(space_id)
        space = self.sim.organization.space(space_id)
        present = len(self.sim.presence_in(space)) if space else 0
        return web.json_response({"space_id": space_id, "present": present})

    def _set_location_presence(self, body: dict[str, Any]) -> web.Response:
        location_id = int(body["location_id"])
        if body["present"]:
            self.sim.start_location_presence(
                location_id,
                user_id=body.get("user_id"),
                device_id=body.get("device_id"),
                ttl=int(body.get("ttl", 600)),
            )
        else:
            self.sim.end_location_presence(location_id)
        location = self.sim.organization.location(location_id)
        present = len(self.sim.location_presence(location)) if location else 0
        return web.json_response({"location_id": location_id, "present": present})

    async def revoke(self, request: web.Request) -> web.Response:
        """`{"token": t}`: later requests with it answer 401."""
        body = await _body(request)
        self.sim.revoke_token(str(body["token"]))
        return web.json_response({"revoked": True})

    def _report_time_zone(self, location_id: int, time_zone: str | None) -> None:
        """Make the API report another (e.g. invalid) time zone name for a location."""
        location = self.sim.organization.location(int(location_id))
        if location is None:
            msg = f"no location {location_id}"
            raise ControlError(msg)
        location.reported_time_zone = time_zone
