"""Helpers the scenarios share to describe offices and meetings concisely."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from robin_simulator.calendar import DayPlanner
from robin_simulator.model import (
    Amenity,
    Calendar,
    Event,
    Invitee,
    Location,
    Organization,
    Series,
    Space,
    TimeFrame,
    User,
)

# Fixed creation dates keep payloads identical from run to run.
ORG_CREATED = datetime(2015, 5, 26, 19, 59, 38, tzinfo=UTC)
SETUP_CREATED = datetime(2019, 3, 4, 9, 0, 0, tzinfo=UTC)
WEEKDAYS = range(5)  # Monday..Friday, Python numbering

# The organization's amenity catalogue, shared by the scenarios.
DISPLAY = Amenity(301, "Display", SETUP_CREATED)
VIDEO_CONFERENCING = Amenity(302, "Video conferencing", SETUP_CREATED)
WHITEBOARD = Amenity(303, "Whiteboard", SETUP_CREATED)
CONFERENCE_PHONE = Amenity(304, "Conference phone", SETUP_CREATED)
PROJECTOR = Amenity(305, "Projector", SETUP_CREATED)
AMENITIES = (DISPLAY, VIDEO_CONFERENCING, WHITEBOARD, CONFERENCE_PHONE, PROJECTOR)


@dataclass
class Scenario:
    """A ready organization plus how its calendars fill up."""

    organization: Organization
    series: list[Series]
    planner: DayPlanner


def office_hours(opens: str = "08:30", closes: str = "18:00") -> dict[int, list[TimeFrame]]:
    """Robin working hours: Monday (1) to Friday (5); Sunday (0) and Saturday (6) closed."""
    frame = TimeFrame(time.fromisoformat(opens), time.fromisoformat(closes))
    hours: dict[int, list[TimeFrame]] = {day: [frame] for day in range(1, 6)}
    hours.update({0: [], 6: []})
    return hours


def google_calendar(slug: str) -> Calendar:
    """A Google resource calendar for a room."""
    return Calendar("google", f"c_{slug}@resource.calendar.google.com", SETUP_CREATED)


def room(
    space_id: int,
    location_id: int,
    name: str,
    space_type: str | None,
    capacity: int,
    *,
    level_id: int | None = None,
    bookable: bool = True,
    description: str = "",
    **knobs: object,
) -> Space:
    """A space; bookable rooms get a Google calendar and the scheduling behavior."""
    slug = name.lower().replace(" ", "-")
    space = Space(
        id=space_id,
        location_id=location_id,
        level_id=level_id,
        name=name,
        type=space_type,
        capacity=capacity,
        created_at=SETUP_CREATED,
        description=description,
        behaviors=["scheduling"] if bookable else [],
        calendar=google_calendar(slug) if bookable else None,
        is_accessible=capacity >= 4,  # noqa: PLR2004 - bigger rooms are step-free in the demo
    )
    for knob, value in knobs.items():
        setattr(space, knob, value)
    return space


def event_id(day: date, space: Space, slot: int) -> str:
    """A stable id for a planned meeting: the same day, room and slot give the same id."""
    return f"{day.toordinal()}{space.id:06d}{slot:02d}"


def invitees(event_key: str, organizer: User, guests: list[User], space: Space) -> list[Invitee]:
    """The organizer, the guests and (for rooms with a calendar) the room resource."""
    people = [
        Invitee(
            id=f"{event_key}{index:02d}",
            email=user.email,
            display_name=user.name,
            user_id=user.id,
            response_status="accepted" if index == 0 else "not_responded",
            is_organizer=index == 0,
        )
        for index, user in enumerate([organizer, *guests])
    ]
    if space.calendar is not None:
        people.append(
            Invitee(
                id=f"{event_key}99",
                email=space.calendar.resource_email,
                display_name=space.name,
                is_resource=True,
            )
        )
    return people


def meeting(  # noqa: PLR0917 - reads like a diary entry at the call sites
    location: Location,
    space: Space,
    day: date,
    slot: int,
    hours: tuple[str, str] | None,
    title: str,
    organizer: User,
    guests: list[User],
    *,
    attendees: int = 0,
    description: str = "",
    synced: bool = True,
) -> Event:
    """A planned meeting on a local day; `hours=None` makes it all-day."""
    zone = location.zone
    if hours is None:
        start = datetime.combine(day, time(0), zone)
        end = datetime.combine(day + timedelta(days=1), time(0), zone)
    else:
        start = datetime.combine(day, time.fromisoformat(hours[0]), zone)
        end = datetime.combine(day, time.fromisoformat(hours[1]), zone)
    key = event_id(day, space, slot)
    return Event(
        id=key,
        space_id=space.id,
        title=title,
        start=start.astimezone(UTC),
        end=end.astimezone(UTC),
        time_zone=location.time_zone,
        uid=f"sim{key}@google.com" if synced else f"{key}@robinpowered.com",
        organizer_email=organizer.email,
        organizer_id=organizer.id,
        creator_email=organizer.email,
        creator_id=organizer.id,
        description=description,
        is_all_day=hours is None,
        creation_type="synced" if synced else "manual",
        remote_type=space.calendar.remote_type if space.calendar else None,
        remote_event_id=f"sim{key}" if synced else None,
        invitees=invitees(key, organizer, guests, space),
        created_at=start.astimezone(UTC) - timedelta(days=7),
        sim_attendees=attendees,
    )
