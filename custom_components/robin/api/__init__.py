"""Asynchronous client of the Robin (robinpowered.com) REST API.

It has no Home Assistant dependency: aiohttp and the standard library only.
"""

from .client import RobinClient
from .const import DEFAULT_BASE_URL
from .errors import (
    RobinAuthenticationError,
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
from .models import (
    Busy,
    Calendar,
    Confirmation,
    Event,
    FreeBusySpace,
    Invitee,
    Location,
    Organization,
    Presence,
    Space,
    SpaceState,
    TimeFrame,
    TokenInfo,
    User,
    WorkingDay,
)
from .rate_limit import RetryAfterGate

__all__ = [
    "DEFAULT_BASE_URL",
    "Busy",
    "Calendar",
    "Confirmation",
    "Event",
    "FreeBusySpace",
    "Invitee",
    "Location",
    "Organization",
    "Presence",
    "RetryAfterGate",
    "RobinAuthenticationError",
    "RobinClient",
    "RobinConnectionError",
    "RobinError",
    "RobinForbiddenError",
    "RobinMalformedResponseError",
    "RobinNotFoundError",
    "RobinRateLimitError",
    "RobinResponseError",
    "RobinServerError",
    "RobinTimeoutError",
    "RobinValidationError",
    "Space",
    "SpaceState",
    "TimeFrame",
    "TokenInfo",
    "User",
    "WorkingDay",
]
