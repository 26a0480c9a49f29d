"""Whether a booking is confirmed or tentative, and whether it holds the room at all.

Read from what Robin says about the event: its status and the room's own answer.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from custom_components.robin.api import Event, Invitee, Space
from custom_components.robin.event_status import booking_status, holds_room, is_cancelled

from .api.conftest import load

ROOM_EMAIL = "c_abc123@resource.calendar.google.com"


def _documented() -> tuple[Event, Space]:
    """The documented event (Robin says confirmed, the room accepted) and its room."""
    event = Event.from_json(load("space_events")["data"][0])
    space = Space.from_json(load("spaces")["data"][0])
    return event, space


def _with_room_answer(event: Event, answer: str, email: str = ROOM_EMAIL) -> Event:
    people = [invitee for invitee in event.invitees if not invitee.is_resource]
    room = Invitee(email=email, response_status=answer, is_resource=True)
    return replace(event, invitees=(*people, room))


def test_documented_event_is_confirmed() -> None:
    event, space = _documented()
    assert event.status == "confirmed"
    assert booking_status(event, space) == "confirmed"
    assert not is_cancelled(event)


@pytest.mark.parametrize(
    ("robin_status", "room_answer", "expected"),
    [
        ("confirmed", "accepted", "confirmed"),
        ("confirmed", "not_responded", "tentative"),  # the room has not accepted yet
        ("confirmed", "tentative", "tentative"),
        ("confirmed", "declined", None),  # neither: Home Assistant shows no status
        ("tentative", "accepted", "tentative"),
        ("TENTATIVE", "accepted", "tentative"),
        (None, "accepted", None),  # Robin did not say
        ("unheard-of", "accepted", None),
    ],
)
def test_status_from_robin_and_the_rooms_answer(
    robin_status: str | None, room_answer: str, expected: str | None
) -> None:
    event, space = _documented()
    event = _with_room_answer(replace(event, status=robin_status), room_answer)
    assert booking_status(event, space) == expected


def test_only_the_rooms_own_answer_counts() -> None:
    event, space = _documented()
    other_room = Invitee(email="c_other@resource.example", response_status="tentative")
    event = replace(
        _with_room_answer(event, "accepted"),
        invitees=(
            *_with_room_answer(event, "accepted").invitees,
            replace(other_room, is_resource=True),
        ),
    )
    assert booking_status(event, space) == "confirmed"
    # Without the room's email, a single resource invitee is taken to be the room.
    assert (
        booking_status(_with_room_answer(event, "not_responded", "x@example"), None) == "tentative"
    )


def test_cancelled_events() -> None:
    event, _ = _documented()
    assert is_cancelled(replace(event, status="cancelled"))
    assert is_cancelled(replace(event, status="Cancelled"))
    assert not is_cancelled(replace(event, status=None))


def test_the_documented_booking_holds_its_room() -> None:
    event, space = _documented()
    assert holds_room(event, space)


@pytest.mark.parametrize(
    ("room_answer", "holds"),
    [
        ("accepted", True),
        ("not_responded", True),  # not turned down (yet): shown tentative
        ("tentative", True),
        ("delegated", True),
        ("unknown", True),
        ("none", True),
        ("declined", False),
        ("Declined", False),
    ],
)
def test_a_booking_the_room_declined_does_not_hold_it(room_answer: str, holds: bool) -> None:
    event, space = _documented()
    # Robin's documented payload: the organiser, then the room's resource calendar.
    assert [(i.is_organizer, i.is_resource) for i in event.invitees] == [
        (True, False),
        (False, True),
    ]
    assert holds_room(_with_room_answer(event, room_answer), space) is holds


def test_only_the_rooms_own_decline_frees_it() -> None:
    event, space = _documented()
    declined_elsewhere = Invitee(
        email="c_other@resource.example", response_status="declined", is_resource=True
    )
    # Another room (on a meeting booked in two rooms) declining leaves this one held.
    with_other_room = replace(event, invitees=(*event.invitees, declined_elsewhere))
    assert holds_room(with_other_room, space)
    # A person declining is their own business, not the room's.
    person_declined = replace(
        event,
        invitees=tuple(
            replace(i, response_status="declined") if not i.is_resource else i
            for i in event.invitees
        ),
    )
    assert holds_room(person_declined, space)
    # Without the room's address, the only room invited is taken to be it.
    assert not holds_room(_with_room_answer(event, "declined", "x@example"), None)


def test_a_cancelled_booking_holds_no_room() -> None:
    event, space = _documented()
    assert not holds_room(replace(event, status="cancelled"), space)
