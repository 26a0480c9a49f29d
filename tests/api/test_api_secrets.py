"""The access token never shows up in the client's repr, in exceptions or in logs."""

from __future__ import annotations

import logging
import socket
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from custom_components.robin.api import (
    RobinAuthenticationError,
    RobinClient,
    RobinConnectionError,
    RobinError,
    RobinForbiddenError,
    RobinMalformedResponseError,
    RobinNotFoundError,
    RobinRateLimitError,
    RobinResponseError,
    RobinServerError,
    RobinTimeoutError,
    RobinValidationError,
)
from robin_simulator import RobinSimulator

from .conftest import ORG_ID, CannedRobin, Reply

SECRET = "very-secret-token-4f1c9a"
LONDON = ZoneInfo("Europe/London")


def leaks(error: BaseException) -> bool:
    """Whether the token appears anywhere in the error or its chain."""
    seen: BaseException | None = error
    while seen is not None:
        texts = [str(seen), repr(seen), *map(repr, seen.args), repr(vars(seen))]
        if any(SECRET in text for text in texts):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def test_token_never_leaks(
    sim: RobinSimulator,
    session: aiohttp.ClientSession,
    sim_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    sim.add_token(SECRET)
    client = RobinClient(
        session, SECRET, base_url=sim_url, organization_id=ORG_ID, request_timeout=0.3
    )
    assert SECRET not in repr(client)
    assert SECRET not in str(client)
    start = datetime(2024, 6, 3, 10, 30, tzinfo=LONDON)

    raised: list[RobinError] = []

    async def expect(error_class: type[RobinError], call) -> None:
        with pytest.raises(error_class) as info:
            await call
        raised.append(info.value)

    await expect(RobinNotFoundError, client.get_space(999999))
    await expect(
        RobinValidationError,
        client.create_event(
            6352, start=start, end=start + timedelta(hours=1), time_zone="Europe/London"
        ),
    )
    await expect(
        RobinForbiddenError,
        client.create_event(
            6354, start=start, end=start + timedelta(hours=1), time_zone="Europe/London"
        ),
    )
    sim.faults.rate_limit_next(retry_after=0)  # a wait would refuse the next requests
    await expect(RobinRateLimitError, client.get_me())
    sim.faults.fail_next(status=503)
    await expect(RobinServerError, client.get_me())
    sim.faults.fail_next(status=409)
    await expect(RobinResponseError, client.get_me())
    sim.faults.malformed_next()
    await expect(RobinMalformedResponseError, client.get_me())
    sim.faults.hang_next()
    await expect(RobinTimeoutError, client.get_me())
    sim.revoke_token(SECRET)
    await expect(RobinAuthenticationError, client.get_me())

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    offline = RobinClient(session, SECRET, base_url=f"http://127.0.0.1:{port}/v1.0")
    await expect(RobinConnectionError, offline.get_me())

    assert len(raised) == 10
    assert [error for error in raised if leaks(error)] == []
    assert caplog.records  # the client does log at debug level
    assert all(SECRET not in record.getMessage() for record in caplog.records)
    assert SECRET not in caplog.text


async def test_token_echoed_by_server_is_redacted(
    session: aiohttp.ClientSession, canned: CannedRobin, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    canned.reply(
        "GET",
        "/auth",
        Reply(
            status=401,
            body={
                "meta": {
                    "status_code": 401,
                    "message": f"Token {SECRET} is not valid",
                    "errors": [{"reason": f"bad_token:{SECRET}"}],
                },
                "data": {},
            },
        ),
    )
    client = RobinClient(session, SECRET, base_url=canned.base_url)
    with pytest.raises(RobinAuthenticationError) as err:
        await client.get_token_info()
    assert err.value.message == "Token **REDACTED** is not valid"
    assert err.value.reasons == ("bad_token:**REDACTED**",)
    assert not leaks(err.value)
    assert SECRET not in caplog.text


async def test_token_kept_out_of_the_chain_when_aiohttp_gives_up_on_the_answer(
    session: aiohttp.ClientSession, canned: CannedRobin
) -> None:
    # aiohttp's error for an answer it cannot use (here a redirect loop; also a broken
    # HTTP answer from a proxy) carries the request's headers, the token among them.
    canned.reply(
        "GET", "/me", Reply(status=302, raw=b"", headers={"Location": f"{canned.base_url}/me"})
    )
    client = RobinClient(session, SECRET, base_url=canned.base_url)
    with pytest.raises(RobinConnectionError) as err:
        await client.get_me()
    assert "TooManyRedirects" in str(err.value)
    assert not leaks(err.value)


@pytest.mark.parametrize(
    "inner", ["\n", "\r", "\t", "\x00", "\u200b"], ids=["lf", "cr", "tab", "nul", "zwsp"]
)
async def test_token_that_cannot_be_a_header_is_refused_before_sending(
    session: aiohttp.ClientSession,
    canned: CannedRobin,
    caplog: pytest.LogCaptureFixture,
    inner: str,
) -> None:
    # A token pasted with a line break in its middle: aiohttp would refuse the header
    # with a bare ValueError; the client says the token is unusable, like a 401 would.
    caplog.set_level(logging.DEBUG)
    canned.reply_json("GET", "/me", {"data": {}})
    half = len(SECRET) // 2
    client = RobinClient(session, SECRET[:half] + inner + SECRET[half:], base_url=canned.base_url)
    with pytest.raises(RobinAuthenticationError) as err:
        await client.get_me()
    assert canned.requests == []
    chain: BaseException | None = err.value
    while chain is not None:
        text = f"{chain!s} {chain!r} {vars(chain)!r}"
        assert SECRET[:half] not in text
        assert SECRET[half:] not in text
        chain = chain.__cause__ or chain.__context__
    assert SECRET[:half] not in caplog.text
    assert SECRET[half:] not in caplog.text
