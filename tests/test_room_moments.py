"""One timer for every room's next moment: each room is told when its moment comes, only then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.robin.room_moments import RoomMoments

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
THAMES, BOARDROOM = 1, 2


async def _moments(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> tuple[RoomMoments, list[set[int]]]:
    """Return the moments of no room yet, and the list of the rooms told, call by call."""
    freezer.move_to(START)
    told: list[set[int]] = []
    return RoomMoments(hass, told.append), told


async def _pass(hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: datetime) -> None:
    freezer.move_to(moment)
    async_fire_time_changed(hass, moment)
    await hass.async_block_till_done()


async def test_each_room_is_told_at_its_own_moment(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    moments, told = await _moments(hass, freezer)
    moments.set_next(THAMES, START + timedelta(minutes=1))
    moments.set_next(BOARDROOM, START + timedelta(minutes=2))
    moments.schedule()

    await _pass(hass, freezer, START + timedelta(seconds=59))
    assert told == []
    await _pass(hass, freezer, START + timedelta(minutes=1))
    assert told == [{THAMES}]
    await _pass(hass, freezer, START + timedelta(minutes=2))
    assert told == [{THAMES}, {BOARDROOM}]


async def test_a_room_whose_moment_is_cleared_is_not_told(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The room stops being bookable before its booking starts: the timer goes, nothing fires."""
    moments, told = await _moments(hass, freezer)
    moments.set_next(THAMES, START + timedelta(minutes=1))
    moments.schedule()

    moments.set_next(THAMES, None)
    moments.schedule()
    await _pass(hass, freezer, START + timedelta(minutes=5))

    assert told == []  # not even with no room


async def test_a_moment_moved_again_and_again_is_told_once_at_its_last_time(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A booking extended minute by minute, while another room's moment comes first."""
    moments, told = await _moments(hass, freezer)
    moments.set_next(THAMES, START + timedelta(hours=1))
    first = START + timedelta(hours=2)
    heap_sizes = []
    for minutes in range(200):
        moments.set_next(BOARDROOM, first + timedelta(minutes=minutes))
        moments.schedule()
        heap_sizes.append(len(moments._heap))
    last = first + timedelta(minutes=199)
    # Every move leaves its earlier time behind in the heap: those are dropped now and
    # then, so what a room moved many times costs stays bounded.
    assert max(heap_sizes) <= 4 * 2 + 16

    await _pass(hass, freezer, START + timedelta(hours=1))
    assert told == [{THAMES}]
    await _pass(hass, freezer, first)
    assert told == [{THAMES}]  # the Boardroom's earlier times are gone
    await _pass(hass, freezer, last)
    assert told == [{THAMES}, {BOARDROOM}]
