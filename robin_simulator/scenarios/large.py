"""A generated organization for benchmarks: N locations x M rooms with busy calendars."""

import random
from datetime import date

from robin_simulator.calendar import DayPlanner
from robin_simulator.model import Amenity, Device, Event, Level, Location, Organization, User

from .building import (
    AMENITIES,
    ORG_CREATED,
    SETUP_CREATED,
    WEEKDAYS,
    Scenario,
    meeting,
    office_hours,
    room,
)

ORG_ID = 5000
CITIES = (
    ("London", "Europe/London", 51.5072, -0.1276),
    ("New York", "America/New_York", 40.7128, -74.0060),
)
ROOM_TYPES = ("meeting", "conference", "call", "study_room", "breakout")
FIRST_NAMES = ("Alex", "Billie", "Casey", "Dana", "Eden", "Frankie", "Gray", "Harper")
LAST_NAMES = ("Smith", "Jones", "Garcia", "Chen", "Okafor", "Novak")
MEETING_TITLES = ("Sync", "Planning", "Interview", "Review", "Workshop", "1:1", "Demo")
MEETING_SHARE = 0.35
DROP_IN_EVERY = 5
SENSOR_EVERY = 7


def _users() -> list[User]:
    return [
        User(
            id=800_000 + index,
            name=f"{first} {last}",
            email=f"{first.lower()}.{last.lower()}@globex.example",
            time_zone=CITIES[index % len(CITIES)][1],
            created_at=SETUP_CREATED,
        )
        for index, (first, last) in enumerate(
            (first, last) for last in LAST_NAMES for first in FIRST_NAMES
        )
    ]


def _amenities(number: int) -> list[Amenity]:
    """A fixed mix of the catalogue per room number (a few rooms have none)."""
    return [amenity for bit, amenity in enumerate(AMENITIES) if (number * 7 + 3) >> bit & 1]


def _location(index: int, spaces_per_location: int) -> Location:
    city, zone, latitude, longitude = CITIES[index % len(CITIES)]
    location_id = 6000 + index
    location = Location(
        id=location_id,
        account_id=ORG_ID,
        name=f"{city} Office {index + 1}",
        address=f"{index + 1} Main Street, {city}",
        latitude=latitude,
        longitude=longitude,
        time_zone=zone,
        created_at=SETUP_CREATED,
        working_hours=office_hours(),
    )
    location.spaces = [
        room(
            100_000 + index * 1000 + number,
            location_id,
            f"Room {index + 1}.{number + 1:02d}",
            ROOM_TYPES[number % len(ROOM_TYPES)],
            2 + (number % 6) * 2,
            level_id=_level_id(location_id, number),
            sim_drop_ins=number % DROP_IN_EVERY == 0,
            sim_sensor_device_id=(70_000 + number) if number % SENSOR_EVERY == 0 else None,
            amenities=_amenities(number),
        )
        for number in range(spaces_per_location)
    ]
    level_ids = sorted({space.level_id for space in location.spaces if space.level_id})
    location.levels = [
        Level(level_id, f"Floor {floor}", SETUP_CREATED)
        for floor, level_id in enumerate(level_ids, start=1)
    ]
    return location


def _level_id(location_id: int, number: int) -> int:
    """Ten rooms a floor."""
    return location_id * 10 + number // 10


def _planner(org: Organization, seed: int) -> DayPlanner:
    def plan(location: Location, day: date) -> list[Event]:
        if day.weekday() not in WEEKDAYS:
            return []
        events = []
        for space in location.spaces:
            rng = random.Random(f"{seed}:plan:{space.id}:{day.isoformat()}")
            for hour in range(8, 18):  # at most one meeting per hour keeps rooms conflict-free
                if rng.random() >= MEETING_SHARE:
                    continue
                minutes = rng.choice((30, 45, 60))
                end = f"{hour + 1:02d}:00" if minutes == 60 else f"{hour:02d}:{minutes:02d}"  # noqa: PLR2004
                organizer, *guests = rng.sample(org.users, 3)
                events.append(
                    meeting(
                        location,
                        space,
                        day,
                        hour,
                        (f"{hour:02d}:00", end),
                        rng.choice(MEETING_TITLES),
                        organizer,
                        guests,
                        attendees=rng.choice((0, 1, 2, 3)),
                        synced=rng.random() < 0.8,  # noqa: PLR2004
                    )
                )
        return events

    return plan


def build_large(locations: int, spaces_per_location: int, seed: int) -> Scenario:
    """Globex Corporation with `locations` offices of `spaces_per_location` rooms."""
    org = Organization(
        id=ORG_ID,
        name="Globex Corporation",
        slug="globex",
        created_at=ORG_CREATED,
        locations=[_location(index, spaces_per_location) for index in range(locations)],
        users=_users(),
    )
    org.devices = [
        Device(space.sim_sensor_device_id, "PIR sensor", SETUP_CREATED, space_id=space.id)
        for space in org.spaces()
        if space.sim_sensor_device_id is not None
    ]
    return Scenario(organization=org, series=[], planner=_planner(org, seed))
