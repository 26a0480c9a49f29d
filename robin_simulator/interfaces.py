"""What the handlers need from a simulator, one narrow view per need.

`RobinSimulator` satisfies every one of them; each handler is given only the views (or the
small state objects: `SimClock`, `Faults`, `PresenceReports`) it uses, so no handler module
imports the simulator and the app can be assembled outside it.
"""

from datetime import datetime
from typing import Protocol

from .availability import SpaceState
from .calendar import EventStore
from .clock import SimClock
from .faults import Faults
from .model import Location, Organization, PresenceSession, Space, TokenGrant
from .records import RequestRecord


class Directory(Protocol):
    """The simulated organization: its locations, rooms, users and devices."""

    @property
    def organization(self) -> Organization:
        """The organization with locations and rooms."""
        ...


class Organizations(Directory, Protocol):
    """Every organization a token may belong to."""

    def all_organizations(self) -> list[Organization]:
        """The simulated organization and the others known by name."""
        ...


class Presence(Directory, Protocol):
    """Who is in a room now."""

    @property
    def clock(self) -> SimClock:
        """The simulated time."""
        ...

    def presence_in(self, space: Space) -> list[PresenceSession]:
        """The active presence sessions in a space."""
        ...

    def presence_listed_in(self, space: Space) -> list[PresenceSession]:
        """The sessions Robin lists for a space: the active ones and ended ones it keeps."""
        ...

    def location_presence(self, location: Location) -> list[PresenceSession]:
        """The sessions in a location but in none of its spaces."""
        ...


class Occupancy(Presence, Protocol):
    """Who is in a room and what state it is in, now."""

    def state_of(self, space: Space) -> SpaceState:
        """The space's availability."""
        ...


class Rooms(Occupancy, Protocol):
    """Rooms with their meetings, planned around the simulated now."""

    @property
    def events(self) -> EventStore:
        """Every meeting, single or recurring."""
        ...

    def now(self) -> datetime:
        """The simulated instant, with the days around it planned."""
        ...


class Gatekeeper(Protocol):
    """What every `/v1.0` request passes: tokens, injected faults and the request log."""

    @property
    def clock(self) -> SimClock:
        """The simulated time (token expiry, Retry-After dates)."""
        ...

    @property
    def faults(self) -> Faults:
        """The faults queued for the next requests."""
        ...

    @property
    def requests(self) -> list[RequestRecord]:
        """The log of served requests."""
        ...

    def token_grant(self, token: str) -> TokenGrant | None:
        """What the simulator knows about a token."""
        ...


class Controls(Presence, Protocol):
    """What the `/_simulator` control API steers."""

    @property
    def faults(self) -> Faults:
        """The faults queued for the next requests."""
        ...

    @property
    def requests(self) -> list[RequestRecord]:
        """The log of served requests."""
        ...

    def reset_requests(self) -> None:
        """Forget the served requests."""
        ...

    def revoke_token(self, token: str) -> None:
        """Make later requests with this token answer 401."""
        ...

    def start_presence(
        self, space_id: int, *, user_id: int | None, device_id: int | None, ttl: int, active: bool
    ) -> PresenceSession:
        """Someone arrives in a room now (or, not active, has just left)."""
        ...

    def end_presence(self, space_id: int) -> None:
        """Everyone leaves a room now."""
        ...

    def start_location_presence(
        self, location_id: int, *, user_id: int | None, device_id: int | None, ttl: int
    ) -> PresenceSession:
        """Someone is in a location, in none of its rooms, from now on."""
        ...

    def end_location_presence(self, location_id: int) -> None:
        """Everyone in a location but in none of its rooms leaves now."""
        ...
