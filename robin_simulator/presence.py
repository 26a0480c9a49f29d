"""Who is in a room right now: a deterministic function of the clock, the schedule and a seed.

Three sources make rooms feel alive: people attending meetings (arriving a minute or two apart,
leaving when the meeting ends; some meetings are no-shows), presence sensors that see someone
in most 20-minute slots of the working day, and short unplanned visits picked by a seeded RNG.
Tests can override all of it per space (`RobinSimulator.start_presence`/`end_presence`), and
add presence in a location but in none of its spaces (`start_location_presence`).
"""

import random
from datetime import datetime, timedelta

from .calendar import EventStore
from .model import Location, Organization, PresenceSession, Space

SENSOR_SLOT = timedelta(minutes=20)
SENSOR_BUSY_SHARE = 0.7
VISIT_SLOT = timedelta(minutes=30)
VISIT_SHARE = 0.25
MEETING_USER_TTL = 600
SENSOR_TTL = 30


def sessions_in(
    space: Space, org: Organization, events: EventStore, now: datetime, seed: int
) -> list[PresenceSession]:
    """The presence sessions in the space at `now` (and ended ones a test added)."""
    if space.sim_manual_presence:
        return list(space.sim_manual_presence)
    location = org.location(space.location_id)
    if location is None or space.is_disabled:
        return []
    scheduled = [
        *_meeting_sessions(space, org, events, now),
        *_sensor_sessions(space, location, now, seed),
        *_visit_sessions(space, location, org, now, seed),
    ]
    cleared_at = space.sim_presence_cleared_at
    return [s for s in scheduled if cleared_at is None or s.arrived_at > cleared_at]


def _meeting_sessions(
    space: Space, org: Organization, events: EventStore, now: datetime
) -> list[PresenceSession]:
    sessions = []
    for event in events.occurrences({space.id}, now, now + timedelta(microseconds=1)):
        if event.is_all_day or event.sim_attendees <= 0:
            continue
        invited = [i.user_id for i in event.invitees if i.user_id is not None and not i.is_resource]
        others = [user.id for user in org.users if user.id not in invited]
        for position, user_id in enumerate((invited + others)[: event.sim_attendees]):
            # People trickle in: one every two minutes after the start.
            arrived_at = event.start + timedelta(minutes=2 * position)
            if arrived_at <= now:
                sessions.append(
                    PresenceSession(
                        location_id=space.location_id,
                        space_id=space.id,
                        arrived_at=arrived_at,
                        user_id=user_id,
                        ttl=MEETING_USER_TTL,
                    )
                )
    return sessions


def _slot_start(location: Location, now: datetime, slot: timedelta) -> datetime | None:
    """Start of the working-hours slot containing `now`, or None outside working hours."""
    for opens, closes in location.opening_hours(now.astimezone(location.zone).date()):
        if opens <= now < closes:
            return opens + slot * ((now - opens) // slot)
    return None


def _sensor_sessions(
    space: Space, location: Location, now: datetime, seed: int
) -> list[PresenceSession]:
    if space.sim_sensor_device_id is None:
        return []
    slot = _slot_start(location, now, SENSOR_SLOT)
    if slot is None:
        return []
    rng = random.Random(f"{seed}:sensor:{space.id}:{slot.isoformat()}")
    if rng.random() >= SENSOR_BUSY_SHARE:
        return []
    return [
        PresenceSession(
            location_id=space.location_id,
            space_id=space.id,
            arrived_at=slot,
            device_id=space.sim_sensor_device_id,
            ttl=SENSOR_TTL,
        )
    ]


def _visit_sessions(
    space: Space, location: Location, org: Organization, now: datetime, seed: int
) -> list[PresenceSession]:
    if not space.sim_drop_ins or not org.users:
        return []
    slot = _slot_start(location, now, VISIT_SLOT)
    if slot is None:
        return []
    rng = random.Random(f"{seed}:visit:{space.id}:{slot.isoformat()}")
    if rng.random() >= VISIT_SHARE:
        return []
    arrived_at = slot + timedelta(minutes=rng.randint(0, 10))
    leaves_at = arrived_at + timedelta(minutes=rng.randint(5, 15))
    if not arrived_at <= now < leaves_at:
        return []
    return [
        PresenceSession(
            location_id=space.location_id,
            space_id=space.id,
            arrived_at=arrived_at,
            user_id=rng.choice(org.users).id,
            ttl=MEETING_USER_TTL,
        )
    ]
