"""Fixtures for the Robin API client tests: fixture payloads, a canned server, the simulator."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web

from custom_components.robin.api import RobinClient
from robin_simulator import DEFAULT_TOKEN, RobinSimulator, run_simulator

FIXTURES = Path(__file__).parent.parent / "fixtures" / "robin_api"
TOKEN = "canned-secret-token-0123456789"
# Monday 3 June 2024, 09:00 UTC (10:00 in London): the day of the documented examples.
NOW = datetime(2024, 6, 3, 9, 0, tzinfo=UTC)
ORG_ID = 2672
LONDON_ID = 2117
NEW_YORK_ID = 2118


def load(name: str) -> Any:
    """Return a fixture payload from tests/fixtures/robin_api."""
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def robin_json() -> Callable[[str], Any]:
    """Load a fixture payload by name."""
    return load


@dataclass
class Reply:
    """A canned HTTP answer."""

    status: int = 200
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class SeenRequest:
    """A request the canned server received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


class CannedRobin:
    """A local HTTP server that answers each path with queued replies and records requests."""

    def __init__(self) -> None:
        """Start with no replies; unknown paths get Robin's 404 envelope."""
        self.replies: dict[tuple[str, str], list[Reply]] = {}
        self.requests: list[SeenRequest] = []
        self.base_url = ""

    def reply(self, method: str, path: str, *replies: Reply) -> None:
        """Queue replies for a path; the last one repeats."""
        self.replies[(method, path)] = list(replies)

    def reply_json(self, method: str, path: str, body: Any, status: int = 200) -> None:
        """Answer a path with one JSON body."""
        self.reply(method, path, Reply(status=status, body=body))

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer from the queue and record the request."""
        raw_body = await request.read()
        self.requests.append(
            SeenRequest(
                method=request.method,
                path=request.path.removeprefix("/v1.0"),
                query=dict(request.query),
                headers=dict(request.headers),
                body=json.loads(raw_body) if raw_body else None,
            )
        )
        queue = self.replies.get((request.method, request.path.removeprefix("/v1.0")))
        if not queue:
            return web.json_response(load("not_found"), status=404)
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if reply.raw is not None:
            return web.Response(status=reply.status, body=reply.raw, headers=reply.headers)
        return web.json_response(reply.body, status=reply.status, headers=reply.headers)


@pytest.fixture
async def canned(socket_enabled: None) -> AsyncIterator[CannedRobin]:
    """Run a canned Robin on 127.0.0.1."""
    server = CannedRobin()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    server.base_url = f"http://127.0.0.1:{port}/v1.0"
    yield server
    await runner.cleanup()


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """Provide an aiohttp session, as Home Assistant would inject one."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture(params=[json.loads, orjson.loads], ids=["json", "orjson"])
def canned_client(
    request: pytest.FixtureRequest, session: aiohttp.ClientSession, canned: CannedRobin
) -> RobinClient:
    """A client talking to the canned Robin, with each decoder it is used with.

    The standard library's by default, orjson's in Home Assistant: Robin's quirky and
    broken answers must read the same with both.
    """
    return RobinClient(
        session, TOKEN, base_url=canned.base_url, request_timeout=5, json_loads=request.param
    )


@pytest.fixture
def sim() -> RobinSimulator:
    """The demo organization (Acme Robotics) with its clock frozen at NOW."""
    return RobinSimulator(scenario="demo", seed=0, now=NOW)


@pytest.fixture
async def sim_url(sim: RobinSimulator, socket_enabled: None) -> AsyncIterator[str]:
    """Serve the simulator on 127.0.0.1 and return its base URL."""
    async with run_simulator(sim, host="127.0.0.1") as base_url:
        yield base_url


@pytest.fixture
def client(session: aiohttp.ClientSession, sim_url: str) -> RobinClient:
    """A read-write client of the simulated Acme Robotics."""
    return RobinClient(session, DEFAULT_TOKEN, base_url=sim_url, organization_id=ORG_ID)
