"""Presence reported through the API: sessions created, extended, ended and expired."""

from datetime import timedelta

import pytest

from robin_simulator import READ_ONLY_TOKEN, RobinSimulator
from robin_simulator.presence_reports import PresenceAbuse

from .conftest import LONDON, TUESDAY_MORNING, Api

THAMES, OLD_LIBRARY = 6351, 6355
HOME_ASSISTANT = 9930
ADA = 619521
PRESENCE = f"/spaces/{THAMES}/presence"


async def post(api: Api, body: dict[str, object], token: str | None = None):
    return await api.call("POST", PRESENCE, json=body, token=token)


async def test_a_device_session_is_created_extended_and_ended(api: Api, sim: RobinSimulator):
    assert await api.data(PRESENCE) == {}

    status, created = await post(api, {"device_id": HOME_ASSISTANT, "session_ttl": 300})
    assert status == 201
    session = created["data"]
    assert session["device_id"] == HOME_ASSISTANT
    assert session["user_id"] is None
    assert session["device"]["name"] == "Home Assistant"
    assert session["arrived_at"] == session["last_seen_at"] == "2024-06-04T07:00:00+0000"
    assert session["expired_at"] == "2024-06-04T07:05:00+0000"

    sim.clock.advance(timedelta(minutes=4))
    status, extended = await post(api, {"device_id": HOME_ASSISTANT, "session_ttl": 300})
    assert status == 200
    assert extended["data"]["arrived_at"] == "2024-06-04T07:00:00+0000"
    assert extended["data"]["expired_at"] == "2024-06-04T07:09:00+0000"
    assert len(await api.data(PRESENCE)) == 1
    assert (await api.data(f"/spaces/{THAMES}/state"))["present"] == 1

    status, ended = await api.call("DELETE", PRESENCE, json={"device_id": HOME_ASSISTANT})
    assert (status, ended["data"]) == (200, {})
    assert await api.data(PRESENCE) == {}
    assert (await api.data(f"/spaces/{THAMES}/state"))["present"] == 0


async def test_sessions_expire_on_the_simulator_clock(api: Api, sim: RobinSimulator):
    await post(api, {"user_id": ADA, "session_ttl": 60})
    sim.clock.advance(timedelta(seconds=59))
    [session] = await api.data(PRESENCE)
    assert session["user"]["name"] == "Ada Lovelace"
    sim.clock.advance(timedelta(seconds=1))
    assert await api.data(PRESENCE) == {}

    # Too late to extend: a new session, arriving now.
    status, renewed = await post(api, {"user_id": ADA, "session_ttl": 60})
    assert status == 201
    assert renewed["data"]["arrived_at"] == "2024-06-04T07:01:00+0000"


async def test_reported_presence_is_in_the_location_list_and_the_state(
    api: Api, sim: RobinSimulator
):
    sim.clock.freeze(TUESDAY_MORNING.replace(hour=8, minute=20))  # 09:20 in London
    assert not any(s["space_id"] == THAMES for s in await api.data(f"/locations/{LONDON}/presence"))
    await post(api, {"device_id": HOME_ASSISTANT})  # Robin's default TTL: 30 s
    in_london = await api.data(f"/locations/{LONDON}/presence")
    [ours] = [s for s in in_london if s["space_id"] == THAMES]
    assert (ours["device_id"], ours["session_ttl"]) == (HOME_ASSISTANT, 30)
    filtered = await api.data(f"/locations/{LONDON}/presence", params={"space_ids": str(THAMES)})
    assert [s["device_id"] for s in filtered] == [HOME_ASSISTANT]
    state = await api.data(f"/spaces/{THAMES}/state")
    assert (state["availability"], state["present"]) == ("booked", 1)  # the 09:30 stand-up
    space = await api.data(f"/spaces/{THAMES}")
    assert space["last_presence_at"] == "2024-06-04T08:20:00+0000"

    sim.clock.advance(timedelta(seconds=30))
    assert not any(s["space_id"] == THAMES for s in await api.data(f"/locations/{LONDON}/presence"))


async def test_a_user_and_a_device_are_separate_sessions(api: Api):
    await post(api, {"user_id": ADA, "session_ttl": 120})
    await post(api, {"device_id": HOME_ASSISTANT, "session_ttl": 120})
    assert len(await api.data(PRESENCE)) == 2
    await api.call("DELETE", PRESENCE, json={"user_id": ADA})
    assert [s["device_id"] for s in await api.data(PRESENCE)] == [HOME_ASSISTANT]


async def test_reported_presence_adds_to_the_scenario_and_test_overrides(
    api: Api, sim: RobinSimulator
):
    sim.start_presence(THAMES, user_id=619522)
    await post(api, {"device_id": HOME_ASSISTANT, "session_ttl": 120})
    assert (await api.data(f"/spaces/{THAMES}/state"))["present"] == 2


async def test_read_only_token_gets_403(api: Api):
    status, body = await post(api, {"device_id": HOME_ASSISTANT}, token=READ_ONLY_TOKEN)
    assert status == 403
    assert body["data"] == {}
    status, _ = await api.call(
        "DELETE", PRESENCE, json={"device_id": HOME_ASSISTANT}, token=READ_ONLY_TOKEN
    )
    assert status == 403
    assert await api.data(PRESENCE) == {}


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ({"device_id": HOME_ASSISTANT, "session_ttl": 1201}, 400, "invalid_session_ttl"),
        ({"device_id": HOME_ASSISTANT, "session_ttl": 0}, 400, "invalid_session_ttl"),
        ({"device_id": HOME_ASSISTANT, "session_ttl": "300"}, 400, "invalid_session_ttl"),
        ({"session_ttl": 300}, 400, "presence_identity_required"),
        ({"user_id": 1, "session_ttl": 300}, 404, None),
        ({"device_id": 1, "session_ttl": 300}, 404, None),
    ],
)
async def test_bad_reports_are_refused(
    api: Api, body: dict[str, object], status: int, reason: str | None
):
    got, answer = await post(api, body)
    assert got == status
    reasons = [error["reason"] for error in answer["meta"]["errors"]]
    assert reasons == ([reason] if reason else [])
    assert await api.data(PRESENCE) == {}


async def test_disabled_and_unknown_rooms(api: Api):
    body = {"device_id": HOME_ASSISTANT}
    status, _ = await api.call("POST", f"/spaces/{OLD_LIBRARY}/presence", json=body)
    assert status == 400
    status, _ = await api.call("POST", "/spaces/999999/presence", json=body)
    assert status == 404
    status, _ = await api.call("DELETE", PRESENCE, json={})
    assert status == 400


async def test_posting_far_more_often_than_the_ttl_is_recorded(api: Api, sim: RobinSimulator):
    await post(api, {"device_id": HOME_ASSISTANT, "session_ttl": 300})
    sim.clock.advance(timedelta(minutes=4))
    await post(api, {"device_id": HOME_ASSISTANT, "session_ttl": 300})  # a fair refresh
    assert sim.presence_reports.abuse == []

    sim.clock.advance(timedelta(seconds=5))
    status, _ = await post(api, {"device_id": HOME_ASSISTANT, "session_ttl": 300})
    assert status == 200  # recorded, not punished
    assert sim.presence_reports.abuse == [
        PresenceAbuse(
            space_id=THAMES,
            identity=("device", HOME_ASSISTANT),
            at=TUESDAY_MORNING + timedelta(minutes=4, seconds=5),
            since_previous=timedelta(seconds=5),
            ttl=300,
        )
    ]
