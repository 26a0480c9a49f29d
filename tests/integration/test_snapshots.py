"""Snapshots of what the demo organization looks like at the fixtures' frozen Monday morning.

The entities of each platform (registry entries and states), the diagnostics and each action's
response. They depend on nothing but the demo organization and the frozen clock. After a
deliberate change, regenerate them on both Home Assistant versions (README, Development):
`python -m pytest tests/integration/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from homeassistant.const import MAJOR_VERSION, MINOR_VERSION
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props
from syrupy.location import PyTestLocation

from robin_simulator import RobinSimulator

from .common import DOMAIN, room_entity_id
from .conftest import MONDAY_MORNING


class PerHomeAssistantVersionExtension(HomeAssistantSnapshotExtension):
    """Keep snapshots of Home Assistant's own records in a folder per Home Assistant version.

    Entity ids and registry entries are Home Assistant's, and they differ between the versions
    the suite runs on: 2026.10 starts new entity ids with the area and its RegistryEntry has
    fields 2026.3's lacks. Normalising those away would hide what a user of each version
    really gets, so each version keeps its own snapshot file (snapshots_by_ha_version/2026.3/,
    .../2026.10/). What the integration itself answers (diagnostics, actions) is one snapshot
    in snapshots/ that both versions must match.

    Not under snapshots/: syrupy searches a snapshot folder's subfolders too, and would take
    the other version's snapshots for unused ones (and delete them with --snapshot-update).
    """

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        """Return snapshots_by_ha_version/<major.minor of the running Home Assistant>/."""
        tests = Path(test_location.filepath).parent
        return str(tests / "snapshots_by_ha_version" / f"{MAJOR_VERSION}.{MINOR_VERSION}")


@pytest.fixture
def versioned_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Return a snapshot kept apart for the running Home Assistant version."""
    return snapshot.use_extension(PerHomeAssistantVersionExtension)


@pytest.mark.parametrize("platform", ["binary_sensor", "calendar", "sensor"])
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    versioned_snapshot: SnapshotAssertion,
    setup_integration: MockConfigEntry,
    platform: str,
) -> None:
    entries = [
        entry
        for entry in er.async_entries_for_config_entry(entity_registry, setup_integration.entry_id)
        if entry.domain == platform
    ]
    assert entries
    # Registered as a new installation gets them, disabled-by-default ones included.
    for entry in entries:
        assert entry == versioned_snapshot(name=f"{entry.entity_id}-entry")

    # Entities disabled by default have a state only once enabled: enable them (a reload, at
    # the same frozen instant) so that every entity's state is in the snapshot.
    disabled = [entry for entry in entries if entry.disabled_by is not None]
    for entry in disabled:
        entity_registry.async_update_entity(entry.entity_id, disabled_by=None)
    if disabled:
        assert await hass.config_entries.async_reload(setup_integration.entry_id)
        await hass.async_block_till_done()
    for entry in entries:
        state = hass.states.get(entry.entity_id)
        assert state is not None, entry.entity_id
        assert state == versioned_snapshot(name=f"{entry.entity_id}-state")


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client,
    snapshot: SnapshotAssertion,
    simulator_url: str,
    setup_integration: MockConfigEntry,
) -> None:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, setup_integration)
    # The simulator's port changes from run to run.
    assert diagnostics["entry"]["data"]["url"] == simulator_url
    assert diagnostics == snapshot(exclude=props("url"))


@pytest.mark.parametrize(
    ("action", "room", "booking", "data"),
    [
        ("book_space", "Thames Room", None, {"duration": "00:30:00", "title": "Focus session"}),
        ("cancel_booking", "Fleet Room", None, {}),  # the design review under way
        ("extend_booking", "Hudson Room", "Client workshop", {"minutes": 30}),  # today's
        ("end_booking", "Fleet Room", None, {}),
        ("check_in", "Fleet Room", None, {}),
    ],
    ids=["book_space", "cancel_booking", "extend_booking", "end_booking", "check_in"],
)
@pytest.mark.usefixtures("setup_integration")
async def test_room_action_responses(
    hass: HomeAssistant,
    snapshot: SnapshotAssertion,
    simulator: RobinSimulator,
    *,
    action: str,
    room: str,
    booking: str | None,
    data: dict[str, Any],
) -> None:
    if booking is not None:
        space = simulator.find_space(room)
        meetings = [e for e in simulator.events_in(space.id) if e.title == booking]
        today = min(meetings, key=lambda event: abs(event.start - MONDAY_MORNING))
        data = {**data, "booking_id": today.id}
    response = await hass.services.async_call(
        DOMAIN,
        action,
        data,
        target={"entity_id": room_entity_id(hass, simulator, room, "calendar", "bookings")},
        blocking=True,
        return_response=True,
    )
    assert response == snapshot


async def test_find_free_space_response(
    hass: HomeAssistant, snapshot: SnapshotAssertion, setup_integration: MockConfigEntry
) -> None:
    response = await hass.services.async_call(
        DOMAIN,
        "find_free_space",
        {"config_entry_id": setup_integration.entry_id, "duration": "00:30:00"},
        blocking=True,
        return_response=True,
    )
    assert response == snapshot
