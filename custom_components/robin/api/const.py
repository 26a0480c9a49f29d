"""Constants of the Robin REST API."""

from datetime import timedelta
from typing import Final

DEFAULT_BASE_URL: Final = "https://api.robinpowered.com/v1.0"
DEFAULT_REQUEST_TIMEOUT: Final = 30.0

# Robin documents no maximum page size; working clients ask for 100 and for 200. 200 halves
# the requests of large offices; a Robin that refuses it (HTTP 400) is asked for 100 after.
PAGE_SIZE: Final = 200
SMALL_PAGE_SIZE: Final = 100
# A real organization never has 50,000 rooms; more pages means the server is looping.
MAX_PAGES: Final = 500

HEADER_AUTHORIZATION: Final = "Authorization"
HEADER_TENANT_ID: Final = "Tenant-Id"
HEADER_RETRY_AFTER: Final = "Retry-After"
AUTHORIZATION_SCHEME: Final = "Access-Token"

SCOPE_WRITE: Final = "basic_write"
BEHAVIOR_SCHEDULING: Final = "scheduling"

# Space submodels asked for with `include=`; `amenities` is deprecated for `space_amenities`.
INCLUDE_CALENDAR: Final = "calendar"
INCLUDE_SPACE_AMENITIES: Final = "space_amenities"
INCLUDE_CONFIRMATION: Final = "confirmation"

# An event's `status` once cancelled: some Robins keep a cancelled occurrence readable.
EVENT_STATUS_CANCELLED: Final = "cancelled"

# Robin's reasons for refusing a check-in: a second one of the same event, one after its end.
REASON_ALREADY_CONFIRMED: Final = "event_already_confirmed"
REASON_TOO_LATE_TO_CONFIRM: Final = "too_late_to_confirm_event"

# Robin refuses presence sessions longer than this and recommends under 5 minutes.
MAX_PRESENCE_TTL: Final = timedelta(minutes=20)
RECOMMENDED_PRESENCE_TTL: Final = timedelta(minutes=5)
