"""Home Assistant's REST and websocket APIs, as one logged-in user."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import aiohttp

from .errors import DemoError

REQUEST_TIMEOUT = aiohttp.ClientTimeout(30)
WEBSOCKET_TIMEOUT = 60


class HomeAssistantApi:
    """Home Assistant at `url`; `token` is set once logged in (onboarding.py)."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        """Not logged in yet."""
        self.session = session
        self.base_url = url
        self.token = ""
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ws_id = 0

    @property
    def client_id(self) -> str:
        """The OAuth client id we log in as (Home Assistant's own frontend's)."""
        return f"{self.base_url}/"

    def url(self, path: str) -> str:
        """An absolute URL of Home Assistant."""
        return f"{self.base_url}{path}"

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call the REST API; return the JSON answer, raise DemoError for any error status."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with self.session.request(
            method, self.url(path), headers=headers, timeout=REQUEST_TIMEOUT, **kwargs
        ) as response:
            text = await response.text()
            if response.status >= HTTPStatus.MULTIPLE_CHOICES:
                msg = f"{method} {path} answered {response.status}: {text[:500]}"
                raise DemoError(msg)
            return json.loads(text) if text else None

    async def http_up(self) -> bool | None:
        """True once the HTTP server answers (/auth/providers: 400 until onboarded)."""
        async with self.session.get(
            self.url("/auth/providers"), timeout=aiohttp.ClientTimeout(2)
        ) as response:
            return True if response.status in {HTTPStatus.OK, HTTPStatus.BAD_REQUEST} else None

    async def running(self) -> bool | None:
        """True once Home Assistant has started."""
        config = await self.request("GET", "/api/config")
        return True if config.get("state") == "RUNNING" else None

    async def token_works(self, token: str) -> bool:
        """Tell whether Home Assistant accepts an access token."""
        async with self.session.get(
            self.url("/api/"), headers={"Authorization": f"Bearer {token}"}
        ) as response:
            return response.status == HTTPStatus.OK

    async def exchange_code(self, code: str) -> None:
        """Log in: exchange an authorization code for an access token."""
        answer = await self.request(
            "POST",
            "/auth/token",
            data={"grant_type": "authorization_code", "code": code, "client_id": self.client_id},
        )
        self.token = str(answer["access_token"])

    async def call_action(
        self, domain: str, action: str, data: dict[str, Any], *, response: bool = False
    ) -> Any:
        """Run an action; with `response`, return what it responds."""
        path = f"/api/services/{domain}/{action}" + ("?return_response" if response else "")
        answer = await self.request("POST", path, json=data)
        return answer["service_response"] if response else answer

    async def ws(self, message_type: str, **data: Any) -> Any:
        """Send one websocket command and return its result."""
        if self._ws is None or self._ws.closed:
            self._ws = await self.session.ws_connect(self.url("/api/websocket"))
            await self._ws.receive_json()  # auth_required
            await self._ws.send_json({"type": "auth", "access_token": self.token})
            if (answer := await self._ws.receive_json())["type"] != "auth_ok":
                msg = f"the websocket refused the token: {answer}"
                raise DemoError(msg)
        self._ws_id += 1
        await self._ws.send_json({"id": self._ws_id, "type": message_type, **data})
        while True:
            answer = await self._ws.receive_json(timeout=WEBSOCKET_TIMEOUT)
            if answer.get("id") == self._ws_id and answer.get("type") == "result":
                break
        if not answer["success"]:
            msg = f"{message_type} failed: {answer['error']}"
            raise DemoError(msg)
        return answer["result"]

    async def close(self) -> None:
        """Close the websocket."""
        if self._ws is not None:
            await self._ws.close()
