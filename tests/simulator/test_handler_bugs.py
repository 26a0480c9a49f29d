"""A bug in a `/v1.0` handler is a 500, never a Robin refusal; control mistakes stay 400."""

import aiohttp
import pytest

from robin_simulator import RobinSimulator
from robin_simulator.model import Space

from .conftest import Api

FLEET = 6352


@pytest.mark.parametrize("bug", [KeyError, TypeError, ValueError])
async def test_a_handler_bug_answers_500_not_a_refusal(
    api: Api, sim: RobinSimulator, monkeypatch: pytest.MonkeyPatch, bug: type[Exception]
):
    def broken_state_of(_space: Space) -> None:
        raise bug("simulated bug in a handler")

    monkeypatch.setattr(sim, "state_of", broken_state_of)
    headers = {"Authorization": f"Access-Token {sim.token}"}
    async with api.session.get(f"{api.base_url}/spaces/{FLEET}/state", headers=headers) as answer:
        assert answer.status == 500
    assert [record.status for record in sim.requests] == [500]


async def test_a_bad_control_request_still_answers_400(
    session: aiohttp.ClientSession, base_url: str
):
    control = base_url.removesuffix("/v1.0") + "/_simulator"
    async with session.post(f"{control}/presence", json={"space_id": FLEET}) as answer:
        assert answer.status == 400
        assert "present" in (await answer.json())["error"]
    async with session.post(f"{control}/clock", json={"advance_seconds": "soon"}) as answer:
        assert answer.status == 400
