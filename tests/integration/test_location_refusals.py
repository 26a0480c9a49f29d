"""One location refused (403, or 404 once deleted) while the others answer.

The other locations keep working; the refused one's rooms and location entities turn
unavailable, nothing is deleted, and a repair issue names the location once the refusal
lasts. It goes when the location answers again, is taken out of the entry, or the entry goes.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_URL, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.translation import async_get_translations
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.robin.const import CONF_LOCATIONS
from robin_simulator import RobinSimulator
from robin_simulator.model import Location

from .common import DOMAIN, call_action, location_entity_id, registry_counts, room_state
from .conftest import POLL_EVERY_LOCATION_EVERY_MINUTE, advance

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
