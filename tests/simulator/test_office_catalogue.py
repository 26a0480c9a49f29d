"""Amenities of rooms, the organization's catalogues, and reading a meeting's check-in."""

from datetime import timedelta

from robin_simulator import RobinSimulator, run_simulator

from .conftest import LONDON, NEW_YORK, Api

FOCUS = 6363


async def test_space_amenities_with_the_calendar(api: Api):
    spaces = await api.data(
        f"/locations/{LONDON}/spaces",
        params={"include": "calendar,space_amenities", "per_page": "100"},
    )
    by_name = {space["name"]: space for space in spaces}
    thames = by_name["Thames Room"]
    assert thames["calendar"]["remote_type"] == "google"  # both includes honoured
    assert [entry["amenity"]["name"] for entry in thames["space_amenities"]] == [
        "Display",
        "Video conferencing",
        "Whiteboard",
    ]
    assert thames["space_amenities"][0]["space_id"] == 6351
    assert (
        thames["space_amenities"][0]["amenity_id"] == thames["space_amenities"][0]["amenity"]["id"]
    )
    assert by_name["Quiet Lounge"]["space_amenities"] == {}  # the PHP empty-array quirk
    assert "space_amenities" not in (await api.data("/spaces/6351"))
    single = await api.data("/spaces/6354", params={"include": "space_amenities"})
    assert [entry["amenity"]["name"] for entry in single["space_amenities"]] == [
        "Display",
        "Video conferencing",
        "Conference phone",
        "Projector",
    ]
    assert "calendar" not in single


async def test_deprecated_amenities_include_is_empty_for_every_space(api: Api):
    for location in (LONDON, NEW_YORK):
        spaces = await api.data(
            f"/locations/{location}/spaces", params={"include": "amenities", "per_page": "100"}
        )
        assert {str(space["amenities"]) for space in spaces} == {"[]"}
    assert (await api.data("/spaces/6351", params={"include": "amenities"}))["amenities"] == []


async def test_organization_catalogues(api: Api):
    amenities = await api.data("/organizations/acme-robotics/amenities")
    assert [(a["id"], a["name"]) for a in amenities] == [
        (301, "Display"),
        (302, "Video conferencing"),
        (303, "Whiteboard"),
        (304, "Conference phone"),
        (305, "Projector"),
    ]
    devices = await api.data("/organizations/2672/devices")
    assert [(d["id"], d["name"], d["space_id"]) for d in devices] == [
        (9921, "PIR sensor", 6356),
        (9930, "Home Assistant", None),
    ]
    status, _ = await api.get("/organizations/other-org/devices")
    assert status == 404


async def test_large_scenario_rooms_have_amenities(session):
    sim = RobinSimulator("large", locations=1, spaces_per_location=30)
    async with run_simulator(sim) as url:
        api = Api(session, url, sim.token)
        location_id = sim.organization.locations[0].id
        spaces = await api.data(
            f"/locations/{location_id}/spaces",
            params={"include": "space_amenities", "per_page": "100"},
        )
        names = [
            tuple(entry["amenity"]["name"] for entry in space["space_amenities"])
            for space in spaces
        ]
        assert sum(1 for room in names if room) > len(spaces) // 2
        assert len(set(names)) > 5  # a mix, not the same everywhere
        devices = await api.data("/organizations/globex/devices", params={"per_page": "100"})
        assert {d["space_id"] for d in devices} == {
            space.id for space in sim.organization.spaces() if space.sim_sensor_device_id
        }


async def test_read_a_check_in(api: Api, sim: RobinSimulator):
    now = sim.clock.now()
    event = sim.add_event(FOCUS, "Check-in test", now, now + timedelta(hours=1))
    status, body = await api.get(f"/events/{event.id}/confirmation")
    assert (status, body["meta"]["message"]) == (404, "Object does not exist")
    assert (await api.data(f"/events/{event.id}", params={"include": "confirmation"}))[
        "confirmation"
    ] is None

    status, confirmed = await api.call("PUT", f"/events/{event.id}/confirmation", json={})
    assert status == 200
    assert await api.data(f"/events/{event.id}/confirmation") == confirmed["data"]
    status, _ = await api.get("/events/404404/confirmation")
    assert status == 404
