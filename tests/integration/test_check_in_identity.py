"""Checking in with a token that is not a user's: as the Robin device for Home Assistant.

robin-api.md §2.6: `PUT /events/{id}/confirmation` needs `{device_id}` when the token is not
a user's. The simulator's ACCOUNT_TOKEN has no user behind it (`/me` answers 404) and refuses
a check-in without a device; its demo organization has the device named "Home Assistant".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_URL, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import (
    CONF_CHECK_IN_ON_ARRIVAL,
    CONF_LOCATIONS,
    CONF_NO_SHOW_GRACE,
    CONF_REPORT_PRESENCE,
    EVENT_BOOKING_CHECKED_IN,
)
from custom_components.robin.office_actions import office_actor
from robin_simulator import ACCOUNT_TOKEN, RobinSimulator
from robin_simulator.model import Device
from robin_simulator.scenarios.demo import HOME_ASSISTANT_DEVICE

from .common import (
    DOMAIN,
    api_calls,
    call_action,
    device_with_identifier,
    meeting,
    room_target,
    setup_with_options,
    titled,
)
from .conftest import MONDAY_MORNING, advance, entry_for
from .office import CUSTOMER_CALL_START, POLL, capture, customer_call, run_until, writes

ME = "GET /v1.0/me"
NEEDS_DEVICE = (
    "Robin checks in with this access token only as a Robin device, and Acme Robotics has no "
    'device named "Home Assistant".'
)
NO_DEVICE_LOG = "Bookings are not checked in on arrival"


def devices_read(simulator: RobinSimulator) -> int:
    """Return how often the organization's devices were listed."""
    path = f"GET /v1.0/organizations/{simulator.organization.id}/devices"
    return api_calls(simulator).count(path)


def confirmations(simulator: RobinSimulator) -> list[str]:
    """Return the check-ins Home Assistant asked for, as "PUT /path"."""
    return [call for call in writes(simulator) if call.endswith("/confirmation")]


def without_the_device(simulator: RobinSimulator) -> Device:
    """Delete the Robin device named "Home Assistant"; return it."""
    organization = simulator.organization
    ours = next(d for d in organization.devices if d.id == HOME_ASSISTANT_DEVICE)
    organization.devices.remove(ours)
    return ours


def no_device_issue(hass: HomeAssistant, entry: MockConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"no_check_in_device_{entry.entry_id}")


# --- the robin.check_in action ---------------------------------------------------------------


async def test_an_account_token_checks_in_as_the_home_assistant_device(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_with_options(hass, config_entry, token=ACCOUNT_TOKEN)
    review = meeting(simulator, "Fleet Room", "Design review")
    simulator.reset_requests()
    response = await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    assert response["booking"]["id"] == review.id
    # Robin shows the booking checked in by the device, not by anybody.
    confirmation = simulator.events.confirmations[review.id]
    assert (confirmation.device_id, confirmation.user_id) == (HOME_ASSISTANT_DEVICE, None)
    assert confirmation.confirmed_at == MONDAY_MORNING
    # Asked once: whether a user is behind the token, then the device; the check-in once.
    assert confirmations(simulator) == [f"PUT /v1.0/events/{review.id}/confirmation"]
    assert api_calls(simulator).count(ME) == 1
    assert devices_read(simulator) == 1

    # Known from then on: the next check-in is one request.
    await advance(hass, freezer, timedelta(seconds=3))
    thames = simulator.find_space("Thames Room")
    later = simulator.add_event(
        thames.id,
        "Retro",
        MONDAY_MORNING + timedelta(minutes=5),
        MONDAY_MORNING + timedelta(hours=1),
    )
    simulator.reset_requests()
    await call_action(
        hass, "check_in", {"booking_id": later.id}, room_target(hass, simulator, "Thames Room")
    )
    assert simulator.events.confirmations[later.id].device_id == HOME_ASSISTANT_DEVICE
    assert ME not in api_calls(simulator)
    assert devices_read(simulator) == 0


async def test_without_the_device_nothing_is_checked_in_and_the_error_says_why(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    ours = without_the_device(simulator)
    await setup_with_options(hass, config_entry, token=ACCOUNT_TOKEN)
    review = meeting(simulator, "Fleet Room", "Design review")
    target = room_target(hass, simulator, "Fleet Room")
    simulator.reset_requests()
    for _ in range(2):
        with pytest.raises(HomeAssistantError) as err:
            await call_action(hass, "check_in", {}, target)
        assert not isinstance(err.value, ServiceValidationError)
        assert err.value.translation_key == "check_in_needs_device"
        assert str(err.value).startswith(NEEDS_DEVICE)
        await advance(hass, freezer, timedelta(seconds=3))
    # Robin was never asked to check in; the device was looked for at each action.
    assert review.id not in simulator.events.confirmations
    assert confirmations(simulator) == []
    assert api_calls(simulator).count(ME) == 1
    assert devices_read(simulator) == 2

    # Registered in Robin meanwhile: the next action finds it and checks in.
    simulator.organization.devices.append(ours)
    await call_action(hass, "check_in", {}, target)
    assert simulator.events.confirmations[review.id].device_id == HOME_ASSISTANT_DEVICE


# --- user tokens -------------------------------------------------------------------------------


async def test_a_user_token_checks_in_as_its_user_without_a_device(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
) -> None:
    review = meeting(simulator, "Fleet Room", "Design review")
    simulator.reset_requests()
    await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    confirmation = simulator.events.confirmations[review.id]
    assert (confirmation.user_id, confirmation.device_id) == (619521, None)
    assert devices_read(simulator) == 0


async def test_robin_refusing_the_empty_body_gets_it_once_more_with_the_device(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """`/me` answers, yet Robin wants a device: the refused check-in is sent as the device."""
    review = meeting(simulator, "Fleet Room", "Design review")
    target = room_target(hass, simulator, "Fleet Room")
    simulator.faults.fail_next(400, path="/confirmation", method="PUT")
    simulator.reset_requests()
    await call_action(hass, "check_in", {}, target)
    confirmation = simulator.events.confirmations[review.id]
    assert (confirmation.user_id, confirmation.device_id) == (None, HOME_ASSISTANT_DEVICE)
    assert confirmations(simulator) == [f"PUT /v1.0/events/{review.id}/confirmation"] * 2
    assert devices_read(simulator) == 1

    # A second check-in of it is refused for the event: not sent once more.
    await advance(hass, freezer, timedelta(seconds=3))
    simulator.reset_requests()
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "check_in", {"booking_id": review.id}, target)
    assert err.value.translation_key == "booking_refused"
    assert len(confirmations(simulator)) == 1


async def test_robin_refusing_the_empty_body_without_a_device_says_both(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
) -> None:
    without_the_device(simulator)
    review = meeting(simulator, "Fleet Room", "Design review")
    simulator.faults.fail_next(400, path="/confirmation", method="PUT")
    simulator.reset_requests()
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    assert err.value.translation_key == "check_in_refused_needs_device"
    assert str(err.value).startswith(
        "Robin refused to check in Fleet Room as the token's user (Simulated failure (400)), "
        'and Acme Robotics has no Robin device named "Home Assistant"'
    )
    assert review.id not in simulator.events.confirmations
    assert len(confirmations(simulator)) == 1


# --- the office's check-in on arrival ----------------------------------------------------------


async def test_people_arriving_check_in_as_the_device(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_with_options(
        hass, config_entry, token=ACCOUNT_TOKEN, **{CONF_CHECK_IN_ON_ARRIVAL: True}
    )
    call = customer_call(simulator)
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    simulator.reset_requests()
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=3))
    assert confirmations(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"]
    confirmation = simulator.events.confirmations[call.id]
    assert (confirmation.device_id, confirmation.user_id) == (HOME_ASSISTANT_DEVICE, None)
    assert [event.data["booking_id"] for event in checked_in] == [call.id]
    assert no_device_issue(hass, config_entry) is None


@pytest.mark.usefixtures("time_zone")
async def test_without_the_device_the_office_tells_once_and_stops_asking(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    without_the_device(simulator)
    await setup_with_options(
        hass, config_entry, token=ACCOUNT_TOKEN, **{CONF_CHECK_IN_ON_ARRIVAL: True}
    )
    call = customer_call(simulator)
    # A second booking people arrive for, in another room, a few minutes later.
    thames = simulator.find_space("Thames Room")
    retro_start = CUSTOMER_CALL_START + timedelta(minutes=10)
    retro = simulator.add_event(thames.id, "Retro", retro_start, retro_start + timedelta(hours=1))
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    caplog.set_level(logging.WARNING, logger="custom_components.robin")
    caplog.clear()
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    simulator.reset_requests()
    await run_until(hass, freezer, retro_start + timedelta(minutes=1))
    simulator.start_presence(thames.id)
    await run_until(hass, freezer, retro_start + timedelta(minutes=10) + 3 * POLL)

    # Robin was never asked to check in; the device was looked for once, the user once.
    assert confirmations(simulator) == []
    assert call.id not in simulator.events.confirmations
    assert retro.id not in simulator.events.confirmations
    assert checked_in == []
    assert devices_read(simulator) == 1
    assert api_calls(simulator).count(ME) == 1
    told = [r.getMessage() for r in caplog.records if NO_DEVICE_LOG in r.getMessage()]
    assert len(told) == 1
    assert NEEDS_DEVICE in told[0]
    issue = no_device_issue(hass, config_entry)
    assert issue is not None
    assert issue.translation_placeholders == {
        "organization": "Acme Robotics",
        "device": "Home Assistant",
    }

    # A reload looks for the device again at once; Robin still has none: the issue stays.
    read_before = devices_read(simulator)
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert devices_read(simulator) == read_before + 1
    assert no_device_issue(hass, config_entry) is not None


async def test_a_check_in_given_up_for_want_of_the_device_is_made_once_an_action_finds_it(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The device registered in Robin, a check-in someone asks for finds it: no reload needed.

    Of the bookings given up for want of it, the one whose check-in window is still open
    (and its room occupied) is checked in; the one whose window closed meanwhile is not.
    """
    ours = without_the_device(simulator)
    await setup_with_options(
        hass, config_entry, token=ACCOUNT_TOKEN, **{CONF_CHECK_IN_ON_ARRIVAL: True}
    )
    call = customer_call(simulator)  # the Fleet Room, 11:00: checked in until 11:10
    thames = simulator.find_space("Thames Room")
    retro_start = CUSTOMER_CALL_START - timedelta(minutes=10)  # checked in until 11:00
    retro = simulator.add_event(thames.id, "Retro", retro_start, retro_start + timedelta(hours=1))
    boardroom = simulator.find_space("Boardroom")
    sync = simulator.add_event(
        boardroom.id, "Board sync", CUSTOMER_CALL_START, CUSTOMER_CALL_START + timedelta(hours=1)
    )
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    await run_until(hass, freezer, retro_start + timedelta(minutes=1))
    simulator.start_presence(thames.id)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=5))
    assert no_device_issue(hass, config_entry) is not None
    assert confirmations(simulator) == []

    # 11:05: registered in Robin; checking the Boardroom in by hand finds it.
    simulator.organization.devices.append(ours)
    simulator.reset_requests()
    await call_action(hass, "check_in", {}, room_target(hass, simulator, "Boardroom"))
    await hass.async_block_till_done(wait_background_tasks=True)
    put = "PUT /v1.0/events/{}/confirmation"
    assert sorted(confirmations(simulator)) == sorted([put.format(sync.id), put.format(call.id)])
    assert simulator.events.confirmations[call.id].device_id == HOME_ASSISTANT_DEVICE
    assert [event.data["booking_id"] for event in checked_in] == [call.id]
    assert no_device_issue(hass, config_entry) is None

    # Once: not again at the next polls; the Retro's window closed at 11:00.
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=20))
    assert confirmations(simulator).count(put.format(call.id)) == 1
    assert retro.id not in simulator.events.confirmations
    assert put.format(retro.id) not in confirmations(simulator)
    assert [event.data["booking_id"] for event in checked_in] == [call.id]
    assert devices_read(simulator) == 1
    # Nor is anything kept of the Retro: its window closed before the device was found.
    assert retro.id not in office_actor(hass, config_entry)._read_before_check_in


@pytest.mark.usefixtures("time_zone")
async def test_a_check_in_given_up_for_want_of_the_device_is_forgotten_as_its_window_closes(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """People come to the Customer call at 11:02 and leave at 11:04; the device is found at 11:05.

    Nobody is there for the call any more: it is not checked in, and what the office kept
    to read its check-in anew goes as its window closes (11:10), not days later.
    """
    ours = without_the_device(simulator)
    await setup_with_options(
        hass, config_entry, token=ACCOUNT_TOKEN, **{CONF_CHECK_IN_ON_ARRIVAL: True}
    )
    call = customer_call(simulator)
    boardroom = simulator.find_space("Boardroom")
    sync = simulator.add_event(
        boardroom.id, "Board sync", CUSTOMER_CALL_START, CUSTOMER_CALL_START + timedelta(hours=1)
    )
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    fleet = simulator.find_space("Fleet Room")
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.start_presence(fleet.id)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=4))
    assert no_device_issue(hass, config_entry) is not None
    simulator.end_presence(fleet.id)

    # 11:05: registered in Robin; checking the Boardroom in by hand finds it.
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=5))
    simulator.organization.devices.append(ours)
    simulator.reset_requests()
    await call_action(hass, "check_in", {}, room_target(hass, simulator, "Boardroom"))
    window_closes = CUSTOMER_CALL_START + timedelta(minutes=10)
    await run_until(hass, freezer, window_closes - timedelta(seconds=1))
    actor = office_actor(hass, config_entry)
    assert call.id in actor._read_before_check_in  # read anew should people come back

    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00
    assert call.id not in actor._read_before_check_in
    await run_until(hass, freezer, window_closes + timedelta(minutes=5))
    assert confirmations(simulator) == [f"PUT /v1.0/events/{sync.id}/confirmation"]
    assert checked_in == []


@pytest.mark.usefixtures("time_zone")
async def test_a_booking_checked_in_by_hand_as_the_device_is_found_is_not_checked_in_again(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The office reads the check-in anew before it tries the booking it gave up again."""
    ours = without_the_device(simulator)
    await setup_with_options(
        hass, config_entry, token=ACCOUNT_TOKEN, **{CONF_CHECK_IN_ON_ARRIVAL: True}
    )
    call = customer_call(simulator)
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=5))
    assert no_device_issue(hass, config_entry) is not None

    # The user registers the device and checks the Customer call in by hand.
    simulator.organization.devices.append(ours)
    simulator.reset_requests()
    caplog.set_level(logging.WARNING, logger="custom_components.robin")
    caplog.clear()
    response = await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    assert response["booking"]["id"] == call.id
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=15))
    assert confirmations(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"]
    assert checked_in == []  # checked in by hand, not by the office
    assert not [r for r in caplog.records if "Could not check in" in r.getMessage()]


@pytest.mark.usefixtures("time_zone")
async def test_a_check_in_given_up_for_want_of_the_device_is_made_when_the_hourly_look_finds_it(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Presence reports look for the device hourly; the office checks in as soon as it is found.

    A grace period of 20 minutes keeps the Customer call's check-in window open until 11:20,
    past the hourly look at 11:15 (an hour after the reporter's look at setup).
    """
    ours = without_the_device(simulator)
    await setup_with_options(
        hass,
        config_entry,
        token=ACCOUNT_TOKEN,
        **{CONF_CHECK_IN_ON_ARRIVAL: True, CONF_REPORT_PRESENCE: True, CONF_NO_SHOW_GRACE: 20},
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    call = customer_call(simulator)
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=5))
    assert no_device_issue(hass, config_entry) is not None
    assert confirmations(simulator) == []

    simulator.organization.devices.append(ours)  # 11:05
    simulator.reset_requests()
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=14))
    assert devices_read(simulator) == 0  # the hour is not over
    assert confirmations(simulator) == []

    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=25))
    assert devices_read(simulator) == 1
    assert confirmations(simulator) == [f"PUT /v1.0/events/{call.id}/confirmation"]
    assert simulator.events.confirmations[call.id].device_id == HOME_ASSISTANT_DEVICE
    assert [event.data["booking_id"] for event in checked_in] == [call.id]
    assert no_device_issue(hass, config_entry) is None


# --- Robin failing to answer who the token is, or which devices it has --------------------------


def _reads_of_me(simulator: RobinSimulator) -> int:
    return api_calls(simulator).count(ME)


@pytest.mark.parametrize(
    ("failing", "reads", "devices_read_at_failure"),
    [("/v1.0/me", _reads_of_me, 0), ("/devices", devices_read, 1)],
    ids=["whose_token", "which_devices"],
)
async def test_robin_failing_to_say_whose_token_or_which_devices_is_asked_again(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    failing: str,
    reads: Callable[[RobinSimulator], int],
    devices_read_at_failure: int,
) -> None:
    """A 5xx from `/me` or the device list says nothing of the token or the device.

    Not taken for "no user behind it" nor for a missing device: Robin's failure is told,
    not the advice to register a device it may well have, and the next check-in asks again.
    """
    await setup_with_options(hass, config_entry, token=ACCOUNT_TOKEN)
    review = meeting(simulator, "Fleet Room", "Design review")
    target = room_target(hass, simulator, "Fleet Room")
    simulator.faults.fail_next(500, path=failing, method="GET")
    simulator.reset_requests()
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "check_in", {}, target)
    assert err.value.translation_key == "robin_failed"
    assert confirmations(simulator) == []
    assert reads(simulator) == 1
    # Whose token it is comes first: no device is looked for until Robin has said.
    assert devices_read(simulator) == devices_read_at_failure

    await advance(hass, freezer, timedelta(seconds=3))
    await call_action(hass, "check_in", {}, target)
    assert reads(simulator) == 2
    assert simulator.events.confirmations[review.id].device_id == HOME_ASSISTANT_DEVICE


async def test_a_token_refused_the_list_of_devices_is_told_it_needs_the_device(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
) -> None:
    """A token may not list the organization's devices: as good as none for Home Assistant."""
    await setup_with_options(hass, config_entry, token=ACCOUNT_TOKEN)
    review = meeting(simulator, "Fleet Room", "Design review")
    simulator.faults.refuse(403, f"organizations/{simulator.organization.id}/devices")
    simulator.reset_requests()
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    assert err.value.translation_key == "check_in_needs_device"
    assert str(err.value).startswith(NEEDS_DEVICE)
    assert devices_read(simulator) == 1
    assert confirmations(simulator) == []
    assert review.id not in simulator.events.confirmations


async def test_a_device_robin_no_longer_has_is_looked_for_again_at_the_next_check_in(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The device, deleted and registered again in Robin, has a new id."""
    await setup_with_options(hass, config_entry, token=ACCOUNT_TOKEN)
    target = room_target(hass, simulator, "Fleet Room")
    await call_action(hass, "check_in", {}, target)  # the device is found, and kept
    thames = simulator.find_space("Thames Room")
    target = room_target(hass, simulator, "Thames Room")
    retro = simulator.add_event(
        thames.id, "Retro", MONDAY_MORNING, MONDAY_MORNING + timedelta(hours=1)
    )
    ours = without_the_device(simulator)
    again = Device(id=ours.id + 1000, name=ours.name, created_at=MONDAY_MORNING)
    simulator.organization.devices.append(again)
    await advance(hass, freezer, timedelta(seconds=3))
    simulator.reset_requests()

    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "check_in", {"booking_id": retro.id}, target)
    assert err.value.translation_key == "booking_refused"
    assert "The selected device id is invalid." in str(err.value)
    assert devices_read(simulator) == 0
    assert retro.id not in simulator.events.confirmations

    await advance(hass, freezer, timedelta(seconds=3))
    await call_action(hass, "check_in", {"booking_id": retro.id}, target)
    assert devices_read(simulator) == 1
    assert simulator.events.confirmations[retro.id].device_id == again.id


# --- one identity per entry: whose the token is and the device, each asked once ---------------

TOKENS_USER = 619521  # Ada Lovelace, behind the simulator's default token


async def test_whose_token_it_is_is_asked_once_for_lost_bookings_and_check_ins(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A booking whose answer is lost is looked up by its creator: the user check-ins use.

    Robin is asked once, and not again after a reload (an options change, say).
    """
    thames = simulator.find_space("Thames Room")
    simulator.reset_requests()
    simulator.faults.drop_next(path=f"/spaces/{thames.id}/events", method="POST")
    response = await call_action(
        hass,
        "book_space",
        {"duration": "00:30:00", "title": "Focus session"},
        room_target(hass, simulator, "Thames Room"),
    )
    [focus] = titled(simulator, "Thames Room", "Focus session")
    assert response["booking"]["id"] == focus.id  # found as ours: its creator is the user
    assert api_calls(simulator).count(ME) == 1

    await advance(hass, freezer, timedelta(seconds=3))
    review = meeting(simulator, "Fleet Room", "Design review")
    await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    assert simulator.events.confirmations[review.id].user_id == TOKENS_USER
    assert api_calls(simulator).count(ME) == 1

    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()
    await advance(hass, freezer, timedelta(seconds=3))
    await call_action(
        hass, "check_in", {"booking_id": focus.id}, room_target(hass, simulator, "Thames Room")
    )
    assert simulator.events.confirmations[focus.id].user_id == TOKENS_USER
    assert api_calls(simulator).count(ME) == 1


async def test_another_token_is_asked_again_whose_it_is(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Re-authenticated with an organization's token, the user's identity no longer holds."""
    review = meeting(simulator, "Fleet Room", "Design review")
    target = room_target(hass, simulator, "Fleet Room")
    simulator.reset_requests()
    await call_action(hass, "check_in", {}, target)
    assert simulator.events.confirmations[review.id].user_id == TOKENS_USER
    del simulator.events.confirmations[review.id]  # not checked in, as if never

    flow = await setup_integration.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_ACCESS_TOKEN: ACCOUNT_TOKEN}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    await advance(hass, freezer, timedelta(seconds=3))
    await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    confirmation = simulator.events.confirmations[review.id]
    assert (confirmation.user_id, confirmation.device_id) == (None, HOME_ASSISTANT_DEVICE)
    assert api_calls(simulator).count(ME) == 2


async def test_the_same_robin_stored_in_lower_case_is_not_asked_again_whose_token_it_is(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    simulator_url: str,
    time_zone: None,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An address an older version stored in upper case is normalised by a reconfigure."""
    scheme, rest = simulator_url.split("://", 1)
    entry = entry_for(simulator, f"{scheme.upper()}://{rest}")
    await setup_with_options(hass, entry)
    review = meeting(simulator, "Fleet Room", "Design review")
    simulator.reset_requests()
    await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    assert api_calls(simulator).count(ME) == 1
    del simulator.events.confirmations[review.id]  # not checked in, as if never

    flow = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_URL: simulator_url}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_LOCATIONS: [str(loc.id) for loc in simulator.organization.locations]},
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_URL] == simulator_url
    await hass.async_block_till_done()
    await advance(hass, freezer, timedelta(seconds=3))
    await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    assert simulator.events.confirmations[review.id].user_id == TOKENS_USER
    assert api_calls(simulator).count(ME) == 1


async def test_check_ins_at_once_ask_robin_once_whose_the_token_is_and_for_the_device(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
) -> None:
    """An automation checking in two rooms in parallel: the second waits for the first's answers."""
    await setup_with_options(hass, config_entry, token=ACCOUNT_TOKEN)
    review = meeting(simulator, "Fleet Room", "Design review")
    thames = simulator.find_space("Thames Room")
    retro = simulator.add_event(
        thames.id, "Retro", MONDAY_MORNING, MONDAY_MORNING + timedelta(hours=1)
    )
    simulator.reset_requests()
    await asyncio.gather(
        call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room")),
        call_action(
            hass, "check_in", {"booking_id": retro.id}, room_target(hass, simulator, "Thames Room")
        ),
    )
    for booking in (review, retro):
        assert simulator.events.confirmations[booking.id].device_id == HOME_ASSISTANT_DEVICE
    assert api_calls(simulator).count(ME) == 1
    assert devices_read(simulator) == 1


def _room_sensor_on(
    hass: HomeAssistant, simulator: RobinSimulator, entry_id: str, room: str
) -> str:
    """Put another integration's occupancy sensor, on, in the room's area; return its id."""
    device = device_with_identifier(hass, entry_id, f"space_{simulator.find_space(room).id}")
    assert device is not None
    registry = er.async_get(hass)
    sensor = registry.async_get_or_create(
        "binary_sensor", "mmwave", room, original_device_class="occupancy"
    )
    registry.async_update_entity(sensor.entity_id, area_id=device.area_id)
    hass.states.async_set(sensor.entity_id, STATE_ON)
    return sensor.entity_id


def _reported_as(simulator: RobinSimulator, room: str) -> set[int | str]:
    """Return the devices Robin holds an active presence session of in the room."""
    reports = simulator.presence_reports
    return {
        identity[1]
        for (space_id, identity), session in reports.sessions.items()
        if space_id == simulator.find_space(room).id
        and identity[0] == "device"
        and reports.is_active(session, simulator.now())
    }


async def test_presence_reports_and_check_ins_share_one_look_up_of_the_device(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    simulator.reset_requests()
    await setup_with_options(
        hass, config_entry, token=ACCOUNT_TOKEN, **{CONF_REPORT_PRESENCE: True}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert devices_read(simulator) == 1  # the reporter looks for it as it starts
    review = meeting(simulator, "Fleet Room", "Design review")
    await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    assert simulator.events.confirmations[review.id].device_id == HOME_ASSISTANT_DEVICE
    assert devices_read(simulator) == 1

    # Deleted and registered again in Robin: a check-in refused for it looks it up again,
    # and the reports that follow are made as the device found then.
    ours = without_the_device(simulator)
    again = Device(id=ours.id + 1000, name=ours.name, created_at=MONDAY_MORNING)
    simulator.organization.devices.append(again)
    thames = simulator.find_space("Thames Room")
    retro = simulator.add_event(
        thames.id, "Retro", MONDAY_MORNING, MONDAY_MORNING + timedelta(hours=1)
    )
    target = room_target(hass, simulator, "Thames Room")
    await advance(hass, freezer, timedelta(seconds=3))
    with pytest.raises(HomeAssistantError):
        await call_action(hass, "check_in", {"booking_id": retro.id}, target)
    await advance(hass, freezer, timedelta(seconds=3))
    await call_action(hass, "check_in", {"booking_id": retro.id}, target)
    assert simulator.events.confirmations[retro.id].device_id == again.id
    assert devices_read(simulator) == 2

    _room_sensor_on(hass, simulator, config_entry.entry_id, "Thames Room")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _reported_as(simulator, "Thames Room") == {again.id}
    assert devices_read(simulator) == 2
    assert api_calls(simulator).count(ME) == 1


async def test_a_device_registered_since_the_last_look_is_found_at_once_after_a_reload(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
) -> None:
    """What Robin lacked is not kept over a reload (the repair issues promise it)."""
    ours = without_the_device(simulator)
    await setup_with_options(hass, config_entry, token=ACCOUNT_TOKEN)
    simulator.reset_requests()
    with pytest.raises(HomeAssistantError) as err:
        await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    assert err.value.translation_key == "check_in_needs_device"

    # Registered in Robin; presence reports are turned on (the entry reloads).
    simulator.organization.devices.append(ours)
    hass.config_entries.async_update_entry(config_entry, options={CONF_REPORT_PRESENCE: True})
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    _room_sensor_on(hass, simulator, config_entry.entry_id, "Thames Room")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _reported_as(simulator, "Thames Room") == {HOME_ASSISTANT_DEVICE}
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"no_presence_device_{config_entry.entry_id}"
    )
    assert issue is None
    assert devices_read(simulator) == 2

    # Check-ins use that device, and what Robin said of the token before the reload.
    review = meeting(simulator, "Fleet Room", "Design review")
    await call_action(hass, "check_in", {}, room_target(hass, simulator, "Fleet Room"))
    assert simulator.events.confirmations[review.id].device_id == HOME_ASSISTANT_DEVICE
    assert devices_read(simulator) == 2
    assert api_calls(simulator).count(ME) == 1
