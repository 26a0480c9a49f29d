"""Reporting presence to Robin: the client against the simulator and a canned Robin."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import pytest

from custom_components.robin.api import (
    MAX_PRESENCE_TTL,
    Device,
    RobinClient,
    RobinForbiddenError,
    RobinNotFoundError,
)
from robin_simulator import READ_ONLY_TOKEN, RobinSimulator

from .conftest import LONDON_ID, NOW, ORG_ID, CannedRobin, Reply, load

THAMES = 6351
HOME_ASSISTANT_DEVICE = 9930  # the demo organization's device registered for Home Assistant
ADA = 619521


async def test_reported_presence_is_seen_like_any_other(
    client: RobinClient, sim: RobinSimulator
) -> None:
    assert await client.get_space_presence(THAMES) == []

    presence = await client.report_presence(
        THAMES, session_ttl=timedelta(minutes=5), device_id=HOME_ASSISTANT_DEVICE
    )
    assert (presence.space_id, presence.device_id, presence.user_id) == (
        THAMES,
        HOME_ASSISTANT_DEVICE,
        None,
    )
    assert presence.session_ttl == 300
    assert presence.expired_at == NOW + timedelta(minutes=5)
    assert presence.session_active
    assert sim.requests[-1].status == 201  # a new session

    # Robin's own occupancy sees it: the room's state, its presence and the location's list.
    assert (await client.get_space_state(THAMES)).present == 1
    assert [p.device_id for p in await client.get_space_presence(THAMES)] == [HOME_ASSISTANT_DEVICE]
    in_london = await client.get_location_presence(LONDON_ID)
    assert any(p.space_id == THAMES and p.device_id == HOME_ASSISTANT_DEVICE for p in in_london)


async def test_refresh_extends_and_end_removes(client: RobinClient, sim: RobinSimulator) -> None:
    ttl = timedelta(minutes=4)
    await client.report_presence(THAMES, session_ttl=ttl, device_id=HOME_ASSISTANT_DEVICE)
    sim.clock.advance(timedelta(minutes=3))
    refreshed = await client.report_presence(
        THAMES, session_ttl=ttl, device_id=HOME_ASSISTANT_DEVICE
    )
    assert sim.requests[-1].status == 200  # extended, not a second session
    assert refreshed.arrived_at == NOW
    assert refreshed.expired_at == NOW + timedelta(minutes=7)
    assert len(await client.get_space_presence(THAMES)) == 1

    await client.end_presence(THAMES, device_id=HOME_ASSISTANT_DEVICE)
    assert await client.get_space_presence(THAMES) == []
    assert (await client.get_space_state(THAMES)).present == 0


async def test_the_session_expires_by_its_ttl(client: RobinClient, sim: RobinSimulator) -> None:
    await client.report_presence(THAMES, session_ttl=timedelta(seconds=90), user_id=ADA)
    sim.clock.advance(timedelta(seconds=89))
    assert (await client.get_space_state(THAMES)).present == 1
    sim.clock.advance(timedelta(seconds=1))
    assert (await client.get_space_state(THAMES)).present == 0
    assert not any(p.space_id == THAMES for p in await client.get_location_presence(LONDON_ID))

    # Posting after the TTL ran out opens a new session.
    sim.clock.advance(timedelta(minutes=1))
    renewed = await client.report_presence(THAMES, session_ttl=timedelta(minutes=1), user_id=ADA)
    assert sim.requests[-1].status == 201
    assert renewed.arrived_at == NOW + timedelta(minutes=2, seconds=30)


@pytest.mark.parametrize(
    "ttl",
    [MAX_PRESENCE_TTL + timedelta(seconds=1), timedelta(hours=1), timedelta(0), -timedelta(1)],
)
async def test_a_ttl_robin_refuses_is_refused_before_any_request(
    client: RobinClient, sim: RobinSimulator, ttl: timedelta
) -> None:
    with pytest.raises(ValueError, match="20 min"):
        await client.report_presence(THAMES, session_ttl=ttl, device_id=HOME_ASSISTANT_DEVICE)
    assert sim.requests == []


async def test_twenty_minutes_is_allowed(client: RobinClient) -> None:
    presence = await client.report_presence(
        THAMES, session_ttl=MAX_PRESENCE_TTL, device_id=HOME_ASSISTANT_DEVICE
    )
    assert presence.session_ttl == 1200


@pytest.mark.parametrize("identity", [{}, {"user_id": ADA, "device_id": HOME_ASSISTANT_DEVICE}])
async def test_exactly_one_identity(
    client: RobinClient, sim: RobinSimulator, identity: dict[str, int]
) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        await client.report_presence(THAMES, session_ttl=timedelta(minutes=1), **identity)
    with pytest.raises(ValueError, match="exactly one"):
        await client.end_presence(THAMES, **identity)
    assert sim.requests == []


async def test_read_only_token_and_unknown_device(
    client: RobinClient, session: aiohttp.ClientSession, sim_url: str
) -> None:
    read_only = RobinClient(session, READ_ONLY_TOKEN, base_url=sim_url)
    with pytest.raises(RobinForbiddenError):
        await read_only.report_presence(
            THAMES, session_ttl=timedelta(minutes=1), device_id=HOME_ASSISTANT_DEVICE
        )
    with pytest.raises(RobinForbiddenError):
        await read_only.end_presence(THAMES, device_id=HOME_ASSISTANT_DEVICE)
    with pytest.raises(RobinNotFoundError):
        await client.report_presence(THAMES, session_ttl=timedelta(minutes=1), device_id=1)
    assert await client.get_space_presence(THAMES) == []


async def test_bodies_sent_to_robin(canned: CannedRobin, canned_client: RobinClient) -> None:
    presence = load("space_presence")["data"][1]
    canned.reply_json(
        "POST",
        "/spaces/6351/presence",
        {"meta": {"status_code": 201, "status": "CREATED", "message": ""}, "data": presence},
        status=201,
    )
    canned.reply("DELETE", "/spaces/6351/presence", Reply(status=204, raw=b""))

    reported = await canned_client.report_presence(
        THAMES, session_ttl=timedelta(seconds=29.5), device_id="urn:robin-uuid:ha-1"
    )
    await canned_client.end_presence(THAMES, device_id="urn:robin-uuid:ha-1")

    post, delete = canned.requests
    # Whole seconds, rounded up; the identity in the DELETE's body, as Robin wants it.
    assert (post.method, post.body) == (
        "POST",
        {"device_id": "urn:robin-uuid:ha-1", "session_ttl": 30},
    )
    assert (delete.method, delete.body) == ("DELETE", {"device_id": "urn:robin-uuid:ha-1"})
    assert reported.device_id == presence["device_id"]


async def test_the_device_to_report_with_is_found_among_the_organizations_devices(
    client: RobinClient,
) -> None:
    devices = {device.name: device for device in await client.get_devices(ORG_ID)}
    assert devices["Home Assistant"] == Device(
        id=HOME_ASSISTANT_DEVICE, name="Home Assistant", manifest_name="Presence reporter"
    )
    assert devices["PIR sensor"].space_id == 6356  # the Quiet Lounge's own sensor


def test_device_payload_with_an_embedded_space() -> None:
    # The shape of robin-api §3.11: the space embedded rather than its id.
    raw = {
        "id": "9921",
        "account_id": 2672,
        "device_manifest_id": 13,
        "name": "PIR sensor",
        "identifiers": [],
        "device_manifest": {"id": 13, "name": "IR presence", "slug": "ir"},
        "space": {"id": 6356, "name": "Quiet Lounge"},
    }
    assert Device.from_json(raw) == Device(
        id=9921, name="PIR sensor", space_id=6356, manifest_name="IR presence"
    )
