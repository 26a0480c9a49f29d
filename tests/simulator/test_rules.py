"""Robin's booking rules decided without HTTP: what a booking, an edit or a check-in may do."""

from datetime import UTC, datetime, timedelta

import pytest

from robin_simulator import RobinSimulator
from robin_simulator.errors import ApiError
from robin_simulator.rules import (
    Window,
    check_can_confirm,
    check_free,
    check_update,
    read_rule,
    read_visibility,
    read_window,
    requested_invitees,
)

from .conftest import TUESDAY_MORNING

WEEKLY = ["RRULE:FREQ=WEEKLY;COUNT=4"]


def refusal(error: pytest.ExceptionInfo[ApiError]) -> tuple[int, str | None]:
    return error.value.status, error.value.reason


@pytest.fixture
def sim() -> RobinSimulator:
    return RobinSimulator("demo", now=TUESDAY_MORNING)


def test_a_weekly_booking_conflicts_with_a_meeting_in_a_later_week(sim: RobinSimulator):
    room = sim.find_space("Phone Booth 1")
    next_week = TUESDAY_MORNING + timedelta(days=7)
    sim.add_event(room.id, "Taken", next_week, next_week + timedelta(hours=1))
    window = Window(TUESDAY_MORNING, TUESDAY_MORNING + timedelta(minutes=30), "Europe/London")
    check_free(sim.events, room.id, (window, None), TUESDAY_MORNING)  # this week is free
    with pytest.raises(ApiError) as error:
        check_free(sim.events, room.id, (window, read_rule({"recurrence": WEEKLY})), sim.now())
    assert refusal(error) == (400, "event_conflict")


def test_a_moved_meeting_may_overlap_its_own_old_time(sim: RobinSimulator):
    room = sim.find_space("Phone Booth 1")
    start = TUESDAY_MORNING + timedelta(hours=1)
    event = sim.add_event(room.id, "Mine", start, start + timedelta(hours=1))
    later = Window(start + timedelta(minutes=30), start + timedelta(minutes=90), "UTC")
    check_free(sim.events, room.id, (later, None), sim.now(), ignore=event.id)
    with pytest.raises(ApiError) as error:
        check_free(sim.events, room.id, (later, None), sim.now())
    assert refusal(error) == (400, "event_conflict")


@pytest.mark.parametrize(
    ("recurrence", "reason"),
    [("FREQ=DAILY", "invalid_recurrence"), (["RRULE:FREQ=YEARLY"], "invalid_recurrence")],
)
def test_recurrence_must_be_supported_rrule_lines(recurrence: object, reason: str):
    with pytest.raises(ApiError) as error:
        read_rule({"recurrence": recurrence})
    assert refusal(error) == (400, reason)


def test_visibility_is_one_robin_knows():
    assert read_visibility("private") == "private"
    with pytest.raises(ApiError) as error:
        read_visibility("secret")
    assert refusal(error) == (400, "invalid_request")


@pytest.mark.parametrize(
    ("body", "is_master", "reason"),
    [
        ({"recurrence": WEEKLY}, False, "invalid_recurrence"),
        ({"start": {"date_time": "2024-06-04T10:00:00Z"}}, True, "invalid_event_time"),
    ],
)
def test_an_edit_changes_recurrence_on_the_master_and_both_times_together(
    body: dict[str, object], is_master: bool, reason: str
):
    with pytest.raises(ApiError) as error:
        check_update(body, is_master=is_master)
    assert refusal(error) == (400, reason)
    check_update({"recurrence": WEEKLY, "title": "Renamed"}, is_master=True)


def test_a_booking_needs_both_times():
    with pytest.raises(ApiError) as error:
        read_window({"start": {"date_time": "2024-06-04T10:00:00Z"}}, "UTC")
    assert refusal(error) == (400, "invalid_event_time")


def test_a_meeting_is_checked_in_once_and_not_after_it_ended(sim: RobinSimulator):
    room = sim.find_space("Phone Booth 1")
    event = sim.add_event(
        room.id, "Stand-up", TUESDAY_MORNING, TUESDAY_MORNING + timedelta(hours=1)
    )
    check_can_confirm(event, confirmed=False, now=TUESDAY_MORNING)
    with pytest.raises(ApiError) as error:
        check_can_confirm(event, confirmed=True, now=TUESDAY_MORNING)
    assert refusal(error) == (400, "event_already_confirmed")
    with pytest.raises(ApiError) as error:
        check_can_confirm(event, confirmed=False, now=datetime(2024, 6, 4, 8, 0, tzinfo=UTC))
    assert refusal(error) == (400, "too_late_to_confirm_event")


def test_only_members_of_the_organization_are_invited(sim: RobinSimulator):
    member = sim.organization.users[1]
    kept = requested_invitees(
        sim.organization, "77", [{"email": member.email}, {"email": "stranger@example.com"}, 5]
    )
    assert [(invitee.email, invitee.user_id) for invitee in kept] == [(member.email, member.id)]
    with pytest.raises(ApiError) as error:
        requested_invitees(sim.organization, "77", {"email": member.email})
    assert refusal(error) == (400, "invalid_request")
