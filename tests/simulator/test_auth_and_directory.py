"""Tokens, organization/locations/spaces listings, paging and Robin's JSON quirks."""

import re

from robin_simulator import READ_ONLY_TOKEN, RobinSimulator, run_simulator

from .conftest import LONDON, TUESDAY_MORNING, Api, booking

ROBIN_OFFSET = re.compile(r"[+-]\d{4}$")


async def test_missing_unknown_and_revoked_tokens_get_401(api: Api, sim, session, base_url):
    async with session.get(f"{base_url}/auth") as response:
        assert response.status == 401
        assert (await response.json())["meta"]["status"] == "UNAUTHORIZED"
    status, _ = await api.get("/auth", token="not-a-token")
    assert status == 401
    sim.revoke_token(sim.token)
    status, body = await api.get("/locations/2117")
    assert status == 401
    assert body["data"] == {}


async def test_bearer_scheme_is_not_robins(api: Api, sim, session, base_url):
    headers = {"Authorization": f"Bearer {sim.token}"}
    async with session.get(f"{base_url}/auth", headers=headers) as response:
        assert response.status == 401


async def test_auth_describes_the_token_with_robins_date_quirks(api: Api, sim):
    data = await api.data("/auth")
    assert data["type"] == "account"
    assert data["type_id"] == sim.organization.id
    assert data["scopes"] == ["basic_read", "basic_write"]
    assert data["last_accessed_at"] == {
        "date": "2024-06-04 07:00:00.000000",
        "timezone_type": 3,
        "timezone": "UTC",
    }
    assert ROBIN_OFFSET.search(data["created_at"])
    read_only = await api.data("/auth", token=READ_ONLY_TOKEN)
    assert read_only["scopes"] == ["basic_read"]


async def test_read_only_token_reads_but_cannot_book(api: Api):
    assert (await api.data("/spaces/6352"))["name"] == "Fleet Room"
    body = booking("2024-06-04T15:00:00+01:00", "2024-06-04T15:30:00+01:00")
    status, answer = await api.call("POST", "/spaces/6352/events", json=body, token=READ_ONLY_TOKEN)
    assert status == 403
    assert answer["meta"]["status_code"] == 403


async def test_expired_token_gets_401(api: Api, sim):
    sim.add_token("old", expire_at=sim.clock.now())
    status, _ = await api.get("/auth", token="old")
    assert status == 401


async def test_org_level_token_cannot_list_organizations(api: Api, sim):
    sim.add_token("org-token", can_list_organizations=False)
    status, _ = await api.get("/me/organizations", token="org-token")
    assert status == 403
    org = await api.data("/organizations/acme-robotics", token="org-token")
    assert org["id"] == sim.organization.id


async def test_me_and_my_organizations(api: Api):
    me = await api.data("/me")
    assert me["name"] == "Ada Lovelace"
    assert me["primary_email"]["email"] == "ada@acme-robotics.example"
    status, body = await api.get("/me/organizations")
    assert status == 200
    assert [org["slug"] for org in body["data"]] == ["acme-robotics"]
    assert body["data"][0]["user_access"] == {"management_level": 0, "is_owner": False}
    assert body["paging"] == {"page": 1, "per_page": 10, "has_next_page": False}


async def test_organization_by_id_or_slug_and_unknown_404(api: Api, sim):
    by_slug = await api.data("/organizations/acme-robotics")
    by_id = await api.data(f"/organizations/{sim.organization.id}")
    assert by_slug == by_id
    assert by_slug["name"] == "Acme Robotics"
    status, body = await api.get("/organizations/other-corp")
    assert status == 404
    assert body == {
        "meta": {
            "status_code": 404,
            "status": "NOT_FOUND",
            "message": "Object does not exist",
            "more_info": {},
            "errors": [],
        },
        "data": {},
    }


async def test_unknown_ids_answer_404(api: Api):
    for path in ("/locations/1", "/spaces/1", "/spaces/abc/state", "/events/nope", "/nowhere"):
        status, body = await api.get(path)
        assert status == 404, path
        assert body["meta"]["message"] == "Object does not exist"


async def test_locations_with_time_zones_and_working_hours(api: Api):
    locations = await api.data("/organizations/acme-robotics/locations", params={"per_page": "100"})
    assert [loc["name"] for loc in locations] == ["London HQ", "New York Studio"]
    london, new_york = locations
    assert (london["time_zone"], new_york["time_zone"]) == ("Europe/London", "America/New_York")
    hours = {day["day"]: day["time_frames"] for day in london["working_hours"]}
    assert hours[1] == [{"start": "08:30", "end": "18:00"}]
    assert hours[0] == []
    assert hours[6] == {}  # the PHP empty-array quirk
    filtered = await api.data("/organizations/acme-robotics/locations", params={"query": "york"})
    assert [loc["name"] for loc in filtered] == ["New York Studio"]


async def test_spaces_expose_bookability_through_calendar_and_behaviors(api: Api):
    spaces = await api.data(
        f"/locations/{LONDON}/spaces", params={"include": "calendar", "per_page": "100"}
    )
    by_name = {space["name"]: space for space in spaces}
    assert len(by_name) == 7
    assert by_name["Thames Room"]["calendar"]["remote_type"] == "google"
    assert by_name["Thames Room"]["behaviors"] == ["scheduling"]
    assert by_name["Quiet Lounge"]["calendar"] is None
    assert by_name["Quiet Lounge"]["behaviors"] == {}  # empty list quirk
    assert by_name["Desk Area North"]["behaviors"] == ["seats"]
    assert by_name["Old Library"]["is_disabled"] is True
    assert by_name["Thames Room"]["current_event"] is None  # deprecated, still present
    assert {space["level_id"] for space in spaces} == {1001, 1002}
    plain = await api.data("/spaces/6351")
    assert "calendar" not in plain


async def test_space_includes_location_and_state(api: Api):
    space = await api.data("/spaces/6351", params={"include": "location,state,calendar"})
    assert space["location"]["name"] == "London HQ"
    assert space["state"]["availability"] in {"available", "booked", "in_use"}
    assert space["calendar"]["space_id"] == 6351


async def test_paging_defaults_to_ten_and_caps_per_page_at_200(session, base_url):
    sim = RobinSimulator("large", locations=1, spaces_per_location=220)
    async with run_simulator(sim) as url:
        api = Api(session, url, sim.token)
        location_id = sim.organization.locations[0].id
        status, first = await api.get(f"/locations/{location_id}/spaces")
        assert status == 200
        assert len(first["data"]) == 10
        assert first["paging"] == {"page": 1, "per_page": 10, "has_next_page": True}
        _, capped = await api.get(f"/locations/{location_id}/spaces", params={"per_page": "500"})
        assert len(capped["data"]) == 200
        assert capped["paging"]["per_page"] == 200
        assert capped["paging"]["has_next_page"] is True
        _, last = await api.get(
            f"/locations/{location_id}/spaces", params={"per_page": "200", "page": "2"}
        )
        assert len(last["data"]) == 20
        assert last["paging"]["has_next_page"] is False
        _, beyond = await api.get(
            f"/locations/{location_id}/spaces", params={"per_page": "200", "page": "3"}
        )
        assert beyond["data"] == {}  # an empty list comes back as an object
        status, _ = await api.get(f"/locations/{location_id}/spaces", params={"page": "zero"})
        assert status == 400


def test_large_scenario_has_alternating_time_zones_and_meetings():
    sim = RobinSimulator("large", locations=4, spaces_per_location=5, now=TUESDAY_MORNING)
    zones = [location.time_zone for location in sim.organization.locations]
    assert zones == ["Europe/London", "America/New_York"] * 2
    assert sum(len(sim.events_in(space.id)) for space in sim.organization.spaces()) > 50
