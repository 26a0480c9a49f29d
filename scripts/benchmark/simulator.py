"""The Robin simulator in its own process (its CPU is not Home Assistant's) and its control API."""

import asyncio
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Room:
    """A Robin space as listed by the API."""

    id: int
    name: str
    location_id: int


class SimulatorProcess:
    """`python -m robin_simulator --scenario large` on a free port of 127.0.0.1."""

    def __init__(self, locations: int, rooms_per_location: int, max_per_page: int) -> None:
        """Start the process and read its base URL and token."""
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "robin_simulator",
                "--host",
                HOST,
                "--port",
                "0",
                "--scenario",
                "large",
                "--locations",
                str(locations),
                "--spaces-per-location",
                str(rooms_per_location),
                "--max-per-page",
                str(max_per_page),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        values: dict[str, str] = {}
        assert self.process.stdout is not None  # noqa: S101 - PIPE was asked for
        while not {"base_url", "token"} <= values.keys():
            line = self.process.stdout.readline()
            if not line:
                msg = f"the simulator exited ({self.process.wait()})"
                raise RuntimeError(msg)
            key, _, value = line.strip().partition("=")
            values[key] = value
        self.base_url = values["base_url"]
        self.token = values["token"]
        self.control_url = self.base_url.removesuffix("/v1.0") + "/_simulator"

    def stop(self) -> None:
        """Stop the process."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class SimulatorApi:
    """The simulator's control API and the few Robin API calls the benchmark itself makes.

    The benchmark's own Robin calls appear in the request log; every measured cycle starts
    with a cleared log, so they are never counted.
    """

    def __init__(self, session: aiohttp.ClientSession, process: SimulatorProcess) -> None:
        """Talk to this simulator."""
        self.session = session
        self.process = process
        self.headers = {"Authorization": f"Access-Token {process.token}"}

    async def _control(self, method: str, path: str, body: Any = None) -> Any:
        async with self.session.request(
            method, f"{self.process.control_url}{path}", json=body
        ) as response:
            response.raise_for_status()
            return await response.json()

    async def _api(
        self, method: str, path: str, *, tenant: int | None = None, **kwargs: Any
    ) -> tuple[int, Any]:
        headers = self.headers if tenant is None else {**self.headers, "Tenant-Id": str(tenant)}
        async with self.session.request(
            method, f"{self.process.base_url}{path}", headers=headers, **kwargs
        ) as response:
            return response.status, await response.json()

    async def freeze_clock(self, instant: datetime) -> None:
        """Stop the simulator's clock at `instant`."""
        await self._control("POST", "/clock", {"freeze": instant.isoformat()})

    async def advance_clock(self, delta: timedelta) -> None:
        """Move the simulator's clock forward."""
        await self._control("POST", "/clock", {"advance_seconds": delta.total_seconds()})

    async def clear_requests(self) -> None:
        """Forget the served requests."""
        await self._control("DELETE", "/requests")

    async def requests(self) -> list[dict[str, Any]]:
        """The requests served since the last clear."""
        return list(await self._control("GET", "/requests"))

    async def location_ids(self) -> list[int]:
        """Every location of the (first) organization, as the config flow offers them."""
        status, body = await self._api("GET", "/me/organizations")
        if status != 200:  # noqa: PLR2004
            msg = f"listing the organizations answered {status}"
            raise RuntimeError(msg)
        organization_id = body["data"][0]["id"]
        status, body = await self._api(
            "GET",
            f"/organizations/{organization_id}/locations",
            tenant=organization_id,
            params={"per_page": "100"},
        )
        if status != 200:  # noqa: PLR2004
            msg = f"listing the locations answered {status}"
            raise RuntimeError(msg)
        return [int(location["id"]) for location in body["data"]]

    async def rooms(self, location_ids: list[int]) -> list[Room]:
        """Every room of these locations, page by page."""
        rooms: list[Room] = []
        for location_id in location_ids:
            page = 1
            while True:
                status, body = await self._api(
                    "GET",
                    f"/locations/{location_id}/spaces",
                    params={"page": str(page), "per_page": "100"},
                )
                if status != 200:  # noqa: PLR2004
                    msg = f"listing the rooms of location {location_id} answered {status}"
                    raise RuntimeError(msg)
                data = body.get("data") or []
                rooms.extend(Room(s["id"], s["name"], location_id) for s in data)
                paging = body.get("paging") or {}
                if not data or not paging.get("has_next_page"):
                    break
                page += 1
        return rooms

    async def people_present(self, room_id: int) -> int:
        """How many people Robin counts in the room now."""
        _status, body = await self._api("GET", f"/spaces/{room_id}/state")
        return int(body["data"]["present"])

    async def set_presence(self, room_id: int, *, present: bool) -> None:
        """Someone arrives (present) or everyone leaves."""
        await self._control("POST", "/presence", {"space_id": room_id, "present": present})

    async def book(self, room_id: int, start: datetime, end: datetime) -> bool:
        """Book the room as a Robin user would; False when Robin refuses (e.g. it is taken)."""
        body = {
            "title": "Benchmark booking",
            "start": {"date_time": start.isoformat(timespec="seconds"), "time_zone": "UTC"},
            "end": {"date_time": end.isoformat(timespec="seconds"), "time_zone": "UTC"},
        }
        status, _body = await self._api("POST", f"/spaces/{room_id}/events", json=body)
        return status == 201  # noqa: PLR2004


async def wait_closed(session: aiohttp.ClientSession) -> None:
    """Close a session and give its connections a loop iteration to go."""
    await session.close()
    await asyncio.sleep(0)
