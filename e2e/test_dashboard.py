"""The rooms' dashboard shows who is in, as the simulator (Robin) says."""

import re
from datetime import date
from pathlib import Path

from conftest import FLEET_ROOM, THAMES_ROOM, Demo
from playwright.sync_api import Locator, Page, expect


def room_card(page: Page, room: str) -> Locator:
    """The dashboard's card of one room (an entities card titled with its name)."""
    return page.locator("hui-entities-card").filter(
        has=page.locator(".card-header", has_text=re.compile(rf"^\s*{room}\s*$"))
    )


def occupied_row(card: Locator) -> Locator:
    """The room card's "Occupied" row: Detected or Clear."""
    return row(card, "Occupied")


def row(card: Locator, name: str) -> Locator:
    """One row of a room card."""
    return card.locator("hui-generic-entity-row").filter(has_text=name)


def test_dashboard_shows_an_occupied_and_a_free_room(
    demo: Demo, page: Page, day: date, screenshots: Path
) -> None:
    page.locator("ha-sidebar").get_by_text("Robin rooms", exact=True).click()
    expect(page).to_have_url(demo.dashboard_url)
    thames, fleet = room_card(page, "Thames Room"), room_card(page, "Fleet Room")
    expect(thames).to_be_visible()
    expect(fleet).to_be_visible()

    # Someone walks into the Thames Room; the Fleet Room empties. Robin has no push: ask Home
    # Assistant to poll now rather than wait for its next poll.
    demo.control("POST", "presence", {"space_id": THAMES_ROOM, "present": True})
    demo.control("POST", "presence", {"space_id": FLEET_ROOM, "present": False})
    occupancy = [demo.entity_id(f"{room} Occupancy") for room in ("Thames Room", "Fleet Room")]
    demo.ha("POST", "/api/services/homeassistant/update_entity", json={"entity_id": occupancy})

    expect(occupied_row(thames)).to_contain_text("Detected")
    expect(row(thames, "People present")).to_contain_text(re.compile(r"\b1 (person|people)\b"))
    expect(occupied_row(fleet)).to_contain_text("Clear")
    expect(page.locator("hui-tile-card").filter(has_text="Occupied rooms")).to_contain_text(
        re.compile(r"\b1 rooms?\b")
    )
    page.screenshot(path=screenshots / "dashboard.png")
