"""Presence from Home Assistant's sensors, reported to Robin (the simulator) and read back."""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER, ConfigSubentry
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import (
    CONF_REPORT_PRESENCE,
    CONF_SOURCES,
    CONF_SPACE_ID,
    SUBENTRY_PRESENCE_SOURCES,
)
from robin_simulator import READ_ONLY_TOKEN, RobinSimulator

from .common import (
    DOMAIN,
    device_with_identifier,
    other_sensor,
    robin_warnings,
    room_area,
    room_entity_id,
    room_sensor,
    set_up_reporting,
    setup_with_options,
)
from .common import room_state as state_of
from .conftest import advance

HOME_ASSISTANT_DEVICE = 9930
TRANSLATIONS = (
    Path(__file__).parents[2] / "custom_components" / "robin" / "translations" / "en.json"
)
POLL = timedelta(seconds=60)


@pytest.fixture
async def reporting(
    hass: HomeAssistant, time_zone: None, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """The entry, set up with presence reports on."""
    await set_up_reporting(hass, config_entry)
    return config_entry


@pytest.fixture
def thames_mmwave(
    hass: HomeAssistant, simulator: RobinSimulator, reporting: MockConfigEntry
) -> str:
    """An mmWave sensor in the Thames Room, with presence reports on."""
    return room_sensor(hass, simulator, reporting, "Thames Room", "thames_mmwave")


def _presence_path(simulator: RobinSimulator, room: str) -> str:
    return f"/v1.0/spaces/{simulator.find_space(room).id}/presence"


async def _turn(hass: HomeAssistant, entity_id: str, state: str) -> None:
    hass.states.async_set(entity_id, state)
    await hass.async_block_till_done(wait_background_tasks=True)


def _presence_calls(simulator: RobinSimulator) -> list[str]:
    """Return the presence reports the simulator served, as "METHOD /path status"."""
    return [
        f"{record.method} {record.path} {record.status}"
        for record in simulator.requests
        if record.method in {"POST", "DELETE"} and record.path.endswith("/presence")
    ]


def _our_session_active(simulator: RobinSimulator, room: str) -> bool:
    space = simulator.find_space(room)
    session = simulator.presence_reports.sessions.get((space.id, ("device", HOME_ASSISTANT_DEVICE)))
    return session is not None and simulator.presence_reports.is_active(session, simulator.now())


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_sensor_in_the_rooms_area_makes_robin_see_the_room_occupied(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    thames_mmwave: str,
) -> None:
    thames = simulator.find_space("Thames Room")
    path = _presence_path(simulator, "Thames Room")
    mmwave = thames_mmwave
    simulator.reset_requests()
    assert state_of(hass, simulator, "Thames Room", "binary_sensor", "occupancy").state == STATE_OFF

    await _turn(hass, mmwave, STATE_ON)

    assert _presence_calls(simulator) == [f"POST {path} 201"]
    session = simulator.presence_reports.sessions[(thames.id, ("device", HOME_ASSISTANT_DEVICE))]
    assert session.ttl == 300  # 5 minutes, under Robin's 20-minute maximum
    # Robin's own occupancy, read back by the next poll, turns on.
    await advance(hass, freezer, POLL)
    assert state_of(hass, simulator, "Thames Room", "binary_sensor", "occupancy").state == STATE_ON
    assert state_of(hass, simulator, "Thames Room", "sensor", "people_present").state == "1"

    # Refreshed a minute before the TTL runs out, so the session never lapses.
    await advance(hass, freezer, timedelta(minutes=2, seconds=59))
    assert _presence_calls(simulator) == [f"POST {path} 201"]
    await advance(hass, freezer, timedelta(seconds=1))
    assert _presence_calls(simulator) == [f"POST {path} 201", f"POST {path} 200"]
    await advance(hass, freezer, timedelta(minutes=3))
    assert _our_session_active(simulator, "Thames Room")
    assert simulator.presence_reports.abuse == []

    await _turn(hass, mmwave, STATE_OFF)

    assert _presence_calls(simulator)[-1] == f"DELETE {path} 200"
    assert not _our_session_active(simulator, "Thames Room")
    await advance(hass, freezer, POLL)
    assert state_of(hass, simulator, "Thames Room", "binary_sensor", "occupancy").state == STATE_OFF


async def test_refreshes_due_close_together_go_in_one_run(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    reporting: MockConfigEntry,
) -> None:
    thames, fleet = simulator.find_space("Thames Room"), simulator.find_space("Fleet Room")
    in_thames = room_sensor(hass, simulator, reporting, "Thames Room", "thames_mmwave")
    in_fleet = room_sensor(hass, simulator, reporting, "Fleet Room", "fleet_mmwave")
    simulator.reset_requests()
    await _turn(hass, in_thames, STATE_ON)
    await advance(hass, freezer, timedelta(seconds=20))
    await _turn(hass, in_fleet, STATE_ON)
    simulator.reset_requests()

    # The Thames Room's refresh is due 4 minutes after its post; the Fleet Room's, 20 s later.
    await advance(hass, freezer, timedelta(minutes=3, seconds=40))
    assert sorted(_presence_calls(simulator)) == [
        f"POST /v1.0/spaces/{thames.id}/presence 200",
        f"POST /v1.0/spaces/{fleet.id}/presence 200",
    ]
    await advance(hass, freezer, timedelta(seconds=30))
    assert len(_presence_calls(simulator)) == 2
    assert simulator.presence_reports.abuse == []


async def test_a_refresh_robin_fails_once_is_retried_before_the_session_runs_out(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    thames_mmwave: str,
) -> None:
    thames = simulator.find_space("Thames Room")
    path = _presence_path(simulator, "Thames Room")
    await _turn(hass, thames_mmwave, STATE_ON)
    session = simulator.presence_reports.sessions[(thames.id, ("device", HOME_ASSISTANT_DEVICE))]
    arrived_at = session.arrived_at
    simulator.reset_requests()
    simulator.faults.fail_next(503, path="/presence", method="POST")

    # The refresh 4 minutes in fails; the session must not lapse a minute later.
    for _ in range(3 * 4):
        await advance(hass, freezer, timedelta(seconds=30))
        assert _our_session_active(simulator, "Thames Room")
    assert _presence_calls(simulator)[:2] == [f"POST {path} 503", f"POST {path} 200"]
    session = simulator.presence_reports.sessions[(thames.id, ("device", HOME_ASSISTANT_DEVICE))]
    assert session.arrived_at == arrived_at  # one visit to Robin, not two
    assert simulator.presence_reports.abuse == []


async def test_an_end_robin_keeps_refusing_is_not_retried_once_the_session_has_expired(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    thames_mmwave: str,
) -> None:
    path = _presence_path(simulator, "Thames Room")
    await _turn(hass, thames_mmwave, STATE_ON)
    simulator.reset_requests()
    simulator.faults.fail_next(403, count=1000, path="/presence", method="DELETE")
    await advance(hass, freezer, timedelta(seconds=20))

    await _turn(hass, thames_mmwave, STATE_OFF)
    # Tried again every minute while Robin may still hold the session (posted at 0:00)...
    for _ in range(5):
        await advance(hass, freezer, timedelta(minutes=1))
    assert _presence_calls(simulator) == [f"DELETE {path} 403"] * 5
    assert not _our_session_active(simulator, "Thames Room")
    # ...but not once the TTL has ended it anyway: nothing is left to end.
    for _ in range(15):
        await advance(hass, freezer, timedelta(minutes=1))
    assert _presence_calls(simulator) == [f"DELETE {path} 403"] * 5

    await _turn(hass, thames_mmwave, STATE_ON)
    assert _presence_calls(simulator)[-1] == f"POST {path} 201"


async def test_a_sensor_that_drops_out_is_no_one_leaving(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    thames_mmwave: str,
) -> None:
    thames = simulator.find_space("Thames Room")
    path = _presence_path(simulator, "Thames Room")
    await _turn(hass, thames_mmwave, STATE_ON)
    arrived_at = simulator.presence_reports.sessions[
        (thames.id, ("device", HOME_ASSISTANT_DEVICE))
    ].arrived_at
    simulator.reset_requests()

    # Unavailable for two minutes (its integration restarting, say): Robin's session stays...
    await _turn(hass, thames_mmwave, STATE_UNAVAILABLE)
    await advance(hass, freezer, timedelta(minutes=2))
    assert _presence_calls(simulator) == []
    assert _our_session_active(simulator, "Thames Room")
    # ...and when the sensor is back on, it is refreshed in time: one visit, not two.
    await _turn(hass, thames_mmwave, STATE_ON)
    await advance(hass, freezer, timedelta(minutes=2))
    assert _presence_calls(simulator) == [f"POST {path} 200"]
    session = simulator.presence_reports.sessions[(thames.id, ("device", HOME_ASSISTANT_DEVICE))]
    assert session.arrived_at == arrived_at

    # A sensor that cannot tell for longer: the session runs out by its TTL, nothing sent.
    simulator.reset_requests()
    await _turn(hass, thames_mmwave, STATE_UNKNOWN)
    for _ in range(5):
        await advance(hass, freezer, timedelta(minutes=1))
    assert not _our_session_active(simulator, "Thames Room")
    assert _presence_calls(simulator) == []
    # Telling again that someone is there is a new arrival.
    await _turn(hass, thames_mmwave, STATE_ON)
    assert _presence_calls(simulator) == [f"POST {path} 201"]


async def test_a_robin_outage_is_logged_once_per_room_not_at_every_retry(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    thames_mmwave: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = _presence_path(simulator, "Thames Room")
    simulator.faults.fail_next(500, count=1000, path="/presence", method="POST")
    await _turn(hass, thames_mmwave, STATE_ON)
    for _ in range(10):
        await advance(hass, freezer, timedelta(minutes=1))
    assert _presence_calls(simulator) == [f"POST {path} 500"] * 11  # tried every minute
    warnings = [r for r in caplog.records if r.levelname == "WARNING" and "presence" in r.msg]
    assert len(warnings) == 1

    simulator.faults.clear()
    await advance(hass, freezer, timedelta(minutes=1))
    assert _presence_calls(simulator)[-1] == f"POST {path} 201"
    assert "Robin takes the presence of space" in caplog.text


async def test_nothing_is_reported_while_the_option_is_off(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
) -> None:
    assert CONF_REPORT_PRESENCE not in setup_integration.options  # off by default
    mmwave = room_sensor(hass, simulator, setup_integration, "Thames Room", "thames_mmwave")
    await _turn(hass, mmwave, STATE_ON)
    await advance(hass, freezer, POLL)
    assert _presence_calls(simulator) == []
    assert not any("/devices" in record.path for record in simulator.requests)
    assert state_of(hass, simulator, "Thames Room", "binary_sensor", "occupancy").state == STATE_OFF


async def test_sensor_flaps_are_coalesced_into_one_request_per_room_at_most_every_15_seconds(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    reporting: MockConfigEntry,
) -> None:
    path = _presence_path(simulator, "Thames Room")
    motion = other_sensor(
        hass,
        "thames_pir",
        device_class="motion",
        area_id=room_area(hass, simulator, reporting, "Thames Room"),
    )
    simulator.reset_requests()
    await _turn(hass, motion, STATE_ON)
    for state in (STATE_OFF, STATE_ON, STATE_OFF, STATE_ON):
        await advance(hass, freezer, timedelta(seconds=2))
        await _turn(hass, motion, state)
    # Back where it started: nothing more to tell Robin.
    await advance(hass, freezer, timedelta(seconds=20))
    assert _presence_calls(simulator) == [f"POST {path} 201"]

    await _turn(hass, motion, STATE_OFF)  # 28 s after the POST: sent at once
    await _turn(hass, motion, STATE_ON)
    await _turn(hass, motion, STATE_OFF)
    assert _presence_calls(simulator) == [f"POST {path} 201", f"DELETE {path} 200"]
    # The flap right after the DELETE waits out the spacing; it ended off, so nothing is sent.
    await advance(hass, freezer, timedelta(seconds=15))
    assert _presence_calls(simulator) == [f"POST {path} 201", f"DELETE {path} 200"]
    await _turn(hass, motion, STATE_ON)
    await _turn(hass, motion, STATE_OFF)
    await _turn(hass, motion, STATE_ON)
    assert _presence_calls(simulator)[-1] == f"POST {path} 201"
    assert simulator.presence_reports.abuse == []


async def test_robins_retry_after_is_obeyed(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    thames_mmwave: str,
) -> None:
    path = _presence_path(simulator, "Thames Room")
    mmwave = thames_mmwave
    simulator.reset_requests()
    simulator.faults.rate_limit_next(retry_after=120)

    await _turn(hass, mmwave, STATE_ON)
    assert _presence_calls(simulator) == [f"POST {path} 429"]

    # Nothing at all is sent for 120 s: no presence report and no poll.
    await advance(hass, freezer, timedelta(seconds=60))
    await _turn(hass, mmwave, STATE_OFF)
    await _turn(hass, mmwave, STATE_ON)
    await advance(hass, freezer, timedelta(seconds=59))
    assert [f"{r.method} {r.path}" for r in simulator.requests] == [f"POST {path}"]

    await advance(hass, freezer, timedelta(seconds=2))
    assert _presence_calls(simulator) == [f"POST {path} 429", f"POST {path} 201"]
    assert _our_session_active(simulator, "Thames Room")


async def test_this_integrations_own_entities_are_never_sources(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    reporting: MockConfigEntry,
) -> None:
    # Robin's own occupancy sensor sits in the room's area (by its device) and is an
    # occupancy sensor, yet its turning on must not be reported back to Robin.
    thames = simulator.find_space("Thames Room")
    own = room_entity_id(hass, simulator, "Thames Room", "binary_sensor", "occupancy")
    entity = er.async_get(hass).async_get(own)
    assert entity is not None
    assert entity.original_device_class == "occupancy"
    simulator.start_presence(thames.id)
    await advance(hass, freezer, POLL)
    assert hass.states.get(own).state == STATE_ON
    simulator.end_presence(thames.id)
    await advance(hass, freezer, POLL)
    assert hass.states.get(own).state == STATE_OFF
    assert _presence_calls(simulator) == []

    # Nor can it be chosen by hand: the form refuses it...
    result = await hass.config_entries.subentries.async_init(
        (reporting.entry_id, SUBENTRY_PRESENCE_SOURCES), context={"source": SOURCE_USER}
    )
    with pytest.raises(InvalidData):
        await hass.config_entries.subentries.async_configure(
            result["flow_id"], {CONF_SPACE_ID: str(thames.id), CONF_SOURCES: [own]}
        )
    # ...and one that gets into a subentry anyway is left out.
    hass.config_entries.async_add_subentry(
        reporting,
        ConfigSubentry(
            data=MappingProxyType({CONF_SPACE_ID: thames.id, CONF_SOURCES: [own]}),
            subentry_type=SUBENTRY_PRESENCE_SOURCES,
            title="Thames Room",
            unique_id=str(thames.id),
        ),
    )
    simulator.start_presence(thames.id)
    await advance(hass, freezer, POLL)
    assert hass.states.get(own).state == STATE_ON
    assert _presence_calls(simulator) == []


async def test_sensors_chosen_for_a_room_in_a_subentry_are_sources(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    reporting: MockConfigEntry,
) -> None:
    boardroom = simulator.find_space("Boardroom")
    path = f"/v1.0/spaces/{boardroom.id}/presence"
    door = other_sensor(hass, "boardroom_door", device_class="door")  # in no area
    await _turn(hass, door, STATE_ON)
    assert _presence_calls(simulator) == []

    result = await hass.config_entries.subentries.async_init(
        (reporting.entry_id, SUBENTRY_PRESENCE_SOURCES), context={"source": SOURCE_USER}
    )
    assert result["step_id"] == "user"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SPACE_ID: str(boardroom.id), CONF_SOURCES: [door]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Boardroom (London HQ)"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _presence_calls(simulator) == [f"POST {path} 201"]

    # Taking the sensor out of the room's sources ends its presence.
    await advance(hass, freezer, timedelta(seconds=20))
    subentry = next(iter(reporting.subentries.values()))
    result = await hass.config_entries.subentries.async_init(
        (reporting.entry_id, SUBENTRY_PRESENCE_SOURCES),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry.subentry_id},
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SOURCES: []}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _presence_calls(simulator) == [f"POST {path} 201", f"DELETE {path} 200"]


async def test_a_chosen_sensor_still_counts_after_its_entity_id_is_renamed(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    reporting: MockConfigEntry,
) -> None:
    boardroom = simulator.find_space("Boardroom")
    path = f"/v1.0/spaces/{boardroom.id}/presence"
    door = other_sensor(hass, "boardroom_door", device_class="door")  # in no area: chosen by hand
    result = await hass.config_entries.subentries.async_init(
        (reporting.entry_id, SUBENTRY_PRESENCE_SOURCES), context={"source": SOURCE_USER}
    )
    await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SPACE_ID: str(boardroom.id), CONF_SOURCES: [door]}
    )
    await hass.async_block_till_done(wait_background_tasks=True)

    # The user renames the entity id in Home Assistant; its integration then writes its state
    # under the new id.
    renamed = "binary_sensor.boardroom_entrance"
    er.async_get(hass).async_update_entity(door, new_entity_id=renamed)
    await hass.async_block_till_done(wait_background_tasks=True)
    await _turn(hass, renamed, STATE_ON)

    assert _presence_calls(simulator) == [f"POST {path} 201"]
    subentry = next(iter(reporting.subentries.values()))
    assert subentry.data[CONF_SOURCES] == [renamed]  # the form shows the sensor by its new id
    await advance(hass, freezer, timedelta(seconds=20))
    await _turn(hass, renamed, STATE_OFF)
    assert _presence_calls(simulator) == [f"POST {path} 201", f"DELETE {path} 200"]


async def _choose(
    hass: HomeAssistant, entry: MockConfigEntry, simulator: RobinSimulator, room: str, sensor: str
) -> None:
    """Choose the sensor for the room in the "Add presence sources" form."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PRESENCE_SOURCES), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {CONF_SPACE_ID: str(simulator.find_space(room).id), CONF_SOURCES: [sensor]},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_renaming_one_rooms_chosen_sensor_leaves_another_rooms_choice_alone(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    reporting: MockConfigEntry,
) -> None:
    thames_path = _presence_path(simulator, "Thames Room")
    boardroom_door = other_sensor(hass, "boardroom_door", device_class="door")
    thames_door = other_sensor(hass, "thames_door", device_class="door")
    await _choose(hass, reporting, simulator, "Boardroom", boardroom_door)
    await _choose(hass, reporting, simulator, "Thames Room", thames_door)

    er.async_get(hass).async_update_entity(
        boardroom_door, new_entity_id="binary_sensor.boardroom_entrance"
    )
    await hass.async_block_till_done(wait_background_tasks=True)

    chosen = {
        subentry.title: subentry.data[CONF_SOURCES] for subentry in reporting.subentries.values()
    }
    assert chosen == {
        "Boardroom (London HQ)": ["binary_sensor.boardroom_entrance"],
        "Thames Room (London HQ)": [thames_door],
    }
    await _turn(hass, thames_door, STATE_ON)
    assert _presence_calls(simulator) == [f"POST {thames_path} 201"]


async def test_a_room_taken_out_of_its_area_counts_only_the_sensors_chosen_for_it(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    reporting: MockConfigEntry,
    thames_mmwave: str,
) -> None:
    path = _presence_path(simulator, "Thames Room")
    door = other_sensor(hass, "thames_door", device_class="door")  # in no area
    await _choose(hass, reporting, simulator, "Thames Room", door)
    await _turn(hass, thames_mmwave, STATE_ON)
    assert _presence_calls(simulator) == [f"POST {path} 201"]

    # The user clears the room device's area: the sensor in that area no longer tells.
    await advance(hass, freezer, timedelta(seconds=20))
    thames = simulator.find_space("Thames Room")
    device = device_with_identifier(hass, reporting.entry_id, f"space_{thames.id}")
    assert device is not None
    dr.async_get(hass).async_update_device(device.id, area_id=None)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _presence_calls(simulator) == [f"POST {path} 201", f"DELETE {path} 200"]

    # The sensor chosen for the room still does.
    await advance(hass, freezer, timedelta(seconds=20))
    await _turn(hass, door, STATE_ON)
    assert _presence_calls(simulator)[-1] == f"POST {path} 201"


async def test_an_entitys_own_area_overrides_its_devices(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    reporting: MockConfigEntry,
) -> None:
    thames = simulator.find_space("Thames Room")
    kitchen = ar.async_get(hass).async_create("Kitchen")
    other = MockConfigEntry(domain="mmwave")
    other.add_to_hass(hass)
    sensor_device = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("mmwave", "hub")}, name="Sensor hub"
    )
    dr.async_get(hass).async_update_device(
        sensor_device.id, area_id=room_area(hass, simulator, reporting, "Thames Room")
    )
    registry = er.async_get(hass)
    moved = registry.async_get_or_create(
        "binary_sensor",
        "mmwave",
        "kitchen_presence",
        device_id=sensor_device.id,
        original_device_class="presence",
        suggested_object_id="kitchen_presence",
    )
    # Home Assistant 2026.10 lets only an entity with a name of its own have its own area.
    registry.async_update_entity(moved.entity_id, name="Kitchen presence", area_id=kitchen.id)
    staying = registry.async_get_or_create(
        "binary_sensor", "mmwave", "thames_presence", device_id=sensor_device.id,
        original_device_class="presence", suggested_object_id="thames_presence",
    )  # fmt: skip
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.reset_requests()

    await _turn(hass, moved.entity_id, STATE_ON)
    assert _presence_calls(simulator) == []  # it is in the kitchen, whatever its device says
    await _turn(hass, staying.entity_id, STATE_ON)
    assert _presence_calls(simulator) == [f"POST /v1.0/spaces/{thames.id}/presence 201"]


async def test_without_a_robin_device_for_home_assistant_a_repair_explains_and_nothing_is_sent(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
) -> None:
    organization = simulator.organization
    organization.devices = [d for d in organization.devices if d.id != HOME_ASSISTANT_DEVICE]
    await set_up_reporting(hass, config_entry)
    issue_id = f"no_presence_device_{config_entry.entry_id}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {
        "organization": "Acme Robotics",
        "device": "Home Assistant",
    }

    mmwave = room_sensor(hass, simulator, config_entry, "Thames Room", "thames_mmwave")
    await _turn(hass, mmwave, STATE_ON)
    await advance(hass, freezer, POLL)
    assert _presence_calls(simulator) == []

    # Once the option is turned off the notice goes.
    hass.config_entries.async_update_entry(config_entry, options={CONF_REPORT_PRESENCE: False})
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_without_a_robin_device_its_devices_are_read_hourly_not_on_every_sensor_change(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
) -> None:
    organization = simulator.organization
    ours = next(d for d in organization.devices if d.id == HOME_ASSISTANT_DEVICE)
    organization.devices = [d for d in organization.devices if d is not ours]
    await set_up_reporting(hass, config_entry)
    mmwave = room_sensor(hass, simulator, config_entry, "Thames Room", "thames_mmwave")
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.reset_requests()

    def device_reads() -> int:
        return sum(record.path.endswith("/devices") for record in simulator.requests)

    # A motion sensor turning on and off all morning costs Robin no requests.
    for state in (STATE_ON, STATE_OFF) * 5:
        await _turn(hass, mmwave, state)
        await advance(hass, freezer, timedelta(seconds=20))
    assert device_reads() == 0
    assert _presence_calls(simulator) == []

    # Once registered, the device is found by the hourly look-up.
    organization.devices.append(ours)
    await _turn(hass, mmwave, STATE_ON)
    await advance(hass, freezer, timedelta(minutes=57))
    assert device_reads() == 1
    assert _presence_calls(simulator) == [f"POST {_presence_path(simulator, 'Thames Room')} 201"]


@pytest.mark.parametrize(
    ("fault", "back_after", "devices_reads", "warnings"),
    [("robin_fails", timedelta(minutes=3), 4, 1), ("rate_limited", timedelta(seconds=30), 2, 0)],
)
async def test_while_robin_cannot_list_its_devices_nothing_is_reported_and_no_repair_is_raised(  # noqa: PLR0917 - fixtures
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    time_zone: None,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    fault: str,
    back_after: timedelta,
    devices_reads: int,
    warnings: int,
) -> None:
    """Robin fails (5xx) or limits (429) the read of its devices as the entry starts.

    The device may well exist: no repair says it is missing. Nothing is reported until it is
    found; Robin is asked again a minute later while it fails, and after its Retry-After
    when it asks for a pause. A failure is told once in the log, not at every retry; a pause
    Robin asked for is no failure.
    """
    caplog.set_level(logging.INFO, logger="custom_components.robin")
    if fault == "robin_fails":
        simulator.faults.fail_next(500, 3, path="/devices", method="GET")
    else:
        simulator.faults.rate_limit_next(retry_after=30, path="/devices", method="GET")
    await set_up_reporting(hass, config_entry)
    mmwave = room_sensor(hass, simulator, config_entry, "Thames Room", "thames_mmwave")
    issue_id = f"no_presence_device_{config_entry.entry_id}"
    await _turn(hass, mmwave, STATE_ON)

    waited = timedelta()
    while waited < back_after - timedelta(seconds=10):
        await advance(hass, freezer, timedelta(seconds=10))
        waited += timedelta(seconds=10)
        assert _presence_calls(simulator) == []
        assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    await advance(hass, freezer, timedelta(seconds=10))

    path = _presence_path(simulator, "Thames Room")
    assert _presence_calls(simulator) == [f"POST {path} 201"]
    assert _our_session_active(simulator, "Thames Room")
    assert sum(record.path.endswith("/devices") for record in simulator.requests) == devices_reads
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    told = robin_warnings(caplog)
    assert len(told) == warnings, told
    if warnings:
        assert "Robin's devices could not be read" in told[0]
        assert "Robin's devices can be read again" in caplog.text


async def test_a_robin_device_registered_anew_is_found_again_even_across_a_reload(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    reporting: MockConfigEntry,
    thames_mmwave: str,
) -> None:
    path = _presence_path(simulator, "Thames Room")
    in_fleet = room_sensor(hass, simulator, reporting, "Fleet Room", "fleet_mmwave")
    hass.states.async_set(in_fleet, STATE_ON)
    await _turn(hass, thames_mmwave, STATE_ON)
    assert f"POST {path} 201" in _presence_calls(simulator)

    # In Robin, the "Home Assistant" device is deleted and registered again (a new id).
    organization = simulator.organization
    ours = next(d for d in organization.devices if d.id == HOME_ASSISTANT_DEVICE)
    organization.devices.remove(ours)
    organization.devices.append(dataclasses.replace(ours, id=HOME_ASSISTANT_DEVICE + 1))
    assert await hass.config_entries.async_reload(reporting.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    simulator.reset_requests()

    # The refresh meets a 404 for the old device; the device is looked up again, and the
    # room is reported under the new one half a minute later.
    for _ in range(10):
        await advance(hass, freezer, timedelta(seconds=30))
    sessions = simulator.presence_reports.sessions
    for room in ("Thames Room", "Fleet Room"):  # both refreshes were due in the same run
        space = simulator.find_space(room)
        session = sessions.get((space.id, ("device", HOME_ASSISTANT_DEVICE + 1)))
        assert session is not None
        assert simulator.presence_reports.is_active(session, simulator.now())
    assert f"POST {path} 404" in _presence_calls(simulator)


async def test_a_read_only_token_cannot_turn_the_option_on(
    hass: HomeAssistant, simulator: RobinSimulator, time_zone: None, config_entry: MockConfigEntry
) -> None:
    await setup_with_options(hass, config_entry, READ_ONLY_TOKEN)

    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_REPORT_PRESENCE: True}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_REPORT_PRESENCE: "read_only_token"}
    assert CONF_REPORT_PRESENCE not in config_entry.options


async def test_a_read_only_token_with_the_option_already_on_is_told_by_a_repair(
    hass: HomeAssistant, simulator: RobinSimulator, time_zone: None, config_entry: MockConfigEntry
) -> None:
    # The token was replaced by a read-only one while reporting was on: nothing is reported.
    await setup_with_options(hass, config_entry, READ_ONLY_TOKEN, **{CONF_REPORT_PRESENCE: True})
    issue_id = f"presence_read_only_{config_entry.entry_id}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.ERROR
    strings = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))["issues"]
    assert "{organization}" in strings[issue.translation_key]["description"]
    assert issue.translation_placeholders == {"organization": "Acme Robotics"}

    # Turning the option off withdraws it.
    flow = await hass.config_entries.options.async_init(config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        flow["flow_id"], {CONF_REPORT_PRESENCE: False}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_a_token_that_can_write_raises_no_presence_repair(
    hass: HomeAssistant, reporting: MockConfigEntry
) -> None:
    issue_id = f"presence_read_only_{reporting.entry_id}"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_a_reload_neither_posts_again_at_once_nor_leaves_an_ended_session(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    reporting: MockConfigEntry,
    thames_mmwave: str,
) -> None:
    path = _presence_path(simulator, "Thames Room")
    await _turn(hass, thames_mmwave, STATE_ON)
    await advance(hass, freezer, timedelta(seconds=5))
    simulator.reset_requests()

    # An options change reloads the entry 5 s after the post: Robin holds the session.
    assert await hass.config_entries.async_reload(reporting.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _presence_calls(simulator) == []
    # Refreshed when the session needs it, 4 minutes after the post, not before.
    await advance(hass, freezer, timedelta(minutes=3, seconds=54))
    assert _presence_calls(simulator) == []
    await advance(hass, freezer, timedelta(seconds=1))
    assert _presence_calls(simulator) == [f"POST {path} 200"]

    # The sensor goes off while the entry reloads: the session is ended, not left to run.
    assert await hass.config_entries.async_unload(reporting.entry_id)
    await hass.async_block_till_done()
    hass.states.async_set(thames_mmwave, STATE_OFF)
    assert await hass.config_entries.async_setup(reporting.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await advance(hass, freezer, timedelta(seconds=15))
    assert _presence_calls(simulator)[-1] == f"DELETE {path} 200"
    assert not _our_session_active(simulator, "Thames Room")
    assert simulator.presence_reports.abuse == []


async def test_sessions_expire_by_their_ttl_when_home_assistant_stops_reporting(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    reporting: MockConfigEntry,
    thames_mmwave: str,
) -> None:
    mmwave = thames_mmwave
    await _turn(hass, mmwave, STATE_ON)
    assert _our_session_active(simulator, "Thames Room")
    simulator.reset_requests()

    assert await hass.config_entries.async_unload(reporting.entry_id)
    await hass.async_block_till_done()
    assert _presence_calls(simulator) == []  # unloading waits for nothing from Robin
    await advance(hass, freezer, timedelta(minutes=4, seconds=59))
    assert _our_session_active(simulator, "Thames Room")
    await advance(hass, freezer, timedelta(seconds=1))
    assert not _our_session_active(simulator, "Thames Room")
    assert _presence_calls(simulator) == []


async def test_a_room_disabled_in_robin_gets_no_reports(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    reporting: MockConfigEntry,
) -> None:
    library = room_sensor(hass, simulator, reporting, "Old Library", "library_pir")
    simulator.reset_requests()
    await _turn(hass, library, STATE_ON)
    await advance(hass, freezer, timedelta(minutes=5))
    assert _presence_calls(simulator) == []  # Robin would refuse them (space_disabled)


async def test_a_room_enabled_again_in_robin_is_reported_while_its_sensor_stays_on(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    simulator: RobinSimulator,
    reporting: MockConfigEntry,
) -> None:
    library = simulator.find_space("Old Library")
    pir = room_sensor(hass, simulator, reporting, "Old Library", "library_pir")
    await _turn(hass, pir, STATE_ON)
    simulator.reset_requests()

    library.is_disabled = False  # back in service; someone is in it all along
    for _ in range(61):  # the rooms are read again hourly
        await advance(hass, freezer, POLL)
    assert state_of(hass, simulator, "Old Library", "binary_sensor", "occupancy").state == STATE_ON
    assert _presence_calls(simulator)[0] == f"POST {_presence_path(simulator, 'Old Library')} 201"


async def test_presence_sources_cannot_be_added_while_robin_is_not_loaded(
    hass: HomeAssistant, simulator: RobinSimulator, reporting: MockConfigEntry
) -> None:
    assert await hass.config_entries.async_unload(reporting.entry_id)
    await hass.async_block_till_done()
    result = await hass.config_entries.subentries.async_init(
        (reporting.entry_id, SUBENTRY_PRESENCE_SOURCES), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "entry_not_loaded"
