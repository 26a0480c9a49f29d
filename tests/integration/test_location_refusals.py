"""One location refused (403, or 404 once deleted) while the others answer.

The other locations keep working; the refused one's rooms and location entities turn
unavailable, nothing is deleted, and a repair issue names the location once the refusal
lasts. It goes when the location answers again, is taken out of the entry, or the entry goes.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_URL, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.translation import async_get_translations
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import (
    CONF_CHECK_IN_ON_ARRIVAL,
    CONF_LOCATIONS,
    CONF_NO_SHOW_GRACE,
    CONF_OFF_HOURS_INTERVAL,
    CONF_RELEASE_NO_SHOWS,
    EVENT_BOOKING_CHECKED_IN,
    EVENT_BOOKING_RELEASED,
)
from robin_simulator import ACCOUNT_TOKEN, RobinSimulator
from robin_simulator.model import Location
from robin_simulator.scenarios.demo import HOME_ASSISTANT_DEVICE

from .common import (
    DOMAIN,
    api_calls,
    call_action,
    device_with_identifier,
    location_entity_id,
    registry_counts,
    room_entity_id,
    room_state,
    set_up_reporting,
    setup_entry_at,
    setup_with_options,
)
from .conftest import MONDAY_MORNING, POLL_EVERY_LOCATION_EVERY_MINUTE, advance
from .office import CUSTOMER_CALL_END, CUSTOMER_CALL_START, capture, customer_call, run_until

POLL = timedelta(seconds=60)
HOUR = timedelta(hours=1)
# Polls of a location refused in a row before its repair issue shows (README: a few minutes).
POLLS_BEFORE_ISSUE = 3

pytestmark = [POLL_EVERY_LOCATION_EVERY_MINUTE, pytest.mark.usefixtures("time_zone")]


def _refusal_issues(hass: HomeAssistant) -> list[ir.IssueEntry]:
    return [
        issue
        for (domain, _), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue.translation_key == "location_refused" and issue.active
    ]


def _state(hass: HomeAssistant, entity_id: str) -> str:
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def _refuse_london_for_the_issue(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    freezer: FrozenDateTimeFactory,
    status: int = 403,
) -> Location:
    """Have Robin refuse London HQ for as many polls as it takes to raise the repair issue."""
    london = simulator.find_location("London HQ")
    simulator.faults.refuse(status, f"locations/{london.id}")
    for _ in range(POLLS_BEFORE_ISSUE):
        await advance(hass, freezer, POLL)
    return london


async def _issue_text(hass: HomeAssistant, issue: ir.IssueEntry) -> str:
    """Return the issue's title and description as the user reads them (English)."""
    translations = await async_get_translations(hass, "en", "issues", [DOMAIN])
    prefix = f"component.{DOMAIN}.issues.{issue.translation_key}"
    placeholders = issue.translation_placeholders or {}
    return "\n".join(
        translations[f"{prefix}.{part}"].format(**placeholders) for part in ("title", "description")
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(
    ("status", "refused"),
    [(403, "locations/{id}"), (404, "locations/{id}"), (403, "locations/{id}/events")],
    ids=["403", "404_deleted", "403_bookings_only"],
)
async def test_a_refused_location_leaves_the_other_locations_working(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    status: int,
    refused: str,
) -> None:
    before = registry_counts(hass, setup_integration)
    london = simulator.find_location("London HQ")
    london_rooms = location_entity_id(hass, simulator, "London HQ", "sensor", "occupied_rooms")
    new_york_rooms = location_entity_id(
        hass, simulator, "New York Studio", "sensor", "occupied_rooms"
    )
    assert room_state(hass, simulator, "Hudson Room", "binary_sensor", "occupancy").state == "off"
    simulator.faults.refuse(status, refused.format(id=london.id))

    await advance(hass, freezer, POLL)
    # New York still answers: its rooms stay available, and current.
    hudson = simulator.find_space("Hudson Room")
    simulator.start_presence(hudson.id)
    await advance(hass, freezer, POLL)
    assert room_state(hass, simulator, "Hudson Room", "binary_sensor", "occupancy").state == "on"
    assert room_state(hass, simulator, "Hudson Room", "sensor", "people_present").state == "1"
    assert _state(hass, new_york_rooms) == "1"
    # London's rooms and location entities are unavailable; nothing is deleted.
    for key in ("occupancy", "no_show"):
        thames = room_state(hass, simulator, "Thames Room", "binary_sensor", key)
        assert thames.state == STATE_UNAVAILABLE
    assert room_state(hass, simulator, "Fleet Room", "sensor", "capacity").state == (
        STATE_UNAVAILABLE
    )
    assert _state(hass, london_rooms) == STATE_UNAVAILABLE
    assert registry_counts(hass, setup_integration) == before
    assert _refusal_issues(hass) == []  # two polls: not yet a lasting refusal

    for _ in range(POLLS_BEFORE_ISSUE - 2):
        await advance(hass, freezer, POLL)
    [issue] = _refusal_issues(hass)
    text = await _issue_text(hass, issue)
    assert "London HQ" in text
    assert "New York" not in text
    assert "Reconfigure" in text

    # London answers again: its rooms come back, the issue goes by itself.
    simulator.faults.allow(refused.format(id=london.id))
    await advance(hass, freezer, POLL)
    assert room_state(hass, simulator, "Thames Room", "sensor", "capacity").state == "10"
    assert _state(hass, london_rooms) != STATE_UNAVAILABLE
    assert _refusal_issues(hass) == []
    assert registry_counts(hass, setup_integration) == before


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_location_refused_past_a_rediscovery_keeps_its_devices_until_taken_out(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    simulator_url: str,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry = setup_integration
    before = registry_counts(hass, entry)
    await _refuse_london_for_the_issue(hass, simulator, freezer)
    assert len(_refusal_issues(hass)) == 1

    await advance(hass, freezer, HOUR)  # a rediscovery: London's rooms cannot be listed
    assert registry_counts(hass, entry) == before
    assert room_state(hass, simulator, "Thames Room", "sensor", "capacity").state == (
        STATE_UNAVAILABLE
    )
    assert room_state(hass, simulator, "Hudson Room", "binary_sensor", "occupancy").state == "off"
    assert len(_refusal_issues(hass)) == 1

    # The user follows the issue's advice: London is taken out with Reconfigure.
    new_york = simulator.find_location("New York Studio")
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_URL: simulator_url}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_LOCATIONS: [str(new_york.id)]}
    )
    assert result["type"] is FlowResultType.ABORT
    await hass.async_block_till_done()
    assert _refusal_issues(hass) == []
    assert room_state(hass, simulator, "Hudson Room", "binary_sensor", "occupancy").state == "off"


async def test_removing_the_entry_removes_a_location_refused_issue(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await _refuse_london_for_the_issue(hass, simulator, freezer, status=404)
    assert len(_refusal_issues(hass)) == 1
    await hass.config_entries.async_remove(setup_integration.entry_id)
    await hass.async_block_till_done()
    assert _refusal_issues(hass) == []


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_reload_while_a_location_is_refused_sets_up_the_others_and_keeps_its_issue(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry = setup_integration
    before = registry_counts(hass, entry)
    london = await _refuse_london_for_the_issue(hass, simulator, freezer)
    [issue] = _refusal_issues(hass)

    # A restart or reload while London refuses: New York is set up and polled; London's
    # rooms, unknown to this run, keep their devices and entities.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert room_state(hass, simulator, "Hudson Room", "binary_sensor", "occupancy").state == "off"
    london_rooms = location_entity_id(hass, simulator, "London HQ", "sensor", "occupied_rooms")
    assert _state(hass, london_rooms) == STATE_UNAVAILABLE
    assert registry_counts(hass, entry) == before
    await advance(hass, freezer, POLL)
    assert _refusal_issues(hass) == [issue]  # the same issue, not withdrawn and raised again
    for _ in range(3):  # three hourly rediscoveries: nothing counts as missing
        await advance(hass, freezer, HOUR)
    assert registry_counts(hass, entry) == before

    # London answers again: its rooms come back at the next poll, not at the next hour.
    simulator.faults.allow(f"locations/{london.id}")
    await advance(hass, freezer, POLL)
    assert _refusal_issues(hass) == []
    await advance(hass, freezer, POLL)
    assert room_state(hass, simulator, "Thames Room", "sensor", "capacity").state == "10"
    assert _state(hass, london_rooms) != STATE_UNAVAILABLE
    assert registry_counts(hass, entry) == before


async def test_find_free_space_searches_the_locations_robin_answers_for(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin refuses London: a search of every office is one of New York's, not a failure."""
    entry_id = setup_integration.entry_id
    london = simulator.find_location("London HQ")
    simulator.faults.refuse(403, f"locations/{london.id}")
    await advance(hass, freezer, POLL)

    everywhere = await call_action(
        hass, "find_free_space", {"config_entry_id": entry_id, "duration": "00:30:00"}
    )
    assert everywhere["spaces"]
    assert {space["location"] for space in everywhere["spaces"]} == {"New York Studio"}
    searches = [r for r in simulator.requests if r.path.endswith("/free-busy/spaces")]
    with pytest.raises(HomeAssistantError) as err:
        await call_action(
            hass,
            "find_free_space",
            {"config_entry_id": entry_id, "duration": "00:30:00", "location": "London HQ"},
        )
    assert not isinstance(err.value, ServiceValidationError)  # Robin's doing, not the user's
    assert err.value.translation_key == "location_refused"
    assert str(err.value) == (
        "Robin refuses to answer for London HQ: the access token has no access to it any "
        "more, or it was deleted in Robin"
    )
    assert [r for r in simulator.requests if r.path.endswith("/free-busy/spaces")] == searches

    # Robin answers for London again: it is searched again.
    simulator.faults.allow(f"locations/{london.id}")
    await advance(hass, freezer, POLL)
    london_only = await call_action(
        hass,
        "find_free_space",
        {"config_entry_id": entry_id, "duration": "00:30:00", "location": "London HQ"},
    )
    assert {space["location"] for space in london_only["spaces"]} == {"London HQ"}


# --- nothing is written to Robin for a refused location's rooms ----------------------------------


def _sensor_on_in(
    hass: HomeAssistant, simulator: RobinSimulator, entry: MockConfigEntry, room: str
) -> None:
    """Put another integration's occupancy sensor, on, in the room's area."""
    space = simulator.find_space(room)
    device = device_with_identifier(hass, entry.entry_id, f"space_{space.id}")
    assert device is not None
    registry = er.async_get(hass)
    sensor = registry.async_get_or_create(
        "binary_sensor", "mmwave", room, original_device_class="occupancy"
    )
    registry.async_update_entity(sensor.entity_id, area_id=device.area_id)
    hass.states.async_set(sensor.entity_id, STATE_ON)


def _presence_reports(simulator: RobinSimulator) -> list[str]:
    """Return the presence reports Home Assistant made, as "METHOD /path"."""
    return [call for call in api_calls(simulator) if call.split()[0] in {"POST", "DELETE"}]


async def test_a_refused_locations_rooms_get_no_presence_reports_until_it_answers_again(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin would refuse every report for London's rooms: none is sent, New York's go on."""
    entry = await set_up_reporting(hass, config_entry, **{CONF_OFF_HOURS_INTERVAL: 0})
    thames = f"POST /v1.0/spaces/{simulator.find_space('Thames Room').id}/presence"
    hudson = f"POST /v1.0/spaces/{simulator.find_space('Hudson Room').id}/presence"
    _sensor_on_in(hass, simulator, entry, "Thames Room")
    _sensor_on_in(hass, simulator, entry, "Hudson Room")
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sorted(_presence_reports(simulator)) == sorted([thames, hudson])

    london = simulator.find_location("London HQ")
    simulator.faults.refuse(403, f"locations/{london.id}")
    await advance(hass, freezer, POLL)
    simulator.reset_requests()
    # Each session is refreshed every 4 minutes: the Thames Room's would be, twice.
    for _ in range(10):
        await advance(hass, freezer, POLL)
    assert set(_presence_reports(simulator)) == {hudson}

    # London answers again: the Thames Room, its sensor on all along, is reported at once.
    simulator.faults.allow(f"locations/{london.id}")
    simulator.reset_requests()
    await advance(hass, freezer, POLL)
    assert _presence_reports(simulator).count(thames) == 1


async def test_a_no_show_is_not_released_while_robin_refuses_its_location(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin turns the release down, then refuses the whole location: it is tried once back."""
    # In London's Boardroom, empty all morning: nobody comes.
    boardroom = simulator.find_space("Boardroom")
    call = simulator.add_event(
        boardroom.id, "Supplier call", CUSTOMER_CALL_START, CUSTOMER_CALL_END
    )
    booking = f"/v1.0/events/{call.id}"
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry, options={CONF_OFF_HOURS_INTERVAL: 0, CONF_RELEASE_NO_SHOWS: True}
    )
    # Polls at :30, away from the no-show's moment at 11:10:00.
    await setup_entry_at(hass, freezer, config_entry, MONDAY_MORNING + timedelta(seconds=30))
    released = capture(hass, EVENT_BOOKING_RELEASED)
    ten_past_eleven = CUSTOMER_CALL_START + timedelta(minutes=10)
    await run_until(hass, freezer, ten_past_eleven - timedelta(seconds=1))
    london = simulator.find_location("London HQ")
    simulator.faults.fail_next(409, path=booking, method="PATCH")
    simulator.faults.refuse(403, f"locations/{london.id}")
    simulator.reset_requests()
    # 11:10:00: the release is refused (which asks for no refresh: nothing changed); the
    # poll at 11:10:30 finds London refused.
    await advance(hass, freezer, timedelta(seconds=1))
    assert f"PATCH {booking}" in api_calls(simulator)
    assert released == []
    await advance(hass, freezer, timedelta(seconds=30))
    assert f"GET /v1.0/locations/{london.id}/presence" in api_calls(simulator)

    # Its retry would be due at 11:11: nothing about the booking is asked while London
    # is refused, nor told.
    simulator.reset_requests()
    await run_until(hass, freezer, ten_past_eleven + timedelta(minutes=5))
    assert [call for call in api_calls(simulator) if booking in call] == []
    assert released == []
    kept = simulator.events.get(call.id)
    assert kept is not None
    assert kept.end == CUSTOMER_CALL_END

    # London answers again: the no-show is released at that poll, and told once.
    simulator.faults.allow(f"locations/{london.id}")
    simulator.reset_requests()
    await advance(hass, freezer, POLL)
    assert [call for call in api_calls(simulator) if call.startswith("PATCH")] == [
        f"PATCH {booking}"
    ]
    assert [event.data["booking_id"] for event in released] == [call.id]
    ended = simulator.events.get(call.id)
    assert ended is not None
    assert ended.end < CUSTOMER_CALL_END
    await run_until(hass, freezer, ten_past_eleven + timedelta(minutes=10))
    assert len(released) == 1


async def test_a_lost_release_is_looked_up_only_once_robin_answers_for_its_location_again(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Robin ends the no-show but its answer is lost; then it refuses the whole location.

    The look-up of what became of the release would be refused too: it waits for London.
    """
    boardroom = simulator.find_space("Boardroom")
    call = simulator.add_event(
        boardroom.id, "Supplier call", CUSTOMER_CALL_START, CUSTOMER_CALL_END
    )
    booking = f"/v1.0/events/{call.id}"
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry, options={CONF_OFF_HOURS_INTERVAL: 0, CONF_RELEASE_NO_SHOWS: True}
    )
    # Polls at :30, away from the no-show's moment at 11:10:00.
    await setup_entry_at(hass, freezer, config_entry, MONDAY_MORNING + timedelta(seconds=30))
    released = capture(hass, EVENT_BOOKING_RELEASED)
    ten_past_eleven = CUSTOMER_CALL_START + timedelta(minutes=10)
    await run_until(hass, freezer, ten_past_eleven - timedelta(seconds=1))
    # The check-in and the booking are read before the release; Robin ends the booking,
    # its answer is lost, and so is the read back. The refresh after it finds London refused.
    simulator.faults.serve_next(2, path=booking, method="GET")
    simulator.faults.fail_next(502, path=booking, method="PATCH", after_commit=True)
    simulator.faults.fail_next(500, path=booking, method="GET")
    london = simulator.find_location("London HQ")
    simulator.faults.refuse(403, f"locations/{london.id}")
    await advance(hass, freezer, timedelta(seconds=1))  # 11:10:00
    assert api_calls(simulator).count(f"PATCH {booking}") == 1
    boardroom_occupancy = room_state(hass, simulator, "Boardroom", "binary_sensor", "occupancy")
    assert boardroom_occupancy.state == STATE_UNAVAILABLE
    assert released == []

    # The look-up was due at 11:11: the booking is not asked about while London is refused.
    simulator.reset_requests()
    await run_until(hass, freezer, ten_past_eleven + timedelta(minutes=5))
    assert [call for call in api_calls(simulator) if booking in call] == []
    assert released == []

    # London answers again: the release is looked up at that poll, and told; not sent again.
    # (The poll reads the booking too: its next hour no longer lists it, ended at 11:10.)
    simulator.faults.allow(f"locations/{london.id}")
    simulator.reset_requests()
    await advance(hass, freezer, POLL)
    assert f"GET {booking}" in api_calls(simulator)
    assert [event.data["released_at"] for event in released] == [ten_past_eleven.isoformat()]
    await run_until(hass, freezer, ten_past_eleven + timedelta(minutes=10))
    assert {call for call in api_calls(simulator) if booking in call} == {f"GET {booking}"}
    assert len(released) == 1
    ended = simulator.events.get(call.id)
    assert ended is not None
    assert ended.end == ten_past_eleven


async def test_a_check_in_given_up_for_want_of_the_device_waits_for_its_refused_location(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """People come to the Customer call; Robin has no device to check in as, then refuses London.

    The device, registered meanwhile, is found by a check-in in New York: the call's
    check-in is read anew and made only once London answers again, inside its window.
    """
    organization = simulator.organization
    ours = next(d for d in organization.devices if d.id == HOME_ASSISTANT_DEVICE)
    organization.devices.remove(ours)
    await setup_with_options(
        hass,
        config_entry,
        token=ACCOUNT_TOKEN,
        **{CONF_OFF_HOURS_INTERVAL: 0, CONF_CHECK_IN_ON_ARRIVAL: True, CONF_NO_SHOW_GRACE: 20},
    )
    call = customer_call(simulator)
    booking = f"/v1.0/events/{call.id}"
    checked_in = capture(hass, EVENT_BOOKING_CHECKED_IN)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=2))
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=4))
    assert f"PUT {booking}/confirmation" not in api_calls(simulator)

    london = simulator.find_location("London HQ")
    simulator.faults.refuse(403, f"locations/{london.id}")
    await advance(hass, freezer, POLL)
    organization.devices.append(ours)
    hudson = simulator.find_space("Hudson Room")
    early = simulator.add_event(hudson.id, "Early sync", CUSTOMER_CALL_START, CUSTOMER_CALL_END)
    simulator.reset_requests()
    await call_action(
        hass,
        "check_in",
        {"booking_id": early.id},
        {"entity_id": room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")},
    )
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=9))
    assert f"PUT /v1.0/events/{early.id}/confirmation" in api_calls(simulator)
    assert [call for call in api_calls(simulator) if booking in call] == []
    assert checked_in == []

    # London answers again: the call's check-in is read anew, then made, and told.
    simulator.faults.allow(f"locations/{london.id}")
    simulator.reset_requests()
    await advance(hass, freezer, POLL)
    assert [
        (record.method, record.path, record.query.get("include"))
        for record in simulator.requests
        if record.path.startswith(booking)
    ] == [("GET", booking, "confirmation"), ("PUT", f"{booking}/confirmation", None)]
    assert simulator.events.confirmations[call.id].device_id == HOME_ASSISTANT_DEVICE
    assert [event.data["booking_id"] for event in checked_in] == [call.id]
