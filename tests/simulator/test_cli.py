"""`python -m robin_simulator` as a user would run it."""

import asyncio
import signal
import sys

import aiohttp


async def test_cli_prints_its_url_and_tokens_serves_and_stops_on_sigint():
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "robin_simulator", "--port", "0", "--token", "cli-token",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        lines = {}
        for _ in range(4):
            line = await asyncio.wait_for(process.stdout.readline(), timeout=20)
            key, _, value = line.decode().strip().partition("=")
            lines[key] = value
        assert lines["token"] == "cli-token"
        assert lines["read_only_token"]
        assert lines["account_token"]
        base_url = lines["base_url"]
        assert base_url.startswith("http://127.0.0.1:")
        assert base_url.endswith("/v1.0")
        assert not base_url.endswith(":0/v1.0")
        async with aiohttp.ClientSession() as session:
            headers = {"Authorization": "Access-Token cli-token"}
            async with session.get(f"{base_url}/auth", headers=headers) as response:
                assert response.status == 200
                assert (await response.json())["data"]["scopes"] == ["basic_read", "basic_write"]
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), timeout=20) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
