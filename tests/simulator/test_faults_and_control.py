"""Injected faults, the request log and the `/_simulator` control API."""

import asyncio
import json
import time
from datetime import timedelta
from email.utils import parsedate_to_datetime

import aiohttp
import pytest

from robin_simulator import RobinSimulator, run_simulator

from .conftest import LONDON, NEW_YORK, TUESDAY_MORNING, Api, booking

FLEET = 6352


async def test_latency_delays_every_answer(api: Api, sim: RobinSimulator):
    sim.faults.latency = 0.2
    started = time.monotonic()
    status, _ = await api.get("/auth")
    assert status == 200
    assert time.monotonic() - started >= 0.2


async def test_fail_next_answers_errors_in_the_envelope_then_recovers(
    api: Api, sim: RobinSimulator
):
    sim.faults.fail_next(503, count=2)
    for _ in range(2):
        status, body = await api.get("/auth")
        assert status == 503
        assert body["meta"]["status"] == "SERVICE_UNAVAILABLE"
        assert body["data"] == {}
    status, _ = await api.get("/auth")
    assert status == 200
    assert [r.status for r in sim.requests] == [503, 503, 200]


async def test_rate_limit_with_seconds_and_http_date(api: Api, sim: RobinSimulator):
    sim.faults.rate_limit_next(retry_after=30)
    sim.faults.rate_limit_next(retry_after=120, http_date=True)
    async with api.session.get(f"{api.base_url}/auth") as response:
        assert response.status == 429
        assert response.headers["Retry-After"] == "30"
    async with api.session.get(f"{api.base_url}/auth") as response:
        assert response.status == 429
        retry_at = parsedate_to_datetime(response.headers["Retry-After"])
        assert (retry_at - TUESDAY_MORNING).total_seconds() == 120


async def test_service_unavailable_with_retry_after(api: Api, sim: RobinSimulator):
    sim.faults.rate_limit_next(retry_after=300, status=503)
    async with api.session.get(f"{api.base_url}/auth") as response:
        assert response.status == 503
        assert response.headers["Retry-After"] == "300"
        assert (await response.json())["meta"]["status_code"] == 503
    assert [(r.status, r.retry_after) for r in sim.requests] == [(503, "300")]


async def test_hold_next_serves_the_request_once_let_go(api: Api, sim: RobinSimulator):
    sim.faults.hold_next(path="/locations")
    held = asyncio.create_task(api.get(f"/locations/{LONDON}"))
    await sim.faults.wait_until_held()
    # Other requests go on meanwhile.
    assert (await api.get("/auth"))[0] == 200
    assert [r.status for r in sim.requests] == [0, 200]
    sim.faults.let_go()
    status, body = await held
    assert status == 200
    assert body["data"]["id"] == LONDON
    assert [r.status for r in sim.requests] == [200, 200]


async def test_hold_answer_next_answers_as_served_once_let_go(api: Api, sim: RobinSimulator):
    """The read is served at once; its answer waits, and shows nothing changed meanwhile."""
    now = sim.clock.now()
    event = sim.add_event(FLEET, "Held read", now, now + timedelta(hours=1))
    read = f"/events/{event.id}"
    sim.faults.hold_answer_next(path=read, method="GET")
    held = asyncio.create_task(api.get(read, params={"include": "confirmation"}))
    await sim.faults.wait_until_held()
    # Checked in while the answer waits; not in the answer served before.
    status, _ = await api.call("PUT", f"{read}/confirmation", json={})
    assert status == 200
    sim.faults.let_go()
    status, body = await held
    assert status == 200
    assert not body["data"].get("confirmation")
    assert (await api.data(read, params={"include": "confirmation"}))["confirmation"]
    assert sim.faults.pending == 0


async def test_a_held_request_is_answered_at_shutdown(session: aiohttp.ClientSession):
    sim = RobinSimulator("demo", now=TUESDAY_MORNING)
    async with run_simulator(sim) as url:
        api = Api(session, url, sim.token)
        sim.faults.hold_next()
        held = asyncio.create_task(api.get("/auth"))
        await sim.faults.wait_until_held()
    assert (await held)[0] == 200


async def test_hang_next_never_answers_until_shutdown(session: aiohttp.ClientSession):
    sim = RobinSimulator("demo", now=TUESDAY_MORNING)
    async with run_simulator(sim) as url:
        api = Api(session, url, sim.token)
        sim.faults.hang_next()
        with pytest.raises(TimeoutError):
            async with session.get(f"{url}/auth", timeout=aiohttp.ClientTimeout(total=0.3)):
                pass
        assert (await api.get("/auth"))[0] == 200
        assert [r.status for r in sim.requests] == [0, 200]  # the hanging one never answered
    # Leaving the context released the hanging handler instead of waiting for it.
    assert sim.requests[0].status == 503


async def test_malformed_next_is_not_json(api: Api, sim: RobinSimulator):
    sim.faults.malformed_next()
    async with api.session.get(
        f"{api.base_url}/auth", headers={"Authorization": f"Access-Token {sim.token}"}
    ) as response:
        assert response.status == 200
        with pytest.raises(json.JSONDecodeError):
            await response.json()
    assert (await api.get("/auth"))[0] == 200


async def test_location_events_can_be_unsupported(api: Api, sim: RobinSimulator):
    assert (await api.get(f"/locations/{LONDON}/events"))[0] == 200
    sim.faults.location_events_supported = False
    assert (await api.get(f"/locations/{LONDON}/events"))[0] == 404
    assert (await api.get(f"/spaces/{FLEET}/events"))[0] == 200
    sim.faults.clear()
    assert (await api.get(f"/locations/{LONDON}/events"))[0] == 200


async def test_requests_are_logged_with_query_and_status(api: Api, sim: RobinSimulator):
    await api.get(f"/spaces/{FLEET}/events", params={"after": "2024-06-04T00:00:00Z"})
    await api.get("/spaces/999999")
    assert [(r.method, r.path, r.query, r.status) for r in sim.requests] == [
        ("GET", f"/v1.0/spaces/{FLEET}/events", {"after": "2024-06-04T00:00:00Z"}, 200),
        ("GET", "/v1.0/spaces/999999", {}, 404),
    ]
    sim.reset_requests()
    assert sim.requests == []


async def test_control_api_drives_clock_faults_presence_and_revocation(
    session: aiohttp.ClientSession, api: Api, sim: RobinSimulator, base_url: str
):
    control = base_url.removesuffix("/v1.0") + "/_simulator"

    async def post(path: str, body: object) -> dict:
        async with session.post(f"{control}/{path}", json=body) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    assert (await post("clock", {"freeze": "2024-06-04T09:03:00Z"}))[
        "now"
    ] == "2024-06-04T09:03:00+0000"
    assert (await post("clock", {"advance_seconds": 60}))["now"] == "2024-06-04T09:04:00+0000"
    async with session.get(f"{control}/clock") as response:
        assert await response.json() == {"now": "2024-06-04T09:04:00+0000", "frozen": True}
    assert (await api.data(f"/spaces/{FLEET}/state"))["present"] == 3

    assert (await post("presence", {"space_id": FLEET, "present": False}))["present"] == 0
    assert (await post("presence", {"space_id": 6363, "present": True}))["present"] == 1
    ended = {"space_id": 6363, "present": True, "active": False}
    assert (await post("presence", ended))["present"] == 1  # the ended session counts for no one
    focus = sim.find_space("Focus Room")
    assert [s.active for s in sim.presence_listed_in(focus)] == [True, False]
    in_no_room = {"location_id": 2118, "present": True, "device_id": 9921}
    assert await post("presence", in_no_room) == {"location_id": 2118, "present": 1}
    new_york = sim.find_location("New York Studio")
    [in_location] = sim.location_presence(new_york)
    assert (in_location.space_id, in_location.device_id) == (None, 9921)
    assert (await post("presence", {"location_id": 2118, "present": False}))["present"] == 0

    await post("faults", {"fail_next": {"status": 502}})
    assert (await api.get("/auth"))[0] == 502
    await post("faults", {"location_events_supported": False})
    assert (await api.get(f"/locations/{LONDON}/events"))[0] == 404
    await post("faults", {"clear": True})

    async with session.get(f"{control}/requests") as response:
        logged = await response.json()
    assert [entry["status"] for entry in logged] == [200, 502, 404]

    await post("revoke", {"token": sim.token})
    assert (await api.get("/auth"))[0] == 401
    async with session.post(f"{control}/clock", json={"freeze": "not a date"}) as response:
        assert response.status == 400
        assert "error" in await response.json()


async def test_clock_follows_wall_time_unless_frozen():
    sim = RobinSimulator("demo")
    assert not sim.clock.is_frozen
    first = sim.clock.now()
    await asyncio.sleep(0)
    assert sim.clock.now() >= first
    sim.clock.freeze(TUESDAY_MORNING)
    assert sim.clock.now() == TUESDAY_MORNING
    sim.clock.unfreeze()
    assert sim.clock.now() > TUESDAY_MORNING


async def test_unfrozen_clock_obeys_freezegun(freezer):
    freezer.move_to("2024-06-04T09:03:00+00:00")
    sim = RobinSimulator("demo")
    fleet = sim.find_space("Fleet Room")
    assert sim.state_of(fleet).availability == "in_use"
    freezer.move_to("2024-06-04T11:30:00+00:00")
    assert sim.state_of(fleet).availability == "available"


async def test_fail_next_can_wait_for_one_path(api: Api, sim: RobinSimulator):
    sim.faults.fail_next(500, path="/me/organizations")
    status, _ = await api.get("/auth")
    assert status == 200  # not the path the fault waits for
    status, _ = await api.get("/me/organizations")
    assert status == 500
    status, _ = await api.get("/me/organizations")
    assert status == 200


async def test_serve_next_lets_requests_through_before_the_next_fault(
    api: Api, sim: RobinSimulator
):
    sim.faults.serve_next(path="/me/organizations", method="GET")
    sim.faults.fail_next(500, path="/me/organizations", method="GET")
    statuses = [(await api.get("/me/organizations"))[0] for _ in range(3)]
    assert statuses == [200, 500, 200]


async def test_drop_next_makes_the_booking_but_loses_the_answer(api: Api, sim: RobinSimulator):
    sim.faults.drop_next(path="/events")
    body = {
        "title": "Lost answer",
        "start": {"date_time": "2024-06-04T15:00:00+01:00", "time_zone": "Europe/London"},
        "end": {"date_time": "2024-06-04T15:30:00+01:00", "time_zone": "Europe/London"},
    }
    with pytest.raises(aiohttp.ClientError):
        await api.call("POST", f"/spaces/{FLEET}/events", json=body)
    assert [event.title for event in sim.events_in(FLEET)].count("Lost answer") == 1


async def test_other_organizations_are_listed_for_their_tokens(api: Api, sim: RobinSimulator):
    sim.add_other_organization(4242, "Globex", slug="globex")
    sim.add_token("both", organizations=[2672, 4242])
    sim.add_token("none", organizations=[])
    orgs = await api.data("/me/organizations", token="both")
    assert [org["name"] for org in orgs] == ["Acme Robotics", "Globex"]
    assert (await api.data("/organizations/globex", token="both"))["id"] == 4242
    status, _ = await api.get("/organizations/globex")  # the default token is Acme's only
    assert status == 403
    assert await api.data("/me/organizations", token="none") == {}  # Robin's empty list


async def test_a_disabled_organization_is_listed_and_read_with_its_disabled_at(
    api: Api, sim: RobinSimulator
):
    sim.add_other_organization(4242, "Globex", slug="globex", disabled_at=TUESDAY_MORNING)
    sim.add_token("both", organizations=[2672, 4242])
    orgs = await api.data("/me/organizations", token="both")
    assert {org["slug"]: org["disabled_at"] for org in orgs} == {
        "acme-robotics": None,
        "globex": "2024-06-04T07:00:00+0000",
    }
    globex = await api.data("/organizations/globex", token="both")
    assert globex["disabled_at"] == "2024-06-04T07:00:00+0000"


async def test_empty_list_next_answers_one_list_with_an_empty_object(api: Api, sim: RobinSimulator):
    sim.faults.empty_list_next(path=f"/locations/{LONDON}/spaces")
    assert (await api.data(f"/spaces/{FLEET}"))["id"] == FLEET  # not a list: left alone
    organization = sim.organization.id
    assert len(await api.data(f"/organizations/{organization}/locations")) > 0  # another path
    assert await api.data(f"/locations/{LONDON}/spaces") == {}
    assert sim.faults.pending == 0
    assert len(await api.data(f"/locations/{LONDON}/spaces")) > 0


async def test_overlap_next_page_repeats_the_end_of_the_page_before(api: Api, sim: RobinSimulator):
    """As when a booking is added ahead of the second page between the two page reads."""
    path = f"/spaces/{FLEET}/events"
    week = {"after": "2024-06-03T00:00:00Z", "before": "2024-06-10T00:00:00Z", "per_page": "2"}

    async def page(number: int) -> list[str]:
        return [event["id"] for event in await api.data(path, params={**week, "page": str(number)})]

    first, second, third = await page(1), await page(2), await page(3)
    assert len(set(first + second + third)) == 6  # three full pages, no booking twice
    sim.faults.overlap_next_page(path=path)
    assert await page(1) == first  # a first page has nothing before it
    assert sim.faults.pending == 1
    assert await page(2) == [first[1], second[0]]
    assert sim.faults.pending == 0
    assert await page(2) == second


async def test_refuse_answers_one_location_until_allowed(api: Api, sim: RobinSimulator):
    sim.faults.refuse(403, f"locations/{LONDON}")
    for path in (f"/locations/{LONDON}/presence", f"/locations/{LONDON}/spaces"):
        status, body = await api.get(path)
        assert status == 403
        assert body["meta"]["errors"][0]["reason"] == "forbidden"
    assert (await api.get(f"/locations/{NEW_YORK}/presence"))[0] == 200
    assert (await api.get(f"/locations/{LONDON}1/presence"))[0] == 404  # whole segments only
    organization = sim.organization.id
    assert len(await api.data(f"/organizations/{organization}/locations")) == 2
    bad_token = await api.get(f"/locations/{LONDON}/presence", token="nope")
    assert bad_token[0] == 401  # authentication comes first

    sim.faults.refuse(404, f"locations/{LONDON}")
    assert (await api.get(f"/locations/{LONDON}"))[0] == 404
    sim.faults.refuse(500, f"locations/{LONDON}")  # Robin down there: not a refusal of access
    status, body = await api.get(f"/locations/{LONDON}/presence")
    assert (status, body["meta"]["message"]) == (500, "Internal Server Error")
    assert sim.faults.pending == 0  # a standing refusal, not a queued fault

    sim.faults.allow(f"locations/{LONDON}")
    assert (await api.get(f"/locations/{LONDON}/presence"))[0] == 200


async def test_rate_limit_can_send_past_dates_and_nonsense(api: Api, sim: RobinSimulator):
    sim.faults.rate_limit_next(retry_after=-600, http_date=True)
    sim.faults.rate_limit_next(header="soon")
    async with api.session.get(f"{api.base_url}/auth") as response:
        retry_at = parsedate_to_datetime(response.headers["Retry-After"])
        assert (retry_at - TUESDAY_MORNING).total_seconds() == -600
    async with api.session.get(f"{api.base_url}/auth") as response:
        assert response.status == 429
        assert response.headers["Retry-After"] == "soon"


async def test_control_api_queues_empty_lists(
    session: aiohttp.ClientSession, api: Api, sim: RobinSimulator, base_url: str
):
    control = base_url.removesuffix("/v1.0") + "/_simulator"
    body = {"empty_list_next": {"path": "/organizations/"}}
    async with session.post(f"{control}/faults", json=body) as response:
        assert (await response.json())["pending"] == 1
    organization = sim.organization.id
    assert await api.data(f"/organizations/{organization}/locations") == {}


async def test_commit_then_fail_makes_the_change_then_answers_the_error(
    api: Api, sim: RobinSimulator
):
    sim.faults.fail_next(502, path="/events", after_commit=True)
    body = booking("2024-06-04T15:00:00+01:00", "2024-06-04T15:30:00+01:00", "Made anyway")
    status, answer = await api.call("POST", f"/spaces/{FLEET}/events", json=body)
    assert status == 502
    assert answer["data"] == {}
    assert [event.title for event in sim.events_in(FLEET)].count("Made anyway") == 1


async def test_commit_then_fail_waits_for_its_method_and_path(api: Api, sim: RobinSimulator):
    made = sim.add_event(FLEET, "To cancel", TUESDAY_MORNING, TUESDAY_MORNING + timedelta(hours=1))
    sim.faults.fail_next(500, path=f"/events/{made.id}", method="DELETE", after_commit=True)
    assert (await api.get(f"/events/{made.id}"))[0] == 200  # a GET of that path is not it
    assert sim.faults.pending == 1
    status, _ = await api.call("DELETE", f"/events/{made.id}")
    assert status == 500
    assert made.id not in {event.id for event in sim.events_in(FLEET)}  # cancelled all the same


async def test_a_refused_request_is_not_committed_by_the_fault(api: Api, sim: RobinSimulator):
    sim.faults.fail_next(500, path="/events", after_commit=True)
    too_short = booking("2024-06-04T15:00:00+01:00", "2024-06-04T15:03:00+01:00", "Too short")
    status, _ = await api.call("POST", f"/spaces/{FLEET}/events", json=too_short)
    assert status == 400  # Robin's refusal, not the fault
    assert "Too short" not in [event.title for event in sim.events_in(FLEET)]


async def test_commit_then_hang_makes_the_change_and_never_answers(
    session: aiohttp.ClientSession,
):
    sim = RobinSimulator("demo", now=TUESDAY_MORNING)
    async with run_simulator(sim) as url:
        sim.faults.hang_next(path="/events", method="POST", after_commit=True)
        body = booking("2024-06-04T15:00:00+01:00", "2024-06-04T15:30:00+01:00", "Slow answer")
        with pytest.raises(TimeoutError):
            async with session.post(
                f"{url}/spaces/{FLEET}/events",
                json=body,
                headers={"Authorization": f"Access-Token {sim.token}"},
                timeout=aiohttp.ClientTimeout(total=0.3),
            ):
                pass
        assert [event.title for event in sim.events_in(FLEET)].count("Slow answer") == 1


async def test_control_api_queues_write_faults(
    session: aiohttp.ClientSession, api: Api, sim: RobinSimulator, base_url: str
):
    control = base_url.removesuffix("/v1.0") + "/_simulator/faults"
    body = {
        "drop_next": {"path": "/events"},
        "fail_next": {"status": 503, "path": "/events", "method": "PATCH", "after_commit": True},
        "hang_next": {"path": "/confirmation", "after_commit": True},
    }
    async with session.post(control, json=body) as response:
        assert response.status == 200
        assert (await response.json())["pending"] == 3
    async with session.post(control, json={"clear": True}) as response:
        assert (await response.json())["pending"] == 0


async def test_html_error_next_answers_a_proxy_page(api: Api, sim: RobinSimulator):
    sim.faults.html_error_next(502)
    async with api.session.get(f"{api.base_url}/auth") as response:
        assert response.status == 502
        assert response.content_type == "text/html"
        assert "<html>" in await response.text()
    assert sim.faults.queued == 0
    assert (await api.get("/auth"))[0] == 200


async def test_malformed_next_can_send_a_given_body(api: Api, sim: RobinSimulator):
    sim.faults.malformed_next(body="[]")
    async with api.session.get(f"{api.base_url}/auth") as response:
        assert response.status == 200
        assert await response.text() == "[]"


async def test_requests_are_logged_with_their_time_and_retry_after(
    session: aiohttp.ClientSession, api: Api, sim: RobinSimulator, base_url: str
):
    sim.faults.rate_limit_next(retry_after=30)
    assert (await api.get("/auth"))[0] == 429
    assert (await api.get("/auth"))[0] == 200
    assert [(r.at, r.retry_after) for r in sim.requests] == [
        (TUESDAY_MORNING, "30"),
        (TUESDAY_MORNING, None),
    ]
    control = base_url.removesuffix("/v1.0") + "/_simulator"
    async with session.get(f"{control}/requests") as response:
        logged = await response.json()
    assert [(r["at"], r["retry_after"]) for r in logged] == [
        ("2024-06-04T07:00:00+0000", "30"),
        ("2024-06-04T07:00:00+0000", None),
    ]
