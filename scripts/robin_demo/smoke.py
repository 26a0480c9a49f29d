"""Smoke test on the newest Home Assistant release, which no phcc pins yet (scripts/test runs it).

    .venv-newest/bin/python -m scripts.robin_demo.smoke

Starts the Robin simulator and a real `hass` of this venv (offline, --skip-pip) in a throwaway
directory, with the demo's configuration; creates the owner through onboarding, adds the Robin
integration through its config flow, and checks what a user would: every entity of the entry has
a state and the rooms' occupancy is known; `robin.find_free_space` answers through the REST API;
`robin.book_space` books the first free room and the booking is in the simulator,
`robin.extend_booking` moves its end and `robin.cancel_booking` takes it away; a meeting made in
the room's calendar (websocket, as the calendar's dialog does) reaches Robin and, deleted there,
leaves it; the options flow saves and the entry is loaded again; the diagnostics hold no token;
the integration's blueprints are offered, valid; a room's occupancy sensor renamed by the user
shows people coming in under its new id; Home Assistant's log reports no deprecated use by the
integration (reports.py). Prints what it saw; exits 1 on the first thing that is wrong.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from custom_components.robin.api import Event, RobinClient, RobinNotFoundError

from . import HOST, ROOT
from .configuration import prepare_config
from .errors import DemoError
from .files import tail
from .ha_client import HomeAssistantApi
from .integration import DOMAIN, add_entry, entry_loaded
from .onboarding import START_TIMEOUT, create_owner
from .processes import Children, free_port, poll, start_hass, start_simulator
from .reports import reports_about_robin
from .rooms import Office, Room, offices, rooms_have_states

ENTRY_TIMEOUT = 60
TITLE = "Smoke test"


def say(text: str) -> None:
    """One line of the step's report."""
    print(f"smoke: {text}", flush=True)


def window() -> tuple[datetime, datetime]:
    """A 30-minute slot starting at the next quarter hour at least 15 minutes away."""
    soon = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=15)
    start = soon + timedelta(minutes=-soon.minute % 15)
    return start, start + timedelta(minutes=30)


async def check_entities(api: HomeAssistantApi, entry_id: str, office_list: list[Office]) -> None:
    """Every enabled entity of the entry has a state, and none is unavailable."""
    registered = {
        entity["entity_id"]
        for entity in await api.ws("config/entity_registry/list")
        if entity["config_entry_id"] == entry_id and not entity["disabled_by"]
    }
    states = {s["entity_id"]: s["state"] for s in await api.request("GET", "/api/states")}
    missing = sorted(e for e in registered if states.get(e, "unavailable") == "unavailable")
    if not registered or missing:
        msg = f"{len(registered)} entities, without a state: {missing}"
        raise DemoError(msg)
    rooms = [room.name for office in office_list for room in office.rooms]
    say(
        f"{len(registered)} entities, all with a state; {len(rooms)} rooms in "
        + ", ".join(office.name for office in office_list)
    )


async def check_actions(
    api: HomeAssistantApi, entry_id: str, office_list: list[Office], robin: RobinClient
) -> tuple[Room, Event]:
    """find_free_space answers; book_space books its first room, and Robin has the booking."""
    start, end = window()
    found = await api.call_action(
        DOMAIN,
        "find_free_space",
        {"config_entry_id": entry_id, "start": start.isoformat(), "end": end.isoformat()},
        response=True,
    )
    say(f"robin.find_free_space answered: {json.dumps(found)}")
    if not found.get("spaces"):
        msg = "find_free_space found no free room"
        raise DemoError(msg)
    room_id = found["spaces"][0]["id"]
    room = next(room for office in office_list for room in office.rooms if room.id == room_id)
    booked = await api.call_action(
        DOMAIN,
        "book_space",
        {
            "device_id": room.device_id,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "title": TITLE,
        },
        response=True,
    )
    say(f"robin.book_space answered: {json.dumps(booked)}")
    event = await robin.get_event(booked["booking"]["id"])
    if event.title != TITLE or event.space_id != room_id:
        msg = f"the simulator has {event!r}, not the booking made"
        raise DemoError(msg)
    say(f"the simulator has booking {event.id} ({event.title!r}) in room {room_id}")
    return room, event


async def gone_from_robin(robin: RobinClient, event_id: str) -> bool:
    """True when Robin no longer has the event (cancelled or deleted)."""
    try:
        await robin.get_event(event_id)
    except RobinNotFoundError:
        return True
    return False


async def check_booking_changes(
    api: HomeAssistantApi, room: Room, booking: Event, robin: RobinClient
) -> None:
    """extend_booking moves the booking's end in Robin; cancel_booking takes it away."""
    target = {"device_id": room.device_id, "booking_id": booking.id}
    await api.call_action(DOMAIN, "extend_booking", {**target, "minutes": 15})
    extended = await robin.get_event(booking.id)
    if extended.end != booking.end + timedelta(minutes=15):
        msg = f"extend_booking left the booking ending at {extended.end}, not 15 minutes later"
        raise DemoError(msg)
    say(f"robin.extend_booking: booking {booking.id} now ends at {extended.end:%H:%M}")
    await api.call_action(DOMAIN, "cancel_booking", target)
    if not await gone_from_robin(robin, booking.id):
        msg = f"cancel_booking left booking {booking.id} in Robin"
        raise DemoError(msg)
    say(f"robin.cancel_booking: booking {booking.id} is gone from Robin")


async def check_calendar_edit(
    api: HomeAssistantApi, room: Room, cancelled: Event, robin: RobinClient
) -> None:
    """A meeting made in the room's calendar reaches Robin; deleted there, it leaves Robin.

    It takes the cancelled booking's time, which Robin found free.
    """
    calendar = room.entities["bookings"]
    start, end = cancelled.start, cancelled.end
    summary = f"{TITLE} (calendar)"
    event = {"summary": summary, "dtstart": start.isoformat(), "dtend": end.isoformat()}
    await api.ws("calendar/event/create", entity_id=calendar, event=event)

    async def listed() -> dict[str, Any] | None:
        path = f"/api/calendars/{calendar}?start={start.isoformat()}&end={end.isoformat()}"
        events = await api.request("GET", path.replace("+", "%2B"))
        return next((e for e in events if e["summary"] == summary), None)

    shown = await poll(f"{calendar} to show the meeting made in it", listed, ENTRY_TIMEOUT)
    made = await robin.get_event(shown["uid"])
    if made.space_id != room.id or made.title != summary:
        msg = f"the simulator has {made!r}, not the meeting made in {calendar}"
        raise DemoError(msg)
    await api.ws("calendar/event/delete", entity_id=calendar, uid=shown["uid"])
    if not await gone_from_robin(robin, made.id):
        msg = f"the meeting deleted in {calendar} is still in Robin"
        raise DemoError(msg)
    say(f"{calendar}: a meeting made there reached Robin ({made.id}), deleted there it left")


async def check_options_and_diagnostics(
    api: HomeAssistantApi, entry_id: str, token: str, log: Path
) -> None:
    """The options flow ends with the entry loaded; diagnostics download without the token."""
    flow = "/api/config/config_entries/options/flow"
    step = await api.request("POST", flow, json={"handler": entry_id})
    step = await api.request("POST", f"{flow}/{step['flow_id']}", json={})
    if step["type"] != "create_entry":
        msg = f"the options flow ended with {step['type']}: {step.get('errors')}"
        raise DemoError(msg)
    await poll(
        "the Robin entry after its options", lambda: entry_loaded(api, entry_id, log), ENTRY_TIMEOUT
    )
    diagnostics = await api.request("GET", f"/api/diagnostics/config_entry/{entry_id}")
    if token in json.dumps(diagnostics):
        msg = "the entry's diagnostics hold the access token"
        raise DemoError(msg)
    say("options flow: saved, entry loaded; diagnostics downloaded, without the token")


async def check_renamed_entity(
    api: HomeAssistantApi, office_list: list[Office], base_url: str
) -> None:
    """A room's occupancy sensor, renamed by the user, shows people coming in under its new id.

    Home Assistant 2026.11+ renames the integration's entities in place (they define
    `async_entity_id_changed`); this checks they keep following their room when it does.
    """
    states = {s["entity_id"]: s["state"] for s in await api.request("GET", "/api/states")}
    room = next(
        room
        for office in office_list
        for room in office.rooms
        if states.get(room.entities.get("occupancy", "")) == "off"
    )
    old_id, new_id = room.entities["occupancy"], "binary_sensor.smoke_test_renamed_occupancy"
    await api.ws("config/entity_registry/update", entity_id=old_id, new_entity_id=new_id)
    control = base_url.removesuffix("/v1.0") + "/_simulator/presence"
    async with api.session.post(control, json={"space_id": room.id, "present": True}) as answer:
        answer.raise_for_status()
    await api.call_action("homeassistant", "update_entity", {"entity_id": new_id})

    async def shown_under_new_id() -> bool | None:
        shown = {s["entity_id"]: s["state"] for s in await api.request("GET", "/api/states")}
        return True if shown.get(new_id) == "on" and old_id not in shown else None

    await poll(f"{new_id} to show people in {room.name}", shown_under_new_id, ENTRY_TIMEOUT)
    say(f"{old_id}, renamed {new_id}, shows people in {room.name}")


def check_log(log: Path) -> None:
    """Home Assistant reported no deprecated use by the integration while it was used."""
    reports = reports_about_robin(log.read_text(errors="replace").splitlines())
    if reports:
        msg = "Home Assistant reported the integration's use of its API:\n" + "\n".join(reports)
        raise DemoError(msg)
    say("Home Assistant's log reports no deprecated use by the integration")


async def check_blueprints(api: HomeAssistantApi) -> None:
    """The integration's blueprints are offered in the demo's Home Assistant, all valid."""
    offered = await api.ws("blueprint/list", domain="automation")
    ours = sorted(
        f"robin/{path.name}" for path in (ROOT / "blueprints/automation/robin").glob("*.yaml")
    )
    missing = [path for path in ours if path not in offered or "error" in offered[path]]
    if not ours or missing:
        msg = f"blueprints not offered, or invalid: {missing or 'none found'}"
        raise DemoError(msg)
    say(f"blueprints offered: {', '.join(ours)}")


async def smoke(directory: Path, children: Children) -> None:
    """Start both, set up, check; the caller stops the children."""
    started = time.monotonic()
    venv = Path(sys.prefix)
    config_dir = directory / "config"
    port = free_port()
    prepare_config(config_dir, port)
    base_url, token = await start_simulator(
        children, Path(sys.executable), 0, directory / "simulator.log"
    )
    hass = await start_hass(children, venv, config_dir, directory / "hass.log")
    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(session, f"http://{HOST}:{port}")
        try:
            await poll("Home Assistant's HTTP server", api.http_up, START_TIMEOUT, hass)
            await create_owner(api)  # a session token is all the smoke test needs
            await poll("Home Assistant to start", api.running, START_TIMEOUT, hass)
            config = await api.request("GET", "/api/config")
            say(f"Home Assistant {config['version']} ({venv.name}) running; simulator {base_url}")
            entry = await add_entry(api, base_url, token)
            entry_id = entry["entry_id"]
            log = config_dir / "home-assistant.log"
            await poll(
                "the Robin entry", lambda: entry_loaded(api, entry_id, log), ENTRY_TIMEOUT, hass
            )
            office_list = await offices(api, entry_id, base_url, token)
            await poll(
                "the rooms' states", lambda: rooms_have_states(api, office_list), ENTRY_TIMEOUT
            )
            await check_entities(api, entry_id, office_list)
            await check_blueprints(api)
            robin = RobinClient(api.session, token, base_url=base_url)
            room, booking = await check_actions(api, entry_id, office_list, robin)
            await check_booking_changes(api, room, booking, robin)
            await check_calendar_edit(api, room, booking, robin)
            await check_options_and_diagnostics(api, entry_id, token, log)
            await check_renamed_entity(api, office_list, base_url)
            check_log(log)
        finally:
            await api.close()
    say(f"passed in {time.monotonic() - started:.1f} s")


async def main_async() -> int:
    """Run the smoke test in a throwaway directory; always stop the children."""
    children = Children()
    with tempfile.TemporaryDirectory(prefix="robin-smoke-") as name:
        directory = Path(name)
        try:
            await smoke(directory, children)
        except DemoError as err:
            log = directory / "config" / "home-assistant.log"
            say(f"FAILED: {err}\n--- the end of Home Assistant's log:\n{tail(log, 60)}")
            return 1
        finally:
            await children.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main_async()))
