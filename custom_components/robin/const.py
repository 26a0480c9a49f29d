"""Constants of the Robin integration."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Final

DOMAIN: Final = "robin"
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

# Rooms and locations change rarely; re-reading them hourly finds added and removed rooms
# without a restart at the cost of a few requests an hour.
DISCOVERY_INTERVAL: Final = timedelta(hours=1)
# The cached event window starts this far in the past so that today's earlier meetings show.
EVENTS_LOOKBEHIND: Final = timedelta(days=1)
# Robin counts a room as "booked" when a meeting is about to start.
BOOKED_LEAD_TIME: Final = timedelta(minutes=15)
# Robin refuses bookings of five minutes or less.
MIN_BOOKING_DURATION: Final = timedelta(minutes=5)

WRITE_SCOPE: Final = "basic_write"
ISSUE_READ_ONLY_TOKEN: Final = "read_only_token"  # noqa: S105 - an issue id, not a secret

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
