"""The aiohttp handlers of the simulated `/v1.0` API and of the `/_simulator` control API."""
