"""Whether a booking is checked in: `get_confirmation` against the simulator and payloads."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from custom_components.robin.api import (
    Confirmation,
    RobinClient,
    RobinEventCancelledError,
    RobinEventNotFoundError,
    RobinNotFoundError,
    RobinValidationError,
)
from robin_simulator import ACCOUNT_TOKEN, RobinSimulator
from robin_simulator.scenarios.demo import HOME_ASSISTANT_DEVICE

from .conftest import ORG_ID, CannedRobin, load

STANDUP = "23481829_20240603T083000Z"  # Monday's stand-up, 09:30-09:45 in London (synced)
FLEET = 6352


async def test_not_checked_in_until_confirmed(client: RobinClient, sim: RobinSimulator) -> None:
    sim.clock.freeze(datetime(2024, 6, 3, 8, 32, tzinfo=UTC))
    assert await client.get_confirmation(STANDUP) is None
    request = sim.requests[-1]
    assert (request.method, request.path) == ("GET", f"/v1.0/events/{STANDUP}")
    assert request.query == {"include": "confirmation"}

    confirmed = await client.confirm_event(STANDUP)
    checked_in = await client.get_confirmation(STANDUP)
    # The same check-in, its PHP date object read like the PUT's answer.
    assert checked_in == confirmed
    assert checked_in == Confirmation(
        event_id=STANDUP,
        user_id=619521,
        confirmed_at=datetime(2024, 6, 3, 8, 32, tzinfo=UTC),
    )


async def test_a_booking_made_through_robin(client: RobinClient, sim: RobinSimulator) -> None:
    start = datetime(2024, 6, 3, 12, tzinfo=UTC)
    event = sim.add_event(FLEET, "Lunch and learn", start, start.replace(hour=13))
    sim.clock.freeze(start)
    assert await client.get_confirmation(event.id) is None
    await client.confirm_event(event.id)
    confirmation = await client.get_confirmation(event.id)
    assert confirmation is not None
    assert confirmation.confirmed_at == start


async def test_an_unknown_event_is_not_an_unchecked_one(client: RobinClient) -> None:
    with pytest.raises(RobinNotFoundError):
        await client.get_confirmation("404404")


async def test_a_booking_robin_shows_cancelled_is_gone_not_unchecked(
    client: RobinClient, sim: RobinSimulator
) -> None:
    """Some Robins keep a cancelled occurrence readable: whether it is checked in is moot."""
    start = datetime(2024, 6, 3, 12, tzinfo=UTC)
    event = sim.add_event(FLEET, "Lunch and learn", start, start.replace(hour=13))
    sim.clock.freeze(start)
    sim.events.save(dataclasses.replace(event, status="cancelled"))
    with pytest.raises(RobinEventCancelledError) as gone:
        await client.get_confirmation(event.id)
    # Gone as after Robin's 404, for every caller that handles that.
    assert isinstance(gone.value, RobinEventNotFoundError)
    assert gone.value.event_id == event.id


async def test_a_resent_check_in_of_a_booking_cancelled_meanwhile_is_gone(
    client: RobinClient, sim: RobinSimulator
) -> None:
    """The check-in went through and its answer was lost; the booking is cancelled, kept
    readable, before the check-in sent again is answered "already confirmed" and read back.
    """
    start = datetime(2024, 6, 3, 12, tzinfo=UTC)
    event = sim.add_event(FLEET, "Lunch and learn", start, start.replace(hour=13))
    sim.clock.freeze(start)
    sim.faults.drop_next(path="/confirmation", method="PUT")
    sim.faults.hold_next(path=f"/events/{event.id}", method="GET")
    check_in = asyncio.ensure_future(client.confirm_event(event.id))
    await sim.faults.wait_until_held()
    held = sim.events.get(event.id)
    assert held is not None
    sim.events.save(dataclasses.replace(held, status="cancelled"))
    sim.faults.let_go()
    with pytest.raises(RobinEventCancelledError):
        await check_in
    assert [(r.method, r.status) for r in sim.requests] == [
        ("PUT", 200),
        ("PUT", 400),
        ("GET", 200),
    ]


@pytest.mark.parametrize(
    ("confirmation", "expected"),
    [
        (None, None),
        ({}, None),  # PHP's empty object
        ([], None),
        (
            load("confirmation")["data"],
            Confirmation(
                event_id="35655099",
                user_id=619521,
                confirmed_at=datetime(2024, 6, 3, 13, 58, 12, tzinfo=UTC),
            ),
        ),
        (
            load("confirmation_php_date")["data"],
            Confirmation(
                event_id="35655099",
                device_id=9921,
                confirmed_at=datetime(2024, 6, 3, 13, 58, 12, tzinfo=ZoneInfo("Europe/London")),
            ),
        ),
    ],
)
async def test_confirmation_payloads(
    canned: CannedRobin, canned_client: RobinClient, confirmation: Any, expected: Any
) -> None:
    event = {**load("create_event_response")["data"], "confirmation": confirmation}
    canned.reply_json("GET", "/events/35655099", {"meta": {"status_code": 200}, "data": event})
    assert await canned_client.get_confirmation("35655099") == expected


@pytest.mark.parametrize("status", ["cancelled", "Cancelled"])
@pytest.mark.parametrize("confirmation", [None, load("confirmation")["data"]])
async def test_a_payload_marked_cancelled_is_gone(
    canned: CannedRobin, canned_client: RobinClient, status: str, confirmation: Any
) -> None:
    event = {**load("create_event_response")["data"], "status": status}
    event["confirmation"] = confirmation
    canned.reply_json("GET", "/events/35655099", {"meta": {"status_code": 200}, "data": event})
    with pytest.raises(RobinEventCancelledError):
        await canned_client.get_confirmation("35655099")


async def test_event_without_the_submodel(canned: CannedRobin, canned_client: RobinClient) -> None:
    event = load("create_event_response")["data"]
    assert "confirmation" not in event
    canned.reply_json("GET", "/events/35655099", {"meta": {"status_code": 200}, "data": event})
    assert await canned_client.get_confirmation("35655099") is None


@pytest.fixture
def account_client(session: aiohttp.ClientSession, sim_url: str) -> RobinClient:
    """A client of the simulated Acme Robotics with its account-level token (no user)."""
    return RobinClient(session, ACCOUNT_TOKEN, base_url=sim_url, organization_id=ORG_ID)


async def test_an_account_token_checks_in_as_the_device(
    account_client: RobinClient, sim: RobinSimulator
) -> None:
    sim.clock.freeze(datetime(2024, 6, 3, 8, 32, tzinfo=UTC))
    with pytest.raises(RobinValidationError) as refused:
        await account_client.confirm_event(STANDUP)
    assert "device_id_required" in refused.value.reasons
    assert not refused.value.resent
    assert await account_client.get_confirmation(STANDUP) is None

    confirmed = await account_client.confirm_event(STANDUP, device_id=HOME_ASSISTANT_DEVICE)
    assert confirmed == Confirmation(
        event_id=STANDUP,
        device_id=HOME_ASSISTANT_DEVICE,
        confirmed_at=datetime(2024, 6, 3, 8, 32, tzinfo=UTC),
    )
    assert confirmed.user_id is None
    assert await account_client.get_confirmation(STANDUP) == confirmed


async def test_a_user_token_still_sends_an_empty_body(
    client: RobinClient, sim: RobinSimulator
) -> None:
    sim.clock.freeze(datetime(2024, 6, 3, 8, 32, tzinfo=UTC))
    confirmed = await client.confirm_event(STANDUP)
    # No device named: Robin records the token's user.
    assert (confirmed.user_id, confirmed.device_id) == (619521, None)
