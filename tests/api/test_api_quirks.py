"""The client against canned responses: documented payloads, headers sent, and Robin's quirks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from custom_components.robin.api import (
    DEFAULT_BASE_URL,
    RobinClient,
    RobinInvalidIdError,
    RobinMalformedResponseError,
    RobinNotFoundError,
    RobinRateLimitError,
    RobinResponseError,
    RobinServerError,
    RobinValidationError,
    RobinWaitingError,
)

from .conftest import TOKEN, CannedRobin, Reply, load

LONDON = ZoneInfo("Europe/London")
OK_META = {"status_code": 200, "status": "OK", "message": "", "more_info": {}}


def page(items: list[Any], **paging: object) -> dict[str, Any]:
    """A list envelope."""
    return {"meta": OK_META, "data": items, "paging": paging}


def spaces(first_id: int, count: int) -> list[dict[str, Any]]:
    """Distinct minimal spaces."""
    return [
        {"id": i, "location_id": 1, "name": f"Room {i}"} for i in range(first_id, first_id + count)
    ]


async def test_documented_payloads_through_the_client(
    canned: CannedRobin, canned_client: RobinClient
) -> None:
    canned.reply_json("GET", "/auth", load("auth"))
    canned.reply_json("GET", "/me", load("me"))
    canned.reply_json("GET", "/me/organizations", load("my_organizations"))
    canned.reply_json("GET", "/organizations/example-corp/locations", load("locations"))
    canned.reply_json("GET", "/locations/2117/spaces", load("spaces"))
    canned.reply_json("GET", "/spaces/6351/state", load("space_state"))
    canned.reply_json("GET", "/spaces/6351/presence", load("space_presence"))
    canned.reply_json("GET", "/spaces/6351/events", load("space_events"))
    canned.reply_json("POST", "/spaces/6351/events", load("create_event_response"), status=201)
    canned.reply_json("POST", "/free-busy/spaces", load("free_busy"))
    canned.reply_json("PUT", "/events/35655099/confirmation", load("confirmation"))

    assert (await canned_client.get_token_info()).can_write
    assert (await canned_client.get_me()).name == "Ada Lovelace"
    assert [o.slug for o in await canned_client.get_my_organizations()] == ["example-corp"]
    [location] = await canned_client.get_locations("example-corp")
    assert location.time_zone == "Europe/London"
    [space] = await canned_client.get_spaces(2117)
    assert space.is_bookable
    assert (await canned_client.get_space_state(6351)).present == 3
    assert len(await canned_client.get_space_presence(6351)) == 2
    window = (datetime(2024, 6, 3, tzinfo=UTC), datetime(2024, 6, 4, tzinfo=UTC))
    [event] = await canned_client.get_space_events(6351, *window)
    assert event.start == datetime(2024, 6, 3, 10, tzinfo=LONDON)
    created = await canned_client.create_event(
        6351,
        start=datetime(2024, 6, 3, 14, tzinfo=LONDON),
        end=datetime(2024, 6, 3, 14, 30, tzinfo=LONDON),
        time_zone="Europe/London",
        title="Focus session",
        description="Booked from Home Assistant",
        invitees=["ada@example.com"],
    )
    assert created.id == "35655099"
    rooms = await canned_client.get_free_busy(
        start=window[0], end=window[1], time_zone="Europe/London", location_ids=[2117]
    )
    assert [room.space.name for room in rooms] == ["Thames Room", "Fleet Room"]
    assert (await canned_client.confirm_event("35655099")).user_id == 619521


async def test_booking_request_body(canned: CannedRobin, canned_client: RobinClient) -> None:
    canned.reply_json("POST", "/spaces/6351/events", load("create_event_response"), status=201)
    await canned_client.create_event(
        6351,
        # UTC in, London out; the microseconds Robin would refuse are dropped.
        start=datetime(2024, 6, 3, 13, 0, 0, 999999, tzinfo=UTC),
        end=datetime(2024, 6, 3, 13, 30, 0, 1, tzinfo=UTC),
        time_zone="Europe/London",
        title="Focus session",
        description="Booked from Home Assistant",
        invitees=["ada@example.com"],
    )
    documented = load("create_event_request")
    del documented["visibility"]  # optional; Robin's default
    assert canned.requests[-1].body == documented


async def test_update_sends_only_what_changes(
    canned: CannedRobin, canned_client: RobinClient
) -> None:
    canned.reply_json("PATCH", "/events/35655099", load("create_event_response"))
    await canned_client.update_event("35655099", time_zone="Europe/London", title="New")
    assert canned.requests[-1].body == {"title": "New"}
    await canned_client.update_event(
        "35655099",
        time_zone="America/New_York",
        start=datetime(2024, 6, 3, 14, 0, 0, 500, tzinfo=UTC),
        end=datetime(2024, 6, 3, 15, tzinfo=UTC),
    )
    assert canned.requests[-1].body == {
        "start": {"date_time": "2024-06-03T10:00:00-04:00", "time_zone": "America/New_York"},
        "end": {"date_time": "2024-06-03T11:00:00-04:00", "time_zone": "America/New_York"},
    }


async def test_free_busy_request_body(canned: CannedRobin, canned_client: RobinClient) -> None:
    canned.reply_json("POST", "/free-busy/spaces", load("free_busy"))
    await canned_client.get_free_busy(
        start=datetime(2024, 6, 3, 8, 0, 0, 1234, tzinfo=UTC),
        end=datetime(2024, 6, 4, 8, tzinfo=UTC),
        time_zone="Europe/London",
        space_ids=[6351, 6352],
        types=["conference", "meeting"],
        min_capacity=2,
    )
    assert canned.requests[-1].body == {
        "scope": {"location_ids": [], "space_ids": [6351, 6352]},
        "filters": {
            "include_unbookable": False,
            "types": ["conference", "meeting"],
            "min_capacity": 2,
        },
        "view_options": {
            "bounds": {
                "from": "2024-06-03T09:00:00+01:00",
                "to": "2024-06-04T09:00:00+01:00",
                "time_zone": "Europe/London",
            },
            "prioritization_type": "specific_time",
        },
        # Also in the query; the body is where Robin's free/busy is known to read it.
        "paging_info": {"page": 1, "per_page": 200},
    }


async def test_headers(session: aiohttp.ClientSession, canned: CannedRobin) -> None:
    canned.reply_json("GET", "/me/organizations", load("my_organizations"))
    canned.reply_json(
        "GET", "/locations/2117", {"meta": OK_META, "data": load("locations")["data"][0]}
    )
    client = RobinClient(session, TOKEN, base_url=canned.base_url + "/")
    assert client.base_url == canned.base_url
    [organization] = await client.get_my_organizations()
    first = canned.requests[-1]
    assert first.headers["Authorization"] == f"Access-Token {TOKEN}"
    assert "Tenant-Id" not in first.headers

    await client.get_location(2117)
    assert "Tenant-Id" not in canned.requests[-1].headers

    tenant = RobinClient(session, TOKEN, base_url=canned.base_url, organization_id=organization.id)
    assert tenant.organization_id == 2672
    await tenant.get_location(2117)
    assert canned.requests[-1].headers["Tenant-Id"] == "2672"


def test_default_base_url(session: aiohttp.ClientSession) -> None:
    assert DEFAULT_BASE_URL == "https://api.robinpowered.com/v1.0"
    assert RobinClient(session, TOKEN).base_url == DEFAULT_BASE_URL


async def test_empty_list_as_object(canned: CannedRobin, canned_client: RobinClient) -> None:
    canned.reply_json("GET", "/locations/1/spaces", load("list_data_as_object"))
    assert await canned_client.get_spaces(1) == []


async def test_quirky_fixtures_through_the_client(
    canned: CannedRobin, canned_client: RobinClient
) -> None:
    canned.reply_json("GET", "/locations/2117/spaces", load("spaces_quirks"))
    canned.reply_json("GET", "/spaces/6351/events", load("events_quirks"))
    canned.reply_json("GET", "/organizations/1/locations", load("locations_quirks"))
    canned.reply_json("PUT", "/events/35655099/confirmation", load("confirmation_php_date"))
    assert len(await canned_client.get_spaces(2117)) == 5
    events = await canned_client.get_space_events(
        6351, datetime(2024, 6, 3, tzinfo=UTC), datetime(2024, 6, 6, tzinfo=UTC)
    )
    assert [event.id for event in events] == ["35655100", "35655101", "35655102_20240605T090000Z"]
    assert len(await canned_client.get_locations(1)) == 2
    confirmation = await canned_client.confirm_event("35655099")
    assert confirmation.confirmed_at == datetime(2024, 6, 3, 12, 58, 12, tzinfo=UTC)


async def test_paging_follows_has_next_page(
    canned: CannedRobin, canned_client: RobinClient
) -> None:
    canned.reply(
        "GET",
        "/locations/1/spaces",
        Reply(body=page(spaces(1, 3), page=1, per_page=100, has_next_page=True)),
        Reply(body=page(spaces(4, 2), page=2, per_page=100, has_next_page=False)),
    )
    assert [space.id for space in await canned_client.get_spaces(1)] == [1, 2, 3, 4, 5]
    assert [r.query["page"] for r in canned.requests] == ["1", "2"]
    assert {r.query["per_page"] for r in canned.requests} == {"200"}


@pytest.mark.parametrize(("more", "last"), [(1, 0), ("true", "false"), ("1", "0")])
async def test_paging_reads_has_next_page_given_as_a_number_or_a_string(
    canned: CannedRobin, canned_client: RobinClient, more: object, last: object
) -> None:
    # Booleans from a PHP API may come as 0/1 like Robin's other flags; a short page that
    # says there is more must not end the list.
    canned.reply(
        "GET",
        "/locations/1/spaces",
        Reply(body=page(spaces(1, 3), page=1, per_page=200, has_next_page=more)),
        Reply(body=page(spaces(4, 2), page=2, per_page=200, has_next_page=more)),
        Reply(body=page(spaces(6, 100), page=3, per_page=200, has_next_page=last)),
    )
    assert len(await canned_client.get_spaces(1)) == 105
    assert len(canned.requests) == 3


async def test_paging_without_has_next_page(
    canned: CannedRobin, canned_client: RobinClient
) -> None:
    # Older responses: a full page means "maybe more"; Robin may also cap per_page lower.
    canned.reply(
        "GET",
        "/locations/1/spaces",
        Reply(body=page(spaces(1, 10), page=1, per_page=10)),
        Reply(body=page(spaces(11, 10), page=2, per_page=10)),
        Reply(body=page(spaces(21, 4), page=3, per_page=10)),
    )
    assert len(await canned_client.get_spaces(1)) == 24
    assert len(canned.requests) == 3


async def test_paging_without_paging_block_stops_on_empty_page(
    canned: CannedRobin, canned_client: RobinClient
) -> None:
    canned.reply(
        "GET",
        "/locations/1/spaces",
        Reply(body={"meta": OK_META, "data": spaces(1, 100)}),
        Reply(body={"meta": OK_META, "data": {}}),
    )
    assert len(await canned_client.get_spaces(1)) == 100
    assert len(canned.requests) == 2


async def test_empty_page_stops_even_if_more_is_promised(
    canned: CannedRobin, canned_client: RobinClient
) -> None:
    canned.reply_json("GET", "/locations/1/spaces", page([], has_next_page=True))
    assert await canned_client.get_spaces(1) == []
    assert len(canned.requests) == 1


async def test_repeating_page_is_malformed(canned: CannedRobin, canned_client: RobinClient) -> None:
    canned.reply_json("GET", "/locations/1/spaces", page(spaces(1, 3), has_next_page=True))
    with pytest.raises(RobinMalformedResponseError, match="repeated"):
        await canned_client.get_spaces(1)
    assert len(canned.requests) == 2


async def test_endless_paging_is_malformed(
    canned: CannedRobin, canned_client: RobinClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("custom_components.robin.api.client.MAX_PAGES", 3)
    canned.reply(
        "GET",
        "/locations/1/spaces",
        *(Reply(body=page(spaces(n * 10, 1), has_next_page=True)) for n in range(1, 6)),
    )
    with pytest.raises(RobinMalformedResponseError, match="more than 3 pages"):
        await canned_client.get_spaces(1)
    assert len(canned.requests) == 3


@pytest.mark.parametrize(
    "reply",
    [
        Reply(raw=b"<html>Gateway says hi</html>"),
        Reply(raw=b""),
        Reply(body=["a", "list"]),
        Reply(body={"meta": OK_META}),  # no data
        Reply(body={"meta": OK_META, "data": "text"}),
        Reply(body={"meta": OK_META, "data": ["not an object"]}),
        Reply(body={"meta": OK_META, "data": [{"name": "no id"}]}),
        Reply(body={"meta": OK_META, "data": [{"id": "x", "location_id": 1}]}),
    ],
)
async def test_malformed_list_responses(
    canned: CannedRobin, canned_client: RobinClient, reply: Reply
) -> None:
    canned.reply("GET", "/locations/1/spaces", reply)
    with pytest.raises(RobinMalformedResponseError):
        await canned_client.get_spaces(1)


@pytest.mark.parametrize(
    "data",
    [None, [], "text", {"availability": None}, {"present": 2}],
)
async def test_malformed_object_responses(
    canned: CannedRobin, canned_client: RobinClient, data: object
) -> None:
    canned.reply_json("GET", "/spaces/1/state", {"meta": OK_META, "data": data})
    with pytest.raises(RobinMalformedResponseError):
        await canned_client.get_space_state(1)


async def test_error_without_envelope(canned: CannedRobin, canned_client: RobinClient) -> None:
    canned.reply("GET", "/me", Reply(status=502, raw=b"<html>Bad gateway</html>"))
    with pytest.raises(RobinServerError) as err:
        await canned_client.get_me()
    assert err.value.status == 502
    assert err.value.message == "Robin answered with HTTP status 502"
    assert err.value.reasons == ()


async def test_error_in_envelope_of_http_200(
    canned: CannedRobin, canned_client: RobinClient
) -> None:
    canned.reply_json("POST", "/spaces/1/events", load("booking_policy_error"), status=200)
    with pytest.raises(RobinValidationError) as err:
        await canned_client.create_event(
            1,
            start=datetime(2024, 6, 3, 14, tzinfo=UTC),
            end=datetime(2024, 6, 3, 15, tzinfo=UTC),
            time_zone="UTC",
        )
    assert err.value.message.startswith("The reservation is too far in the future.")
    assert err.value.reasons == ("seat_booking_policy_violation",)


async def test_documented_conflict_and_not_found(
    canned: CannedRobin, canned_client: RobinClient
) -> None:
    canned.reply_json("POST", "/spaces/6351/events", load("create_event_conflict"), status=400)
    with pytest.raises(RobinValidationError) as err:
        await canned_client.create_event(
            6351,
            start=datetime(2024, 6, 3, 14, tzinfo=UTC),
            end=datetime(2024, 6, 3, 15, tzinfo=UTC),
            time_zone="UTC",
        )
    assert err.value.message == "The space is already booked during the requested time."
    assert err.value.reasons == ("event_conflict",)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ({}, None),
        ({"Retry-After": "2.5"}, 2.5),
        # Not a wait, or not a sane one: the caller waits its own interval instead.
        ({"Retry-After": "0"}, None),
        ({"Retry-After": "-5"}, None),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "nan"}, None),
        ({"Retry-After": "86401"}, None),
        ({"Retry-After": format_datetime(datetime(2001, 1, 1, tzinfo=UTC), usegmt=True)}, None),
        ({"Retry-After": format_datetime(datetime(2999, 1, 1, tzinfo=UTC), usegmt=True)}, None),
    ],
)
async def test_retry_after_variants(
    canned: CannedRobin, canned_client: RobinClient, header: dict[str, str], expected: float | None
) -> None:
    canned.reply("GET", "/me", Reply(status=429, body={"meta": {}, "data": {}}, headers=header))
    with pytest.raises(RobinRateLimitError) as err:
        await canned_client.get_me()
    assert err.value.retry_after == expected


async def test_no_request_is_sent_inside_retry_after(
    canned: CannedRobin, canned_client: RobinClient
) -> None:
    canned.reply(
        "GET",
        "/me",
        Reply(status=429, body={"meta": {}, "data": {}}, headers={"Retry-After": "30"}),
        Reply(body={"meta": OK_META, "data": load("me")["data"]}),
    )
    with pytest.raises(RobinRateLimitError):
        await canned_client.get_me()
    assert 29 < canned_client.rate_limited_for <= 30
    for call in (canned_client.get_me(), canned_client.get_locations(1)):
        with pytest.raises(RobinWaitingError) as err:
            await call
        assert not err.value.unavailable  # a rate limit
        assert err.value.retry_after is not None
        assert 29 < err.value.retry_after <= 30
    assert len(canned.requests) == 1  # neither was sent


async def test_a_useless_retry_after_closes_nothing(
    canned: CannedRobin, canned_client: RobinClient
) -> None:
    past = format_datetime(datetime(2001, 1, 1, tzinfo=UTC), usegmt=True)
    canned.reply(
        "GET",
        "/me",
        Reply(status=429, body={"meta": {}, "data": {}}, headers={"Retry-After": past}),
        Reply(body={"meta": OK_META, "data": load("me")["data"]}),
    )
    with pytest.raises(RobinRateLimitError):
        await canned_client.get_me()
    assert canned_client.rate_limited_for == 0
    assert (await canned_client.get_me()).name == "Ada Lovelace"


async def test_retry_after_http_date_in_future(
    canned: CannedRobin, canned_client: RobinClient
) -> None:
    when = datetime.now(UTC) + timedelta(minutes=10)
    canned.reply(
        "GET",
        "/me",
        Reply(status=429, raw=b"", headers={"Retry-After": format_datetime(when, usegmt=True)}),
    )
    with pytest.raises(RobinRateLimitError) as err:
        await canned_client.get_me()
    assert err.value.retry_after is not None
    assert 590 < err.value.retry_after <= 600


async def test_a_503_with_retry_after_stops_requests_for_that_long(
    canned: CannedRobin, canned_client: RobinClient
) -> None:
    canned.reply(
        "GET",
        "/me",
        Reply(status=503, raw=b"<html>Maintenance</html>", headers={"Retry-After": "120"}),
        Reply(body={"meta": OK_META, "data": load("me")["data"]}),
    )
    with pytest.raises(RobinServerError) as err:
        await canned_client.get_me()
    assert err.value.status == 503
    assert err.value.retry_after == 120.0
    assert 119 < canned_client.rate_limited_for <= 120
    with pytest.raises(RobinWaitingError) as waiting:
        await canned_client.get_locations(1)
    assert waiting.value.unavailable  # Robin is down, not limiting requests
    assert len(canned.requests) == 1  # the second was not sent


async def test_a_5xx_without_retry_after_closes_nothing(
    canned: CannedRobin, canned_client: RobinClient
) -> None:
    canned.reply(
        "GET",
        "/me",
        Reply(status=503, body={"meta": {"status_code": 503}, "data": {}}),
        Reply(body={"meta": OK_META, "data": load("me")["data"]}),
    )
    with pytest.raises(RobinServerError) as err:
        await canned_client.get_me()
    assert err.value.retry_after is None
    assert canned_client.rate_limited_for == 0
    assert (await canned_client.get_me()).name == "Ada Lovelace"


@pytest.mark.parametrize(
    "reply",
    [
        Reply(status=204, raw=b""),
        Reply(status=200, raw=b"OK"),
        Reply(body=["not", "an", "envelope"]),
        Reply(body={"meta": OK_META, "data": {}}),
    ],
)
async def test_delete_accepts_any_success_body(
    canned: CannedRobin, canned_client: RobinClient, reply: Reply
) -> None:
    canned.reply("DELETE", "/events/35655099_20240603T090000Z", reply)
    await canned_client.delete_event("35655099_20240603T090000Z")
    assert canned.requests[-1].method == "DELETE"


async def test_delete_error_still_raises(canned: CannedRobin, canned_client: RobinClient) -> None:
    canned.reply("DELETE", "/events/1", Reply(status=500, raw=b""))
    with pytest.raises(RobinServerError):
        await canned_client.delete_event("1")


@pytest.mark.parametrize("status", [301, 302, 307, 308])
async def test_a_redirected_delete_is_not_taken_for_done(
    canned: CannedRobin, canned_client: RobinClient, status: int
) -> None:
    # Writes follow no redirect: a proxy sending them to its login page did not cancel
    # anything, although the page it answers with is no error body.
    login = {"Location": "https://proxy.example/login", "Content-Type": "text/html"}
    canned.reply("DELETE", "/events/1", Reply(status=status, raw=b"<html/>", headers=login))
    canned.reply("DELETE", "/spaces/1/presence", Reply(status=status, raw=b"", headers=login))
    with pytest.raises(RobinResponseError) as err:
        await canned_client.delete_event("1")
    assert err.value.status == status
    with pytest.raises(RobinResponseError):
        await canned_client.end_presence(1, user_id=619521)
    assert [r.path for r in canned.requests] == ["/events/1", "/spaces/1/presence"]


async def test_ids_are_quoted_in_paths(canned: CannedRobin, canned_client: RobinClient) -> None:
    with pytest.raises(RobinNotFoundError):
        await canned_client.get_organization("acme robotics")
    assert canned.requests[-1].path == "/organizations/acme robotics"
    # A slash in an id cannot escape its path segment.
    with pytest.raises(RobinNotFoundError):
        await canned_client.get_event("../auth")
    assert canned.requests[-1].path == "/events/../auth"


@pytest.mark.parametrize("bad_id", ["..", ".", ""])
async def test_ids_a_url_would_resolve_away_are_refused_before_any_request(
    canned: CannedRobin, canned_client: RobinClient, bad_id: str
) -> None:
    # Sent, `/events/..` would be `/`, `/events/../confirmation` `/confirmation`, and
    # `/events/.` the list of events: each answered as if for the id asked about.
    canned.reply_json("DELETE", "/", {"meta": OK_META, "data": {}})
    canned.reply_json("GET", "/events/", page([]))
    calls: list[Callable[[], Awaitable[object]]] = [
        lambda: canned_client.get_event(bad_id),
        lambda: canned_client.get_confirmation(bad_id),
        lambda: canned_client.update_event(bad_id, time_zone="UTC", title="Moved"),
        lambda: canned_client.delete_event(bad_id),
        lambda: canned_client.confirm_event(bad_id),
        lambda: canned_client.get_organization(bad_id),
        lambda: canned_client.get_locations(bad_id),
        lambda: canned_client.get_amenities(bad_id),
        lambda: canned_client.get_devices(bad_id),
    ]
    for call in calls:
        with pytest.raises(RobinInvalidIdError) as err:
            await call()
        # Told as Robin tells of an object that does not exist.
        assert isinstance(err.value, RobinNotFoundError)
        assert err.value.status == 404
    assert canned.requests == []


async def test_a_silent_cap_at_100_without_has_next_page_still_reads_every_page(
    canned: CannedRobin, canned_client: RobinClient
) -> None:
    # Asked for 200, an older Robin may cut pages at 100 and still echo 200.
    canned.reply(
        "GET",
        "/locations/1/spaces",
        Reply(body=page(spaces(1, 100), page=1, per_page=200)),
        Reply(body=page(spaces(101, 30), page=2, per_page=200)),
    )
    assert len(await canned_client.get_spaces(1)) == 130
    assert len(canned.requests) == 2


async def test_a_robin_refusing_pages_of_200_is_asked_for_100_from_then_on(
    canned: CannedRobin, canned_client: RobinClient
) -> None:
    refused = {**load("not_found"), "meta": {**OK_META, "status_code": 400}}
    canned.reply(
        "GET",
        "/locations/1/spaces",
        Reply(status=400, body=refused),
        Reply(body=page(spaces(1, 3), page=1, per_page=100, has_next_page=False)),
    )
    assert len(await canned_client.get_spaces(1)) == 3
    assert len(await canned_client.get_spaces(1)) == 3
    assert [r.query["per_page"] for r in canned.requests] == ["200", "100", "100"]
