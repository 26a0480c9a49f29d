"""Constants of the Robin integration.

Names used throughout: a *space* is Robin's object as the API gives it (`Space`, `space_id`);
a *room* is what Home Assistant makes of it (its device, entities and the user's words, e.g.
`room_identifier(space_id)` names a room's device). The actions keep Robin's word in their names
(`book_space`, `find_free_space`). The *window* is the range of bookings kept at hand; what an
action asks for is a *slot*.
"""

from __future__ import annotations

import logging
from datetime import time, timedelta
from typing import Final

DOMAIN: Final = "robin"
MANUFACTURER: Final = "Robin"
LOGGER = logging.getLogger(__package__)

CONF_ORGANIZATION_ID: Final = "organization_id"
CONF_ORGANIZATION: Final = "organization"
CONF_LOCATIONS: Final = "locations"
CONF_CALENDAR_DAYS: Final = "calendar_days"
CONF_INCLUDE_UNBOOKABLE: Final = "include_unbookable"

DEFAULT_SCAN_INTERVAL: Final = 60
MIN_SCAN_INTERVAL: Final = 30
MAX_SCAN_INTERVAL: Final = 900
DEFAULT_CALENDAR_DAYS: Final = 14
MIN_CALENDAR_DAYS: Final = 1
MAX_CALENDAR_DAYS: Final = 60
DEFAULT_INCLUDE_UNBOOKABLE: Final = True

# Outside a location's working hours it is polled every this many minutes (0: poll it as
# often as in working hours). Where Robin lists no working hours, Monday to Friday
# 07:00-20:00 in the location's time zone count as working hours.
CONF_OFF_HOURS_INTERVAL: Final = "off_hours_interval"
DEFAULT_OFF_HOURS_INTERVAL: Final = 60
MAX_OFF_HOURS_INTERVAL: Final = 240
DEFAULT_WORKING_DAYS: Final = (1, 2, 3, 4, 5)  # Robin's day numbers: 0 is Sunday
DEFAULT_WORKING_HOURS_START: Final = time(7)
DEFAULT_WORKING_HOURS_END: Final = time(20)

# Rooms and locations change rarely; re-reading them hourly finds added and removed rooms
# without a restart at the cost of a few requests an hour.
DISCOVERY_INTERVAL: Final = timedelta(hours=1)
# The cached event window starts this far in the past so that today's earlier meetings show.
EVENTS_LOOKBEHIND: Final = timedelta(days=1)
# Robin counts a room as "booked" when a meeting is about to start.
BOOKED_LEAD_TIME: Final = timedelta(minutes=15)
# Robin refuses bookings of five minutes or less.
MIN_BOOKING_DURATION: Final = timedelta(minutes=5)

ISSUE_READ_ONLY_TOKEN: Final = "read_only_token"  # noqa: S105 - an issue id, not a secret
# A location Robin refuses (403: out of the token's reach; 404: deleted) while others answer:
# its rooms are unavailable at once, and after this many refused polls in a row (a few
# minutes in working hours) a repair issue per location names it.
ISSUE_LOCATION_REFUSED: Final = "location_refused"
REFUSED_POLLS_BEFORE_ISSUE: Final = 3

# Presence from Home Assistant's sensors (off by default: it writes presence into Robin).
CONF_REPORT_PRESENCE: Final = "report_presence"
DEFAULT_REPORT_PRESENCE: Final = False
# A config subentry per room: the binary sensors chosen for it besides those in its area.
SUBENTRY_PRESENCE_SOURCES: Final = "presence_sources"
CONF_SPACE_ID: Final = "space_id"
CONF_SOURCES: Final = "sources"
# The Robin device whose identity Home Assistant's presence reports carry, found by name.
PRESENCE_DEVICE_NAME: Final = "Home Assistant"
ISSUE_NO_PRESENCE_DEVICE: Final = "no_presence_device"
ISSUE_PRESENCE_READ_ONLY: Final = "presence_read_only"
# The office runs itself (issue 9): no-shows, check-in on arrival, unbooked use.
CONF_NO_SHOW_GRACE: Final = "no_show_grace"
CONF_RELEASE_NO_SHOWS: Final = "release_no_shows"
CONF_CHECK_IN_ON_ARRIVAL: Final = "check_in_on_arrival"
CONF_UNBOOKED_USE_AFTER: Final = "unbooked_use_after"
DEFAULT_NO_SHOW_GRACE: Final = 10
MAX_NO_SHOW_GRACE: Final = 60
DEFAULT_UNBOOKED_USE_AFTER: Final = 10
MAX_UNBOOKED_USE_AFTER: Final = 240
EVENT_BOOKING_RELEASED: Final = "robin_booking_released"
EVENT_BOOKING_CHECKED_IN: Final = "robin_booking_checked_in"
EVENT_UNBOOKED_USE_STARTED: Final = "robin_unbooked_use_started"
ISSUE_OFFICE_ACTIONS_READ_ONLY: Final = "office_actions_read_only"
# Check-ins on arrival need the Robin device for Home Assistant (a token that is not a user's).
ISSUE_NO_CHECK_IN_DEVICE: Final = "no_check_in_device"
