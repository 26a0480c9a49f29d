"""The "Add presence sources" form: one subentry per room, never Robin's own sensors."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import STATE_OFF
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_SOURCES, CONF_SPACE_ID, SUBENTRY_PRESENCE_SOURCES
from robin_simulator import RobinSimulator, run_simulator

from .common import DOMAIN
from .conftest import advance, entry_for

TRANSLATIONS = (
    Path(__file__).parents[2] / "custom_components" / "robin" / "translations" / "en.json"
)


def _door(hass: HomeAssistant, name: str) -> str:
    """Register another integration's door sensor, in no area (so chosen by hand)."""
    entity = er.async_get(hass).async_get_or_create(
        "binary_sensor", "zigbee", name, suggested_object_id=name, original_device_class="door"
    )
    hass.states.async_set(entity.entity_id, STATE_OFF)
    return entity.entity_id


async def _open_form(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PRESENCE_SOURCES), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    return result["flow_id"]


def _offered_rooms(result: dict) -> set[str]:
    options = result["data_schema"].schema[CONF_SPACE_ID].config["options"]
    return {option["label"] for option in options}


async def test_a_room_given_its_sources_in_another_window_meanwhile_is_not_taken_twice(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    entry = setup_integration
    boardroom = str(simulator.find_space("Boardroom").id)
    door, window = _door(hass, "boardroom_door"), _door(hass, "boardroom_window")
    # Two browser tabs show the form, both with the Boardroom free.
    first, second = await _open_form(hass, entry), await _open_form(hass, entry)
    result = await hass.config_entries.subentries.async_configure(
        first, {CONF_SPACE_ID: boardroom, CONF_SOURCES: [door]}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY

    result = await hass.config_entries.subentries.async_configure(
        second, {CONF_SPACE_ID: boardroom, CONF_SOURCES: [window]}
    )
    # The second is told, and offered the rooms still free.
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_SPACE_ID: "room_taken"}
    assert "Boardroom (London HQ)" not in _offered_rooms(result)
    strings = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
    assert strings["config_subentries"]["presence_sources"]["error"]["room_taken"]
    [subentry] = entry.subentries.values()
    assert subentry.data[CONF_SOURCES] == [door]


async def test_a_room_robin_removed_while_the_form_was_open_is_refused_in_words(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry = setup_integration
    boardroom = simulator.find_space("Boardroom")
    door = _door(hass, "boardroom_door")
    flow_id = await _open_form(hass, entry)
    simulator.remove_space(boardroom.id)
    await advance(hass, freezer, timedelta(hours=1))  # the hourly reread of the rooms

    result = await hass.config_entries.subentries.async_configure(
        flow_id, {CONF_SPACE_ID: str(boardroom.id), CONF_SOURCES: [door]}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_SPACE_ID: "room_gone"}
    assert "Boardroom (London HQ)" not in _offered_rooms(result)
    strings = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
    assert strings["config_subentries"]["presence_sources"]["error"]["room_gone"]
    assert entry.subentries == {}


async def test_another_robin_organizations_sensors_cannot_be_chosen(
    hass: HomeAssistant, setup_integration: MockConfigEntry, simulator: RobinSimulator
) -> None:
    # Each organization's occupancy reported into the other's room would keep both occupied.
    other = RobinSimulator("large", locations=1, spaces_per_location=2)
    async with run_simulator(other, host="127.0.0.1") as other_url:
        other_entry = entry_for(other, other_url)
        other_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(other_entry.entry_id)
        await hass.async_block_till_done()
        space = other.organization.locations[0].spaces[0]
        theirs = er.async_get(hass).async_get_entity_id(
            "binary_sensor", DOMAIN, f"{other.organization.id}_{space.id}_occupancy"
        )
        assert theirs is not None

        flow_id = await _open_form(hass, setup_integration)
        boardroom = str(simulator.find_space("Boardroom").id)
        with pytest.raises(InvalidData):
            await hass.config_entries.subentries.async_configure(
                flow_id, {CONF_SPACE_ID: boardroom, CONF_SOURCES: [theirs]}
            )
        assert setup_integration.subentries == {}
        assert await hass.config_entries.async_unload(other_entry.entry_id)


async def test_rooms_of_the_same_name_in_two_offices_are_told_apart(
    hass: HomeAssistant, simulator: RobinSimulator, time_zone: None, config_entry: MockConfigEntry
) -> None:
    new_york_room = simulator.find_space("Hudson Room")
    new_york_room.name = "Boardroom"  # New York's, as London has one
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    result = await hass.config_entries.subentries.async_init(
        (config_entry.entry_id, SUBENTRY_PRESENCE_SOURCES), context={"source": SOURCE_USER}
    )
    assert {"Boardroom (London HQ)", "Boardroom (New York Studio)"} <= _offered_rooms(result)
    door = _door(hass, "ny_door")
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_SPACE_ID: str(new_york_room.id), CONF_SOURCES: [door]}
    )
    assert result["title"] == "Boardroom (New York Studio)"


async def test_with_one_office_rooms_go_by_their_names_until_every_one_has_sources(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    one_office = RobinSimulator("large", locations=1, spaces_per_location=2)
    async with run_simulator(one_office, host="127.0.0.1") as url:
        entry = entry_for(one_office, url)
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        [office] = one_office.organization.locations
        rooms = {str(space.id): space.name for space in office.spaces}
        assert len(rooms) == 2

        # Nothing to tell apart: each room is offered by its name alone.
        for number, (space_id, name) in enumerate(rooms.items()):
            result = await hass.config_entries.subentries.async_init(
                (entry.entry_id, SUBENTRY_PRESENCE_SOURCES), context={"source": SOURCE_USER}
            )
            assert _offered_rooms(result) == set(list(rooms.values())[number:])
            result = await hass.config_entries.subentries.async_configure(
                result["flow_id"],
                {CONF_SPACE_ID: space_id, CONF_SOURCES: [_door(hass, f"door_{number}")]},
            )
            assert result["type"] is FlowResultType.CREATE_ENTRY
            assert result["title"] == name

        # Every room has its sources: the form says so rather than offering none.
        result = await hass.config_entries.subentries.async_init(
            (entry.entry_id, SUBENTRY_PRESENCE_SOURCES), context={"source": SOURCE_USER}
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "no_rooms_left"
        strings = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
        assert strings["config_subentries"]["presence_sources"]["abort"]["no_rooms_left"]
        assert len(entry.subentries) == 2
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_no_sensor_chosen_is_refused_in_words_and_the_room_stays_offered(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    entry = setup_integration
    boardroom = str(simulator.find_space("Boardroom").id)
    flow = await _open_form(hass, entry)
    result = await hass.config_entries.subentries.async_configure(
        flow, {CONF_SPACE_ID: boardroom, CONF_SOURCES: []}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_SOURCES: "no_sources"}
    assert "Boardroom (London HQ)" in _offered_rooms(result)
    assert not entry.subentries

    strings = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
    assert strings["config_subentries"]["presence_sources"]["error"]["no_sources"]


async def test_a_room_renamed_in_robin_renames_its_presence_sources(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry = setup_integration
    hudson = simulator.find_space("Hudson Room")
    flow = await _open_form(hass, entry)
    await hass.config_entries.subentries.async_configure(
        flow, {CONF_SPACE_ID: str(hudson.id), CONF_SOURCES: [_door(hass, "hudson_door")]}
    )
    [subentry] = entry.subentries.values()
    assert subentry.title == "Hudson Room (New York Studio)"

    hudson.name = "Hudson Hall"
    simulator.find_location("New York Studio").name = "NYC Studio"
    await advance(hass, freezer, timedelta(hours=1))  # the hourly rediscovery
    assert entry.subentries[subentry.subentry_id].title == "Hudson Hall (NYC Studio)"
    result = await entry.start_subentry_reconfigure_flow(hass, subentry.subentry_id)
    assert result["description_placeholders"] == {"room": "Hudson Hall (NYC Studio)"}
