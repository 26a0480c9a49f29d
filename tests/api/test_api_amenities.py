"""Rooms' amenities: every shape robin-api.md documents or reports, and the simulator's."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.robin.api import Amenity, RobinClient, Space

from .conftest import NEW_YORK_ID, ORG_ID, CannedRobin, load

DISPLAY = {
    "id": 12,
    "account_id": 2672,
    "name": "Display",
    "owner_types": ["space"],
    "created_at": "2019-03-04T09:00:00+0000",
    "updated_at": "2019-03-04T09:00:00+0000",
}
WHITEBOARD = {"id": 13, "account_id": None, "name": "Whiteboard"}


def space_with(**fields: Any) -> Space:
    """The documented Thames Room payload with other amenity fields."""
    return Space.from_json({**load("spaces")["data"][0], **fields})


@pytest.mark.parametrize(
    ("value", "names"),
    [
        # Amenity objects (robin-api §3.10), as GET /spaces/{id}/amenities returns them.
        ([DISPLAY, WHITEBOARD], ("Display", "Whiteboard")),
        # The likely join record of `space_amenities` (§2.11), amenity nested.
        (
            [
                {"id": 1, "space_id": 6351, "amenity_id": 12, "quantity": 2, "amenity": DISPLAY},
                {"id": 2, "space_id": 6351, "amenity_id": 13, "quantity": 1, "amenity": WHITEBOARD},
            ],
            ("Display", "Whiteboard"),
        ),
        ({}, ()),  # PHP's empty array (§1.3)
        ([], ()),
        (None, ()),
        ({"12": DISPLAY, "13": WHITEBOARD}, ("Display", "Whiteboard")),  # keyed by id
        (["Display", " ", "Whiteboard"], ("Display", "Whiteboard")),
        ([DISPLAY, {"amenity_id": 12, "amenity": DISPLAY}], ("Display",)),  # once each
        ([{"amenity_id": 99}, 7, {"name": None}, WHITEBOARD], ("Whiteboard",)),  # unreadable
        ("Display", ()),
    ],
)
def test_space_amenities_shapes(value: Any, names: tuple[str, ...]) -> None:
    assert space_with(space_amenities=value).amenities == names


def test_missing_and_deprecated_fields() -> None:
    assert space_with().amenities == ()
    # The deprecated include answered [] for every space in 2026 (robin-api §1.8)...
    assert space_with(amenities=[]).amenities == ()
    # ...but is read when it is all there is, and never overrides `space_amenities`.
    assert space_with(amenities=[DISPLAY]).amenities == ("Display",)
    assert space_with(amenities=[DISPLAY], space_amenities={}).amenities == ()


async def test_rooms_and_catalogue_from_the_simulator(client: RobinClient) -> None:
    rooms = {space.name: space.amenities for space in await client.get_spaces(NEW_YORK_ID)}
    assert rooms == {
        "Hudson Room": ("Display", "Video conferencing", "Conference phone"),
        "Brooklyn Room": ("Whiteboard", "Projector"),
        "Focus Room": (),
    }
    catalogue = await client.get_amenities(ORG_ID)
    assert [amenity.name for amenity in catalogue] == [
        "Display",
        "Video conferencing",
        "Whiteboard",
        "Conference phone",
        "Projector",
    ]
    assert catalogue == await client.get_amenities("acme-robotics")


async def test_catalogue_payload(canned: CannedRobin, canned_client: RobinClient) -> None:
    canned.reply_json(
        "GET",
        "/organizations/2672/amenities",
        {"meta": {"status_code": 200}, "data": [DISPLAY, WHITEBOARD], "paging": {"page": 1}},
    )
    assert await canned_client.get_amenities(2672) == [
        Amenity(id=12, name="Display"),
        Amenity(id=13, name="Whiteboard"),
    ]
