"""The room board (the demo's dashboard) shows each room's state as Robin and the office see it."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests
from conftest import HTTP_TIMEOUT, LONDON, Demo
from playwright.sync_api import Locator, Page, expect

LONDON_HQ = 2117  # the demo's London location
PHONE_BOOTH = 6353  # no meeting of the demo's own is ever held there: the test's no-show
# One minute of unbooked use (the shortest option), and the poll and timer that see it.
UNBOOKED_USE_TIMEOUT_MS = 120_000
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


def state(demo: Demo, name: str) -> str:
    """An entity's state, by its name."""
    return str(demo.ha("GET", f"/api/states/{demo.entity_id(name)}")["state"])


def set_options(demo: Demo, **changes: object) -> None:
    """Change the integration's options through its options flow; the entry reloads."""
    (entry,) = demo.ha("GET", "/api/config/config_entries/entry?domain=robin")
    flow = demo.ha(
        "POST", "/api/config/config_entries/options/flow", json={"handler": entry["entry_id"]}
    )
    options = {
        field["name"]: field["default"] for field in flow["data_schema"] if "default" in field
    }
    result = demo.ha(
        "POST",
        f"/api/config/config_entries/options/flow/{flow['flow_id']}",
        json={**options, **changes},
    )
    assert result["type"] == "create_entry", result


def clear_the_next_hour(demo: Demo, space_id: int) -> None:
    """Cancel the room's meetings of the next hour in Robin, as its organizers would.

    The demo's meetings follow the real clock: a room whose meeting is near would turn
    "booked" while the test looks at it (the Fleet Room at 09:45 on weekdays).
    """
    now = datetime.now(UTC).replace(microsecond=0)
    window = {"after": now.isoformat(), "before": (now + timedelta(hours=1)).isoformat()}
    for event in demo.robin(f"/spaces/{space_id}/events", **window):
        response = requests.delete(
            f"{demo.simulator_url}/events/{event['id']}",
            headers={"Authorization": f"Access-Token {demo.simulator_token}"},
            timeout=HTTP_TIMEOUT,
        )
        response.raise_for_status()


def test_room_board_shows_every_room_by_its_state(
    demo: Demo, page: Page, day: date, screenshots: Path
) -> None:
    # The demo's meetings follow the real clock, as Home Assistant does (the simulator's clock
    # stands still at `day` 08:00, when nobody is in): the two rooms the test needs free
    # have their meetings of the next hour cancelled first, whatever the time of day.
    unbooked, free = "Boardroom", "Fleet Room"
    spaces = {space["name"]: space["id"] for space in demo.robin(f"/locations/{LONDON_HQ}/spaces")}
    for room in (unbooked, free):
        clear_the_next_hour(demo, spaces[room])
    # Someone is in the lounge (no bookings there: plainly in use) and in the unbooked room;
    # the free room and the phone booth are empty.
    for room, present in (("Quiet Lounge", True), (unbooked, True), (free, False)):
        demo.control("POST", "presence", {"space_id": spaces[room], "present": present})
    demo.control("POST", "presence", {"space_id": PHONE_BOOTH, "present": False})
    # The booth was booked 11 minutes ago and nobody came: past the 10-minute grace period.
    now = datetime.now(UTC).replace(microsecond=0)
    no_show = (now - timedelta(minutes=11), now + timedelta(minutes=49))
    book(demo, PHONE_BOOTH, "Budget review", *no_show)
    # Unbooked use after 1 minute instead of 10, so that the test waits one. The entry reloads,
    # as after a restart: it has seen the booth empty only, and Robin's last presence time of
    # the booth (read at setup) says nobody came either.
    set_options(demo, unbooked_use_after=1)

    page.locator("ha-sidebar").get_by_text("Robin rooms", exact=True).click()
    expect(page).to_have_url(demo.dashboard_url)

    # One tile per room of the location, with Robin's names.
    expect(page.locator("hui-markdown-card")).to_have_count(len(spaces) + 1)  # and the headline
    for room in spaces:
        expect(tile(page, room)).to_have_count(1)

    lounge = tile(page, "Quiet Lounge")
    expect(colour(lounge)).to_have_attribute("alert-type", IN_USE)
    expect(lounge).to_contain_text("In use")
    expect(lounge).to_contain_text(re.compile(r"\b1 person\b"))
    expect(lounge).not_to_contain_text("1 people")

    booth = tile(page, "Phone Booth 1")
    expect(colour(booth)).to_have_attribute("alert-type", ATTENTION)
    expect(booth).to_contain_text("No-show")
    # Late in the evening the meeting ends after midnight: "23:18 to Fri 00:18".
    start, end = (in_words(moment) for moment in no_show)
    expect(booth).to_contain_text(f"Budget review {start}\u2013{end} · nobody came")

    # A free room says until when: its Free until sensor's time, in words.
    free_tile = tile(page, free)
    expect(colour(free_tile)).to_have_attribute("alert-type", FREE)
    free_until = datetime.fromisoformat(state(demo, f"{free} Free until"))
    expect(free_tile).to_contain_text(f"Free until {in_words(free_until)}")
    expect(free_tile).to_contain_text("nobody in")

    # A minute after the arrival the unbooked room turns from in use to unbooked use.
    unbooked_tile = tile(page, unbooked)
    expect(unbooked_tile).to_contain_text("1 person")
    expect(unbooked_tile).to_contain_text("Unbooked use", timeout=UNBOOKED_USE_TIMEOUT_MS)
    expect(colour(unbooked_tile)).to_have_attribute("alert-type", ATTENTION)
    expect(unbooked_tile).to_contain_text("1 person without a booking")

    headline = tile(page, "London HQ")
    expect(headline).to_contain_text(re.compile(rf"\b[2-9] of {len(spaces)} rooms in use\b"))
    expect(headline).to_contain_text(re.compile(r"\b[2-9] need attention\b"))
    page.screenshot(path=screenshots / "dashboard.png")
