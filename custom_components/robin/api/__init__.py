"""Asynchronous client of the Robin (robinpowered.com) REST API.

It has no Home Assistant dependency: aiohttp and the standard library only.
"""

from .client import RobinClient
from .const import DEFAULT_BASE_URL, MAX_PRESENCE_TTL, RECOMMENDED_PRESENCE_TTL
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
    Amenity,
    Busy,
    Calendar,
    Confirmation,
    Device,
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
    "MAX_PRESENCE_TTL",
    "RECOMMENDED_PRESENCE_TTL",
    "Amenity",
    "Busy",
    "Calendar",
    "Confirmation",
    "Device",
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
