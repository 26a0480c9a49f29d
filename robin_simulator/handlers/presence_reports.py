"""Reporting presence: `POST` and `DELETE /spaces/{id}/presence`."""

from typing import Any

from aiohttp import web

from robin_simulator.clock import SimClock
from robin_simulator.errors import bad_request, not_found
from robin_simulator.interfaces import Directory
from robin_simulator.presence_reports import (
    DEFAULT_TTL_SECONDS,
    MAX_TTL_SECONDS,
    Identity,
    PresenceReports,
)
from robin_simulator.respond import json_body, ok
from robin_simulator.serialize import presence_json

from .views import space_of


class PresenceReportsApi:
    """Presence sessions created, extended and ended by API callers."""

    def __init__(self, directory: Directory, clock: SimClock, reports: PresenceReports) -> None:
        """Serve this organization's reported presence."""
        self.directory = directory
        self.clock = clock
        self.reports = reports

    def routes(self) -> list[web.RouteDef]:
        """The endpoints."""
        return [
            web.post("/v1.0/spaces/{space_id}/presence", self.report),
            web.delete("/v1.0/spaces/{space_id}/presence", self.end),
        ]

    async def report(self, request: web.Request) -> web.Response:
        """Create a session (201) or extend the identity's live one (200)."""
        space = space_of(self.directory, request)
        if space.is_disabled:
            raise bad_request("The space is disabled", "space_disabled")
        body = await json_body(request)
        identity = self._identity(body)
        ttl = _ttl(body.get("session_ttl", DEFAULT_TTL_SECONDS))
        now = self.clock.now()
        session, is_new = self.reports.report(space, identity, ttl, now)
        return ok(
            presence_json(session, self.directory.organization, now), status=201 if is_new else 200
        )

    async def end(self, request: web.Request) -> web.Response:
        """Expire the identity's session in the space now."""
        space = space_of(self.directory, request)
        identity = self._identity(await json_body(request))
        self.reports.end(space.id, identity)
        return ok({})

    def _identity(self, body: dict[str, Any]) -> Identity:
        """The user or (if no user is given) the device the body names; both must exist."""
        org = self.directory.organization
        if body.get("user_id") is not None:
            user = org.user(_number(body["user_id"], "user_id"))
            if user is None:
                raise not_found()
            return ("user", user.id)
        if body.get("device_id") is not None:
            device = org.device(_number(body["device_id"], "device_id"))
            if device is None:
                raise not_found()
            return ("device", device.id)
        raise bad_request("A user_id or a device_id is required", "presence_identity_required")


def _number(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise bad_request(f"{field} must be an id")
    return int(value)


def _ttl(value: Any) -> int:
    """`session_ttl` in whole seconds, 1 to 20 minutes as Robin allows."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_TTL_SECONDS:
        raise bad_request(
            f"session_ttl must be whole seconds from 1 to {MAX_TTL_SECONDS}", "invalid_session_ttl"
        )
    return value
