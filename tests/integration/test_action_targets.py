"""The booking actions target a room by its area, floor or label, as the target picker offers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import floor_registry as fr
from homeassistant.helpers import label_registry as lr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import (
    call_action,
    device_with_identifier,
    meeting,
    room_entity_id,
    titled,
    writes,
)

README = Path(__file__).parents[2] / "README.md"
HALF_HOUR: dict[str, Any] = {"duration": "00:30:00", "title": "By area"}


def _room_device(
    hass: HomeAssistant, simulator: RobinSimulator, entry: MockConfigEntry, room: str
) -> dr.DeviceEntry:
    device = device_with_identifier(hass, entry.entry_id, f"space_{simulator.find_space(room).id}")
    assert device is not None
    return device


def _light_in(hass: HomeAssistant, area_id: str) -> str:
    """Put another integration's light in the area, as a room's area usually holds."""
    registry = er.async_get(hass)
    light = registry.async_get_or_create("light", "demo", f"ceiling_{area_id}")
    registry.async_update_entity(light.entity_id, area_id=area_id)
    return light.entity_id


async def _refused(
    hass: HomeAssistant, action: str, data: dict[str, Any], target: dict[str, Any]
) -> ServiceValidationError:
    with pytest.raises(ServiceValidationError) as err:
        await call_action(hass, action, data, target)
    return err.value


def _readme_book_space_example() -> dict[str, Any]:
    """Return the README's book_space example (Actions), which targets the room's area."""
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    [block] = [block for block in blocks if block.startswith("action: robin.book_space\n")]
    example: dict[str, Any] = yaml.safe_load(block)
    return example


async def test_book_space_by_the_rooms_area_as_the_readme_shows(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    example = _readme_book_space_example()
    assert example["target"] == {"area_id": "thames_room"}
    # Set up, the room's device sits in an area named after the room.
    assert _room_device(hass, simulator, setup_integration, "Thames Room").area_id == "thames_room"
    # What else the area holds is not a room and does not count: a light, the office's device.
    _light_in(hass, "thames_room")
    london = device_with_identifier(
        hass, setup_integration.entry_id, f"location_{simulator.find_location('London HQ').id}"
    )
    assert london is not None
    dr.async_get(hass).async_update_device(london.id, area_id="thames_room")

    response = await call_action(hass, "book_space", example["data"], example["target"])

    assert (response["booking"]["room"], response["booking"]["location"]) == (
        "Thames Room",
        "London HQ",
    )
    [made] = titled(simulator, "Thames Room", example["data"]["title"])
    assert made.id == response["booking"]["id"]


async def test_check_in_by_the_rooms_area(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    review = meeting(simulator, "Fleet Room", "Design review")  # on now, not checked in

    response = await call_action(hass, "check_in", {}, {"area_id": "fleet_room"})

    assert response["booking"]["id"] == review.id
    assert review.id in simulator.events.confirmations


async def test_an_area_holding_only_a_rooms_entity_targets_that_room(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    """An entity's own area counts, as Home Assistant's area targets have it."""
    corner = ar.async_get(hass).async_create("Corner office")
    calendar = room_entity_id(hass, simulator, "Hudson Room", "calendar", "bookings")
    er.async_get(hass).async_update_entity(calendar, area_id=corner.id)

    response = await call_action(hass, "book_space", HALF_HOUR, {"area_id": corner.id})

    assert response["booking"]["room"] == "Hudson Room"
    assert len(titled(simulator, "Hudson Room", "By area")) == 1


async def test_an_area_without_a_robin_room_is_refused(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    kitchen = ar.async_get(hass).async_create("Kitchen")
    _light_in(hass, kitchen.id)
    simulator.reset_requests()

    for action, data in [("book_space", HALF_HOUR), ("check_in", {})]:
        err = await _refused(hass, action, data, {"area_id": kitchen.id})
        assert err.translation_key == "not_a_room", action
        assert str(err) == "Kitchen is not a Robin room"
    # An area id that does not exist (deleted since the automation was written).
    err = await _refused(hass, "book_space", HALF_HOUR, {"area_id": "no_such_area"})
    assert err.translation_key == "not_a_room"
    assert str(err) == "no_such_area is not a Robin room"
    # Named beside a room's own entity it is still refused, as any target that is not a
    # room is: the action would otherwise run on what the user did not mean.
    err = await _refused(
        hass,
        "book_space",
        HALF_HOUR,
        {
            "area_id": kitchen.id,
            "entity_id": room_entity_id(hass, simulator, "Thames Room", "calendar", "bookings"),
        },
    )
    assert str(err) == "Kitchen is not a Robin room"
    assert writes(simulator) == []


async def test_an_area_with_two_robin_rooms_is_refused(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    fleet = _room_device(hass, simulator, setup_integration, "Fleet Room")
    dr.async_get(hass).async_update_device(fleet.id, area_id="thames_room")
    simulator.reset_requests()

    for action, data in [("book_space", HALF_HOUR), ("check_in", {})]:
        err = await _refused(hass, action, data, {"area_id": "thames_room"})
        assert err.translation_key == "one_room_required", action
        assert str(err) == (
            "Target exactly one Robin room (one of its entities, its device, "
            "or an area, floor or label holding no other room)"
        )
    # The Fleet Room's own area, left with nothing in it, holds no room now.
    err = await _refused(hass, "check_in", {}, {"area_id": "fleet_room"})
    assert err.translation_key == "not_a_room"
    # Two areas of one room each are two rooms, too.
    dr.async_get(hass).async_update_device(fleet.id, area_id="fleet_room")
    err = await _refused(hass, "check_in", {}, {"area_id": ["thames_room", "fleet_room"]})
    assert err.translation_key == "one_room_required"
    # Home Assistant's `entity_id: all` stands for every room.
    err = await _refused(hass, "book_space", HALF_HOUR, {"entity_id": "all"})
    assert err.translation_key == "one_room_required"
    assert writes(simulator) == []


async def test_a_floor_with_one_robin_room_targets_it_and_with_two_is_refused(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    ground = fr.async_get(hass).async_create("Ground floor")
    areas = ar.async_get(hass)
    areas.async_update("thames_room", floor_id=ground.floor_id)

    response = await call_action(hass, "book_space", HALF_HOUR, {"floor_id": ground.floor_id})
    assert response["booking"]["room"] == "Thames Room"

    areas.async_update("fleet_room", floor_id=ground.floor_id)
    err = await _refused(hass, "check_in", {}, {"floor_id": ground.floor_id})
    assert err.translation_key == "one_room_required"
    upstairs = fr.async_get(hass).async_create("Upstairs")
    err = await _refused(hass, "check_in", {}, {"floor_id": upstairs.floor_id})
    assert str(err) == "Upstairs is not a Robin room"
    assert len(titled(simulator, "Thames Room", "By area")) == 1


async def test_a_label_on_one_robin_room_targets_it(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    focus = lr.async_get(hass).async_create("Focus booking")
    hudson = _room_device(hass, simulator, setup_integration, "Hudson Room")
    dr.async_get(hass).async_update_device(hudson.id, labels={focus.label_id})

    response = await call_action(hass, "book_space", HALF_HOUR, {"label_id": focus.label_id})
    assert response["booking"]["room"] == "Hudson Room"

    # The label on another room's entity as well: two rooms.
    fleet_calendar = room_entity_id(hass, simulator, "Fleet Room", "calendar", "bookings")
    er.async_get(hass).async_update_entity(fleet_calendar, labels={focus.label_id})
    err = await _refused(hass, "check_in", {}, {"label_id": focus.label_id})
    assert err.translation_key == "one_room_required"
