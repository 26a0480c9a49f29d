"""`RobinSimulator`: the organization model, its clock, tokens, faults and request log.

It holds no HTTP: `app.build_app` serves it, `server.run_simulator` runs that on a socket.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from .availability import SpaceState, space_state
from .calendar import PLAN_DAYS_AFTER, PLAN_DAYS_BEFORE, EventStore
from .clock import SimClock
from .faults import Faults
from .model import Event, Invitee, Location, Organization, PresenceSession, Space, TokenGrant
from .presence import sessions_in
from .presence_reports import PresenceReports
from .records import RequestRecord
from .scenarios import build_demo, build_large
from .scenarios.building import SETUP_CREATED, google_calendar

DEFAULT_TOKEN = "robin-sim-read-write-token"  # noqa: S105 - a well-known test token
READ_ONLY_TOKEN = "robin-sim-read-only-token"  # noqa: S105
# An organization's token with no user behind it (robin-api.md §4.1: `type: "account"`).
ACCOUNT_TOKEN = "robin-sim-account-token"  # noqa: S105
DEFAULT_LOCATIONS = 3
DEFAULT_SPACES_PER_LOCATION = 20


class RobinSimulator:
    """A fake Robin API over an in-memory organization."""

    def __init__(
        self,
        scenario: str = "demo",
        *,
        seed: int = 0,
        token: str = DEFAULT_TOKEN,
        locations: int | None = None,
        spaces_per_location: int | None = None,
        now: datetime | None = None,
    ) -> None:
        """Build the scenario; `now` freezes the clock there, None follows wall time."""
        self.clock = SimClock(now)
        self.seed = seed
        if scenario == "demo":
            built = build_demo(self.clock.now())
        elif scenario == "large":
            built = build_large(
                locations or DEFAULT_LOCATIONS,
                spaces_per_location or DEFAULT_SPACES_PER_LOCATION,
                seed,
            )
        else:
            msg = f"unknown scenario {scenario!r}"
            raise ValueError(msg)
        self.organization: Organization = built.organization
        # Organizations known only by name (no rooms): for tokens with several of them.
        self.other_organizations: list[Organization] = []
        self.events = EventStore(built.planner)
        for series in built.series:
            self.events.add_series(series)
        self.faults = Faults()
        # Presence posted through the API, on top of the scenario's own.
        self.presence_reports = PresenceReports()
        self.requests: list[RequestRecord] = []
        self.token = token
        self._tokens: dict[str, TokenGrant] = {}
        self.add_token(token)
        self.add_token(READ_ONLY_TOKEN, scopes=("basic_read",))
        self.add_token(ACCOUNT_TOKEN, can_list_organizations=False, with_user=False)

    # --- time -------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The simulated instant, with the days around it planned."""
        now = self.clock.now()
        self.events.plan_around(self.organization.locations, now)
        return now

    # --- tokens ------------------------------------------------------------------------------

    def add_token(
        self,
        token: str,
        scopes: Iterable[str] = ("basic_read", "basic_write"),
        organizations: Iterable[int] | None = None,
        *,
        can_list_organizations: bool = True,
        expire_at: datetime | None = None,
        with_user: bool = True,
    ) -> TokenGrant:
        """Accept another token (e.g. an org-level one with `can_list_organizations=False`).

        `with_user=False`: no user is behind the token (an account-level one).
        """
        grant = TokenGrant(
            token=token,
            id=1_234_567 + len(self._tokens),
            user_id=self.organization.users[0].id if with_user else None,
            created_at=SETUP_CREATED,
            scopes=tuple(scopes),
            organization_ids=(
                tuple(organizations) if organizations is not None else (self.organization.id,)
            ),
            can_list_organizations=can_list_organizations,
            expire_at=expire_at,
        )
        self._tokens[token] = grant
        return grant

    def add_other_organization(
        self, organization_id: int, name: str, *, slug: str, disabled_at: datetime | None = None
    ) -> Organization:
        """Add an organization without locations that tokens may belong to.

        `disabled_at`: Robin disabled it then; it is still listed and readable, so marked.
        """
        other = Organization(
            id=organization_id,
            name=name,
            slug=slug,
            created_at=SETUP_CREATED,
            disabled_at=disabled_at,
        )
        self.other_organizations.append(other)
        return other

    def all_organizations(self) -> list[Organization]:
        """The simulated organization and the others known by name."""
        return [self.organization, *self.other_organizations]

    def revoke_token(self, token: str) -> None:
        """Make later requests with this token answer 401."""
        if token in self._tokens:
            self._tokens[token].revoked = True

    def token_grant(self, token: str) -> TokenGrant | None:
        """What the simulator knows about a token."""
        return self._tokens.get(token)

    def reset_requests(self) -> None:
        """Forget the served requests."""
        self.requests.clear()

    # --- model look-ups and changes ----------------------------------------------------------

    def find_location(self, name: str) -> Location:
        """The location with that name (KeyError if none)."""
        for location in self.organization.locations:
            if location.name == name:
                return location
        raise KeyError(name)

    def find_space(self, name: str) -> Space:
        """The space with that name (KeyError if none)."""
        for space in self.organization.spaces():
            if space.name == name:
                return space
        raise KeyError(name)

    def _space(self, space_id: int) -> Space:
        space = self.organization.space(space_id)
        if space is None:
            raise KeyError(space_id)
        return space

    def add_space(
        self,
        location_id: int,
        name: str,
        *,
        type: str | None = "meeting",  # noqa: A002 - Robin's field name
        capacity: int | None = 4,
        bookable: bool = True,
        disabled: bool = False,
        restricted: bool = False,
    ) -> Space:
        """Add a room to a location."""
        location = self.organization.location(location_id)
        if location is None:
            raise KeyError(location_id)
        space = Space(
            id=max((s.id for s in self.organization.spaces()), default=0) + 1,
            location_id=location_id,
            level_id=None,
            name=name,
            type=type,
            capacity=capacity,
            created_at=self.clock.now(),
            behaviors=["scheduling"] if bookable else [],
            calendar=google_calendar(name.lower().replace(" ", "-")) if bookable else None,
            is_disabled=disabled,
            sim_restricted=restricted,
        )
        location.spaces.append(space)
        return space

    def remove_space(self, space_id: int) -> None:
        """Delete a room and its meetings."""
        space = self._space(space_id)
        location = self.organization.location(space.location_id)
        if location is not None:
            location.spaces.remove(space)
        for event in [e for e in self.events.singles.values() if e.space_id == space_id]:
            self.events.cancel(event.id)
        for series in [s for s in self.events.series.values() if s.template.space_id == space_id]:
            self.events.cancel(series.id)

    # --- presence ----------------------------------------------------------------------------

    def start_presence(
        self,
        space_id: int,
        *,
        user_id: int | None = None,
        device_id: int | None = None,
        ttl: int = 600,
        active: bool = True,
    ) -> PresenceSession:
        """Someone arrives now; this replaces the space's scheduled presence until end_presence.

        `active=False`: a session that ended just now (last seen a TTL ago) and that Robin
        still lists, as `session_active: false`; it counts for no one present.
        """
        space = self._space(space_id)
        session = self._new_session(
            space.location_id,
            space.id,
            user_id=user_id,
            device_id=device_id,
            ttl=ttl,
            active=active,
        )
        space.sim_manual_presence.append(session)
        return session

    def start_location_presence(
        self,
        location_id: int,
        *,
        user_id: int | None = None,
        device_id: int | None = None,
        ttl: int = 600,
    ) -> PresenceSession:
        """Someone is in the location, in none of its spaces (`space_id: null`), from now on.

        Listed by `GET /locations/{id}/presence` until end_location_presence.
        """
        location = self.organization.location(location_id)
        if location is None:
            raise KeyError(location_id)
        session = self._new_session(
            location_id, None, user_id=user_id, device_id=device_id, ttl=ttl, active=True
        )
        location.sim_location_presence.append(session)
        return session

    def end_location_presence(self, location_id: int) -> None:
        """Everyone present in the location but in no space leaves now."""
        location = self.organization.location(location_id)
        if location is None:
            raise KeyError(location_id)
        location.sim_location_presence.clear()

    def _new_session(
        self,
        location_id: int,
        space_id: int | None,
        *,
        user_id: int | None,
        device_id: int | None,
        ttl: int,
        active: bool,
    ) -> PresenceSession:
        """Return a session of that user or device (the first member if neither is given)."""
        if user_id is None and device_id is None:
            user_id = self.organization.users[0].id
        now = self.clock.now()
        # An ended session was last seen a TTL ago: it expired now.
        arrived_at = now if active else now - timedelta(seconds=ttl)
        return PresenceSession(
            location_id=location_id,
            space_id=space_id,
            arrived_at=arrived_at,
            user_id=user_id,
            device_id=device_id,
            ttl=ttl,
            last_seen_at=None if active else arrived_at,
            active=active,
        )

    def end_presence(self, space_id: int) -> None:
        """Everyone leaves now; scheduled presence resumes with the next arrival.

        Presence reported through the API is left alone: it ends by DELETE or by its TTL.
        """
        space = self._space(space_id)
        space.sim_manual_presence.clear()
        space.sim_presence_cleared_at = self.clock.now()

    def presence_listed_in(self, space: Space) -> list[PresenceSession]:
        """The presence sessions Robin lists for a space now, ended ones it keeps included.

        Those are the active sessions (reported ones too) and the ended ones a test added
        (`start_presence` with `active=False`).
        """
        now = self.now()
        return [
            *sessions_in(space, self.organization, self.events, now, self.seed),
            *self.presence_reports.active_in(space.id, now),
        ]

    def presence_in(self, space: Space) -> list[PresenceSession]:
        """The active presence sessions in a space now, reported ones included."""
        return [session for session in self.presence_listed_in(space) if session.active]

    def location_presence(self, location: Location) -> list[PresenceSession]:
        """The sessions in the location but in none of its spaces (`space_id: null`)."""
        return list(location.sim_location_presence)

    def state_of(self, space: Space) -> SpaceState:
        """The space's availability now."""
        now = self.now()
        upcoming = self.events.occurrences({space.id}, now, now + timedelta(days=PLAN_DAYS_AFTER))
        return space_state(
            disabled=space.is_disabled,
            present=len(self.presence_in(space)),
            upcoming=upcoming,
            now=now,
        )

    # --- events ------------------------------------------------------------------------------

    def add_event(
        self,
        space_id: int,
        title: str,
        start: datetime,
        end: datetime,
        *,
        description: str = "",
        all_day: bool = False,
        organizer_email: str | None = None,
        room_answer: str | None = None,
    ) -> Event:
        """Put a (synced) meeting into a room's calendar, bypassing the booking rules.

        `room_answer`: invite the room's resource calendar with this answer (see
        `answer_as_room`); by default the room is not among the invitees.
        """
        space = self._space(space_id)
        location = self.organization.location(space.location_id)
        time_zone = location.time_zone if location else "UTC"
        organizer = self.organization.users[0]
        email = organizer_email or organizer.email
        member = self.organization.user_by_email(email)
        event_id = self.events.new_id()
        event = Event(
            id=event_id,
            space_id=space.id,
            title=title,
            start=start.astimezone(UTC),
            end=end.astimezone(UTC),
            time_zone=time_zone,
            uid=f"sim{event_id}@google.com",
            organizer_email=email,
            organizer_id=member.id if member else None,
            creator_email=email,
            creator_id=member.id if member else None,
            description=description,
            is_all_day=all_day,
            remote_type=space.calendar.remote_type if space.calendar else None,
            remote_event_id=f"sim{event_id}",
            created_at=self.clock.now(),
        )
        self.events.add(event)
        if room_answer is not None:
            self.answer_as_room(event, room_answer)
        return event

    def answer_as_room(self, event: Event, response_status: str) -> None:
        """Answer a meeting as its room's resource calendar (e.g. "declined").

        Robin lists the room's calendar among the invitees (`is_resource`); it is invited
        first if it was not. The room must have a calendar.
        """
        space = self._space(event.space_id)
        if space.calendar is None:
            msg = f"{space.name} has no calendar to answer with"
            raise ValueError(msg)
        email = space.calendar.resource_email
        for invitee in event.invitees:
            if invitee.is_resource and invitee.email == email:
                invitee.response_status = response_status
                return
        event.invitees.append(
            Invitee(
                id=f"{event.id}99",
                email=email,
                display_name=space.name,
                response_status=response_status,
                is_resource=True,
            )
        )

    def events_in(self, space_id: int) -> list[Event]:
        """The concrete meetings of a room over the planned horizon around now."""
        now = self.now()
        return self.events.occurrences(
            {space_id},
            now - timedelta(days=PLAN_DAYS_BEFORE + 1),
            now + timedelta(days=PLAN_DAYS_AFTER + 1),
        )
