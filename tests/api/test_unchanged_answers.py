"""Reads that skip an answer identical to the last one: fetched, but not parsed again."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from custom_components.robin.api import RobinClient, RobinMalformedResponseError, RobinServerError

from .conftest import CannedRobin, Reply, load

AFTER = datetime(2024, 6, 3, tzinfo=UTC)
BEFORE = AFTER + timedelta(days=1)
PATH = "/locations/2117/events"


def events_page(events: list[dict[str, Any]], *, page: int, has_next_page: bool) -> Reply:
    """One page of a location's events."""
    meta = {"status_code": 200, "status": "OK", "message": "", "more_info": {}}
    paging = {"page": page, "per_page": 100, "has_next_page": has_next_page}
    return Reply(body={"meta": meta, "data": events, "paging": paging})


@pytest.fixture
def two_events() -> tuple[dict[str, Any], dict[str, Any]]:
    """Two documented events of the Thames Room."""
    first, second = (copy.deepcopy(load("space_events")["data"][0]) for _ in range(2))
    second["id"] = "23481829_20240604T090000Z"
    return first, second


async def test_an_identical_answer_is_told_as_unchanged(
    canned: CannedRobin,
    canned_client: RobinClient,
    two_events: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    first, second = two_events
    moved = {**second, "title": "Moved"}
    canned.reply(
        "GET",
        PATH,
        events_page([first], page=1, has_next_page=True),
        events_page([second], page=2, has_next_page=False),
        events_page([first], page=1, has_next_page=True),
        events_page([second], page=2, has_next_page=False),
        events_page([first], page=1, has_next_page=True),
        events_page([moved], page=2, has_next_page=False),
    )
    events, answer = await canned_client.get_location_events_if_changed(2117, AFTER, BEFORE, None)
    assert events is not None
    assert [event.id for event in events] == [first["id"], second["id"]]

    again, same_answer = await canned_client.get_location_events_if_changed(
        2117, AFTER, BEFORE, answer
    )
    assert again is None
    assert same_answer == answer
    # Both pages were still asked for: only the parsing is saved.
    assert [request.query["page"] for request in canned.requests] == ["1", "2", "1", "2"]

    # The second page changed: every page is read into events again.
    changed, new_answer = await canned_client.get_location_events_if_changed(
        2117, AFTER, BEFORE, answer
    )
    assert changed is not None
    assert [event.title for event in changed] == [events[0].title, "Moved"]
    assert new_answer != answer


async def test_a_failure_with_a_known_body_is_still_a_failure(
    canned: CannedRobin,
    canned_client: RobinClient,
    two_events: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    first, _ = two_events
    page = events_page([first], page=1, has_next_page=False)
    canned.reply("GET", PATH, page, Reply(status=500, body=page.body))
    _, answer = await canned_client.get_location_events_if_changed(2117, AFTER, BEFORE, None)
    with pytest.raises(RobinServerError):
        await canned_client.get_location_events_if_changed(2117, AFTER, BEFORE, answer)


async def test_fewer_pages_than_before_is_a_change(
    canned: CannedRobin,
    canned_client: RobinClient,
    two_events: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    first, second = two_events
    canned.reply(
        "GET",
        PATH,
        events_page([first], page=1, has_next_page=True),
        events_page([second], page=2, has_next_page=False),
        events_page([first], page=1, has_next_page=False),
    )
    _, answer = await canned_client.get_location_events_if_changed(2117, AFTER, BEFORE, None)
    events, _ = await canned_client.get_location_events_if_changed(2117, AFTER, BEFORE, answer)
    assert events is not None
    assert [event.id for event in events] == [first["id"]]


async def test_a_repeated_page_after_an_unchanged_one_is_malformed(
    canned: CannedRobin,
    canned_client: RobinClient,
    two_events: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    first, second = two_events
    canned.reply(
        "GET",
        PATH,
        events_page([first], page=1, has_next_page=True),
        events_page([second], page=2, has_next_page=False),
        events_page([first], page=1, has_next_page=True),
        # Page 1's events again: the same as the page before, whose body was not decoded.
        events_page([first], page=2, has_next_page=True),
    )
    _, answer = await canned_client.get_location_events_if_changed(2117, AFTER, BEFORE, None)
    with pytest.raises(RobinMalformedResponseError, match="repeated page 1"):
        await canned_client.get_location_events_if_changed(2117, AFTER, BEFORE, answer)
    assert [request.query["page"] for request in canned.requests] == ["1", "2", "1", "2"]
