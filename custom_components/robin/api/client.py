"""Asynchronous client of the Robin REST API."""

from __future__ import annotations

import asyncio
import json
import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import partial
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote

import aiohttp

from .const import (
    AUTHORIZATION_SCHEME,
    DEFAULT_BASE_URL,
    DEFAULT_REQUEST_TIMEOUT,
    EVENT_STATUS_CANCELLED,
    HEADER_AUTHORIZATION,
    HEADER_RETRY_AFTER,
    HEADER_TENANT_ID,
    INCLUDE_CALENDAR,
    INCLUDE_CONFIRMATION,
    INCLUDE_SPACE_AMENITIES,
    MAX_PAGES,
    MAX_PRESENCE_TTL,
    PAGE_SIZE,
    REASON_ALREADY_CONFIRMED,
    SMALL_PAGE_SIZE,
)
from .errors import (
    RobinAuthenticationError,
    RobinConnectionError,
    RobinEventCancelledError,
    RobinEventNotFoundError,
    RobinForbiddenError,
    RobinInvalidIdError,
    RobinInvalidTokenError,
    RobinMalformedResponseError,
    RobinNotFoundError,
    RobinRateLimitError,
    RobinResponseError,
    RobinServerError,
    RobinTimeoutError,
    RobinValidationError,
    RobinWaitingError,
)
from .models import (
    Amenity,
    Confirmation,
    Device,
    Event,
    FreeBusySpace,
    Level,
    Location,
    Organization,
    Presence,
    Space,
    SpaceState,
    TokenInfo,
    User,
)
from .parsing import (
    JsonObject,
    as_list,
    as_object,
    format_timestamp,
    format_utc,
    optional_flag,
    optional_int,
    optional_list,
    text,
)
from .rate_limit import RetryAfterGate

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

_LOGGER = logging.getLogger(__name__)

_ERRORS_BY_STATUS: Final[dict[int, type[RobinResponseError]]] = {
    HTTPStatus.BAD_REQUEST: RobinValidationError,
    HTTPStatus.UNAUTHORIZED: RobinAuthenticationError,
    HTTPStatus.FORBIDDEN: RobinForbiddenError,
    HTTPStatus.NOT_FOUND: RobinNotFoundError,
}
_REDACTED: Final = "**REDACTED**"
# Never `amenities`: Robin deprecated it, and it answered [] for every space in 2026.
_SPACE_INCLUDES: Final = {"include": f"{INCLUDE_CALENDAR},{INCLUDE_SPACE_AMENITIES}"}
# A Retry-After beyond this is taken for a mistake rather than obeyed.
MAX_RETRY_AFTER: Final = timedelta(days=1)
_WRITE_METHODS: Final = frozenset({"POST", "PATCH", "PUT", "DELETE"})
# Quoting leaves these unchanged, and none stays a segment of its own in a URL: "." and ".."
# are resolved away (RFC 3986 §5.2.4), an empty one names the collection.
_PATH_DOT_SEGMENTS: Final = frozenset({"", ".", ".."})


def _failed(status: int) -> bool:
    """Tell whether an HTTP status says the request was not done.

    Writes follow no redirect, so a 3xx (a proxy's login page, say) reaches the client: it
    did nothing, whatever its body.
    """
    return status >= HTTPStatus.MULTIPLE_CHOICES


def _sendable(token: str) -> bool:
    """Tell whether the token can go into a header: visible ASCII only, as every token is.

    A paste may bring a line break, a tab or a zero-width space into its middle; aiohttp
    refuses some of those with a bare ValueError and sends the others to a certain 401.
    """
    return all("!" <= character <= "~" for character in token)


def _segment(value: int | str) -> str:
    """Quote an id or slug for use as one path segment.

    Raises:
        RobinInvalidIdError: The value is empty, "." or "..": the URL would drop the segment
            or climb a level, and the request reach another path (``/events/..`` is ``/``).
    """
    segment = str(value)
    if segment in _PATH_DOT_SEGMENTS:
        msg = f"No Robin object has the id {segment!r}"
        raise RobinInvalidIdError(HTTPStatus.NOT_FOUND, msg)
    return quote(segment, safe="")


def _retry_after(value: str | None, now: datetime) -> float | None:
    """Read Retry-After, given either as seconds or as an HTTP date.

    A value that is not a wait (unparsable, zero, negative, a date in the past from a
    skewed clock) or an absurd one (over MAX_RETRY_AFTER) is ``None``: the caller then
    waits as long as it would anyway.
    """
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    if not 0 < seconds <= MAX_RETRY_AFTER.total_seconds():  # also refuses NaN
        return None
    return seconds


def _presence_identity(user_id: int | None, device_id: int | str | None) -> dict[str, Any]:
    """The one identity Robin wants on a presence POST or DELETE."""
    if (user_id is None) == (device_id is None):
        msg = "Presence needs exactly one of user_id and device_id"
        raise ValueError(msg)
    return {"user_id": user_id} if user_id is not None else {"device_id": device_id}


def _event_time(moment: datetime, time_zone: str) -> dict[str, str]:
    """Build a DateTimeZone object, the shape Robin wants for event start and end."""
    return {"date_time": format_timestamp(moment, time_zone), "time_zone": time_zone}


@dataclass(frozen=True, slots=True)
class Answer:
    """How Robin answered a list read: each page's body digest and whether more followed.

    Kept by a caller between identical reads, so that an unchanged answer is not parsed
    again (see `RobinClient.get_location_events_if_changed`). Digests hold for one process.
    """

    pages: tuple[tuple[int, bool], ...]


class _AttemptCounter:
    """A per-request aiohttp middleware that counts how often the request went out."""

    def __init__(self) -> None:
        self.attempts = 0

    async def __call__(
        self, request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
    ) -> aiohttp.ClientResponse:
        self.attempts += 1
        return await handler(request)


class RobinClient:
    """Talks to the Robin REST API with one access token.

    All methods raise only `RobinError` subclasses for anything Robin or the network does;
    ``ValueError`` is raised before any request for invalid arguments (naive datetimes).
    A token that cannot be sent (a line break in it) raises `RobinInvalidTokenError`, a
    `RobinAuthenticationError`, before any request: it is as unusable as a revoked one.

    Retries: the client itself never sends a request twice. aiohttp resends GET, PUT and
    DELETE once when the connection closes before an answer (RFC 9112 §9.3.1.1); it never
    resends POST or PATCH. The write methods know when that happened and read the answer
    about the first attempt for what it is: `delete_event` takes a 404 after a resend as
    done, `confirm_event` takes "already confirmed" after a resend as done. Any other failure
    of a write that Robin may have committed (a dropped connection, a timeout, a 5xx, an
    unreadable answer) is raised; the caller reads the result back instead of sending again.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        organization_id: int | None = None,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        retry_after_gate: RetryAfterGate | None = None,
        json_loads: Callable[[bytes], Any] = json.loads,
    ) -> None:
        """Create a client that uses the caller's session (it is never closed here).

        `json_loads` decodes Robin's answers: a faster decoder (such as orjson's, which
        Home Assistant ships) makes reading thousands of bookings cheaper. It must raise
        `ValueError` for anything that is not JSON.
        """
        self._session = session
        self._token = token
        self._base_url = base_url.rstrip("/")
        self._organization_id = organization_id
        self._request_timeout = request_timeout
        # Closed by a Retry-After (of a 429, or a 503): nothing is sent until it has passed.
        self._gate = retry_after_gate or RetryAfterGate()
        self._page_size = PAGE_SIZE
        self._json_loads = json_loads

    def __repr__(self) -> str:
        """Describe the client without its token."""
        return (
            f"{type(self).__name__}(base_url={self._base_url!r}, "
            f"organization_id={self._organization_id!r})"
        )

    @property
    def base_url(self) -> str:
        """The API root every path is appended to."""
        return self._base_url

    @property
    def organization_id(self) -> int | None:
        """The organization sent as Tenant-Id; a client for another one is a new client."""
        return self._organization_id

    @property
    def rate_limited_for(self) -> float:
        """Seconds until Robin's last Retry-After has passed (0 when requests may be sent)."""
        return self._gate.remaining

    # Identity

    async def get_token_info(self) -> TokenInfo:
        """Return what Robin knows about the token (its scopes and expiry)."""
        return TokenInfo.from_json(await self._get_data("/auth"))

    async def get_me(self) -> User:
        """Return the user behind the token."""
        return User.from_json(await self._get_data("/me"))

    async def get_my_organizations(self) -> list[Organization]:
        """Return the organizations the token's user belongs to."""
        return await self._get_all("/me/organizations", Organization.from_json)

    async def get_organization(self, organization: int | str) -> Organization:
        """Return an organization by id or slug."""
        data = await self._get_data(f"/organizations/{_segment(organization)}")
        return Organization.from_json(data)

    # Places

    async def get_locations(self, organization: int | str) -> list[Location]:
        """Return every location (office) of an organization, given by id or slug."""
        path = f"/organizations/{_segment(organization)}/locations"
        return await self._get_all(path, Location.from_json)

    async def get_location(self, location_id: int) -> Location:
        """Return one location."""
        return Location.from_json(await self._get_data(f"/locations/{location_id}"))

    async def get_levels(self, location_id: int) -> list[Level]:
        """Return the floors of a location (observed, not documented, by Robin)."""
        return await self._get_all(
            f"/locations/{location_id}/levels",
            lambda raw: Level.from_json(raw, location_id=location_id),
        )

    async def get_spaces(self, location_id: int) -> list[Space]:
        """Return every space of a location, with its calendar binding and amenities."""
        return await self._get_all(
            f"/locations/{location_id}/spaces",
            lambda raw: Space.from_json(raw, location_id=location_id),
            params=_SPACE_INCLUDES,
        )

    async def get_space(self, space_id: int) -> Space:
        """Return one space, with its calendar binding and amenities."""
        data = await self._get_data(f"/spaces/{space_id}", params=_SPACE_INCLUDES)
        return Space.from_json(data)

    async def get_amenities(self, organization: int | str) -> list[Amenity]:
        """Return the organization's amenity catalogue (names to filter rooms by)."""
        path = f"/organizations/{_segment(organization)}/amenities"
        return await self._get_all(path, Amenity.from_json)

    async def get_devices(self, organization: int | str) -> list[Device]:
        """Return the organization's registered devices (sensors, presence reporters)."""
        path = f"/organizations/{_segment(organization)}/devices"
        return await self._get_all(path, Device.from_json)

    # Presence

    async def get_space_state(self, space_id: int) -> SpaceState:
        """Return a room's current availability and head count."""
        return SpaceState.from_json(await self._get_data(f"/spaces/{space_id}/state"))

    async def get_space_presence(self, space_id: int) -> list[Presence]:
        """Return the presence sessions in a space."""
        return await self._get_all(f"/spaces/{space_id}/presence", Presence.from_json)

    async def get_location_presence(self, location_id: int) -> list[Presence]:
        """Return the presence sessions of a whole location."""
        return await self._get_all(f"/locations/{location_id}/presence", Presence.from_json)

    async def report_presence(
        self,
        space_id: int,
        *,
        session_ttl: timedelta,
        user_id: int | None = None,
        device_id: int | str | None = None,
    ) -> Presence:
        """Say someone is in a room now (``POST /spaces/{id}/presence``).

        Posting again before ``session_ttl`` runs out extends the session; posting after it
        opens a new one. Robin may revoke a token that posts far more often than the TTL
        needs, so refresh shortly before the TTL ends, not on every sensor change. If the
        caller stops (Home Assistant shuts down) the session simply expires.

        Robin wants exactly one identity. For presence seen by Home Assistant's motion or
        occupancy sensors, send ``device_id``: Robin reads a device's presence as "a sensor
        detected someone without knowing who", which is all such a sensor knows. Use the id
        of the Robin device registered for this Home Assistant (`get_devices` lists the
        organization's devices). A ``user_id`` (e.g. the token's own user, `get_me`) tells
        Robin that this particular person is in the room; send it only when that is true.

        Raises:
            ValueError: The TTL is not between 1 second and 20 minutes (Robin's maximum), or
                not exactly one of ``user_id`` and ``device_id`` is given.
        """
        if not timedelta(seconds=1) <= session_ttl <= MAX_PRESENCE_TTL:
            msg = f"Robin allows presence sessions of 1 s to 20 min, not {session_ttl}"
            raise ValueError(msg)
        body: dict[str, Any] = {
            **_presence_identity(user_id, device_id),
            # Whole seconds, rounded up so a short TTL never becomes 0.
            "session_ttl": math.ceil(session_ttl.total_seconds()),
        }
        envelope = await self._request("POST", f"/spaces/{space_id}/presence", json_body=body)
        return Presence.from_json(self._data(envelope))

    async def end_presence(
        self, space_id: int, *, user_id: int | None = None, device_id: int | str | None = None
    ) -> None:
        """End the presence session of that user or device in a room at once.

        Robin takes the identity in the body of the DELETE; use the same one as for
        `report_presence`.

        Raises:
            ValueError: Not exactly one of ``user_id`` and ``device_id`` is given.
        """
        body = _presence_identity(user_id, device_id)
        await self._request(
            "DELETE", f"/spaces/{space_id}/presence", json_body=body, expect_body=False
        )

    # Events

    async def get_location_events(
        self,
        location_id: int,
        after: datetime,
        before: datetime,
        *,
        schedule_only: bool = False,
    ) -> list[Event]:
        """Return the events of a location that overlap the window.

        Only observed in an old SDK: a `RobinNotFoundError` means this Robin lacks it.
        `schedule_only`: keep only what a room's schedule needs (see `Event.from_json`).
        """
        events, _ = await self.get_location_events_if_changed(
            location_id, after, before, None, schedule_only=schedule_only
        )
        return events or []

    async def get_location_events_if_changed(
        self,
        location_id: int,
        after: datetime,
        before: datetime,
        previous: Answer | None,
        *,
        schedule_only: bool = False,
    ) -> tuple[list[Event] | None, Answer]:
        """Like `get_location_events`, but None when Robin answers exactly as before.

        `previous`: what the same read answered last time. The pages are still fetched,
        but an answer identical to it, byte for byte, is neither decoded nor parsed.
        """
        return await self._get_events(
            f"/locations/{location_id}/events",
            after,
            before,
            previous=previous,
            schedule_only=schedule_only,
        )

    async def get_space_events(
        self, space_id: int, after: datetime, before: datetime
    ) -> list[Event]:
        """Return the events of a room that overlap the window (end > after, start < before)."""
        events, _ = await self._get_events(f"/spaces/{space_id}/events", after, before)
        return events or []

    async def get_event(self, event_id: str, *, schedule_only: bool = False) -> Event:
        """Return one event (or one occurrence of a series).

        `schedule_only`: keep only what a room's schedule needs (see `Event.from_json`).

        Raises:
            RobinEventNotFoundError: Robin answered 404: the event is gone.
        """
        envelope = await self._event_request("GET", event_id)
        return Event.from_json(self._data(envelope), schedule_only=schedule_only)

    async def create_event(
        self,
        space_id: int,
        *,
        start: datetime,
        end: datetime,
        time_zone: str,
        title: str | None = None,
        description: str | None = None,
        invitees: Sequence[str] = (),
    ) -> Event:
        """Book a room; Robin refuses conflicts and bookings of five minutes or less.

        Raises:
            ValueError: A datetime is naive or the time zone is unknown.
        """
        body: dict[str, Any] = {
            "start": _event_time(start, time_zone),
            "end": _event_time(end, time_zone),
        }
        if title is not None:
            body["title"] = title
        if description is not None:
            body["description"] = description
        if invitees:
            body["invitees"] = [{"email": email} for email in invitees]
        envelope = await self._request("POST", f"/spaces/{space_id}/events", json_body=body)
        return Event.from_json(self._data(envelope))

    async def update_event(
        self,
        event_id: str,
        *,
        time_zone: str,
        title: str | None = None,
        description: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> Event:
        """Change an event's title, description or time; Robin needs start and end together.

        Raises:
            ValueError: Only one of start and end is given, a datetime is naive or the
                time zone is unknown.
        """
        body: dict[str, Any] = {}
        if (start is None) != (end is None):
            msg = "Robin needs start and end together to move an event"
            raise ValueError(msg)
        if start is not None and end is not None:
            body["start"] = _event_time(start, time_zone)
            body["end"] = _event_time(end, time_zone)
        if title is not None:
            body["title"] = title
        if description is not None:
            body["description"] = description
        envelope = await self._event_request("PATCH", event_id, json_body=body)
        return Event.from_json(self._data(envelope))

    async def delete_event(self, event_id: str) -> None:
        """Cancel an event; an occurrence id cancels that occurrence only.

        A 404 to a resent DELETE means the first attempt cancelled it: that is success.
        """
        try:
            await self._event_request("DELETE", event_id, expect_body=False)
        except RobinEventNotFoundError as err:
            if not err.resent:
                raise

    async def confirm_event(self, event_id: str, *, device_id: int | None = None) -> Confirmation:
        """Check in to an event so Robin does not release the room.

        Without ``device_id`` the body is empty: the check-in is the token's user's. A token
        that is not a user's (an organization's, `TokenInfo.type` "account") must name a
        device of the organization (`get_devices`), as whom Robin records the check-in; Robin
        refuses the empty body then (`RobinValidationError`, which changed nothing).

        "Already confirmed" to a resent PUT means the first attempt checked in: the check-in
        Robin holds is returned, read from the event.

        Raises:
            RobinEventNotFoundError: Robin answered the check-in 404, or that read of the
                event after a resend did (or showed it cancelled): the event is gone.
        """
        body: dict[str, Any] = {} if device_id is None else {"device_id": device_id}
        try:
            envelope = await self._event_request("PUT", event_id, "/confirmation", json_body=body)
        except RobinValidationError as err:
            if not (err.resent and REASON_ALREADY_CONFIRMED in err.reasons):
                raise
            confirmation = await self.get_confirmation(event_id)
            if confirmation is None:
                raise
            return confirmation
        return Confirmation.from_json(self._data(envelope), event_id=event_id)

    async def get_free_busy(
        self,
        *,
        start: datetime,
        end: datetime,
        time_zone: str,
        location_ids: Sequence[int] = (),
        space_ids: Sequence[int] = (),
        types: Sequence[str | None] = (),
        min_capacity: int | None = None,
        include_unbookable: bool = False,
    ) -> list[FreeBusySpace]:
        """Return the busy blocks of many rooms at once (``POST /free-busy/spaces``).

        `types` keeps only rooms of these types; ``None`` stands for rooms without a type
        (Robin's default), which Robin lists among its default types as null.

        Raises:
            ValueError: Neither locations nor spaces are given, a datetime is naive or the
                time zone is unknown.
        """
        if not location_ids and not space_ids:
            msg = "Free/busy needs location_ids or space_ids"
            raise ValueError(msg)
        filters: dict[str, Any] = {"include_unbookable": include_unbookable}
        if types:
            filters["types"] = list(types)
        if min_capacity is not None:
            filters["min_capacity"] = min_capacity
        body = {
            "scope": {"location_ids": list(location_ids), "space_ids": list(space_ids)},
            "filters": filters,
            "view_options": {
                "bounds": {
                    "from": format_timestamp(start, time_zone),
                    "to": format_timestamp(end, time_zone),
                    "time_zone": time_zone,
                },
                "prioritization_type": "specific_time",
            },
        }
        # Reduced spaces may omit location_id; it is unambiguous with one location.
        only_location = location_ids[0] if len(location_ids) == 1 else None
        return await self._get_all(
            "/free-busy/spaces",
            lambda raw: FreeBusySpace.from_json(raw, location_id=only_location),
            method="POST",
            json_body=body,
        )

    # Check-in state

    async def get_confirmation(self, event_id: str) -> Confirmation | None:
        """Return the check-in of an event, or ``None`` if it is not checked in.

        Read as ``GET /events/{id}?include=confirmation``: one request, and an event that
        does not exist is not mistaken for one without a check-in.

        Raises:
            RobinEventNotFoundError: Robin answered 404: the event is gone.
            RobinEventCancelledError: Robin shows the event cancelled: gone all the same.
        """
        envelope = await self._event_request(
            "GET", event_id, params={"include": INCLUDE_CONFIRMATION}
        )
        data = as_object(self._data(envelope), "event")
        if str(data.get("status") or "").lower() == EVENT_STATUS_CANCELLED:
            raise RobinEventCancelledError(event_id)
        raw = data.get("confirmation")
        # PHP sends an absent submodel as null, or as an empty `{}`/`[]`.
        if not raw or not isinstance(raw, dict):
            return None
        return Confirmation.from_json(raw, event_id=event_id)

    # Plumbing

    async def _get_events(
        self,
        path: str,
        after: datetime,
        before: datetime,
        *,
        previous: Answer | None = None,
        schedule_only: bool = False,
    ) -> tuple[list[Event] | None, Answer]:
        # UTC with "Z" avoids a "+" in the query string, which some servers read as a space.
        params = {"after": format_utc(after), "before": format_utc(before)}
        return await self._get_all_if_changed(
            path,
            partial(Event.from_json, schedule_only=schedule_only),
            params=params,
            previous=previous,
        )

    async def _event_request(
        self,
        method: str,
        event_id: str,
        below: str = "",
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        expect_body: bool = True,
    ) -> JsonObject:
        """Send a request to the event's own endpoint (or one below it, such as its check-in).

        Robin's 404 to it says the event no longer exists: `RobinEventNotFoundError`, which
        the caller tells from a 404 of any other request (a device look-up) by its type.
        """
        path = f"/events/{_segment(event_id)}{below}"
        try:
            return await self._request(
                method, path, params=params, json_body=json_body, expect_body=expect_body
            )
        except RobinNotFoundError as err:
            raise RobinEventNotFoundError(event_id, err) from err

    async def _get_data(self, path: str, *, params: Mapping[str, str] | None = None) -> Any:
        return self._data(await self._request("GET", path, params=params))

    @staticmethod
    def _data(envelope: JsonObject) -> Any:
        if "data" not in envelope:
            msg = "Robin's response has no data"
            raise RobinMalformedResponseError(msg)
        return envelope["data"]

    async def _get_all[T](
        self,
        path: str,
        build: Callable[[Any], T],
        *,
        params: Mapping[str, str] | None = None,
        method: str = "GET",
        json_body: Any = None,
    ) -> list[T]:
        """Read every page of a list endpoint.

        Paging goes in the query; a POST's JSON object also carries it as `paging_info`, the
        only paging known for `POST /free-busy/spaces` (Robin may ignore a POST's query).
        """
        items, _ = await self._get_all_if_changed(
            path, build, params=params, method=method, json_body=json_body, previous=None
        )
        return items or []

    async def _get_all_if_changed[T](
        self,
        path: str,
        build: Callable[[Any], T],
        *,
        previous: Answer | None,
        params: Mapping[str, str] | None = None,
        method: str = "GET",
        json_body: Any = None,
    ) -> tuple[list[T] | None, Answer]:
        """Read every page; None instead of the items when the answer is `previous` again.

        A page whose body is the one `previous` saw at its place is not decoded: its paging
        is known. Only when some page differs is every page decoded and parsed.
        """
        try:
            return await self._read_pages(
                path, build, previous=previous, params=params, method=method, json_body=json_body
            )
        except RobinValidationError:
            if self._page_size == SMALL_PAGE_SIZE:
                raise
            _LOGGER.debug("Robin refused %s pages; asking for %s", PAGE_SIZE, SMALL_PAGE_SIZE)
            self._page_size = SMALL_PAGE_SIZE
        return await self._read_pages(
            path, build, previous=previous, params=params, method=method, json_body=json_body
        )

    async def _read_pages[T](
        self,
        path: str,
        build: Callable[[Any], T],
        *,
        previous: Answer | None,
        params: Mapping[str, str] | None,
        method: str,
        json_body: Any,
    ) -> tuple[list[T] | None, Answer]:
        pages: list[tuple[int, bool]] = []
        bodies: list[bytes] = []
        # Each page's items, built as soon as its body is new: a new body means a new answer,
        # and the decoded JSON is dropped page by page instead of held for the whole read.
        built: list[list[T] | None] = []
        last_items: list[Any] | None = None  # the previous page's decoded JSON, if it was
        for page in range(1, MAX_PAGES + 1):
            query = {**(params or {}), "page": str(page), "per_page": str(self._page_size)}
            page_body = (
                {**json_body, "paging_info": {"page": page, "per_page": self._page_size}}
                if isinstance(json_body, dict)
                else json_body
            )
            status, retry_after, body = await self._fetch(
                method, path, params=query, json_body=page_body
            )
            digest = hash(body)
            seen = previous.pages[page - 1] if previous and page <= len(previous.pages) else None
            bodies.append(body)
            if seen is not None and seen[0] == digest and not _failed(status):
                built.append(None)
                last_items = None
                has_next = seen[1]
            else:
                envelope = self._envelope(status, retry_after, body)
                page_items = as_list(self._data(envelope), "list data")
                if page > 1 and page_items == (
                    self._page_items(bodies[-2]) if last_items is None else last_items
                ):
                    msg = f"Robin repeated page {page - 1} of {path} as page {page}"
                    raise RobinMalformedResponseError(msg)
                built.append([build(raw) for raw in page_items])
                last_items = page_items
                has_next = bool(page_items) and self._has_next_page(envelope, len(page_items))
            pages.append((digest, has_next))
            if not has_next:
                break
        else:
            msg = f"Robin returned more than {MAX_PAGES} pages of {path}"
            raise RobinMalformedResponseError(msg)
        answer = Answer(tuple(pages))
        if answer == previous:
            return None, answer
        return [
            item
            for body, items in zip(bodies, built, strict=True)
            for item in (items if items is not None else map(build, self._page_items(body)))
        ], answer

    def _page_items(self, body: bytes) -> list[Any]:
        """Return the items of a page that succeeded once before."""
        return as_list(self._data(self._envelope(HTTPStatus.OK, None, body)), "list data")

    def _has_next_page(self, envelope: JsonObject, item_count: int) -> bool:
        paging = envelope.get("paging")
        if isinstance(paging, dict):
            has_next = optional_flag(paging, "has_next_page")
            if has_next is not None:
                return has_next
        # Older responses lack has_next_page: a page as full as Robin may have cut it (the
        # size asked for, or 100 if Robin caps it there) suggests there is more.
        asked = optional_int(paging, "per_page") if isinstance(paging, dict) else None
        return item_count >= min(asked or self._page_size, SMALL_PAGE_SIZE)

    def _headers(self) -> dict[str, str]:
        headers = {
            HEADER_AUTHORIZATION: f"{AUTHORIZATION_SCHEME} {self._token}",
            "Accept": "application/json",
        }
        if self._organization_id is not None:
            headers[HEADER_TENANT_ID] = str(self._organization_id)
        return headers

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        expect_body: bool = True,
    ) -> JsonObject:
        """Send one request and return Robin's envelope, or raise a `RobinError`."""
        counter = _AttemptCounter() if method in _WRITE_METHODS else None
        status, retry_after, body = await self._fetch(
            method, path, params=params, json_body=json_body, counter=counter
        )
        resent = counter is not None and counter.attempts > 1
        return self._envelope(status, retry_after, body, expect_body=expect_body, resent=resent)

    async def _fetch(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        counter: _AttemptCounter | None = None,
    ) -> tuple[int, str | None, bytes]:
        """Send one request; return its status, Retry-After and body, or raise if unsent."""
        if not _sendable(self._token):
            _LOGGER.debug("%s %s not sent: the access token cannot be sent", method, path)
            msg = "The access token holds a character no token has, such as a line break"
            raise RobinInvalidTokenError(HTTPStatus.UNAUTHORIZED, msg)
        if wait := self.rate_limited_for:
            _LOGGER.debug("%s %s not sent: Robin asked to wait %.0f s more", method, path, wait)
            msg = f"Robin asked to wait {wait:.0f} s more before {method} {path}"
            raise RobinWaitingError(msg, retry_after=wait, unavailable=self._gate.unavailable)
        url = f"{self._base_url}{path}"
        # Writes count their attempts (see the class docstring) and follow no redirects, so
        # the per-request middleware stands in for the session's redirect checks.
        extra: dict[str, Any] = (
            {"middlewares": (counter,), "allow_redirects": False} if counter else {}
        )
        unchained: RobinConnectionError | None = None
        try:
            async with (
                asyncio.timeout(self._request_timeout),
                self._session.request(
                    method, url, params=params, json=json_body, headers=self._headers(), **extra
                ) as response,
            ):
                status = response.status
                retry_after = response.headers.get(HEADER_RETRY_AFTER)
                body = await response.read()
        except TimeoutError as err:
            _LOGGER.debug("%s %s timed out", method, path)
            msg = f"Robin did not answer {method} {path} within {self._request_timeout:g} s"
            raise RobinTimeoutError(msg) from err
        except (aiohttp.ClientError, OSError) as err:
            _LOGGER.debug("%s %s failed: %s", method, path, type(err).__name__)
            msg = f"Cannot reach Robin for {method} {path}: {type(err).__name__}"
            if not isinstance(err, aiohttp.ClientResponseError):
                raise RobinConnectionError(msg) from err
            # aiohttp's error about an answer (a redirect loop, a broken HTTP answer) holds
            # the request's headers, the token among them: raised outside this block, it
            # is neither the cause nor the context of ours.
            unchained = RobinConnectionError(msg)
        if unchained is not None:
            raise unchained
        _LOGGER.debug("%s %s -> %s", method, path, status)
        return status, retry_after, body

    def _envelope(
        self,
        status: int,
        retry_after: str | None,
        body: bytes,
        *,
        expect_body: bool = True,
        resent: bool = False,
    ) -> JsonObject:
        """Return the answer's envelope, or raise the `RobinError` it carries."""
        envelope = self._decode(body, status=status, allow_empty=not expect_body)
        self._raise_for_status(status, envelope, retry_after, resent=resent)
        # Only a body-less success (a DELETE) gets this far without an envelope.
        return envelope if envelope is not None else {}

    def _decode(self, body: bytes, *, status: int, allow_empty: bool) -> JsonObject | None:
        """Parse the body as an envelope; ``None`` if an error or empty body carries none."""
        is_error = _failed(status)
        if not body.strip():
            if is_error or allow_empty:
                return None
            msg = f"Robin sent an empty body with HTTP {status}"
            raise RobinMalformedResponseError(msg)
        try:
            decoded = self._json_loads(body)
        except ValueError as err:
            if is_error or allow_empty:
                # An HTML error page from a proxy: the status still says what happened.
                return None
            msg = f"Robin sent something that is not JSON with HTTP {status}"
            raise RobinMalformedResponseError(msg) from err
        if isinstance(decoded, dict):
            return decoded
        if is_error or allow_empty:
            return None
        msg = f"Robin sent JSON without its envelope with HTTP {status}"
        raise RobinMalformedResponseError(msg)

    def _raise_for_status(
        self,
        status: int,
        envelope: JsonObject | None,
        retry_after: str | None,
        *,
        resent: bool = False,
    ) -> None:
        meta: Any = envelope.get("meta") if envelope is not None else None
        meta = meta if isinstance(meta, dict) else {}
        # A PHP API may report an error in the envelope of an HTTP 200.
        meta_status = optional_int(meta, "status_code")
        if (
            status < HTTPStatus.BAD_REQUEST
            and meta_status is not None
            and meta_status >= HTTPStatus.BAD_REQUEST
        ):
            status = meta_status
        if not _failed(status):
            return
        message = self._redact(text(meta, "message"))
        reasons = tuple(
            self._redact(error["reason"])
            for error in optional_list(meta.get("errors"))
            if isinstance(error, dict) and isinstance(error.get("reason"), str)
        )
        wait: float | None = None
        if status == HTTPStatus.TOO_MANY_REQUESTS or status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            # A 503 may say how long Robin will be down, as a 429 says how long to slow down.
            now = datetime.now(UTC)
            wait = _retry_after(retry_after, now)
            if wait is not None:
                self._gate.close_for(wait, now, unavailable=status != HTTPStatus.TOO_MANY_REQUESTS)
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            kind: type[RobinResponseError] = RobinRateLimitError
        elif status >= HTTPStatus.INTERNAL_SERVER_ERROR:
            kind = RobinServerError
        else:
            kind = _ERRORS_BY_STATUS.get(status, RobinResponseError)
        raise kind(status, message, reasons, resent=resent, retry_after=wait)

    def _redact(self, value: str) -> str:
        """Remove the token from server-supplied text that ends up in exceptions and logs."""
        return value.replace(self._token, _REDACTED) if self._token else value
