"""Levels (floors) of a location: the observed shape, its quirks, and the client's request."""

from __future__ import annotations

import pytest

from custom_components.robin.api import Level, RobinClient, RobinMalformedResponseError

from .conftest import LONDON_ID, NEW_YORK_ID, CannedRobin, load


def test_level_from_the_observed_shape() -> None:
    levels = [Level.from_json(raw) for raw in load("levels")["data"]]
    assert levels == [
        Level(id=1000, name="Ground floor", location_id=2117),
        Level(id=1001, name="Mezzanine", location_id=2117),
    ]


def test_level_quirks() -> None:
    # A numeric string id, no location_id (filled in from the request), a null name.
    level = Level.from_json({"id": "1002", "name": None}, location_id=LONDON_ID)
    assert level == Level(id=1002, name="", location_id=LONDON_ID)
    with pytest.raises(RobinMalformedResponseError):
        Level.from_json({"name": "No id"})


async def test_get_levels_documented_payload_and_empty_object(
    canned: CannedRobin, canned_client: RobinClient
) -> None:
    canned.reply_json("GET", f"/locations/{LONDON_ID}/levels", load("levels"))
    canned.reply_json("GET", f"/locations/{NEW_YORK_ID}/levels", load("list_data_as_object"))

    names = [level.name for level in await canned_client.get_levels(LONDON_ID)]
    assert names == ["Ground floor", "Mezzanine"]
    assert await canned_client.get_levels(NEW_YORK_ID) == []  # PHP's `{}` for an empty list
    request = canned.requests[0]
    assert request.path == f"/locations/{LONDON_ID}/levels"
    assert request.query["page"] == "1"


async def test_get_levels_from_the_simulator(client: RobinClient) -> None:
    levels = await client.get_levels(LONDON_ID)
    assert {level.name for level in levels} == {"Ground floor", "First floor"}
    assert {level.location_id for level in levels} == {LONDON_ID}
    spaces = await client.get_spaces(LONDON_ID)
    # Every room's level_id names one of the location's levels.
    assert {space.level_id for space in spaces} <= {level.id for level in levels}
