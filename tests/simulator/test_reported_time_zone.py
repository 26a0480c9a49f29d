"""A location can report a time zone name that is not a valid IANA name, as a faulty Robin might."""

import aiohttp

from robin_simulator import RobinSimulator, run_simulator

from .conftest import NEW_YORK, Api


async def test_a_location_reports_an_invalid_time_zone_and_back(sim: RobinSimulator) -> None:
    async with aiohttp.ClientSession() as session, run_simulator(sim) as base_url:
        api = Api(session, base_url, sim.token)
        control = base_url.removesuffix("/v1.0") + "/_simulator/faults"

        async def report(time_zone: str | None) -> int:
            body = {"location_time_zone": {"location_id": NEW_YORK, "time_zone": time_zone}}
            async with session.post(control, json=body) as response:
                return response.status

        assert await report("America/Nowhere") == 200
        assert (await api.data(f"/locations/{NEW_YORK}"))["time_zone"] == "America/Nowhere"
        # Its meetings still happen in New York: only the reported name is wrong.
        status, _ = await api.get(f"/locations/{NEW_YORK}/events")
        assert status == 200
        assert await report(None) == 200
        assert (await api.data(f"/locations/{NEW_YORK}"))["time_zone"] == "America/New_York"
        async with session.post(
            control, json={"location_time_zone": {"location_id": 1, "time_zone": "UTC"}}
        ) as response:
            assert response.status == 400
