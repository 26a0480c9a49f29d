"""Presence and availability follow simulated time; tests can override presence."""

from datetime import UTC, datetime, timedelta

from robin_simulator import RobinSimulator

from .conftest import LONDON, Api

THAMES, FLEET, QUIET_LOUNGE, OLD_LIBRARY, FOCUS = 6351, 6352, 6356, 6355, 6363


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 6, 4, hour, minute, tzinfo=UTC)  # Tuesday; London is UTC+1


async def test_people_arrive_for_the_design_review_and_leave_after_it(
    api: Api, sim: RobinSimulator
):
    sim.clock.freeze(at(8, 55))
    assert await api.data(f"/spaces/{FLEET}/presence") == {}
    assert (await api.data(f"/spaces/{FLEET}/state"))["availability"] == "booked"  # starts soon

    sim.clock.freeze(at(9, 3))
    sessions = await api.data(f"/spaces/{FLEET}/presence")
    assert [s["user"]["name"] for s in sessions] == ["Charles Babbage", "Ada Lovelace"]
    assert sessions[0]["arrived_at"] == "2024-06-04T09:00:00+0000"
    assert sessions[0]["session_active"] is True
    state = await api.data(f"/spaces/{FLEET}/state")
    # The review runs into the back-to-back customer call: busy until 11:00 UTC.
    assert state == {
        "availability": "in_use",
        "present": 2,
        "next_busy_change": "2024-06-04T11:00:00+0000",
    }

    sim.clock.advance(timedelta(hours=1, minutes=27))  # 10:30, the no-show customer call
    state = await api.data(f"/spaces/{FLEET}/state")
    assert (state["availability"], state["present"]) == ("booked", 0)

    sim.clock.freeze(at(11, 30))
    state = await api.data(f"/spaces/{FLEET}/state")
    assert (state["availability"], state["present"]) == ("available", 0)
    assert state["next_busy_change"] == "2024-06-05T09:00:00+0000"


async def test_disabled_room_state(api: Api):
    assert (await api.data(f"/spaces/{OLD_LIBRARY}/state"))["availability"] == "disabled"


async def test_quiet_lounge_sensor_comes_and_goes_during_working_hours(
    api: Api, sim: RobinSimulator
):
    seen = []
    sim.clock.freeze(at(7, 40))  # 08:40 in London
    for _ in range(27):  # every 20 minutes until 17:40 local
        sessions = await api.data(f"/spaces/{QUIET_LOUNGE}/presence")
        seen.append(bool(sessions))
        if sessions:
            assert sessions[0]["device_id"] == 9921
            assert sessions[0]["user_id"] is None
        sim.clock.advance(timedelta(minutes=20))
    assert 0 < sum(seen) < len(seen)
    sim.clock.freeze(at(22))
    assert await api.data(f"/spaces/{QUIET_LOUNGE}/presence") == {}


async def test_the_same_seed_gives_the_same_presence():
    def lounge_pattern(seed: int) -> list[bool]:
        sim = RobinSimulator("demo", seed=seed, now=at(7, 40))
        lounge = sim.find_space("Quiet Lounge")
        pattern = []
        for _ in range(27):
            pattern.append(bool(sim.presence_in(lounge)))
            sim.clock.advance(timedelta(minutes=20))
        return pattern

    assert lounge_pattern(1) == lounge_pattern(1)
    assert any(lounge_pattern(seed) != lounge_pattern(1) for seed in range(2, 6))


async def test_start_and_end_presence_override_the_schedule(api: Api, sim: RobinSimulator):
    sim.clock.freeze(at(12))  # nothing in the Focus Room on a Tuesday
    sim.start_presence(FOCUS, user_id=619525)
    sessions = await api.data(f"/spaces/{FOCUS}/presence")
    assert [s["user"]["name"] for s in sessions] == ["Grace Hopper"]
    state = await api.data(f"/spaces/{FOCUS}/state")
    assert (state["availability"], state["present"]) == ("available", 1)
    location = await api.data(f"/locations/{2118}/presence", params={"space_ids": str(FOCUS)})
    assert [s["space_id"] for s in location] == [FOCUS]
    sim.end_presence(FOCUS)
    assert await api.data(f"/spaces/{FOCUS}/presence") == {}

    sim.clock.freeze(at(9, 30))  # during the design review
    sim.end_presence(FLEET)  # everyone walks out
    assert await api.data(f"/spaces/{FLEET}/presence") == {}
    assert (await api.data(f"/spaces/{FLEET}/state"))["availability"] == "booked"


async def test_an_ended_session_is_listed_inactive_and_counts_for_no_one(
    api: Api, sim: RobinSimulator
):
    sim.clock.freeze(at(12))  # nothing in the Focus Room on a Tuesday
    sim.start_presence(FOCUS, user_id=619525, active=False)
    [ended] = await api.data(f"/spaces/{FOCUS}/presence")
    assert ended["session_active"] is False
    assert ended["user"]["name"] == "Grace Hopper"
    assert ended["expired_at"] == "2024-06-04T12:00:00+0000"  # last seen a TTL ago
    state = await api.data(f"/spaces/{FOCUS}/state")
    assert (state["availability"], state["present"]) == ("available", 0)
    in_location = await api.data(f"/locations/{2118}/presence", params={"per_page": "100"})
    assert [(s["space_id"], s["session_active"]) for s in in_location] == [(FOCUS, False)]
    assert (await api.data(f"/spaces/{FOCUS}"))["last_presence_at"] is None

    sim.start_presence(FOCUS, user_id=619521)
    sessions = await api.data(f"/spaces/{FOCUS}/presence")
    assert [s["session_active"] for s in sessions] == [False, True]
    assert (await api.data(f"/spaces/{FOCUS}/state"))["present"] == 1


async def test_location_level_presence_is_in_no_space(api: Api, sim: RobinSimulator):
    sim.clock.freeze(at(12))  # nobody in New York's rooms: 08:00 there
    sim.start_location_presence(2118, user_id=619525)
    [session] = await api.data(f"/locations/{2118}/presence")
    assert (session["location_id"], session["space_id"]) == (2118, None)
    assert session["session_active"] is True
    assert session["user"]["name"] == "Grace Hopper"
    # It is in none of the spaces asked for.
    assert await api.data(f"/locations/{2118}/presence", params={"space_ids": str(FOCUS)}) == {}
    assert await api.data(f"/spaces/{FOCUS}/presence") == {}
    sim.end_location_presence(2118)
    assert await api.data(f"/locations/{2118}/presence") == {}


async def test_location_presence_filters_by_space_ids(api: Api, sim: RobinSimulator):
    sim.clock.freeze(at(9, 10))
    everyone = await api.data(f"/locations/{LONDON}/presence", params={"per_page": "100"})
    assert FLEET in {s["space_id"] for s in everyone}
    only_thames = await api.data(f"/locations/{LONDON}/presence", params={"space_ids": str(THAMES)})
    assert only_thames == {}


async def test_free_busy_filters_and_scopes(api: Api, sim: RobinSimulator):
    sim.clock.freeze(at(9, 10))
    window = {"bounds": {"from": "2024-06-04T00:00:00Z", "to": "2024-06-05T00:00:00Z"}}
    status, body = await api.call(
        "POST",
        "/free-busy/spaces",
        json={"scope": {"location_ids": [LONDON]}, "view_options": window},
    )
    assert status == 200
    by_name = {entry["space"]["name"]: entry for entry in body["data"]}
    # Default types exclude lounge and work; disabled rooms drop out (restricted ones stay).
    assert set(by_name) == {"Thames Room", "Fleet Room", "Phone Booth 1", "Boardroom"}
    fleet = by_name["Fleet Room"]
    assert fleet["has_presence"] is True
    assert fleet["space"]["calendar"]["remote_type"] == "google"
    assert [(b["from"], b["to"], len(b["events"])) for b in fleet["busy"]] == [
        ("2024-06-04T09:00:00+0000", "2024-06-04T11:00:00+0000", 2)
    ]
    assert body["paging"]["page"] == 1

    status, body = await api.call(
        "POST",
        "/free-busy/spaces",
        json={
            "scope": {"location_ids": [LONDON]},
            "filters": {
                "types": ["lounge", "meeting"],
                "include_unbookable": True,
                "min_capacity": 6,
            },
            "view_options": window,
        },
    )
    assert [e["space"]["name"] for e in body["data"]] == ["Quiet Lounge", "Old Library"]

    status, body = await api.call("POST", "/free-busy/spaces", json={"scope": {}})
    assert status == 400
    assert "location_ids" in body["meta"]["message"]


async def test_free_busy_pages_by_paging_info_in_the_body(api: Api, sim: RobinSimulator):
    # robin-api.md §2.7: the request pages with `paging_info` in the body; a query string on a
    # POST is not how Robin's free/busy is known to page, so `page`/`per_page` there do nothing.
    sim.clock.freeze(at(9, 10))
    request = {"scope": {"location_ids": [LONDON]}, "filters": {"include_unbookable": True}}
    everything = await api.call("POST", "/free-busy/spaces", json=request)
    names = [entry["space"]["name"] for entry in everything[1]["data"]]
    assert len(names) > 2

    status, body = await api.call(
        "POST", "/free-busy/spaces", json=request, params={"page": "2", "per_page": "2"}
    )
    assert status == 200
    assert [entry["space"]["name"] for entry in body["data"]] == names
    assert body["paging"]["page"] == 1

    status, body = await api.call(
        "POST", "/free-busy/spaces", json={**request, "paging_info": {"page": 2, "per_page": 2}}
    )
    assert status == 200
    assert [entry["space"]["name"] for entry in body["data"]] == names[2:4]
    assert body["paging"] == {"page": 2, "per_page": 2, "has_next_page": len(names) > 4}


async def test_free_busy_can_list_rooms_reduced_to_id_location_and_name(
    api: Api, sim: RobinSimulator
):
    # robin-api.md §4.10: a free/busy entry's space may be just {id, location_id, name}.
    sim.clock.freeze(at(9, 10))
    request = {"scope": {"location_ids": [LONDON]}}
    full = (await api.call("POST", "/free-busy/spaces", json=request))[1]["data"]
    assert all("capacity" in entry["space"] for entry in full)

    sim.faults.reduced_free_busy_spaces = True
    status, body = await api.call("POST", "/free-busy/spaces", json=request)
    assert status == 200
    assert [entry["space"] for entry in body["data"]] == [
        {key: entry["space"][key] for key in ("id", "location_id", "name")} for entry in full
    ]
    assert [entry["busy"] for entry in body["data"]] == [entry["busy"] for entry in full]

    sim.faults.clear()
    assert sim.faults.reduced_free_busy_spaces is False
