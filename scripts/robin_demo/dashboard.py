"""The rooms' Lovelace dashboard: a room board per location, for a screen on the office's wall.

One tile per room, coloured by its state: green free, blue booked (a meeting about to start or
started with nobody there yet), red in use, orange when it needs someone's attention (a no-show
or use without a booking); a room out of service has no colour. Each tile says it in words
("Free until 14:00", "In use · 3 people"), times in Home Assistant's time zone (templates
cannot convert to a location's own); above them, how many rooms are in use.

Only cards Home Assistant ships work offline: each tile is a markdown card whose template picks
an `ha-alert` (the markdown card's one coloured element) and the words; entity ids come from the
registry (rooms.py), the template only reads their states.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .ha_client import HomeAssistantApi
from .rooms import Office, Room

DASHBOARD = "robin-demo"
ROOM_COLUMNS = 3
# The entity keys a room's tile reads (unbookable rooms have no no-show, check-in or calendar).
TILE_KEYS = (
    "occupancy",
    "people_present",
    "availability",
    "free_until",
    "next_booking",
    "no_show",
    "unbooked_use",
    "checked_in",
    "bookings",
)

# Jinja, rendered by Home Assistant: `e` maps the keys above to the room's entity ids. The
# alert's tags stand on lines of their own: markdown then keeps the lines between as its content.
TILE_TEMPLATE = """
{%- set has = e.keys() | list %}
{%- set occupied = 'occupancy' in has and is_state(e.occupancy, 'on') %}
{%- set no_show = 'no_show' in has and is_state(e.no_show, 'on') %}
{%- set unbooked = 'unbooked_use' in has and is_state(e.unbooked_use, 'on') %}
{%- set checked_in = 'checked_in' in has and is_state(e.checked_in, 'on') %}
{%- set availability = states(e.availability) if 'availability' in has else 'unknown' %}
{%- set people = states(e.people_present) | int(0) if 'people_present' in has else 0 %}
{%- macro when(value) -%}
{%- set moment = value | as_datetime(none) if value is string else value -%}
{%- if moment is none -%}?{%- else -%}
{%- set local = moment | as_local if moment.tzinfo else moment -%}
{{ local.strftime('%H:%M') if local.date() == now().date() else local.strftime('%a %H:%M') }}
{%- endif -%}
{%- endmacro %}
{%- macro sensor_time(key) -%}
{%- set value = states(e[key]) if key in has else 'unknown' -%}
{{ when(value) if value not in ['unknown', 'unavailable', ''] else '' }}
{%- endmacro %}
{%- set meeting = state_attr(e.bookings, 'message') if 'bookings' in has
    and is_state(e.bookings, 'on') else none %}
{%- set meeting_times = when(state_attr(e.bookings, 'start_time')) ~ '\u2013'
    ~ when(state_attr(e.bookings, 'end_time')) if meeting else '' %}
{%- set who = 'nobody in' if people == 0 else
    (people ~ (' person' if people == 1 else ' people')) %}
{%- if availability == 'disabled' %}
{%- set kind, word, detail = none, 'Out of service', 'cannot be booked' %}
{%- elif no_show %}
{%- set kind, word, detail = 'warning', 'No-show', (meeting ~ ' ' ~ meeting_times)
    ~ ' · nobody came' %}
{%- elif unbooked %}
{%- set kind, word, detail = 'warning', 'Unbooked use', who ~ ' without a booking' %}
{%- elif occupied or availability == 'in_use' %}
{%- set kind, word = 'error', 'In use' %}
{%- set detail = (meeting ~ ' until ' ~ when(state_attr(e.bookings, 'end_time')) ~ ' · '
    if meeting else '') ~ who %}
{%- elif availability == 'booked' %}
{%- set kind, word = 'info', 'Booked' %}
{%- set detail = (meeting ~ ' ' ~ meeting_times if meeting else
    'from ' ~ sensor_time('next_booking')) ~ ' · nobody in yet' %}
{%- elif availability == 'available' %}
{%- set until = sensor_time('free_until') %}
{%- set kind, word = 'success', 'Free until ' ~ until if until else 'Free' %}
{%- set detail = 'nobody in' if until or 'bookings' not in has else 'no bookings ahead' %}
{%- else %}
{%- set kind, word, detail = 'info', 'No news from Robin', 'waiting for the next poll' %}
{%- endif %}
{%- if kind %}
<ha-alert alert-type="{{ kind }}" title="{{ room }}">
<h2>{{ word }}</h2>
{{ detail }}{{ ' · checked in' if checked_in else '' }}
</ha-alert>
{%- else %}
<b>{{ room }}</b>
<h2>{{ word }}</h2>
{{ detail }}
{%- endif %}
"""

# The location's headline: how many rooms are in use and how many need attention.
SUMMARY_TEMPLATE = """
{%- set in_use = occupancy | select('is_state', 'on') | list | count %}
{%- set attention = attention | select('is_state', 'on') | list | count %}
## {{ location }}
{{ in_use }} of {{ occupancy | count }} {{ 'room' if occupancy | count == 1 else 'rooms' }} in use
{%- if attention %} · {{ attention }}
{{- ' needs' if attention == 1 else ' need' }} attention{% endif %}
"""


def slug(text: str) -> str:
    """A URL path segment for a name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "rooms"


def room_tile(room: Room) -> dict[str, Any]:
    """A room's tile: a markdown card whose template colours and words the room's state."""
    entities = {key: room.entities[key] for key in TILE_KEYS if key in room.entities}
    header = (
        "{%- set room = " + json.dumps(room.name) + " %}"
        "{%- set e = " + json.dumps(entities, sort_keys=True) + " %}"
    )
    return {"type": "markdown", "content": header + TILE_TEMPLATE}


def summary(office: Office) -> dict[str, Any]:
    """The location's headline above its board."""
    occupancy = [
        room.entities["occupancy"] for room in office.rooms if "occupancy" in room.entities
    ]
    attention = [
        room.entities[key]
        for room in office.rooms
        for key in ("no_show", "unbooked_use")
        if key in room.entities
    ]
    header = (
        "{%- set location = " + json.dumps(office.name) + " %}"
        "{%- set occupancy = " + json.dumps(occupancy) + " %}"
        "{%- set attention = " + json.dumps(attention) + " %}"
    )
    return {"type": "markdown", "content": header + SUMMARY_TEMPLATE}


def dashboard_config(office_list: list[Office]) -> dict[str, Any]:
    """The dashboard's Lovelace configuration: a panel view per location with its room board."""
    views = []
    for office in office_list:
        board: list[dict[str, Any]] = [summary(office)]
        board.append(
            {
                "type": "grid",
                "columns": ROOM_COLUMNS,
                "square": False,
                "cards": [room_tile(room) for room in office.rooms],
            }
        )
        views.append(
            {
                "title": office.name,
                "path": slug(office.name),
                "type": "panel",
                "cards": [{"type": "vertical-stack", "cards": board}],
            }
        )
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
