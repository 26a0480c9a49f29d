"""Robin's API address: what counts as the same address, and the form it is stored in."""

from __future__ import annotations

import pytest

from custom_components.robin.api import DEFAULT_BASE_URL, normalize_base_url


@pytest.mark.parametrize(
    "typed",
    [
        DEFAULT_BASE_URL,
        "https://API.robinpowered.com/v1.0",
        "HTTPS://Api.RobinPowered.COM/v1.0/",
        " https://api.robinpowered.com/v1.0/ \n",
    ],
    ids=["as_is", "host_in_upper_case", "scheme_and_host_mixed_slash", "pasted"],
)
def test_the_default_url_in_any_case_is_the_default_url(typed: str) -> None:
    assert normalize_base_url(typed) == DEFAULT_BASE_URL


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        # A path is the server's to interpret: another case may be another API.
        ("https://proxy.example.com/Robin/V1.0/", "https://proxy.example.com/Robin/V1.0"),
        # So are a user name and password, which a proxy may ask for in the address.
        (
            "https://Ops:S3cret@Proxy.Example.com:8443/v1.0",
            "https://Ops:S3cret@proxy.example.com:8443/v1.0",
        ),
        ("http://[::1]:8080/v1.0/", "http://[::1]:8080/v1.0"),
        # Not an address at all: left as typed for the connection check to refuse.
        ("http://[::1/v1.0/", "http://[::1/v1.0"),
    ],
    ids=["path", "user_and_password", "ipv6", "unreadable"],
)
def test_only_scheme_and_host_lose_their_case(typed: str, stored: str) -> None:
    assert normalize_base_url(typed) == stored
