"""A room's calendar in Home Assistant's calendar panel: Robin's meetings, and a new booking."""

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import LONDON, THAMES_ROOM, Demo
from playwright.sync_api import Locator, Page, expect

TITLE = "Roadmap planning"


def robin_time(value: dict[str, str]) -> datetime:
    """A Robin event's start or end: a local date_time in its time_zone, or one with an offset."""
    moment = datetime.fromisoformat(value["date_time"])
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(value["time_zone"]))


def event(page: Page, title: str) -> Locator:
    """An event shown by the calendar view."""
    return page.locator(".fc-event").filter(has_text=title)


def open_day(page: Page, day: date) -> None:
    """Calendar panel, month view: click the day, which shows that day alone."""
    page.locator("ha-sidebar").get_by_text("Calendar", exact=True).click()
    page.get_by_title("Month", exact=True).click()  # the panel keeps the last view
    page.locator(f'td.fc-daygrid-day[data-date="{day.isoformat()}"]').click(
        position={"x": 5, "y": 5}  # the cell, not one of its events
    )
    expect(page.get_by_text(f"{day:%B} {day.day}, {day.year}", exact=True)).to_be_visible()


def test_calendar_shows_robins_meetings(page: Page, day: date) -> None:
    open_day(page, day)
    # The Thames Room's daily stand-up, a recurring meeting synced from Google into Robin.
    expect(event(page, "Stand-up")).to_contain_text("9:30 AM - 9:45 AM")
    expect(event(page, "Design review")).to_contain_text("10:00 AM - 11:00 AM")


def test_booking_from_the_calendar_dialog_reaches_robin(
    demo: Demo, page: Page, day: date, screenshots: Path
) -> None:
    open_day(page, day)
    page.get_by_role("button", name="Add event").click()
    dialog = page.locator("dialog-calendar-event-editor")
    dialog.get_by_role("textbox", name="Summary").fill(TITLE)
    # The dialog opens on the chosen day at midnight, for an hour; 11 AM keeps the hour.
    hours = dialog.locator('input[name="hours"]')
    hours.first.fill("11")
    hours.first.press("Tab")
    expect(hours.first).to_have_value("11")
    expect(hours.nth(1)).to_have_value("12")
    # The dialog says it moved the end along (11 AM-1 AM would be negative); noted, dismissed.
    notice = dialog.locator("ha-alert").filter(has_text="Event end was adjusted")
    notice.get_by_role("button").click()
    expect(notice).to_be_hidden()
    dialog.locator("ha-entity-picker").click()
    page.get_by_placeholder("Search").fill("Thames")
    page.get_by_text("Thames Room ▸ Thames Room").last.click()
    expect(page.get_by_placeholder("Search")).to_be_hidden()
    expect(dialog.locator("ha-entity-picker")).to_contain_text("Thames Room")
    page.screenshot(path=screenshots / "booking-dialog.png")

    demo.control("DELETE", "requests")
    dialog.get_by_role("button", name="Add event").click()
    expect(dialog.get_by_role("textbox", name="Summary")).to_be_hidden()  # saved and closed

    # It reached Robin: one POST to the room's events, and the event is there.
    posts = [r for r in demo.control("GET", "requests") if r["method"] == "POST"]
    assert [r["path"] for r in posts] == [f"/v1.0/spaces/{THAMES_ROOM}/events"], posts
    assert posts[0]["status"] < 300, posts
    start = datetime.combine(day, time(11, 0), LONDON)
    events = demo.robin(
        f"/spaces/{THAMES_ROOM}/events",
        after=start.isoformat(),
        before=(start + timedelta(hours=1)).isoformat(),
    )
    booked = [e for e in events if e["title"] == TITLE]
    assert len(booked) == 1, events
    assert robin_time(booked[0]["start"]) == start, booked

    # And it comes back from Robin into the calendar view.
    expect(event(page, TITLE)).to_contain_text("11:00 AM - 12:00 PM")
    page.screenshot(path=screenshots / "calendar.png")
