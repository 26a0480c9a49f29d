"""Asynchronous client of the Robin (robinpowered.com) REST API.

It has no Home Assistant dependency: aiohttp and the standard library only.

`RobinClient`'s public API, one method per Robin endpoint it covers (the integration uses
most of them; `get_amenities`, `get_space_state` and `get_space_presence` are kept for other
users of the client, as documented, per-room alternatives to the batched reads):

- identity: `get_token_info`, `get_me`, `get_my_organizations`, `get_organization`
- places: `get_locations`, `get_location`, `get_levels`, `get_spaces`, `get_space`,
  `get_amenities`, `get_devices`
- presence: `get_space_state`, `get_space_presence`, `get_location_presence`,
  `report_presence`, `end_presence`
- events: `get_location_events` (and `get_location_events_if_changed`, which skips an
  answer identical to the last one), `get_space_events`, `get_event`, `get_confirmation`,
  `create_event`, `update_event`, `delete_event`, `confirm_event`, `get_free_busy`

Every method raises only `RobinError` subclasses for what Robin or the network does.
`html_to_text` reads a description as `Event.description` holds it (plain text).
"""

from .base_url import normalize_base_url
from .client import Answer, RobinClient
from .const import (
    DEFAULT_BASE_URL,
    EVENT_STATUS_CANCELLED,
    MAX_PRESENCE_TTL,
    REASON_ALREADY_CONFIRMED,
    REASON_TOO_LATE_TO_CONFIRM,
    RECOMMENDED_PRESENCE_TTL,
)
from .errors import (
    RobinAuthenticationError,
    RobinConnectionError,
    RobinError,
    RobinEventCancelledError,
    RobinEventNotFoundError,
    RobinForbiddenError,
    RobinInvalidIdError,
    RobinInvalidTokenError,
    RobinMalformedResponseError,
    RobinNotFoundError,
    RobinRateLimitError,
    RobinResponseError,
    RobinServerError,
    RobinTimeoutError,
    RobinValidationError,
    RobinWaitingError,
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
    Level,
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
from .parsing import html_to_text
from .rate_limit import RetryAfterGate

__all__ = [
    "DEFAULT_BASE_URL",
    "EVENT_STATUS_CANCELLED",
    "MAX_PRESENCE_TTL",
    "REASON_ALREADY_CONFIRMED",
    "REASON_TOO_LATE_TO_CONFIRM",
    "RECOMMENDED_PRESENCE_TTL",
    "Amenity",
    "Answer",
    "Busy",
    "Calendar",
    "Confirmation",
    "Device",
    "Event",
    "FreeBusySpace",
    "Invitee",
    "Level",
    "Location",
    "Organization",
    "Presence",
    "RetryAfterGate",
    "RobinAuthenticationError",
    "RobinClient",
    "RobinConnectionError",
    "RobinError",
    "RobinEventCancelledError",
    "RobinEventNotFoundError",
    "RobinForbiddenError",
    "RobinInvalidIdError",
    "RobinInvalidTokenError",
    "RobinMalformedResponseError",
    "RobinNotFoundError",
    "RobinRateLimitError",
    "RobinResponseError",
    "RobinServerError",
    "RobinTimeoutError",
    "RobinValidationError",
    "RobinWaitingError",
    "Space",
    "SpaceState",
    "TimeFrame",
    "TokenInfo",
    "User",
    "WorkingDay",
    "html_to_text",
    "normalize_base_url",
]
