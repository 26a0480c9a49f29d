"""Amenities: shown on each room, and find_free_space filtered by them."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.service import async_get_all_descriptions
from homeassistant.helpers.translation import async_get_translations
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import DOMAIN
from .common import room_state as state_of


async def _free_rooms(hass: HomeAssistant, entry: MockConfigEntry, **data: Any) -> list[str]:
    response = await hass.services.async_call(
        DOMAIN,
        "find_free_space",
        {"config_entry_id": entry.entry_id, "duration": "00:30:00", **data},
        blocking=True,
        return_response=True,
    )
    assert isinstance(response, dict)
    return sorted(space["name"] for space in response["spaces"])


async def test_each_room_shows_its_amenities_sorted_by_name(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    boardroom = state_of(hass, simulator, "Boardroom", "sensor", "availability")
    assert boardroom.attributes["amenities"] == [
        "Conference phone",
        "Display",
        "Projector",
        "Video conferencing",
    ]
    fleet = state_of(hass, simulator, "Fleet Room", "sensor", "availability")
    assert fleet.attributes["amenities"] == ["Display", "Whiteboard"]
    # A room without amenities says so rather than leaving the attribute out.
    focus = state_of(hass, simulator, "Focus Room", "sensor", "availability")
    assert focus.attributes["amenities"] == []
    # The attribute's name as Home Assistant's frontend shows it.
    translations = await async_get_translations(hass, "en", "entity", [DOMAIN])
    key = f"component.{DOMAIN}.entity.sensor.availability.state_attributes.amenities.name"
    assert translations[key] == "Amenities"


async def test_amenities_are_read_with_space_amenities_never_the_deprecated_include(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    space_reads = [r for r in simulator.requests if r.path.endswith("/spaces")]
    assert space_reads
    for record in space_reads:
        includes = record.query.get("include", "").split(",")
        assert "space_amenities" in includes
        assert "amenities" not in includes


async def test_find_free_space_keeps_rooms_with_every_named_amenity(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    every_free_room = await _free_rooms(hass, setup_integration)
    assert {"Phone Booth 1", "Brooklyn Room", "Focus Room"} <= set(every_free_room)

    # Every named amenity must be there (Phone Booth 1 has video conferencing, no display);
    # names are compared regardless of case.
    with_both = await _free_rooms(
        hass, setup_integration, amenities=["video conferencing", "DISPLAY"]
    )
    assert with_both == ["Boardroom", "Hudson Room", "Thames Room"]

    assert await _free_rooms(hass, setup_integration, amenities="Projector") == [
        "Boardroom",
        "Brooklyn Room",
    ]


async def test_find_free_space_with_an_amenity_no_free_room_has_lists_none(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    # The Fleet Room has a display and a whiteboard, but it is busy now.
    assert await _free_rooms(hass, setup_integration, amenities=["Hologram"]) == []
    assert await _free_rooms(hass, setup_integration, amenities=["Display", "Whiteboard"]) == [
        "Thames Room"
    ]


async def test_the_amenities_field_offers_the_names_found_on_the_rooms(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    await hass.async_block_till_done(wait_background_tasks=True)
    descriptions = await async_get_all_descriptions(hass)
    field = descriptions[DOMAIN]["find_free_space"]["fields"]["amenities"]
    assert field["selector"] == {
        "select": {
            "options": [
                "Conference phone",
                "Display",
                "Projector",
                "Video conferencing",
                "Whiteboard",
            ],
            "multiple": True,
            "custom_value": True,
        }
    }
    # The other fields are still those of services.yaml.
    fields = descriptions[DOMAIN]["find_free_space"]["fields"]
    assert fields["config_entry_id"]["selector"] == {"config_entry": {"integration": DOMAIN}}
