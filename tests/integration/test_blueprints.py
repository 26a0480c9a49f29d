"""The blueprints in blueprints/automation/robin, run by Home Assistant's automation integration.

Each test copies a blueprint into the test configuration, creates an automation from it,
lets the simulated offices change and checks what the user would notice.
"""

from __future__ import annotations

import dataclasses
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import persistent_notification
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.robin.const import CONF_OFF_HOURS_INTERVAL, CONF_RELEASE_NO_SHOWS
from robin_simulator import RobinSimulator

from .common import device_with_identifier, room_entity_id, room_state, setup_with_options
from .conftest import advance
from .office import (
    CUSTOMER_CALL_END,
    CUSTOMER_CALL_START,
    POLL,
    customer_call,
    run_until,
)

BLUEPRINTS = Path(__file__).parents[2] / "blueprints" / "automation" / "robin"
# Tests about the Fleet Room's meetings skip the quiet half hour from 10:15 in one step
# (one poll), then let the clock run minute by minute.
QUARTER_TO_ELEVEN = datetime(2026, 11, 23, 10, 45, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


async def _automation_from_blueprint(
    hass: HomeAssistant, name: str, inputs: dict[str, Any]
) -> None:
    """Install the blueprint like a user importing it, then create an automation from it."""
    folder = Path(hass.config.path("blueprints/automation/robin"))
    await hass.async_add_executor_job(lambda: folder.mkdir(parents=True, exist_ok=True))
    await hass.async_add_executor_job(shutil.copy, BLUEPRINTS / name, folder / name)
    config = {"automation": {"use_blueprint": {"path": f"robin/{name}", "input": inputs}}}
    assert await async_setup_component(hass, "automation", config)
    await hass.async_block_till_done()
    # A blueprint that failed to load leaves an automation that is unavailable, not on.
    states = hass.states.async_all("automation")
    assert [state.state for state in states] == [STATE_ON]


def _entity_ids(calls: list[ServiceCall]) -> list[str]:
    return [entity_id for call in calls for entity_id in call.data["entity_id"]]


async def _thames_occupancy_lights(
    hass: HomeAssistant, simulator: RobinSimulator, inputs: dict[str, Any]
) -> str:
    """Create the occupancy-lights automation for the Thames Room; return its sensor."""
    assert await async_setup_component(hass, "homeassistant", {})
    occupancy = room_entity_id(hass, simulator, "Thames Room", "binary_sensor", "occupancy")
    inputs = {"occupancy_sensor": occupancy, **inputs}
    await _automation_from_blueprint(hass, "occupancy_lights.yaml", inputs)
    return occupancy


async def test_occupancy_lights_follow_the_room(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    light_on = async_mock_service(hass, "light", "turn_on")
    light_off = async_mock_service(hass, "light", "turn_off")
    climate_on = async_mock_service(hass, "climate", "turn_on")
    climate_off = async_mock_service(hass, "climate", "turn_off")
    occupancy = await _thames_occupancy_lights(
        hass,
        simulator,
        {
            "target_devices": {"entity_id": ["light.thames_room", "climate.thames_room"]},
            "clear_delay": {"minutes": 5},
        },
    )
    assert hass.states.get(occupancy).state == STATE_OFF

    thames = simulator.find_space("Thames Room")
    simulator.start_presence(thames.id)
    await advance(hass, freezer, POLL)
    assert hass.states.get(occupancy).state == STATE_ON
    assert _entity_ids(light_on) == ["light.thames_room"]
    assert _entity_ids(climate_on) == ["climate.thames_room"]

    simulator.end_presence(thames.id)
    await advance(hass, freezer, POLL)
    assert hass.states.get(occupancy).state == STATE_OFF
    await advance(hass, freezer, timedelta(minutes=4, seconds=59))
    assert light_off == []  # still within the delay

    await advance(hass, freezer, timedelta(seconds=1))
    assert _entity_ids(light_off) == ["light.thames_room"]
    assert _entity_ids(climate_off) == ["climate.thames_room"]
    assert len(light_on) == 1


async def test_occupancy_lights_stay_on_when_someone_comes_back_within_the_delay(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    light_on = async_mock_service(hass, "light", "turn_on")
    light_off = async_mock_service(hass, "light", "turn_off")
    occupancy = await _thames_occupancy_lights(
        hass, simulator, {"target_devices": {"entity_id": "light.thames_room"}}
    )
    thames = simulator.find_space("Thames Room")
    simulator.start_presence(thames.id)
    await advance(hass, freezer, POLL)
    simulator.end_presence(thames.id)
    await advance(hass, freezer, POLL)
    simulator.start_presence(thames.id)  # back after a minute
    await advance(hass, freezer, POLL)
    await advance(hass, freezer, timedelta(minutes=10))
    assert hass.states.get(occupancy).state == STATE_ON
    assert light_off == []
    assert len(light_on) == 2


async def test_release_no_show_ends_the_empty_meeting_and_notifies(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    notified = async_mock_service(hass, "notify", "facilities")
    availability = room_entity_id(hass, simulator, "Fleet Room", "sensor", "availability")
    await _automation_from_blueprint(
        hass,
        "release_no_show.yaml",
        {
            "availability_sensor": availability,
            "notify_actions": [
                {
                    "action": "notify.facilities",
                    "data": {"message": "Released {{ room_name }}: {{ released.booking.title }}"},
                }
            ],
        },
    )
    # The design review (with people) runs until 11:00; nobody comes to the customer call.
    await advance(hass, freezer, QUARTER_TO_ELEVEN - datetime.now(UTC))
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=9, seconds=59))
    assert hass.states.get(availability).state == "booked"
    assert customer_call(simulator).end == CUSTOMER_CALL_END
    assert notified == []

    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=10))
    assert customer_call(simulator).end == CUSTOMER_CALL_START + timedelta(minutes=10)
    assert hass.states.get(availability).state == "available"
    assert [call.data["message"] for call in notified] == ["Released Fleet Room: Customer call"]

    # Once released, it stays released: nothing more happens.
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=20))
    assert len(notified) == 1


async def test_release_no_show_leaves_a_meeting_people_came_to(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    availability = room_entity_id(hass, simulator, "Fleet Room", "sensor", "availability")
    await _automation_from_blueprint(
        hass, "release_no_show.yaml", {"availability_sensor": availability, "minutes_empty": 5}
    )
    await advance(hass, freezer, QUARTER_TO_ELEVEN - datetime.now(UTC))
    await run_until(hass, freezer, CUSTOMER_CALL_START)
    simulator.start_presence(simulator.find_space("Fleet Room").id)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=20))
    assert hass.states.get(availability).state == "in_use"
    assert customer_call(simulator).end == CUSTOMER_CALL_END


async def test_room_frees_up_creates_a_notification(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    assert await async_setup_component(hass, "persistent_notification", {})
    availability = room_entity_id(hass, simulator, "Fleet Room", "sensor", "availability")
    await _automation_from_blueprint(
        hass, "room_frees_up.yaml", {"availability_sensor": availability}
    )
    notifications = persistent_notification._async_get_or_create_notifications(hass)

    # Booked by the customer call nobody comes to, until noon.
    await advance(hass, freezer, CUSTOMER_CALL_END - timedelta(minutes=10) - datetime.now(UTC))
    await run_until(hass, freezer, CUSTOMER_CALL_END - timedelta(seconds=1))
    assert room_state(hass, simulator, "Fleet Room", "sensor", "availability").state == "booked"
    assert notifications == {}

    await run_until(hass, freezer, CUSTOMER_CALL_END)
    assert hass.states.get(availability).state == "available"
    assert [(n["title"], n["message"]) for n in notifications.values()] == [
        ("Fleet Room is free", "Fleet Room is available now.")
    ]


@pytest.mark.usefixtures("time_zone")
async def test_room_frees_up_names_a_numbered_room_as_named(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    # Room 10 of the second floor: "2.10", which Home Assistant would read as the number 2.1.
    await setup_with_options(hass, config_entry)
    fleet = device_with_identifier(
        hass, config_entry.entry_id, f"space_{simulator.find_space('Fleet Room').id}"
    )
    assert fleet is not None
    dr.async_get(hass).async_update_device(fleet.id, name_by_user="2.10")
    assert await async_setup_component(hass, "persistent_notification", {})
    availability = room_entity_id(hass, simulator, "Fleet Room", "sensor", "availability")
    await _automation_from_blueprint(
        hass, "room_frees_up.yaml", {"availability_sensor": availability}
    )
    notifications = persistent_notification._async_get_or_create_notifications(hass)

    await advance(hass, freezer, CUSTOMER_CALL_END - timedelta(minutes=10) - datetime.now(UTC))
    await run_until(hass, freezer, CUSTOMER_CALL_END)
    assert [(n["title"], n["message"]) for n in notifications.values()] == [
        ("2.10 is free", "2.10 is available now.")
    ]


async def test_release_no_show_gives_the_users_actions_the_rooms_name_as_named(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    fleet = device_with_identifier(
        hass, setup_integration.entry_id, f"space_{simulator.find_space('Fleet Room').id}"
    )
    assert fleet is not None
    dr.async_get(hass).async_update_device(fleet.id, name_by_user="2.10")
    notified = async_mock_service(hass, "notify", "facilities")
    availability = room_entity_id(hass, simulator, "Fleet Room", "sensor", "availability")
    await _automation_from_blueprint(
        hass,
        "release_no_show.yaml",
        {
            "availability_sensor": availability,
            "notify_actions": [
                {"action": "notify.facilities", "data": {"message": "Released {{ room.name }}"}}
            ],
        },
    )
    await advance(hass, freezer, QUARTER_TO_ELEVEN - datetime.now(UTC))
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=10))
    assert customer_call(simulator).end == CUSTOMER_CALL_START + timedelta(minutes=10)
    assert [call.data["message"] for call in notified] == ["Released 2.10"]


@pytest.mark.parametrize(
    ("chosen", "notified"),
    [
        (
            "Fleet Room",
            [
                (
                    "Fleet Room: no-show released",
                    (
                        'Nobody came to "Customer call" (11:00 to 12:00), so the booking was '
                        "ended and Fleet Room is free for others."
                    ),
                )
            ],
        ),
        ("Thames Room", []),
    ],
    ids=["the_released_room", "another_room"],
)
@pytest.mark.usefixtures("time_zone")
async def test_no_show_released_notifies_for_the_chosen_rooms_only(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    *,
    chosen: str,
    notified: list[tuple[str, str]],
) -> None:
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    assert await async_setup_component(hass, "persistent_notification", {})
    room = device_with_identifier(
        hass, config_entry.entry_id, f"space_{simulator.find_space(chosen).id}"
    )
    assert room is not None
    await _automation_from_blueprint(hass, "no_show_released.yaml", {"rooms": [room.id]})
    notifications = persistent_notification._async_get_or_create_notifications(hass)

    await advance(hass, freezer, QUARTER_TO_ELEVEN - datetime.now(UTC))
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=9))
    assert notifications == {}
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=11))
    # The Fleet Room's customer call is released either way; only its room is told.
    assert customer_call(simulator).end == CUSTOMER_CALL_START + timedelta(minutes=10)
    assert [(n["title"], n["message"]) for n in notifications.values()] == notified


@pytest.mark.usefixtures("time_zone")
async def test_no_show_released_names_an_untitled_booking_so(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    # The customer call was booked without a title (the calendar shows the room's name).
    simulator.events.save(dataclasses.replace(customer_call(simulator), title=""))
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    assert await async_setup_component(hass, "persistent_notification", {})
    await _automation_from_blueprint(hass, "no_show_released.yaml", {})
    notifications = persistent_notification._async_get_or_create_notifications(hass)

    await advance(hass, freezer, QUARTER_TO_ELEVEN - datetime.now(UTC))
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=11))
    assert [n["message"] for n in notifications.values()] == [
        (
            "Nobody came to the untitled booking (11:00 to 12:00), so the booking was ended "
            "and Fleet Room is free for others."
        )
    ]


# Home Assistant reads a template's text that looks like a Python literal as one: "0",
# "False" and "None" would read as no title, "2024.10" as 2024.1. ("2024" and "true", a number
# and JSON's yes, keep their text however they are read.)
@pytest.mark.parametrize("title", ["2024", "0", "true", "False", "None", "2024.10"])
@pytest.mark.usefixtures("time_zone")
async def test_no_show_released_quotes_a_title_that_looks_like_a_number_as_booked(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    title: str,
) -> None:
    simulator.events.save(dataclasses.replace(customer_call(simulator), title=title))
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    assert await async_setup_component(hass, "persistent_notification", {})
    await _automation_from_blueprint(hass, "no_show_released.yaml", {})
    notifications = persistent_notification._async_get_or_create_notifications(hass)

    await advance(hass, freezer, QUARTER_TO_ELEVEN - datetime.now(UTC))
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=11))
    assert [n["message"] for n in notifications.values()] == [
        (
            f'Nobody came to "{title}" (11:00 to 12:00), so the booking was ended '
            "and Fleet Room is free for others."
        )
    ]


@pytest.mark.usefixtures("time_zone")
async def test_no_show_released_gives_the_users_actions_the_bookings_texts_as_written(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    # A room numbered "2.10" and a booking titled "2024": texts, not numbers (a number has no
    # length, so it could not be shortened).
    call = customer_call(simulator)
    simulator.events.save(dataclasses.replace(call, title="2024"))
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    fleet = device_with_identifier(
        hass, config_entry.entry_id, f"space_{simulator.find_space('Fleet Room').id}"
    )
    assert fleet is not None
    dr.async_get(hass).async_update_device(fleet.id, name_by_user="2.10")
    notified = async_mock_service(hass, "notify", "facilities")
    message = (
        "{{ booking.room }}: {{ booking.title | truncate(30) }} from {{ booking.start }} to"
        " {{ booking.end }}"
        " ({{ booking.id }}, {{ 'cancelled' if cancelled else 'ended' }})"
    )
    await _automation_from_blueprint(
        hass,
        "no_show_released.yaml",
        {"notify_actions": [{"action": "notify.facilities", "data": {"message": message}}]},
    )

    await advance(hass, freezer, QUARTER_TO_ELEVEN - datetime.now(UTC))
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=11))
    assert [notice.data["message"] for notice in notified] == [
        (
            f"2.10: 2024 from {CUSTOMER_CALL_START.astimezone(LONDON).isoformat()} to "
            f"{CUSTOMER_CALL_END.astimezone(LONDON).isoformat()} ({call.id}, ended)"
        )
    ]


@pytest.mark.usefixtures("time_zone")
async def test_no_show_released_keeps_the_earlier_variables_for_existing_automations(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    notified = async_mock_service(hass, "notify", "facilities")
    message = "{{ room }}: {{ title }} from {{ start }} to {{ end }} ({{ booking_id }})"
    await _automation_from_blueprint(
        hass,
        "no_show_released.yaml",
        {"notify_actions": [{"action": "notify.facilities", "data": {"message": message}}]},
    )

    await advance(hass, freezer, QUARTER_TO_ELEVEN - datetime.now(UTC))
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=11))
    call = customer_call(simulator)
    assert [notice.data["message"] for notice in notified] == [
        (
            f"Fleet Room: Customer call from {CUSTOMER_CALL_START.astimezone(LONDON).isoformat()}"
            f" to {CUSTOMER_CALL_END.astimezone(LONDON).isoformat()} ({call.id})"
        )
    ]


@pytest.mark.usefixtures("time_zone")
async def test_no_show_released_names_the_room_as_the_user_named_its_device(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await setup_with_options(hass, config_entry, **{CONF_RELEASE_NO_SHOWS: True})
    assert await async_setup_component(hass, "persistent_notification", {})
    fleet = device_with_identifier(
        hass, config_entry.entry_id, f"space_{simulator.find_space('Fleet Room').id}"
    )
    assert fleet is not None
    dr.async_get(hass).async_update_device(fleet.id, name_by_user="Room 2.14")
    await _automation_from_blueprint(hass, "no_show_released.yaml", {})
    notifications = persistent_notification._async_get_or_create_notifications(hass)

    await advance(hass, freezer, QUARTER_TO_ELEVEN - datetime.now(UTC))
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=11))
    assert [(n["title"], n["message"]) for n in notifications.values()] == [
        (
            "Room 2.14: no-show released",
            (
                'Nobody came to "Customer call" (11:00 to 12:00), so the booking was ended '
                "and Room 2.14 is free for others."
            ),
        )
    ]


@pytest.mark.usefixtures("time_zone")
async def test_no_show_released_tells_the_times_in_the_rooms_hours(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    # Home Assistant runs in London; nobody comes to a 05:30 call in New York's Brooklyn Room.
    early_call = datetime(2026, 11, 23, 5, 30, tzinfo=NEW_YORK)
    brooklyn = simulator.find_space("Brooklyn Room")
    simulator.add_event(brooklyn.id, "Early call", early_call, early_call + timedelta(hours=1))
    # Outside New York's working hours: read it every minute all the same.
    options = {CONF_RELEASE_NO_SHOWS: True, CONF_OFF_HOURS_INTERVAL: 0}
    await setup_with_options(hass, config_entry, **options)
    assert await async_setup_component(hass, "persistent_notification", {})
    await _automation_from_blueprint(hass, "no_show_released.yaml", {})
    notifications = persistent_notification._async_get_or_create_notifications(hass)

    await run_until(hass, freezer, early_call + timedelta(minutes=11))
    # As booked in New York (and as its calendar shows it), not London's 10:30 to 11:30.
    assert [n["message"] for n in notifications.values()] == [
        (
            'Nobody came to "Early call" (05:30 to 06:30), so the booking was ended and '
            "Brooklyn Room is free for others."
        )
    ]


async def test_release_no_show_waits_the_minutes_after_the_last_person_left(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    # A bookable room has four binary sensors: the blueprint must watch its occupancy.
    availability = room_entity_id(hass, simulator, "Fleet Room", "sensor", "availability")
    await _automation_from_blueprint(
        hass, "release_no_show.yaml", {"availability_sensor": availability, "minutes_empty": 10}
    )
    fleet_room = simulator.find_space("Fleet Room").id
    await advance(hass, freezer, QUARTER_TO_ELEVEN - datetime.now(UTC))
    await run_until(hass, freezer, CUSTOMER_CALL_START)
    simulator.start_presence(fleet_room)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=20))
    assert hass.states.get(availability).state == "in_use"

    # They step out at 11:20: the room must stay empty 10 minutes before it is released.
    simulator.end_presence(fleet_room)
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=29))
    assert hass.states.get(availability).state == "booked"
    assert customer_call(simulator).end == CUSTOMER_CALL_END
    await run_until(hass, freezer, CUSTOMER_CALL_START + timedelta(minutes=32))
    assert customer_call(simulator).end >= CUSTOMER_CALL_START + timedelta(minutes=30)
    assert hass.states.get(availability).state == "available"


@pytest.mark.usefixtures("time_zone")
async def test_release_no_show_leaves_an_all_day_booking_alone(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The Thames Room is booked all day for a workshop; nobody is in it this morning.
    thames = simulator.find_space("Thames Room")
    workshop = simulator.add_event(
        thames.id,
        "Offsite workshop (all day)",
        datetime(2026, 11, 23, tzinfo=LONDON),
        datetime(2026, 11, 24, tzinfo=LONDON),
        all_day=True,
    )
    await setup_with_options(hass, config_entry)
    availability = room_entity_id(hass, simulator, "Thames Room", "sensor", "availability")
    await _automation_from_blueprint(
        hass, "release_no_show.yaml", {"availability_sensor": availability, "minutes_empty": 5}
    )
    assert hass.states.get(availability).state == "booked"

    await run_until(hass, freezer, datetime.now(UTC) + timedelta(minutes=20))
    # Robin books by the minute: the blueprint must not try to end it (an error every time).
    automation = hass.states.async_all("automation")[0]
    assert automation.attributes["last_triggered"] is None
    assert [record.getMessage() for record in caplog.records if record.levelname == "ERROR"] == []
    assert simulator.events.get(workshop.id) == workshop


def _devices_offered(hass: HomeAssistant, blueprint: str, name: str) -> set[str]:
    """Return the devices a blueprint's device input offers, filtered as its picker does.

    A device is offered when it matches one of the selector's device filters and, if the
    selector has entity filters, has an entity matching one of them.
    """

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_constructor("!input", lambda loader, node: loader.construct_scalar(node))
    text = (BLUEPRINTS / blueprint).read_text(encoding="utf-8")
    config = yaml.load(text, _Loader)["blueprint"]["input"][name]["selector"]["device"]  # noqa: S506
    assert config.keys() <= {"multiple", "filter", "entity"}
    device_filters = config.get("filter", [{}])
    entity_filters = config.get("entity")
    devices = dr.async_get(hass)
    entities = er.async_get(hass)

    def device_matches(device: dr.DeviceEntry, domain: str, wanted: dict[str, str]) -> bool:
        assert wanted.keys() <= {"integration", "manufacturer", "model"}
        return (
            wanted.get("integration") in (None, domain)
            and wanted.get("manufacturer") in (None, device.manufacturer)
            and wanted.get("model") in (None, device.model)
        )

    def entity_matches(entity: er.RegistryEntry, wanted: dict[str, str]) -> bool:
        assert wanted.keys() <= {"integration", "domain"}
        platform, domain = wanted.get("integration"), wanted.get("domain")
        return platform in (None, entity.platform) and domain in (None, entity.domain)

    return {
        device.name or ""
        for entry in hass.config_entries.async_entries()
        for device in dr.async_entries_for_config_entry(devices, entry.entry_id)
        if any(device_matches(device, entry.domain, wanted) for wanted in device_filters)
        and (
            entity_filters is None
            or any(
                entity_matches(entity, wanted)
                for entity in er.async_entries_for_device(entities, device.id)
                for wanted in entity_filters
            )
        )
    }


async def test_no_show_released_offers_the_rooms_no_shows_are_released_in(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    # A location's device (London HQ) or a lounge would never be told about: only a bookable
    # room's booking is released.
    bookable = {
        space.name
        for space in setup_integration.runtime_data.data.spaces.values()
        if space.is_bookable
    }
    assert "Fleet Room" in bookable
    assert _devices_offered(hass, "no_show_released.yaml", "rooms") == bookable
