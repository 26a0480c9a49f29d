"""The in-memory model of a Robin organization.

Plain dataclasses, mutable so tests can reshape the organization. Fields prefixed with `sim_`
are simulator-only knobs that never appear in API responses.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .recurrence import RecurrenceRule


@dataclass
class User:
    """A member of the organization."""

    id: int
    name: str
    email: str
    time_zone: str
    created_at: datetime

    @property
    def given_name(self) -> str:
        """First word of the name."""
        return self.name.split(" ", 1)[0]

    @property
    def family_name(self) -> str:
        """Everything after the first word of the name."""
        return self.name.partition(" ")[2]

    @property
    def slug(self) -> str:
        """URL-friendly name, as Robin derives it."""
        return self.name.lower().replace(" ", "-")


@dataclass(frozen=True)
class Amenity:
    """Something a room offers (a display, video conferencing), from the org's catalogue."""

    id: int
    name: str
    created_at: datetime


@dataclass(frozen=True)
class Device:
    """A registered device of the organization (a sensor, or something reporting presence)."""

    id: int
    name: str
    created_at: datetime
    space_id: int | None = None
    manifest_name: str = "Presence sensor"


@dataclass
class Calendar:
    """The external (Google/Microsoft) resource calendar bound to a space."""

    remote_type: str
    resource_email: str
    created_at: datetime


@dataclass
class PresenceSession:
    """Someone (a user) or something (a sensor device) present in a space, or in a location."""

    location_id: int
    # None: present in the location but in none of its spaces (location-level presence).
    space_id: int | None
    arrived_at: datetime
    user_id: int | None = None
    device_id: int | None = None
    ttl: int = 30
    # Set for sessions reported through the API: when they were last posted.
    last_seen_at: datetime | None = None
    # False: the session has ended, yet Robin still lists it (`session_active: false`).
    active: bool = True


@dataclass
class Space:
    """A room, booth or area inside a location."""

    id: int
    location_id: int
    level_id: int | None
    name: str
    type: str | None
    capacity: int | None
    created_at: datetime
    description: str = ""
    behaviors: list[str] = field(default_factory=list)
    calendar: Calendar | None = None
    is_disabled: bool = False
    is_accessible: bool = False
    # Robin hides who may book; the simulator knows: restricted rooms are admin-only.
    sim_restricted: bool = False
    # A presence sensor in the room reports device sessions during working hours.
    sim_sensor_device_id: int | None = None
    # People pop in for short unplanned visits during working hours.
    sim_drop_ins: bool = False
    # Presence set by tests: while non-empty it replaces the schedule.
    sim_manual_presence: list[PresenceSession] = field(default_factory=list)
    # "Everyone left" at this instant: scheduled sessions that began earlier are hidden.
    sim_presence_cleared_at: datetime | None = None
    # What the room offers (served with `include=space_amenities`).
    amenities: list[Amenity] = field(default_factory=list)

    @property
    def is_bookable(self) -> bool:
        """Bookable rooms have a calendar and the scheduling behavior."""
        return self.calendar is not None and "scheduling" in self.behaviors


@dataclass
class Level:
    """A floor of a location; spaces refer to it by `level_id`."""

    id: int
    name: str
    created_at: datetime


@dataclass
class TimeFrame:
    """Opening hours within one day, local time."""

    start: time
    end: time


@dataclass
class Location:
    """An office building."""

    id: int
    account_id: int
    name: str
    address: str
    latitude: float
    longitude: float
    time_zone: str
    created_at: datetime
    # Keyed by Robin's day number: 0 = Sunday ... 6 = Saturday.
    working_hours: dict[int, list[TimeFrame]] = field(default_factory=dict)
    spaces: list[Space] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)
    description: str = ""
    # The name the API reports instead of `time_zone` (e.g. an invalid one); None: the same.
    reported_time_zone: str | None = None
    # Presence set by tests in the location but in none of its spaces (`space_id: null`).
    sim_location_presence: list[PresenceSession] = field(default_factory=list)

    @property
    def zone(self) -> ZoneInfo:
        """The location's time zone."""
        return ZoneInfo(self.time_zone)

    def opening_hours(self, day: date) -> list[tuple[datetime, datetime]]:
        """The working-hour intervals of a local calendar day, as aware datetimes."""
        robin_day = day.isoweekday() % 7
        return [
            (
                datetime.combine(day, frame.start, self.zone),
                datetime.combine(day, frame.end, self.zone),
            )
            for frame in self.working_hours.get(robin_day, [])
        ]


@dataclass
class Organization:
    """The Robin organization (account) with its locations and members."""

    id: int
    name: str
    slug: str
    created_at: datetime
    locations: list[Location] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)
    # When Robin disabled the organization (e.g. its subscription ended); None: active.
    disabled_at: datetime | None = None

    def spaces(self) -> list[Space]:
        """All spaces of all locations."""
        return [space for location in self.locations for space in location.spaces]

    def location(self, location_id: int) -> Location | None:
        """The location with that id, if any."""
        return next((loc for loc in self.locations if loc.id == location_id), None)

    def space(self, space_id: int) -> Space | None:
        """The space with that id, if any."""
        return next((space for space in self.spaces() if space.id == space_id), None)

    def user(self, user_id: int | None) -> User | None:
        """The member with that id, if any."""
        return next((user for user in self.users if user.id == user_id), None)

    def device(self, device_id: int | None) -> Device | None:
        """The registered device with that id, if any."""
        return next((device for device in self.devices if device.id == device_id), None)

    def user_by_email(self, email: str) -> User | None:
        """The member with that email (case-insensitive), if any."""
        wanted = email.lower()
        return next((user for user in self.users if user.email.lower() == wanted), None)


@dataclass
class Invitee:
    """A person or room resource invited to an event."""

    id: str
    email: str
    display_name: str
    user_id: int | None = None
    response_status: str = "accepted"
    is_organizer: bool = False
    is_resource: bool = False


@dataclass
class Confirmation:
    """A check-in on an event."""

    event_id: str
    confirmed_at: datetime
    user_id: int | None = None
    device_id: int | None = None


@dataclass
class Event:
    """One concrete meeting in a space (a single event or one occurrence of a series)."""

    id: str
    space_id: int
    title: str
    start: datetime
    end: datetime
    time_zone: str
    uid: str
    organizer_email: str
    description: str = ""
    is_all_day: bool = False
    organizer_id: int | None = None
    creator_email: str = ""
    creator_id: int | None = None
    creation_type: str = "synced"
    remote_type: str | None = "google"
    remote_event_id: str | None = None
    visibility: str = "default"
    # Robin only ever showed "confirmed"; "tentative" and "cancelled" are guesses to test with.
    status: str = "confirmed"
    invitees: list[Invitee] = field(default_factory=list)
    series_id: str | None = None
    recurrence_id: str | None = None
    recurrence: list[str] | None = None
    created_at: datetime | None = None
    # How many people turn up (0 = a no-show meeting).
    sim_attendees: int = 0

    @property
    def room_declined(self) -> bool:
        """Whether the room's resource calendar turned the meeting down."""
        return any(
            invitee.is_resource and invitee.response_status == "declined"
            for invitee in self.invitees
        )


@dataclass
class Series:
    """A recurring meeting: a template event plus its rule and per-occurrence exceptions."""

    template: Event
    rule: RecurrenceRule
    # recurrence ids of cancelled occurrences
    cancelled: set[str] = field(default_factory=set)
    # recurrence id -> the moved or edited occurrence
    overrides: dict[str, Event] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The master event id."""
        return self.template.id

    @property
    def duration(self) -> timedelta:
        """How long each occurrence lasts."""
        return self.template.end - self.template.start


@dataclass
class TokenGrant:
    """An access token the simulator accepts.

    `user_id` None: an account-level token with no user behind it (`/me` answers 404, and
    a check-in must name one of the organization's devices).
    """

    token: str
    id: int
    user_id: int | None
    created_at: datetime
    scopes: tuple[str, ...] = ("basic_read", "basic_write")
    organization_ids: tuple[int, ...] = ()
    can_list_organizations: bool = True
    expire_at: datetime | None = None
    revoked: bool = False
    name: str = "Home Assistant"

    @property
    def can_write(self) -> bool:
        """Whether the token may create, change or cancel things."""
        return "basic_write" in self.scopes
