"""Event listings, recurrence, all-day events and the booking rules of POST/PATCH/DELETE."""

from datetime import UTC, datetime, timedelta

import pytest

from robin_simulator import RobinSimulator

from .conftest import LONDON, NEW_YORK, Api, booking

THAMES, FLEET, BOOTH, BOARDROOM, OLD_LIBRARY, QUIET_LOUNGE = 6351, 6352, 6353, 6354, 6355, 6356
HUDSON, BROOKLYN, FOCUS = 6361, 6362, 6363
TUESDAY = {"after": "2024-06-04T00:00:00Z", "before": "2024-06-05T00:00:00Z"}


async def titles(api: Api, space_id: int, params: dict[str, str] = TUESDAY) -> list[str]:
    return [event["title"] for event in await api.data(f"/spaces/{space_id}/events", params=params)]


async def test_tuesday_in_the_fleet_room_has_back_to_back_meetings(api: Api):
    events = await api.data(f"/spaces/{FLEET}/events", params=TUESDAY)
    assert [(e["title"], e["start"]["date_time"], e["end"]["date_time"]) for e in events] == [
        ("Design review", "2024-06-04T10:00:00+0100", "2024-06-04T11:00:00+0100"),
        ("Customer call", "2024-06-04T11:00:00+0100", "2024-06-04T12:00:00+0100"),
    ]
    review, call = events
    assert review["start"]["time_zone"] == "Europe/London"
    assert isinstance(review["id"], str)
    assert review["started_at"] == review["start"]["date_time"]  # deprecated twin
    assert (review["creation_type"], review["remote_type"]) == ("synced", "google")
    assert call["creation_type"] == "manual"
    resource = [i for i in review["invitees"] if i["is_resource"]]
    assert resource == [
        {
            **resource[0],
            "email": "c_fleet-room@resource.calendar.google.com",
            "user_id": None,
            "display_name": "Fleet Room",
        }
    ]
    people = [i for i in review["invitees"] if not i["is_resource"]]
    assert {i["email"] for i in people} >= {"charles@acme-robotics.example"}
    assert all(i["display_name"] for i in people)


async def test_after_bounds_the_end_and_before_bounds_the_start_exclusively(api: Api):
    # Design review is 09:00-10:00 UTC, Customer call 10:00-11:00 UTC.
    at_ten = {"after": "2024-06-04T10:00:00Z", "before": "2024-06-04T10:00:01Z"}
    assert await titles(api, FLEET, at_ten) == ["Customer call"]
    before_ten = {"after": "2024-06-04T09:59:59Z", "before": "2024-06-04T10:00:00Z"}
    assert await titles(api, FLEET, before_ten) == ["Design review"]


async def test_new_york_events_carry_new_york_offsets(api: Api):
    events = await api.data(
        f"/spaces/{BROOKLYN}/events",
        params={"after": "2024-06-06T00:00:00Z", "before": "2024-06-07T00:00:00Z"},
    )
    assert [(e["title"], e["start"]["date_time"]) for e in events] == [
        ("Quarterly hackathon", "2024-06-06T09:00:00-0400")
    ]


async def test_standup_occurrences_share_uid_and_use_recurrence_ids(api: Api):
    week = {"after": "2024-06-03T00:00:00Z", "before": "2024-06-10T00:00:00Z"}
    standups = [
        e
        for e in await api.data(f"/spaces/{THAMES}/events", params=week)
        if e["title"] == "Stand-up"
    ]
    assert [e["recurrence_id"] for e in standups] == [
        "20240603T083000Z",
        "20240604T083000Z",
        "20240605T083000Z",
        "20240606T083000Z",
        "20240607T083000Z",
    ]
    assert {e["uid"] for e in standups} == {"7kq2v0c3standup@google.com"}
    assert {e["series_id"] for e in standups} == {"23481829"}
    assert standups[1]["id"] == "23481829_20240604T083000Z"
    assert standups[1]["recurrence"] == ["RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"]
    occurrence = await api.data("/events/23481829_20240604T083000Z")
    assert occurrence["start"]["date_time"] == "2024-06-04T09:30:00+0100"
    master = await api.data("/events/23481829")
    assert master["series_id"] is None
    assert master["recurrence"] == ["RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"]
    status, _ = await api.get("/events/23481829_20240608T083000Z")  # a Saturday: no such occurrence
    assert status == 404


async def test_all_day_offsite_and_html_description(api: Api):
    offsite = await api.data(
        f"/spaces/{HUDSON}/events",
        params={"after": "2024-06-14T04:00:00Z", "before": "2024-06-15T04:00:00Z"},
    )
    assert [(e["title"], e["is_all_day"]) for e in offsite] == [("Offsite planning", True)]
    assert offsite[0]["start"]["date_time"] == "2024-06-14T00:00:00-0400"
    assert offsite[0]["end"]["date_time"] == "2024-06-15T00:00:00-0400"
    metrics = [
        e
        for e in await api.data(f"/spaces/{THAMES}/events", params=TUESDAY)
        if e["title"] == "Metrics review"
    ]
    assert metrics[0]["description"].startswith("<p>Agenda:<br><b>Q3</b>")


async def test_focus_room_is_mostly_free_and_empty_lists_are_objects(api: Api):
    tuesday = await api.get(f"/spaces/{FOCUS}/events", params=TUESDAY)
    assert tuesday[1]["data"] == {}
    assert await titles(
        api, FOCUS, {"after": "2024-06-05T00:00:00Z", "before": "2024-06-06T00:00:00Z"}
    ) == ["1:1 Grace / Claude"]


async def test_location_events_cover_all_rooms(api: Api):
    events = await api.data(f"/locations/{LONDON}/events", params={**TUESDAY, "per_page": "100"})
    assert {e["space_id"] for e in events} == {THAMES, FLEET}
    new_york = await api.data(f"/locations/{NEW_YORK}/events", params=TUESDAY)
    assert new_york == {}


async def test_events_follow_the_clock_whatever_the_date(session):
    from robin_simulator import run_simulator  # noqa: PLC0415

    sim = RobinSimulator("demo", now=datetime(2031, 11, 18, 12, 0, tzinfo=UTC))  # a Tuesday
    async with run_simulator(sim) as url:
        api = Api(session, url, sim.token)
        events = await api.data(f"/spaces/{FLEET}/events", params={"after": "2031-11-18T00:00:00Z"})
        assert [e["title"] for e in events[:2]] == ["Design review", "Customer call"]
        assert events[0]["start"]["date_time"] == "2031-11-18T10:00:00+0000"  # GMT in November


async def test_booking_appears_in_events_state_and_free_busy(api: Api, sim: RobinSimulator):
    body = booking("2024-06-04T08:10:00+01:00", "2024-06-04T08:50:00+01:00", description="From HA")
    body["invitees"] = [{"email": "mary@acme-robotics.example"}, {"email": "stranger@example.com"}]
    status, created = await api.call("POST", f"/spaces/{BOOTH}/events", json=body)
    assert status == 201
    assert created["meta"]["status"] == "CREATED"
    event = created["data"]
    assert event["title"] == "Focus session"
    assert event["creation_type"] == "manual"
    assert event["start"] == {"date_time": "2024-06-04T08:10:00+0100", "time_zone": "Europe/London"}
    assert [i["email"] for i in event["invitees"]] == ["mary@acme-robotics.example"]
    assert event["organizer_email"] == "ada@acme-robotics.example"

    assert await titles(api, BOOTH) == ["Focus session"]
    assert (await api.data(f"/events/{event['id']}"))["description"] == "From HA"
    state = await api.data(f"/spaces/{BOOTH}/state")  # 07:00 UTC, meeting at 07:10: soon
    assert state["availability"] == "booked"
    assert state["next_busy_change"] == "2024-06-04T07:10:00+0000"
    status, free_busy = await api.call(
        "POST",
        "/free-busy/spaces",
        json={
            "scope": {"space_ids": [BOOTH]},
            "view_options": {
                "bounds": {"from": "2024-06-04T07:00:00Z", "to": "2024-06-04T08:00:00Z"}
            },
        },
    )
    assert status == 200
    busy = free_busy["data"][0]["busy"]
    assert busy == [
        {
            "from": "2024-06-04T07:10:00+0000",
            "to": "2024-06-04T07:50:00+0000",
            "events": [{**busy[0]["events"][0], "id": event["id"], "space_id": BOOTH}],
        }
    ]
    assert "title" not in busy[0]["events"][0]
    assert len(sim.events_in(BOOTH)) >= 1


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2024-06-04T10:30:00+01:00", "2024-06-04T11:30:00+01:00", "already booked"),
        ("2024-06-04T15:00:00+01:00", "2024-06-04T15:05:00+01:00", "five minutes"),
        ("2024-06-04T15:00:00+01:00", "2024-06-04T14:00:00+01:00", "end after it starts"),
        ("2024-06-04T15:00:00.000Z", "2024-06-04T16:00:00Z", "fractional seconds"),
        ("2024-06-04 15:00", "2024-06-04T16:00:00Z", "not a valid"),
    ],
)
async def test_bookings_that_break_the_rules_get_400(api: Api, start, end, message):
    status, body = await api.call("POST", f"/spaces/{FLEET}/events", json=booking(start, end))
    assert status == 400
    assert message in body["meta"]["message"]
    assert body["data"] == {}


async def test_conflict_reason_and_all_offset_spellings(api: Api):
    status, body = await api.call(
        "POST",
        f"/spaces/{FLEET}/events",
        json=booking("2024-06-04T09:30:00Z", "2024-06-04T10:30:00Z"),
    )
    assert status == 400
    assert body["meta"]["errors"][0]["reason"] == "event_conflict"
    assert body["meta"]["message"] == "The space is already booked during the requested time."
    for index, (start, end) in enumerate(
        [
            ("2024-06-04T12:00:00Z", "2024-06-04T12:30:00Z"),
            ("2024-06-04T12:30:00+00:00", "2024-06-04T13:00:00+00:00"),
            ("2024-06-04T14:00:00+0100", "2024-06-04T14:30:00+0100"),
        ]
    ):
        status, body = await api.call(
            "POST", f"/spaces/{FLEET}/events", json=booking(start, end, f"#{index}")
        )
        assert status == 201, body


async def test_restricted_disabled_and_on_demand_rooms_refuse_bookings(api: Api):
    slot = booking("2024-06-04T15:00:00+01:00", "2024-06-04T15:30:00+01:00")
    status, body = await api.call("POST", f"/spaces/{BOARDROOM}/events", json=slot)
    assert (status, body["meta"]["message"]) == (403, "Booking this space is restricted to admins")
    status, _ = await api.call("POST", f"/spaces/{OLD_LIBRARY}/events", json=slot)
    assert status == 400
    status, _ = await api.call("POST", f"/spaces/{QUIET_LOUNGE}/events", json=slot)
    assert status == 400


async def test_fractional_query_timestamps_are_rejected(api: Api):
    status, body = await api.get(
        f"/spaces/{FLEET}/events", params={"after": "2024-06-04T00:00:00.000Z"}
    )
    assert status == 400
    assert "fractional seconds" in body["meta"]["message"]
    status, _ = await api.get(f"/spaces/{FLEET}/events", params={"after": "yesterday"})
    assert status == 400


async def test_patch_moves_retitles_and_checks_conflicts(api: Api):
    _, created = await api.call(
        "POST",
        f"/spaces/{FLEET}/events",
        json=booking("2024-06-04T13:00:00+01:00", "2024-06-04T13:30:00+01:00"),
    )
    event_id = created["data"]["id"]
    moved = booking("2024-06-04T13:15:00+01:00", "2024-06-04T14:00:00+01:00", "Renamed")
    status, body = await api.call("PATCH", f"/events/{event_id}", json=moved)
    assert status == 200
    assert body["data"]["title"] == "Renamed"
    assert body["data"]["start"]["date_time"] == "2024-06-04T13:15:00+0100"
    status, body = await api.call("PATCH", f"/events/{event_id}", json={"start": moved["start"]})
    assert status == 400
    clash = booking("2024-06-04T10:30:00+01:00", "2024-06-04T11:30:00+01:00")
    status, body = await api.call("PATCH", f"/events/{event_id}", json=clash)
    assert (status, body["meta"]["errors"][0]["reason"]) == (400, "event_conflict")


async def test_patch_and_delete_on_one_occurrence_leave_the_series(api: Api):
    occurrence = "23481829_20240604T083000Z"
    later = booking("2024-06-04T12:00:00+01:00", "2024-06-04T12:15:00+01:00", "Late stand-up")
    status, body = await api.call("PATCH", f"/events/{occurrence}", json=later)
    assert status == 200
    assert body["data"]["id"] == occurrence
    assert "Late stand-up" in await titles(api, THAMES)
    status, body = await api.call(
        "PATCH", f"/events/{occurrence}", json={"recurrence": ["RRULE:FREQ=DAILY"]}
    )
    assert status == 400

    status, body = await api.call("DELETE", f"/events/{occurrence}")
    assert (status, body["data"]) == (200, {})
    assert "Late stand-up" not in await titles(api, THAMES)
    wednesday = {"after": "2024-06-05T00:00:00Z", "before": "2024-06-06T00:00:00Z"}
    assert "Stand-up" in await titles(api, THAMES, wednesday)

    status, _ = await api.call("DELETE", "/events/23481829")
    assert status == 200
    assert "Stand-up" not in await titles(api, THAMES, wednesday)
    status, _ = await api.call("DELETE", "/events/23481829")
    assert status == 404


async def test_recurring_booking_creates_occurrences(api: Api):
    body = booking("2024-06-04T16:00:00+01:00", "2024-06-04T16:30:00+01:00", "Daily wrap-up")
    body["recurrence"] = ["RRULE:FREQ=DAILY;COUNT=3"]
    status, created = await api.call("POST", f"/spaces/{FLEET}/events", json=body)
    assert status == 201
    assert created["data"]["recurrence"] == ["RRULE:FREQ=DAILY;COUNT=3"]
    week = {"after": "2024-06-04T00:00:00Z", "before": "2024-06-10T00:00:00Z", "per_page": "100"}
    wrap_ups = [
        e
        for e in await api.data(f"/spaces/{FLEET}/events", params=week)
        if e["title"] == "Daily wrap-up"
    ]
    assert [e["recurrence_id"] for e in wrap_ups] == [
        "20240604T150000Z",
        "20240605T150000Z",
        "20240606T150000Z",
    ]


async def test_confirmation_once_and_not_after_the_end(api: Api, sim: RobinSimulator):
    today = sim.clock.now()
    event = sim.add_event(
        FOCUS, "Check-in test", today + timedelta(minutes=5), today + timedelta(hours=1)
    )
    status, body = await api.call("PUT", f"/events/{event.id}/confirmation", json={})
    assert status == 200
    assert body["data"]["event_id"] == event.id
    assert body["data"]["confirmed_at"]["timezone"] == "UTC"  # synced events: PHP date object
    status, body = await api.call("PUT", f"/events/{event.id}/confirmation", json={})
    assert (status, body["meta"]["errors"][0]["reason"]) == (400, "event_already_confirmed")
    with_confirmation = await api.data(
        f"/events/{event.id}", params={"include": "confirmation,space"}
    )
    assert with_confirmation["confirmation"]["user_id"] == 619521
    assert with_confirmation["space"]["name"] == "Focus Room"

    past = sim.add_event(FOCUS, "Over", today - timedelta(hours=2), today - timedelta(hours=1))
    status, body = await api.call("PUT", f"/events/{past.id}/confirmation", json={})
    assert (status, body["meta"]["errors"][0]["reason"]) == (400, "too_late_to_confirm_event")


async def test_a_meeting_the_room_declined_is_served_listed_busy_and_can_be_booked_over(
    api: Api, sim: RobinSimulator
):
    start = datetime(2024, 6, 4, 14, 0, tzinfo=UTC)  # 15:00 in London
    turned_down = sim.add_event(
        BOOTH, "Turned down", start, start + timedelta(hours=1), room_answer="declined"
    )
    served = await api.data(f"/events/{turned_down.id}")
    rooms = [(i["email"], i["response_status"]) for i in served["invitees"] if i["is_resource"]]
    assert rooms == [("c_phone-booth-1@resource.calendar.google.com", "declined")]
    # Free/busy's reduced events carry no answers: it is listed busy all the same.
    _, free_busy = await api.call(
        "POST",
        "/free-busy/spaces",
        json={
            "scope": {"space_ids": [BOOTH]},
            "view_options": {
                "bounds": {"from": "2024-06-04T14:00:00Z", "to": "2024-06-04T15:00:00Z"}
            },
        },
    )
    busy = free_busy["data"][0]["busy"]
    assert [event["id"] for block in busy for event in block["events"]] == [turned_down.id]
    # The room's calendar did not take it: the room can be booked then.
    status, body = await api.call(
        "POST",
        f"/spaces/{BOOTH}/events",
        json=booking("2024-06-04T15:00:00+01:00", "2024-06-04T15:30:00+01:00"),
    )
    assert status == 201, body
    # Accepted after all, it stands in the way again (the new booking ends at 15:30).
    sim.answer_as_room(turned_down, "accepted")
    status, body = await api.call(
        "POST",
        f"/spaces/{BOOTH}/events",
        json=booking("2024-06-04T15:30:00+01:00", "2024-06-04T15:45:00+01:00"),
    )
    assert (status, body["meta"]["errors"][0]["reason"]) == (400, "event_conflict")
