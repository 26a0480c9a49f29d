"""The hand-written demo organization: Acme Robotics with offices in London and New York."""

from datetime import UTC, date, datetime, time, timedelta

from robin_simulator.calendar import DayPlanner
from robin_simulator.model import Device, Event, Level, Location, Organization, Series, User
from robin_simulator.recurrence import RecurrenceRule

from .building import (
    CONFERENCE_PHONE,
    DISPLAY,
    ORG_CREATED,
    PROJECTOR,
    SETUP_CREATED,
    VIDEO_CONFERENCING,
    WEEKDAYS,
    WHITEBOARD,
    Scenario,
    invitees,
    meeting,
    office_hours,
    room,
)

ORG_ID = 2672
LONDON_ID = 2117
NEW_YORK_ID = 2118
STANDUP_SERIES_ID = "23481829"
QUIET_LOUNGE_SENSOR = 9921
# A device the organization registered for its Home Assistant to report presence with.
HOME_ASSISTANT_DEVICE = 9930
HTML_AGENDA = "<p>Agenda:<br><b>Q3</b> numbers<br><i>Hiring</i> plan</p>"
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = range(5)


def _users() -> list[User]:
    people = [
        (619521, "Ada Lovelace", "Europe/London"),
        (619522, "Charles Babbage", "Europe/London"),
        (619523, "Mary Somerville", "Europe/London"),
        (619524, "Alan Turing", "Europe/London"),
        (619525, "Grace Hopper", "America/New_York"),
        (619526, "Katherine Johnson", "America/New_York"),
        (619527, "Claude Shannon", "America/New_York"),
    ]
    return [
        User(uid, name, f"{name.split()[0].lower()}@acme-robotics.example", zone, SETUP_CREATED)
        for uid, name, zone in people
    ]


def _london() -> Location:
    london = Location(
        id=LONDON_ID,
        account_id=ORG_ID,
        name="London HQ",
        address="1 London Bridge Street, London SE1 9GF, United Kingdom",
        latitude=51.5051679,
        longitude=-0.0873985,
        time_zone="Europe/London",
        created_at=SETUP_CREATED,
        working_hours=office_hours(),
        description="Head office by the river.",
    )
    ground, first = 1001, 1002
    london.levels = [
        Level(ground, "Ground floor", SETUP_CREATED),
        Level(first, "First floor", SETUP_CREATED),
    ]
    london.spaces = [
        room(6351, LONDON_ID, "Thames Room", "conference", 10, level_id=ground,
             description="Front meeting space for up to 10 people.",
             amenities=[DISPLAY, VIDEO_CONFERENCING, WHITEBOARD]),
        room(6352, LONDON_ID, "Fleet Room", "meeting", 4, level_id=ground,
             amenities=[DISPLAY, WHITEBOARD]),
        room(6353, LONDON_ID, "Phone Booth 1", "call", 1, level_id=ground, sim_drop_ins=True,
             amenities=[VIDEO_CONFERENCING]),
        room(6354, LONDON_ID, "Boardroom", "conference", 16, level_id=first, sim_restricted=True,
             amenities=[DISPLAY, VIDEO_CONFERENCING, CONFERENCE_PHONE, PROJECTOR]),
        room(6355, LONDON_ID, "Old Library", "meeting", 8, level_id=first, is_disabled=True,
             amenities=[WHITEBOARD]),
        room(6356, LONDON_ID, "Quiet Lounge", "lounge", 6, level_id=first, bookable=False,
             sim_sensor_device_id=QUIET_LOUNGE_SENSOR),
        room(6357, LONDON_ID, "Desk Area North", "work", 24, level_id=first, bookable=False,
             behaviors=["seats"], sim_drop_ins=True),
    ]  # fmt: skip
    return london


def _new_york() -> Location:
    new_york = Location(
        id=NEW_YORK_ID,
        account_id=ORG_ID,
        name="New York Studio",
        address="85 Broad Street, New York, NY 10004, United States",
        latitude=40.7045,
        longitude=-74.0110,
        time_zone="America/New_York",
        created_at=SETUP_CREATED,
        working_hours=office_hours(),
    )
    new_york.levels = [
        Level(1011, "Floor 11", SETUP_CREATED),
        Level(1012, "Floor 12", SETUP_CREATED),
    ]
    new_york.spaces = [
        room(6361, NEW_YORK_ID, "Hudson Room", "conference", 8, level_id=1011,
             amenities=[DISPLAY, VIDEO_CONFERENCING, CONFERENCE_PHONE]),
        room(6362, NEW_YORK_ID, "Brooklyn Room", "meeting", 6, level_id=1011,
             amenities=[WHITEBOARD, PROJECTOR]),
        room(6363, NEW_YORK_ID, "Focus Room", "study_room", 2, level_id=1012, sim_drop_ins=True),
    ]  # fmt: skip
    return new_york


def _standup(org: Organization, now: datetime) -> Series:
    """The London daily stand-up, a synced Google series that began three months ago."""
    london = org.locations[0]
    thames = london.spaces[0]
    first_day = now.astimezone(london.zone).date() - timedelta(days=90)
    first_day -= timedelta(days=first_day.weekday())  # a Monday
    start = datetime.combine(first_day, time(9, 30), london.zone).astimezone(UTC)
    ada, charles, mary, alan = org.users[:4]
    template = Event(
        id=STANDUP_SERIES_ID,
        space_id=thames.id,
        title="Stand-up",
        start=start,
        end=start + timedelta(minutes=15),
        time_zone=london.time_zone,
        uid="7kq2v0c3standup@google.com",
        organizer_email=ada.email,
        organizer_id=ada.id,
        creator_email=ada.email,
        creator_id=ada.id,
        description="Daily stand-up. Keep it short.",
        remote_event_id="7kq2v0c3standup",
        invitees=invitees(STANDUP_SERIES_ID, ada, [charles, mary, alan], thames),
        created_at=start - timedelta(days=3),
        sim_attendees=4,
    )
    rule = RecurrenceRule(freq="WEEKLY", by_day=frozenset(WEEKDAYS))
    return Series(template=template, rule=rule)


def _planner(org: Organization) -> DayPlanner:
    ada, charles, mary, alan, grace, katherine, claude = org.users
    london, new_york = org.locations
    thames, fleet, _booth, boardroom, *_ = london.spaces
    hudson, brooklyn, focus = new_york.spaces

    def plan_london(day: date) -> list[Event]:
        weekday = day.weekday()
        if weekday not in WEEKDAYS:
            return []
        events = [
            meeting(london, fleet, day, 1, ("10:00", "11:00"), "Design review", charles,
                    [ada, mary], attendees=3),
            # Booked in Robin, but nobody ever turns up: the no-show.
            meeting(london, fleet, day, 2, ("11:00", "12:00"), "Customer call", ada, [alan],
                    synced=False),
        ]  # fmt: skip
        if weekday in {TUESDAY, THURSDAY}:
            events.append(
                meeting(london, thames, day, 3, ("14:00", "15:00"), "Metrics review", mary,
                        [ada, charles, alan], attendees=4, description=HTML_AGENDA)
            )  # fmt: skip
        if weekday == MONDAY:
            events.append(
                meeting(london, boardroom, day, 4, ("16:00", "17:00"), "Leadership sync", ada,
                        [charles, mary, alan], attendees=4)
            )  # fmt: skip
        return events

    def plan_new_york(day: date) -> list[Event]:
        weekday = day.weekday()
        events: list[Event] = []
        if weekday in {MONDAY, WEDNESDAY}:
            events.append(
                meeting(new_york, hudson, day, 1, ("13:00", "14:00"), "Client workshop", grace,
                        [katherine, claude], attendees=3)
            )  # fmt: skip
        if weekday == FRIDAY and day.isocalendar().week % 2 == 0:
            events.append(
                meeting(new_york, hudson, day, 2, None, "Offsite planning", katherine,
                        [grace, claude])
            )  # fmt: skip
        if weekday == THURSDAY:
            events.append(
                meeting(new_york, brooklyn, day, 1, ("09:00", "16:00"), "Quarterly hackathon",
                        claude, [grace, katherine], attendees=3, synced=False)
            )  # fmt: skip
        if weekday == WEDNESDAY:
            events.append(
                meeting(new_york, focus, day, 1, ("15:00", "15:30"), "1:1 Grace / Claude",
                        grace, [claude], attendees=2)
            )  # fmt: skip
        return events

    def plan(location: Location, day: date) -> list[Event]:
        return plan_london(day) if location.id == LONDON_ID else plan_new_york(day)

    return plan


def build_demo(now: datetime) -> Scenario:
    """Acme Robotics, with meetings planned around `now`."""
    org = Organization(
        id=ORG_ID,
        name="Acme Robotics",
        slug="acme-robotics",
        created_at=ORG_CREATED,
        locations=[_london(), _new_york()],
        users=_users(),
        devices=[
            Device(QUIET_LOUNGE_SENSOR, "PIR sensor", SETUP_CREATED, space_id=6356),
            Device(HOME_ASSISTANT_DEVICE, "Home Assistant", SETUP_CREATED,
                   manifest_name="Presence reporter"),
        ],
    )  # fmt: skip
    return Scenario(organization=org, series=[_standup(org, now)], planner=_planner(org))


__all__ = ["build_demo"]
