"""The client against the Robin simulator over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from freezegun.api import FrozenDateTimeFactory

from custom_components.robin.api import (
    Confirmation,
    RobinAuthenticationError,
    RobinClient,
    RobinConnectionError,
    RobinEventNotFoundError,
    RobinForbiddenError,
    RobinMalformedResponseError,
    RobinNotFoundError,
    RobinRateLimitError,
    RobinResponseError,
    RobinServerError,
    RobinTimeoutError,
    RobinValidationError,
    TimeFrame,
)
from robin_simulator import READ_ONLY_TOKEN, RobinSimulator
from robin_simulator.scenarios.demo import HOME_ASSISTANT_DEVICE

from .conftest import LONDON_ID, NEW_YORK_ID, NOW, ORG_ID

LONDON = ZoneInfo("Europe/London")
THAMES, FLEET, PHONE_BOOTH, BOARDROOM, OLD_LIBRARY, QUIET_LOUNGE = range(6351, 6357)
STANDUP_SERIES = "23481829"


def london(hour: int, minute: int = 0, day: int = 3) -> datetime:
    """A wall-clock time in London in June 2024."""
    return datetime(2024, 6, day, hour, minute, tzinfo=LONDON)


# Identity and organization


async def test_token_info(client: RobinClient, session: aiohttp.ClientSession, sim_url) -> None:
    info = await client.get_token_info()
    assert info.can_write
    assert info.organization_id == ORG_ID
    assert info.last_accessed_at == NOW  # a PHP date object
    assert not info.is_expired(NOW)

    read_only = RobinClient(session, READ_ONLY_TOKEN, base_url=sim_url)
    assert not (await read_only.get_token_info()).can_write


async def test_me(client: RobinClient) -> None:
    me = await client.get_me()
    assert (me.id, me.name, me.time_zone) == (619521, "Ada Lovelace", "Europe/London")
    assert me.email == "ada@acme-robotics.example"


async def test_organizations(client: RobinClient) -> None:
    [organization] = await client.get_my_organizations()
    assert (organization.id, organization.name, organization.slug) == (
        ORG_ID,
        "Acme Robotics",
        "acme-robotics",
    )
    assert await client.get_organization(ORG_ID) == organization
    assert await client.get_organization("acme-robotics") == organization


async def test_org_level_token_cannot_list_organizations(
    sim: RobinSimulator, session: aiohttp.ClientSession, sim_url: str
) -> None:
    sim.add_token("org-level-token", can_list_organizations=False)
    org_client = RobinClient(session, "org-level-token", base_url=sim_url)
    with pytest.raises(RobinForbiddenError):
        await org_client.get_my_organizations()
    assert (await org_client.get_organization("acme-robotics")).id == ORG_ID


# Places


async def test_locations(client: RobinClient) -> None:
    locations = {location.name: location for location in await client.get_locations(ORG_ID)}
    assert set(locations) == {"London HQ", "New York Studio"}
    hq = locations["London HQ"]
    assert (hq.id, hq.organization_id, hq.time_zone) == (LONDON_ID, ORG_ID, "Europe/London")
    assert locations["New York Studio"].time_zone == "America/New_York"
    # Sunday comes back with `[]`, Saturday with `{}`; both mean "closed".
    days = {day.day: day.frames for day in hq.working_hours}
    assert days[0] == days[6] == ()
    assert days[1]
    assert all(isinstance(frame, TimeFrame) for frame in days[1])
    assert await client.get_location(LONDON_ID) == hq
    assert await client.get_locations("acme-robotics") == await client.get_locations(ORG_ID)


async def test_spaces(client: RobinClient, sim: RobinSimulator) -> None:
    spaces = {space.name: space for space in await client.get_spaces(LONDON_ID)}
    assert spaces["Thames Room"].is_bookable
    assert spaces["Thames Room"].capacity == 10
    assert spaces["Thames Room"].calendar is not None
    assert not spaces["Old Library"].is_bookable  # disabled
    assert spaces["Old Library"].is_disabled
    assert not spaces["Quiet Lounge"].is_bookable  # no calendar
    assert not spaces["Desk Area North"].is_bookable  # desks, not a meeting room
    assert spaces["Thames Room"].amenities == ("Display", "Video conferencing", "Whiteboard")
    assert spaces["Quiet Lounge"].amenities == ()  # served as `{}`
    request = next(r for r in sim.requests if r.path.endswith(f"/locations/{LONDON_ID}/spaces"))
    # The calendar and the amenities in one request; never the deprecated `amenities`.
    assert request.query["include"].split(",") == ["calendar", "space_amenities"]
    assert request.query["per_page"] == "200"

    thames = await client.get_space(THAMES)
    assert thames == spaces["Thames Room"]
    assert sim.requests[-1].query["include"].split(",") == ["calendar", "space_amenities"]


async def test_paging_across_pages(client: RobinClient, sim: RobinSimulator) -> None:
    for number in range(250):
        sim.add_space(NEW_YORK_ID, f"Pod {number:03}")
    sim.reset_requests()
    spaces = await client.get_spaces(NEW_YORK_ID)
    assert len(spaces) == 253
    assert len({space.id for space in spaces}) == 253
    assert [r.query["page"] for r in sim.requests] == ["1", "2"]


# Presence


async def test_space_state_and_presence(client: RobinClient, sim: RobinSimulator) -> None:
    sim.end_presence(FLEET)
    assert (await client.get_space_state(FLEET)).present == 0
    assert await client.get_space_presence(FLEET) == []  # `{}` from Robin

    sim.start_presence(FLEET, user_id=619522)
    state = await client.get_space_state(FLEET)
    assert state.present == 1
    assert state.availability in {"available", "booked", "in_use"}
    [presence] = await client.get_space_presence(FLEET)
    assert (presence.space_id, presence.user_id, presence.location_id) == (
        FLEET,
        619522,
        LONDON_ID,
    )
    assert presence.session_active
    assert presence.user_name == "Charles Babbage"

    in_location = await client.get_location_presence(LONDON_ID)
    assert any(p.space_id == FLEET and p.user_id == 619522 for p in in_location)
    # The Quiet Lounge's sensor reports someone without knowing who.
    assert any(p.space_id == QUIET_LOUNGE and p.device_id == 9921 for p in in_location)


async def test_location_presence_in_no_space_and_ended_sessions(
    client: RobinClient, sim: RobinSimulator
) -> None:
    sim.end_presence(FLEET)
    sim.start_presence(FLEET, user_id=619522, active=False)
    sim.start_location_presence(LONDON_ID, user_id=619521)
    in_location = await client.get_location_presence(LONDON_ID)
    [ended] = [p for p in in_location if p.space_id == FLEET]
    assert (ended.user_id, ended.session_active) == (619522, False)
    [in_no_space] = [p for p in in_location if p.space_id is None]
    assert (in_no_space.location_id, in_no_space.user_id) == (LONDON_ID, 619521)
    assert in_no_space.session_active
    assert (await client.get_space_state(FLEET)).present == 0


async def test_disabled_room_state(client: RobinClient) -> None:
    assert (await client.get_space_state(OLD_LIBRARY)).availability == "disabled"


# Events


async def test_space_events(client: RobinClient, sim: RobinSimulator) -> None:
    events = await client.get_space_events(
        THAMES, datetime(2024, 6, 3, tzinfo=UTC), datetime(2024, 6, 4, tzinfo=UTC)
    )
    standup = next(event for event in events if event.title == "Stand-up")
    assert standup.id == f"{STANDUP_SERIES}_20240603T083000Z"
    assert standup.series_id == STANDUP_SERIES
    assert standup.is_recurring
    assert standup.start == london(9, 30)
    assert isinstance(standup.start, datetime)
    assert standup.start.tzinfo == LONDON
    assert standup.end == london(9, 45)
    request = next(r for r in sim.requests if r.path.endswith(f"/spaces/{THAMES}/events"))
    assert request.query["after"] == "2024-06-03T00:00:00Z"
    assert request.query["before"] == "2024-06-04T00:00:00Z"

    assert await client.get_event(standup.id) == standup


async def test_events_with_html_and_all_day(client: RobinClient, sim: RobinSimulator) -> None:
    sim.add_event(
        FLEET,
        "Board games",
        london(18),
        london(19),
        description="<p>Bring <b>snacks</b> &amp; drinks<br>Room 2</p>",
    )
    sim.add_event(FLEET, "Company holiday", london(0, day=4), london(0, day=5), all_day=True)
    events = {
        event.title: event
        for event in await client.get_space_events(FLEET, london(0), london(0, day=6))
    }
    assert events["Board games"].description == "Bring snacks & drinks\nRoom 2"
    holiday = events["Company holiday"]
    assert holiday.is_all_day
    assert (holiday.start, holiday.end) == (date(2024, 6, 4), date(2024, 6, 5))


async def test_location_events(client: RobinClient, sim: RobinSimulator) -> None:
    events = await client.get_location_events(LONDON_ID, london(0), london(0, day=4))
    assert {event.space_id for event in events} >= {THAMES, FLEET}
    assert any(event.title == "Design review" for event in events)

    sim.faults.location_events_supported = False
    with pytest.raises(RobinNotFoundError):
        await client.get_location_events(LONDON_ID, london(0), london(0, day=4))


async def test_book_update_confirm_cancel(client: RobinClient, sim: RobinSimulator) -> None:
    # Microseconds would be refused by Robin; the client drops them.
    start = london(10, 0).replace(microsecond=123456)
    event = await client.create_event(
        PHONE_BOOTH,
        start=start,
        end=start + timedelta(minutes=30),
        time_zone="Europe/London",
        title="Focus session",
        description="Booked from Home Assistant",
        invitees=["charles@acme-robotics.example"],
    )
    assert event.title == "Focus session"
    assert event.start == london(10)
    assert event.end == london(10, 30)
    assert event.creation_type == "manual"
    assert [invitee.email for invitee in event.invitees] == ["charles@acme-robotics.example"]

    moved = await client.update_event(
        event.id,
        time_zone="Europe/London",
        title="Deep work",
        start=london(13),
        end=london(14),
    )
    assert (moved.title, moved.start, moved.end) == ("Deep work", london(13), london(14))
    renamed = await client.update_event(event.id, time_zone="Europe/London", description="Quiet")
    assert (renamed.description, renamed.start) == ("Quiet", london(13))

    sim.clock.freeze(london(13, 5))
    confirmation = await client.confirm_event(event.id)
    assert confirmation == Confirmation(
        event_id=event.id, user_id=619521, device_id=None, confirmed_at=london(13, 5)
    )
    with pytest.raises(RobinValidationError) as already:
        await client.confirm_event(event.id)
    assert already.value.reasons == ("event_already_confirmed",)

    await client.delete_event(event.id)
    with pytest.raises(RobinNotFoundError):
        await client.get_event(event.id)


async def test_confirm_synced_event_php_date(client: RobinClient, sim: RobinSimulator) -> None:
    sim.clock.freeze(london(9, 35))
    standup = f"{STANDUP_SERIES}_20240603T083000Z"
    confirmation = await client.confirm_event(standup)
    assert confirmation.event_id == standup
    assert confirmation.confirmed_at == london(9, 35)


async def test_free_busy(client: RobinClient, sim: RobinSimulator) -> None:
    sim.start_presence(THAMES)
    rooms = await client.get_free_busy(
        start=london(0), end=london(0, day=4), time_zone="Europe/London", location_ids=[LONDON_ID]
    )
    by_name = {room.space.name: room for room in rooms}
    assert "Old Library" not in by_name  # unbookable rooms are left out by default
    thames = by_name["Thames Room"]
    assert thames.has_presence
    standup_blocks = [b for b in thames.busy if f"{STANDUP_SERIES}_20240603T083000Z" in b.event_ids]
    assert [(b.start, b.end) for b in standup_blocks] == [(london(9, 30), london(9, 45))]

    with_unbookable = await client.get_free_busy(
        start=london(0),
        end=london(0, day=4),
        time_zone="Europe/London",
        space_ids=[OLD_LIBRARY, FLEET],
        include_unbookable=True,
    )
    assert {room.space.id for room in with_unbookable} == {OLD_LIBRARY, FLEET}

    big = await client.get_free_busy(
        start=london(0),
        end=london(0, day=4),
        time_zone="Europe/London",
        location_ids=[LONDON_ID, NEW_YORK_ID],
        types=["conference"],
        min_capacity=9,
    )
    assert {room.space.name for room in big} == {"Thames Room", "Boardroom"}


async def test_free_busy_pages(client: RobinClient, sim: RobinSimulator) -> None:
    for number in range(120):
        sim.add_space(NEW_YORK_ID, f"Huddle {number:03}")
    rooms = await client.get_free_busy(
        start=london(0), end=london(0, day=4), time_zone="UTC", location_ids=[NEW_YORK_ID]
    )
    assert len(rooms) == 123


# Errors


async def test_unauthorized(client: RobinClient, sim: RobinSimulator) -> None:
    from robin_simulator import DEFAULT_TOKEN  # noqa: PLC0415

    sim.revoke_token(DEFAULT_TOKEN)
    with pytest.raises(RobinAuthenticationError) as err:
        await client.get_token_info()
    assert err.value.status == 401


async def test_expired_token(
    sim: RobinSimulator, session: aiohttp.ClientSession, sim_url: str
) -> None:
    sim.add_token("short-lived", expire_at=NOW + timedelta(hours=1))
    short = RobinClient(session, "short-lived", base_url=sim_url)
    assert not (await short.get_token_info()).is_expired(NOW)
    sim.clock.advance(timedelta(hours=2))
    with pytest.raises(RobinAuthenticationError):
        await short.get_token_info()


async def test_forbidden(session: aiohttp.ClientSession, sim_url: str, client) -> None:
    read_only = RobinClient(session, READ_ONLY_TOKEN, base_url=sim_url)
    with pytest.raises(RobinForbiddenError):
        await read_only.create_event(
            FLEET, start=london(15), end=london(16), time_zone="Europe/London"
        )
    with pytest.raises(RobinForbiddenError) as restricted:
        await client.create_event(
            BOARDROOM, start=london(15), end=london(16), time_zone="Europe/London"
        )
    assert restricted.value.status == 403
    assert restricted.value.message == "Booking this space is restricted to admins"


async def test_not_found(client: RobinClient) -> None:
    with pytest.raises(RobinNotFoundError) as err:
        await client.get_space(999999)
    assert err.value.status == 404
    assert err.value.message == "Object does not exist"


async def test_conflict(client: RobinClient) -> None:
    with pytest.raises(RobinValidationError) as err:
        await client.create_event(
            FLEET, start=london(10, 30), end=london(11, 30), time_zone="Europe/London"
        )
    assert err.value.status == 400
    assert err.value.message == "The space is already booked during the requested time."
    assert err.value.reasons == ("event_conflict",)
    assert str(err.value) == err.value.message


async def test_five_minutes_is_too_short(client: RobinClient) -> None:
    with pytest.raises(RobinValidationError) as err:
        await client.create_event(
            FLEET, start=london(15), end=london(15, 5), time_zone="Europe/London"
        )
    assert err.value.reasons == ("event_too_short",)
    booked = await client.create_event(
        FLEET, start=london(15), end=london(15, 6), time_zone="Europe/London"
    )
    assert booked.end == london(15, 6)


async def test_rate_limited_seconds(
    client: RobinClient, sim: RobinSimulator, freezer: FrozenDateTimeFactory
) -> None:
    freezer.move_to(datetime.now(UTC))
    sim.faults.rate_limit_next(retry_after=30)
    with pytest.raises(RobinRateLimitError) as err:
        await client.get_space_state(THAMES)
    assert err.value.status == 429
    assert err.value.retry_after == 30.0
    assert err.value.reasons == ("rate_limit_exceeded",)
    # Nothing is sent until the 30 s have passed, then requests work again.
    freezer.tick(29)
    with pytest.raises(RobinRateLimitError) as err:
        await client.get_space_state(THAMES)
    assert err.value.retry_after == 1.0
    assert len(sim.requests) == 1
    freezer.tick(1)
    assert (await client.get_space_state(THAMES)).availability


async def test_rate_limited_http_date(client: RobinClient, sim: RobinSimulator) -> None:
    # An HTTP date is relative to the real clock, so the simulator must use it too.
    sim.clock.freeze(datetime.now(UTC))
    sim.faults.rate_limit_next(retry_after=120, http_date=True)
    with pytest.raises(RobinRateLimitError) as err:
        await client.get_space_state(THAMES)
    assert err.value.retry_after is not None
    assert 100 < err.value.retry_after <= 120


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_error(client: RobinClient, sim: RobinSimulator, status: int) -> None:
    sim.faults.fail_next(status=status)
    with pytest.raises(RobinServerError) as err:
        await client.get_locations(ORG_ID)
    assert err.value.status == status


@pytest.mark.parametrize("status", [405, 409, 418])
async def test_unexpected_status(client: RobinClient, sim: RobinSimulator, status: int) -> None:
    sim.faults.fail_next(status=status)
    with pytest.raises(RobinResponseError) as err:
        await client.get_me()
    assert type(err.value) is RobinResponseError
    assert err.value.status == status


async def test_malformed_json(client: RobinClient, sim: RobinSimulator) -> None:
    sim.faults.malformed_next()
    with pytest.raises(RobinMalformedResponseError):
        await client.get_spaces(LONDON_ID)


async def test_hang_times_out(
    sim: RobinSimulator, session: aiohttp.ClientSession, sim_url: str
) -> None:
    from robin_simulator import DEFAULT_TOKEN  # noqa: PLC0415

    impatient = RobinClient(session, DEFAULT_TOKEN, base_url=sim_url, request_timeout=0.2)
    sim.faults.hang_next()
    with pytest.raises(RobinTimeoutError):
        await impatient.get_space_state(THAMES)
    # The timeout is a connection problem too, for callers that only catch that.
    sim.faults.hang_next()
    with pytest.raises(RobinConnectionError):
        await impatient.get_space_state(THAMES)


async def test_connection_refused(session: aiohttp.ClientSession) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port any more.
    closed = RobinClient(session, "token", base_url=f"http://127.0.0.1:{port}/v1.0")
    with pytest.raises(RobinConnectionError) as err:
        await closed.get_token_info()
    assert not isinstance(err.value, RobinTimeoutError)


async def test_naive_datetimes_are_refused_before_any_request(
    client: RobinClient, sim: RobinSimulator
) -> None:
    sim.reset_requests()
    naive = datetime(2024, 6, 3, 15)  # noqa: DTZ001 - the mistake under test
    with pytest.raises(ValueError, match="aware"):
        await client.create_event(
            FLEET, start=naive, end=naive + timedelta(hours=1), time_zone="Europe/London"
        )
    with pytest.raises(ValueError, match="aware"):
        await client.get_space_events(FLEET, naive, london(18))
    with pytest.raises(ValueError, match="aware"):
        await client.get_free_busy(
            start=naive, end=london(18), time_zone="UTC", location_ids=[LONDON_ID]
        )
    with pytest.raises(ValueError, match="together"):
        await client.update_event("1", time_zone="UTC", start=london(15))
    with pytest.raises(ValueError, match="time zone"):
        await client.create_event(FLEET, start=london(15), end=london(16), time_zone="Mars/Base")
    with pytest.raises(ValueError, match="location_ids or space_ids"):
        await client.get_free_busy(start=london(15), end=london(16), time_zone="UTC")
    assert sim.requests == []


async def test_working_hours_times(client: RobinClient) -> None:
    location = await client.get_location(LONDON_ID)
    monday = next(day for day in location.working_hours if day.day == 1)
    assert all(time.min <= frame.start < frame.end for frame in monday.frames)


# Lost answers of writes: which requests go out twice, and what the second answer means


async def test_a_resent_delete_whose_first_attempt_cancelled_is_success(
    client: RobinClient, sim: RobinSimulator
) -> None:
    event = sim.add_event(PHONE_BOOTH, "To cancel", london(15), london(16))
    sim.faults.drop_next(path=f"/events/{event.id}", method="DELETE")
    await client.delete_event(event.id)  # cancelled, answer lost, resent by aiohttp: 404
    deletes = [r.status for r in sim.requests if r.method == "DELETE"]
    assert deletes == [200, 404]
    assert sim.events.get(event.id) is None
    # A 404 to a DELETE sent once is somebody else's doing, and says so.
    with pytest.raises(RobinNotFoundError) as gone:
        await client.delete_event(event.id)
    assert gone.value.resent is False


async def test_a_resent_check_in_already_confirmed_returns_the_check_in(
    client: RobinClient, sim: RobinSimulator
) -> None:
    sim.clock.freeze(london(15, 5))
    event = sim.add_event(PHONE_BOOTH, "To confirm", london(15), london(16))
    sim.faults.drop_next(path="/confirmation", method="PUT")
    confirmation = await client.confirm_event(event.id)
    assert confirmation.confirmed_at == london(15, 5)
    assert [r.status for r in sim.requests if r.method == "PUT"] == [200, 400]
    assert await client.get_confirmation(event.id) == confirmation
    # A second check-in of our own is still refused.
    with pytest.raises(RobinValidationError):
        await client.confirm_event(event.id)


async def test_a_404_to_an_events_own_request_names_the_event(
    client: RobinClient, sim: RobinSimulator
) -> None:
    """Deleted in Robin: its reads, change, cancellation and check-in say this event is gone."""
    sim.clock.freeze(london(15, 5))
    event = sim.add_event(PHONE_BOOTH, "Deleted", london(15), london(16))
    sim.events.cancel(event.id)
    requests: list[Callable[[], Awaitable[object]]] = [
        lambda: client.get_event(event.id),
        lambda: client.get_confirmation(event.id),
        lambda: client.confirm_event(event.id),
        lambda: client.confirm_event(event.id, device_id=HOME_ASSISTANT_DEVICE),
        lambda: client.update_event(event.id, time_zone="Europe/London", title="Moved"),
        lambda: client.delete_event(event.id),
    ]
    for request in requests:
        with pytest.raises(RobinEventNotFoundError) as gone:
            await request()
        assert (gone.value.event_id, gone.value.status, gone.value.resent) == (event.id, 404, False)

    # Robin's 404 to any other request names no event.
    reads: list[Callable[[], Awaitable[object]]] = [
        client.get_me,  # as for a token without a user
        lambda: client.get_devices(999999),
    ]
    sim.faults.fail_next(404, path="/me")
    for read in reads:
        with pytest.raises(RobinNotFoundError) as missing:
            await read()
        assert not isinstance(missing.value, RobinEventNotFoundError)


async def test_a_404_to_the_read_after_a_resent_check_in_names_the_event(
    client: RobinClient, sim: RobinSimulator
) -> None:
    """The check-in went through, its answer was lost, and the one sent again is answered
    "already confirmed"; the event is deleted before the check-in is read from it (404).

    That read is of the event itself: it is gone, as when the check-in meets the 404.
    """
    sim.clock.freeze(london(15, 5))
    event = sim.add_event(PHONE_BOOTH, "To confirm", london(15), london(16))
    sim.faults.drop_next(path="/confirmation", method="PUT")
    sim.faults.hold_next(path=f"/events/{event.id}", method="GET")
    check_in = asyncio.ensure_future(client.confirm_event(event.id))
    await sim.faults.wait_until_held()
    assert sim.events.cancel(event.id)
    sim.faults.let_go()
    with pytest.raises(RobinEventNotFoundError) as gone:
        await check_in
    assert (gone.value.event_id, gone.value.status, gone.value.resent) == (event.id, 404, False)
    assert [(r.method, r.status) for r in sim.requests] == [
        ("PUT", 200),
        ("PUT", 400),
        ("GET", 404),
    ]


async def test_posts_and_patches_are_never_resent(client: RobinClient, sim: RobinSimulator) -> None:
    sim.faults.drop_next(path=f"/spaces/{PHONE_BOOTH}/events", method="POST")
    with pytest.raises(RobinConnectionError):
        await client.create_event(
            PHONE_BOOTH, start=london(15), end=london(16), time_zone="Europe/London", title="Once"
        )
    [made] = [event for event in sim.events_in(PHONE_BOOTH) if event.title == "Once"]
    sim.faults.drop_next(path=f"/events/{made.id}", method="PATCH")
    with pytest.raises(RobinConnectionError):
        await client.update_event(
            made.id, time_zone="Europe/London", start=london(15), end=london(17)
        )
    assert [r.method for r in sim.requests if r.method != "GET"] == ["POST", "PATCH"]
    assert sim.events.get(made.id).end == london(17)


async def test_no_check_in_yet(client: RobinClient, sim: RobinSimulator) -> None:
    event = sim.add_event(PHONE_BOOTH, "Not yet", london(15), london(16))
    assert await client.get_confirmation(event.id) is None
