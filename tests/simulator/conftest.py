"""Fixtures: a demo simulator frozen on a Tuesday morning, served on 127.0.0.1."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from robin_simulator import RobinSimulator, run_simulator

# Tuesday 4 June 2024, 08:00 in London (BST, UTC+1), 03:00 in New York (EDT, UTC-4).
TUESDAY_MORNING = datetime(2024, 6, 4, 7, 0, tzinfo=UTC)
LONDON = 2117
NEW_YORK = 2118


class Api:
    """A tiny Robin client: returns (status, body) and never raises on HTTP errors."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, token: str) -> None:
        self.session = session
        self.base_url = base_url
        self.token = token

    async def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        all_headers = {"Authorization": f"Access-Token {token or self.token}", **(headers or {})}
        async with self.session.request(
            method, self.base_url + path, json=json, params=params, headers=all_headers
        ) as response:
            return response.status, await response.json()

    async def get(self, path: str, **kwargs: Any) -> tuple[int, Any]:
        return await self.call("GET", path, **kwargs)

    async def data(self, path: str, **kwargs: Any) -> Any:
        """GET and insist on 200; the `data` of the envelope."""
        status, body = await self.get(path, **kwargs)
        assert status == 200, body
        return body["data"]


@pytest.fixture(autouse=True)
def _sockets_on_localhost(socket_enabled):
    """The simulator serves real HTTP on 127.0.0.1 (pytest-socket still blocks other hosts)."""


@pytest.fixture
def sim() -> RobinSimulator:
    return RobinSimulator("demo", now=TUESDAY_MORNING)


@pytest.fixture
async def base_url(sim: RobinSimulator) -> AsyncIterator[str]:
    async with run_simulator(sim) as url:
        yield url


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
def api(session: aiohttp.ClientSession, base_url: str, sim: RobinSimulator) -> Api:
    return Api(session, base_url, sim.token)


def booking(start: str, end: str, title: str = "Focus session", **extra: Any) -> dict[str, Any]:
    """A POST /spaces/{id}/events body in London time."""
    return {
        "title": title,
        "start": {"date_time": start, "time_zone": "Europe/London"},
        "end": {"date_time": end, "time_zone": "Europe/London"},
        **extra,
    }
