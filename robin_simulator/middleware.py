"""What every `/v1.0` request goes through: logging, injected faults, auth and error envelopes."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from email.utils import format_datetime
from http import HTTPStatus
from typing import cast

from aiohttp import web
from aiohttp.typedefs import Middleware

from .errors import ApiError, not_found
from .faults import (
    AFTER_COMMIT,
    CommitThenFail,
    CommitThenHang,
    Drop,
    Failure,
    Fault,
    Hang,
    Hold,
    HoldAnswer,
    HtmlError,
    Malformed,
    RateLimit,
    Serve,
)
from .interfaces import Gatekeeper
from .model import TokenGrant
from .records import RequestRecord
from .serialize import error_body

API_PREFIX = "/v1.0"
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
GRANT = "robin_simulator.grant"
# Truncated JSON: what a proxy cutting a response short would deliver.
MALFORMED_BODY = (
    '{"meta": {"status_code": 200, "status": "OK", "message": "", "more_info": {}}, "da'
)

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def current_grant(request: web.Request) -> TokenGrant:
    """The token the request was authenticated with."""
    return cast("TokenGrant", request[GRANT])


def error_response(status: int, message: str, reason: str | None = None) -> web.Response:
    """An error in Robin's envelope."""
    return web.json_response(error_body(status, message, reason=reason), status=status)


def api_middleware(sim: Gatekeeper) -> Middleware:
    """The middleware bound to a simulator."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        record = RequestRecord(
            request.method, request.path, dict(request.query), at=sim.clock.now()
        )
        sim.requests.append(record)
        try:
            response = await _serve(sim, request, handler)
        except Exception:
            record.status = 500  # a bug in a handler: aiohttp answers 500
            raise
        record.status = response.status
        record.retry_after = response.headers.get("Retry-After")
        return response

    return middleware


async def _serve(sim: Gatekeeper, request: web.Request, handler: Handler) -> web.StreamResponse:
    if sim.faults.latency > 0:
        await asyncio.sleep(sim.faults.latency)
    fault = sim.faults.take(request.path, request.method)
    if isinstance(fault, Hold):
        await sim.faults.hold()
        fault = None
    if fault is not None and not isinstance(fault, AFTER_COMMIT):
        return await _fault_response(sim, fault)
    try:
        request[GRANT] = _authenticate(sim, request)
        if (refused := sim.faults.refusal(request.path)) is not None:
            _refuse(refused)
        response = await handler(request)
    except ApiError as err:
        return error_response(err.status, err.message, err.reason)
    except web.HTTPException as err:  # no such route, or wrong method
        message = "Object does not exist" if err.status == 404 else err.reason  # noqa: PLR2004
        return error_response(err.status, message)
    return _maybe_empty_list(sim, request, await _after_commit(sim, request, fault, response))


def _maybe_empty_list(
    sim: Gatekeeper, request: web.Request, response: web.StreamResponse
) -> web.StreamResponse:
    """Replace a list answer's data with `{}` when that fault is queued for its path."""
    if not isinstance(response, web.Response) or response.status != 200 or not response.body:  # noqa: PLR2004
        return response
    body = response.body
    if not isinstance(body, bytes):
        return response
    try:
        decoded = json.loads(body)
    except ValueError:
        return response
    if not isinstance(decoded, dict) or not isinstance(decoded.get("data"), list):
        return response
    if not sim.faults.take_empty_list(request.path):
        return response
    decoded["data"] = {}
    return web.json_response(decoded, status=response.status)


async def _after_commit(
    sim: Gatekeeper, request: web.Request, fault: Fault | None, response: web.StreamResponse
) -> web.StreamResponse:
    """The change is made; a fault may still keep the caller from hearing of it."""
    match fault:
        case Drop() if request.transport is not None:
            request.transport.abort()
        case CommitThenFail(status):
            return error_response(status, f"Simulated failure ({status}) after the change")
        case CommitThenHang():
            await sim.faults.wait_for_release()
            return error_response(503, "The simulator is shutting down")
        case HoldAnswer():
            await sim.faults.hold()
    return response


async def _fault_response(sim: Gatekeeper, fault: Fault) -> web.StreamResponse:
    match fault:
        case Failure(status):
            return error_response(status, f"Simulated failure ({status})")
        case RateLimit(retry_after, http_date, raw_header, status):
            retry_at = sim.clock.now() + timedelta(seconds=retry_after)
            header = format_datetime(retry_at, usegmt=True) if http_date else str(retry_after)
            header = raw_header if raw_header is not None else header
            if status == HTTPStatus.TOO_MANY_REQUESTS:
                response = error_response(status, "Too many requests", "rate_limit_exceeded")
            else:
                response = error_response(status, "Service unavailable")
            response.headers["Retry-After"] = header
            return response
        case Hang():
            await sim.faults.wait_for_release()
            return error_response(503, "The simulator is shutting down")
        case Malformed(body):
            text = MALFORMED_BODY if body is None else body
            return web.Response(text=text, content_type="application/json")
        case HtmlError(status):
            page = f"<html><head><title>{status}</title></head><body>Bad Gateway</body></html>"
            return web.Response(status=status, text=page, content_type="text/html")
        case (
            Drop() | CommitThenFail() | CommitThenHang() | Serve() | Hold() | HoldAnswer()
        ):  # served
            raise AssertionError(fault)


def _authenticate(sim: Gatekeeper, request: web.Request) -> TokenGrant:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    grant = sim.token_grant(token.strip()) if scheme == "Access-Token" else None
    if grant is None or grant.revoked:
        raise ApiError(
            401, "The access token is missing, invalid or revoked", reason="unauthorized"
        )
    if grant.expire_at is not None and grant.expire_at <= sim.clock.now():
        raise ApiError(401, "The access token has expired", reason="token_expired")
    if request.method in WRITE_METHODS and not grant.can_write:
        raise ApiError(403, "This access token lacks the basic_write scope", reason="forbidden")
    return grant


def _refuse(status: int) -> None:
    """Answer a standing refusal: a location gone (404) or out of reach (403), Robin down (5xx)."""
    if status == HTTPStatus.NOT_FOUND:
        raise not_found()
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        raise ApiError(status, HTTPStatus(status).phrase)
    raise ApiError(status, "This token has no access to that location", reason="forbidden")
