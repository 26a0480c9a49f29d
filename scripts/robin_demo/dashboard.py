"""The rooms' Lovelace dashboard: a view per location, a card per room and a calendar card."""

from __future__ import annotations

import re
from typing import Any

from .ha_client import HomeAssistantApi
from .rooms import Office

DASHBOARD = "robin-demo"
ROOM_ROWS = (  # (entity key, row name) of each room's entities card
    ("occupancy", "Occupied"),
    ("people_present", "People present"),
    ("availability", "Availability"),
    ("next_booking", "Next booking"),
    ("free_until", "Free until"),
)


def slug(text: str) -> str:
    """A URL path segment for a name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "rooms"


def dashboard_config(office_list: list[Office]) -> dict[str, Any]:
    """The dashboard's Lovelace configuration."""
    views = []
    for office in office_list:
        cards: list[dict[str, Any]] = []
        if occupied := office.entities.get("occupied_rooms"):
            cards.append({"type": "tile", "entity": occupied, "name": "Occupied rooms"})
        cards.extend(
            {
                "type": "entities",
                "title": room.name,
                "state_color": True,
                "entities": [
                    {"entity": room.entities[key], "name": name}
                    for key, name in ROOM_ROWS
                    if key in room.entities
                ],
            }
            for room in office.rooms
        )
        if calendars := [
            room.entities["bookings"] for room in office.rooms if "bookings" in room.entities
        ]:
            cards.append(
                {
                    "type": "calendar",
                    "title": f"{office.name} bookings",
                    "initial_view": "listWeek",
                    "entities": calendars,
                }
            )
        views.append({"title": office.name, "path": slug(office.name), "cards": cards})
    return {"title": "Robin rooms", "views": views}


async def ensure_dashboard(api: HomeAssistantApi, office_list: list[Office]) -> str:
    """Create (once) and save (each run: rooms change) the rooms' dashboard; return its path."""
    dashboards = await api.ws("lovelace/dashboards/list")
    if not any(d["url_path"] == DASHBOARD for d in dashboards):
        print("demo: creating the dashboard")
        await api.ws(
            "lovelace/dashboards/create",
            url_path=DASHBOARD,
            title="Robin rooms",
            icon="mdi:door",
            show_in_sidebar=True,
            require_admin=False,
        )
    config = dashboard_config(office_list)
    await api.ws("lovelace/config/save", url_path=DASHBOARD, config=config)
    first_view = config["views"][0]["path"] if config["views"] else "0"
    return f"/{DASHBOARD}/{first_view}"
