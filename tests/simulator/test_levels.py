"""`GET /locations/{id}/levels`: the floors the rooms' `level_id` refer to, with their names."""

from robin_simulator import RobinSimulator, run_simulator

from .conftest import LONDON, NEW_YORK, Api


async def test_demo_levels_name_every_room_floor(api: Api):
    levels = await api.data(f"/locations/{LONDON}/levels")
    assert [(level["id"], level["location_id"], level["name"]) for level in levels] == [
        (1001, LONDON, "Ground floor"),
        (1002, LONDON, "First floor"),
    ]
    assert all(level["created_at"].endswith("+0000") for level in levels)
    for location in (LONDON, NEW_YORK):
        level_ids = {level["id"] for level in await api.data(f"/locations/{location}/levels")}
        spaces = await api.data(f"/locations/{location}/spaces")
        assert {space["level_id"] for space in spaces} <= level_ids
    status, _ = await api.get("/locations/999/levels")
    assert status == 404


async def test_large_scenario_levels_are_paged_and_named(session):
    sim = RobinSimulator("large", locations=2, spaces_per_location=25)
    async with run_simulator(sim) as url:
        api = Api(session, url, sim.token)
        for location in sim.organization.locations:
            levels = await api.data(f"/locations/{location.id}/levels", params={"per_page": "2"})
            assert [level["name"] for level in levels] == ["Floor 1", "Floor 2"]
            _, rest = await api.get(
                f"/locations/{location.id}/levels", params={"per_page": "2", "page": "2"}
            )
            assert [level["name"] for level in rest["data"]] == ["Floor 3"]
            spaces = await api.data(f"/locations/{location.id}/spaces", params={"per_page": "100"})
            by_id = {level["id"] for level in [*levels, *rest["data"]]}
            assert {space["level_id"] for space in spaces} == by_id
