"""Extending works from the booking as Robin holds it, and in real minutes across a clock change."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from robin_simulator import RobinSimulator

from .common import call_action, room_target, setup_entry_at, titled
from .conftest import advance


async def test_extend_across_the_autumn_dst_change_adds_the_minutes_asked(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    config_entry: MockConfigEntry,
    time_zone: None,
    freezer: FrozenDateTimeFactory,
) -> None:
    # Sunday 25 October 2026, London: clocks go back from 02:00 BST to 01:00 GMT (01:00 UTC).
    now = datetime(2026, 10, 24, 23, 20, 30, tzinfo=UTC)  # 00:20 BST
    await setup_entry_at(hass, freezer, config_entry, now)
    thames = simulator.find_space("Thames Room")
    # 00:00 BST to 01:30 BST (the first 01:30) = 23:00 UTC to 00:30 UTC
    late = simulator.add_event(
        thames.id,
        "Late deploy",
        datetime(2026, 10, 24, 23, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    )
    await call_action(
        hass,
        "extend_booking",
        {"booking_id": late.id, "minutes": 60},
        room_target(hass, simulator, "Thames Room"),
    )
    [extended] = titled(simulator, "Thames Room", "Late deploy")
    # 60 minutes more: 01:30 UTC (01:30 GMT), not 02:30 UTC.
    assert extended.end == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


async def test_two_extends_in_a_row_both_count(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    target = room_target(hass, simulator, "Thames Room")
    await call_action(hass, "book_space", {"duration": "00:30:00", "title": "Sprint"}, target)
    # 10:15-10:45, then three "15 minutes more" presses in a row.
    for _ in range(3):
        await call_action(hass, "extend_booking", {"minutes": 15}, target)
    [sprint] = titled(simulator, "Thames Room", "Sprint")
    assert sprint.end == datetime(2026, 11, 23, 11, 30, tzinfo=UTC)


async def test_extend_after_the_booking_was_extended_in_robin_does_not_shorten_it(
    hass: HomeAssistant, simulator: RobinSimulator, setup_integration: MockConfigEntry
) -> None:
    target = room_target(hass, simulator, "Thames Room")
    await call_action(hass, "book_space", {"duration": "00:30:00", "title": "Sprint"}, target)
    # Someone extends it in Robin's app to 11:30 (not yet seen by a poll).
    [sprint] = titled(simulator, "Thames Room", "Sprint")
    simulator.events.save(
        dataclasses.replace(sprint, end=datetime(2026, 11, 23, 11, 30, tzinfo=UTC))
    )
    response = await call_action(hass, "extend_booking", {"minutes": 15}, target)
    [sprint] = titled(simulator, "Thames Room", "Sprint")
    assert sprint.end >= datetime(2026, 11, 23, 11, 30, tzinfo=UTC), (sprint.end, response)


async def test_extend_a_meeting_moved_in_robin_minutes_ago_does_not_move_it_back(
    hass: HomeAssistant,
    simulator: RobinSimulator,
    setup_integration: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    workshops = {e.start: e for e in titled(simulator, "Hudson Room", "Client workshop")}
    wednesday = workshops[datetime(2026, 11, 25, 18, 0, tzinfo=UTC)]
    # The organizer moves Wednesday's workshop two hours later in Outlook (synced to Robin).
    simulator.events.save(
        dataclasses.replace(
            wednesday,
            start=datetime(2026, 11, 25, 20, 0, tzinfo=UTC),
            end=datetime(2026, 11, 25, 21, 0, tzinfo=UTC),
        )
    )
    # A few polls later (a few minutes), someone extends it from Home Assistant.
    for _ in range(3):
        await advance(hass, freezer, timedelta(seconds=60))
    await call_action(
        hass,
        "extend_booking",
        {"booking_id": wednesday.id, "minutes": 15},
        room_target(hass, simulator, "Hudson Room"),
    )
    [after] = [
        e for e in titled(simulator, "Hudson Room", "Client workshop") if e.id == wednesday.id
    ]
    assert (after.start, after.end) == (
        datetime(2026, 11, 25, 20, 0, tzinfo=UTC),
        datetime(2026, 11, 25, 21, 15, tzinfo=UTC),
    )
