"""The room board (the demo's dashboard) shows each room's state as Robin and the office see it."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests
from conftest import FLEET_ROOM, HTTP_TIMEOUT, LONDON, THAMES_ROOM, Demo
from playwright.sync_api import Locator, Page, expect

LONDON_HQ = 2117  # the demo's London location
PHONE_BOOTH = 6353  # no meeting of the demo's own is ever held there: the test's no-show
BOARDROOM = 6354
# The tiles' colours: the alert types of Home Assistant's markdown card.
FREE, BOOKED, IN_USE, ATTENTION = "success", "info", "error", "warning"


def tile(page: Page, room: str) -> Locator:
    """A room's tile on the board."""
    return page.locator("hui-markdown-card").filter(has_text=re.compile(rf"\b{room}\b"))


def colour(room_tile: Locator) -> Locator:
    """The coloured part of a tile (its alert type is the colour)."""
    return room_tile.locator("ha-alert")


def book(demo: Demo, space_id: int, title: str, start: datetime, end: datetime) -> str:
    """Book a room in Robin (the simulator) directly, as Robin's app would; return the id."""
    response = requests.post(
        f"{demo.simulator_url}/spaces/{space_id}/events",
        json={
            "title": title,
            "start": {"date_time": start.isoformat(), "time_zone": "Europe/London"},
            "end": {"date_time": end.isoformat(), "time_zone": "Europe/London"},
        },
        headers={"Authorization": f"Access-Token {demo.simulator_token}"},
        timeout=HTTP_TIMEOUT,
    )
    response.raise_for_status()
    return str(response.json()["data"]["id"])


def in_words(moment: datetime) -> str:
    """A time as the board says it: 14:00 today, "Fri 10:00" on another day."""
    local = moment.astimezone(LONDON)
    today = datetime.now(LONDON).date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%a %H:%M")


def test_room_board_shows_every_room_by_its_state(
    demo: Demo, page: Page, day: date, screenshots: Path
) -> None:
    # Someone is in the Thames Room; the Fleet Room, the Boardroom and the phone booth are empty.
    for space_id, present in (
        (THAMES_ROOM, True),
        (FLEET_ROOM, False),
        (BOARDROOM, False),
        (PHONE_BOOTH, False),
    ):
        demo.control("POST", "presence", {"space_id": space_id, "present": present})
    # The booth was booked 11 minutes ago and nobody came: past the 10-minute grace period.
    # Home Assistant follows the real clock (the simulator's stands still at `day` 08:00).
    now = datetime.now(UTC).replace(microsecond=0)
    book(
        demo, PHONE_BOOTH, "Budget review", now - timedelta(minutes=11), now + timedelta(minutes=49)
    )
    # Reload the integration, as after a restart: from now on it has seen the booth empty only,
    # and Robin's last presence time of the room (read at setup) says nobody came either.
    (entry,) = demo.ha("GET", "/api/config/config_entries/entry?domain=robin")
    demo.ha("POST", f"/api/config/config_entries/entry/{entry['entry_id']}/reload")

    page.locator("ha-sidebar").get_by_text("Robin rooms", exact=True).click()
    expect(page).to_have_url(demo.dashboard_url)

    # One tile per room of the location, in Robin's words.
    rooms = [space["name"] for space in demo.robin(f"/locations/{LONDON_HQ}/spaces")]
    expect(page.locator("hui-markdown-card")).to_have_count(len(rooms) + 1)  # and the headline
    for room in rooms:
        expect(tile(page, room)).to_have_count(1)

    thames = tile(page, "Thames Room")
    expect(colour(thames)).to_have_attribute("alert-type", IN_USE)
    expect(thames).to_contain_text("In use")
    expect(thames).to_contain_text(re.compile(r"\b1 person\b"))
    expect(thames).not_to_contain_text("1 people")

    booth = tile(page, "Phone Booth 1")
    expect(colour(booth)).to_have_attribute("alert-type", ATTENTION)
    expect(booth).to_contain_text("No-show")
    expect(booth).to_contain_text(re.compile(r"Budget review \d\d:\d\d.\d\d:\d\d · nobody came"))

    # A free room (the Fleet Room has the demo's meetings on weekday mornings, the Boardroom
    # on Monday afternoons: one of them is free now) says until when, from its sensor.
    free_rooms = [
        room
        for room in ("Fleet Room", "Boardroom")
        if demo.ha("GET", f"/api/states/{demo.entity_id(f'{room} Availability')}")["state"]
        == "available"
    ]
    assert free_rooms, "neither the Fleet Room nor the Boardroom is free"
    free = free_rooms[0]
    free_until = demo.ha("GET", f"/api/states/{demo.entity_id(f'{free} Free until')}")["state"]
    free_tile = tile(page, free)
    expect(colour(free_tile)).to_have_attribute("alert-type", FREE)
    expect(free_tile).to_contain_text(f"Free until {in_words(datetime.fromisoformat(free_until))}")
    expect(free_tile).to_contain_text("nobody in")

    headline = page.locator("hui-markdown-card").filter(has_text="London HQ")
    expect(headline).to_contain_text(re.compile(rf"\b[1-9]\d* of {len(rooms)} rooms in use\b"))
    expect(headline).to_contain_text(re.compile(r"\b[1-9]\d* needs? attention\b"))
    page.screenshot(path=screenshots / "dashboard.png")
