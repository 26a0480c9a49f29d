"""robin.book_space run from Home Assistant's action tool, with its response shown."""

import re
from datetime import date, datetime, time
from pathlib import Path

from conftest import LONDON, THAMES_ROOM, Demo
from playwright.sync_api import Page, expect

TITLE = "Focus session"


def test_book_space_from_the_action_tool(
    demo: Demo, page: Page, day: date, screenshots: Path
) -> None:
    calendar = demo.entity_id("Thames Room Bookings")
    page.goto(f"{demo.ha_url}/developer-tools/action")
    page.get_by_text("YAML mode", exact=True).click()
    page.locator("ha-code-editor .cm-content").first.fill(
        f"""action: robin.book_space
target:
  entity_id: {calendar}
data:
  start: "{day.isoformat()} 12:30:00"
  duration: "00:30:00"
  title: {TITLE}
"""
    )
    expect(page.get_by_text("Book a room", exact=True)).to_be_visible()  # the action's name
    page.get_by_role("button", name="Perform action").click()

    response = page.locator("ha-card").filter(has_text="Response")
    expect(response).to_contain_text("room: Thames Room")
    expect(response).to_contain_text(f"title: {TITLE}")
    expect(response).to_contain_text(re.compile(r"id: '\d+'"))
    # The action's YAML at the top, its response below it: both in the screenshot.
    page.locator("ha-code-editor").first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=screenshots / "action-response.png")

    # The booking id shown is Robin's: the simulator has that event, in that room, at that time.
    booking_id = re.search(r"id: '(\d+)'", response.locator(".cm-content").inner_text())
    assert booking_id is not None
    booked = demo.robin(f"/events/{booking_id[1]}")
    assert booked["title"] == TITLE
    assert booked["space_id"] == THAMES_ROOM
    start = datetime.fromisoformat(booked["start"]["date_time"])
    if start.tzinfo is None:
        start = start.replace(tzinfo=LONDON)
    assert start == datetime.combine(day, time(12, 30), LONDON)
