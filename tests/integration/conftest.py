"""Fixtures: the Robin simulator served on 127.0.0.1 and a config entry pointing at it."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator, Mapping
from datetime import UTC, datetime, timedelta
from unittest.mock import PropertyMock, patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.robin.const import (
    CONF_LOCATIONS,
    CONF_OFF_HOURS_INTERVAL,
    CONF_ORGANIZATION_ID,
    DOMAIN,
)
from robin_simulator import RobinSimulator, run_simulator
from scripts.robin_demo.reports import reports_about_robin

# Monday 23 November 2026, 10:15 in London (UTC+0): the Fleet Room's "Design review"
# (10:00-11:00) is under way, the Thames Room's stand-up (09:30-09:45) is over.
MONDAY_MORNING = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/robin."""


@pytest.fixture(autouse=True)
def no_reports_about_robin(caplog: pytest.LogCaptureFixture) -> Generator[None]:
    """Fail a test during which Home Assistant reported a deprecated use by this integration."""
    yield
    records = caplog.get_records("setup") + caplog.get_records("call")
    reports = reports_about_robin(
        f"{record.levelname} {record.name}: {record.getMessage()}" for record in records
    )
    assert not reports, "\n".join(reports)


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Add the entities shipped disabled (people present, free until, capacity, floor) enabled.

    As a user who enabled them has them; Home Assistant core's tests have the same fixture.
    """
    with patch.object(
        Entity, "entity_registry_enabled_default", new_callable=PropertyMock, return_value=True
    ):
        yield


@pytest.fixture
async def time_zone(hass: HomeAssistant) -> None:
    """Run Home Assistant in London, like the demo organization's head office."""
    await hass.config.async_set_time_zone("Europe/London")


@pytest.fixture(autouse=True)
def monday_morning(freezer: FrozenDateTimeFactory) -> None:
    """Freeze time before anything else is made (Home Assistant's tokens included)."""
    freezer.move_to(MONDAY_MORNING)


@pytest.fixture
def simulator() -> RobinSimulator:
    """Return the demo organization; its clock follows the frozen wall clock."""
    return RobinSimulator("demo")


@pytest.fixture
async def simulator_url(simulator: RobinSimulator, socket_enabled: None) -> AsyncGenerator[str]:
    """Serve the simulator on an ephemeral port of 127.0.0.1.

    pytest-socket still refuses connections to any other address.
    """
    async with run_simulator(simulator, host="127.0.0.1") as base_url:
        yield base_url


def entry_for(
    simulator: RobinSimulator, url: str, options: Mapping[str, object] | None = None
) -> MockConfigEntry:
    """Return an entry for the simulator's organization served at url, all locations selected."""
    organization = simulator.organization
    return MockConfigEntry(
        domain=DOMAIN,
        title=organization.name,
        unique_id=str(organization.id),
        options=dict(options or {}),
        data={
            CONF_ACCESS_TOKEN: simulator.token,
            CONF_URL: url,
            CONF_ORGANIZATION_ID: organization.id,
            CONF_LOCATIONS: [location.id for location in organization.locations],
        },
    )


# On Monday morning in London it is 05:15 in New York, outside its working hours: a test
# that counts on every location being read every minute polls at the regular interval
# all the time (the option's 0). tests/integration/test_working_hours.py tests the default.
POLL_EVERY_LOCATION_EVERY_MINUTE = pytest.mark.parametrize(
    "entry_options", [{CONF_OFF_HOURS_INTERVAL: 0}], ids=["every_minute"]
)


@pytest.fixture
def entry_options() -> dict[str, object]:
    """Return the options of the test's entry: the defaults, unless a test sets others."""
    return {}


@pytest.fixture
def config_entry(
    simulator: RobinSimulator, simulator_url: str, entry_options: dict[str, object]
) -> MockConfigEntry:
    """Return an entry for the demo organization with both locations selected."""
    return entry_for(simulator, simulator_url, entry_options)


@pytest.fixture
async def setup_integration(
    hass: HomeAssistant, time_zone: None, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """Set up the entry against the simulator and wait until its entities exist."""
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


async def advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta) -> None:
    """Move the shared clock forward and let every timer due by then (polls too) run."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    # Polls run as background tasks: wait for them too.
    await hass.async_block_till_done(wait_background_tasks=True)
