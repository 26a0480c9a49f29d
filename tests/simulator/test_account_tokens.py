"""Account-level tokens: no user behind them, so a check-in must name a device."""

from datetime import timedelta

from robin_simulator import ACCOUNT_TOKEN, RobinSimulator
from robin_simulator.scenarios.demo import HOME_ASSISTANT_DEVICE, QUIET_LOUNGE_SENSOR

from .conftest import Api

FOCUS = 6363


def upcoming(sim: RobinSimulator, title: str = "Check-in test") -> str:
    """Add a meeting in the Focus Room that starts in five minutes; return its id."""
    now = sim.clock.now()
    return sim.add_event(FOCUS, title, now + timedelta(minutes=5), now + timedelta(hours=1)).id


async def test_an_account_token_has_no_user(api: Api, sim: RobinSimulator):
    auth = await api.data("/auth", token=ACCOUNT_TOKEN)
    assert (auth["type"], auth["type_id"]) == ("account", sim.organization.id)
    status, body = await api.get("/me", token=ACCOUNT_TOKEN)
    assert (status, body["meta"]["message"]) == (404, "Object does not exist")
    status, _ = await api.get("/me/organizations", token=ACCOUNT_TOKEN)
    assert status == 403


async def test_an_account_token_checks_in_only_as_a_device(api: Api, sim: RobinSimulator):
    event_id = upcoming(sim)
    path = f"/events/{event_id}/confirmation"
    status, body = await api.call("PUT", path, json={}, token=ACCOUNT_TOKEN)
    assert status == 400
    assert body["meta"]["status"] == "BAD_REQUEST"
    assert body["meta"]["errors"][0]["reason"] == "device_id_required"
    assert body["data"] == {}
    assert event_id not in sim.events.confirmations

    status, body = await api.call(
        "PUT", path, json={"device_id": HOME_ASSISTANT_DEVICE}, token=ACCOUNT_TOKEN
    )
    assert status == 200
    assert (body["data"]["user_id"], body["data"]["device_id"]) == (None, HOME_ASSISTANT_DEVICE)
    confirmation = sim.events.confirmations[event_id]
    assert (confirmation.user_id, confirmation.device_id) == (None, HOME_ASSISTANT_DEVICE)
    # Read back by any token, as the device's check-in.
    read = await api.data(f"/events/{event_id}", params={"include": "confirmation"})
    assert read["confirmation"]["device_id"] == HOME_ASSISTANT_DEVICE


async def test_a_device_must_be_one_of_the_organizations(api: Api, sim: RobinSimulator):
    event_id = upcoming(sim)
    path = f"/events/{event_id}/confirmation"
    for device_id in (404404, "9930", True):
        status, body = await api.call(
            "PUT", path, json={"device_id": device_id}, token=ACCOUNT_TOKEN
        )
        assert (status, body["meta"]["errors"][0]["reason"]) == (400, "invalid_device_id")
    assert event_id not in sim.events.confirmations


async def test_a_refused_body_is_checked_before_the_event(api: Api, sim: RobinSimulator):
    """A second check-in without a device is refused for the body, like Robin's validation."""
    event_id = upcoming(sim)
    path = f"/events/{event_id}/confirmation"
    body = {"device_id": QUIET_LOUNGE_SENSOR}
    assert (await api.call("PUT", path, json=body, token=ACCOUNT_TOKEN))[0] == 200
    status, answer = await api.call("PUT", path, json={}, token=ACCOUNT_TOKEN)
    assert (status, answer["meta"]["errors"][0]["reason"]) == (400, "device_id_required")
    status, answer = await api.call("PUT", path, json=body, token=ACCOUNT_TOKEN)
    assert (status, answer["meta"]["errors"][0]["reason"]) == (400, "event_already_confirmed")


async def test_a_user_token_checks_in_as_its_user_or_as_a_device(api: Api, sim: RobinSimulator):
    mine, devices = upcoming(sim, "Mine"), upcoming(sim, "The device's")
    status, body = await api.call("PUT", f"/events/{mine}/confirmation", json={})
    assert status == 200
    assert (body["data"]["user_id"], body["data"]["device_id"]) == (619521, None)
    status, body = await api.call(
        "PUT", f"/events/{devices}/confirmation", json={"device_id": HOME_ASSISTANT_DEVICE}
    )
    assert status == 200
    assert (body["data"]["user_id"], body["data"]["device_id"]) == (None, HOME_ASSISTANT_DEVICE)
