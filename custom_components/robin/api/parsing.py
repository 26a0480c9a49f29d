"""Tolerant readers for Robin's JSON and writers for the values Robin accepts.

Robin's API is a beta PHP service: lists may arrive as ``{}``, timestamps as PHP date
objects, ids as numbers or strings, and descriptions as HTML. The readers here accept all
of that. Required values that are absent or of the wrong type raise
`RobinMalformedResponseError`; optional values that cannot be read become ``None``.
"""

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import RobinMalformedResponseError

type JsonObject = Mapping[str, Any]

# PHP's DateTime serializes `timezone_type` 1 (an offset), 2 (an abbreviation) or 3 (a zone id).
_PHP_OFFSET_ZONE = 1
_PHP_ABBREVIATION_ZONE = 2
_UTC_ABBREVIATIONS = frozenset({"UTC", "GMT", "Z", "UT"})


def as_object(value: Any, what: str) -> JsonObject:
    """Return the value as a JSON object or raise `RobinMalformedResponseError`."""
    if isinstance(value, Mapping):
        return value
    msg = f"Expected {what} to be a JSON object, got {type(value).__name__}"
    raise RobinMalformedResponseError(msg)


def as_list(value: Any, what: str) -> list[Any]:
    """Return the value as a list; PHP encodes an empty list as ``{}``, and null means none."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping) and not value:
        return []
    msg = f"Expected {what} to be a JSON list, got {type(value).__name__}"
    raise RobinMalformedResponseError(msg)


def optional_list(value: Any) -> list[Any]:
    """Return the value as a list, or an empty list if it is not one."""
    return value if isinstance(value, list) else []


def _int_or_none(value: Any) -> int | None:
    # bool is an int subclass in Python but never an id or a count in Robin's JSON.
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def required_int(data: JsonObject, key: str) -> int:
    """Return an integer field (numeric strings accepted) or raise."""
    number = _int_or_none(data.get(key))
    if number is None:
        msg = f"Expected an integer in field {key!r}"
        raise RobinMalformedResponseError(msg)
    return number


def optional_int(data: JsonObject, key: str) -> int | None:
    """Return an integer field, or ``None`` if it is absent or not a number."""
    return _int_or_none(data.get(key))


def optional_float(data: JsonObject, key: str) -> float | None:
    """Return a numeric field as a float, or ``None``."""
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def required_id(data: JsonObject, key: str) -> str:
    """Return an id that must be treated as a string even when Robin sends a number."""
    value = optional_id(data, key)
    if value is None:
        msg = f"Expected an id in field {key!r}"
        raise RobinMalformedResponseError(msg)
    return value


def optional_id(data: JsonObject, key: str) -> str | None:
    """Return a string id (numbers converted), or ``None`` if absent or empty."""
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value:
        return value
    return None


def optional_str(data: JsonObject, key: str) -> str | None:
    """Return a non-empty string field, or ``None``."""
    value = data.get(key)
    if isinstance(value, str) and value:
        return value
    return None


def text(data: JsonObject, key: str) -> str:
    """Return a string field, with absent or null read as the empty string."""
    value = data.get(key)
    return value if isinstance(value, str) else ""


def flag(data: JsonObject, key: str) -> bool:
    """Return a boolean field; absent, null and unreadable values are ``False``."""
    value = data.get(key)
    if isinstance(value, bool):  # nearly always: read without a second call
        return value
    return bool(optional_flag(data, key))


def optional_flag(data: JsonObject, key: str) -> bool | None:
    """Return a boolean field read like `flag`, or ``None`` if it is absent or unreadable."""
    value = data.get(key)
    if isinstance(value, int):  # bool included; PHP may send 0/1
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in {"1", "true", "yes"}:
            return True
        if word in {"0", "false", "no"}:
            return False
    return None


def strings(value: Any) -> tuple[str, ...]:
    """Return the strings of a JSON list (``{}`` and null read as empty)."""
    if isinstance(value, str):
        # A single value where a list is expected.
        return (value,) if value else ()
    return tuple(item for item in optional_list(value) if isinstance(item, str) and item)


def amenity_names(value: Any) -> tuple[str, ...]:
    """Read the names of a space's amenities, whichever shape Robin sends them in.

    Entries may be Amenity objects (``{"id", "name", ...}``), join records that nest the
    amenity (``{"amenity_id", "quantity", "amenity": {"name", ...}}``) or bare names; the
    list may be ``{}`` (PHP's empty array), null, or an object keyed by id. Names are kept
    in Robin's order, once each; unreadable entries are skipped.
    """
    if isinstance(value, Mapping):
        # An object keyed by id is a PHP array with non-sequential keys; `{}` is empty.
        entries: list[Any] = list(value.values())
    else:
        entries = optional_list(value)
    names: dict[str, None] = {}
    for entry in entries:
        name: str | None = None
        if isinstance(entry, str):
            name = entry.strip() or None
        elif isinstance(entry, Mapping):
            nested = entry.get("amenity")
            name = optional_str(nested, "name") if isinstance(nested, Mapping) else None
            name = name or optional_str(entry, "name")
        if name:
            names[name.strip()] = None
    return tuple(names)


def zone(name: str | None) -> ZoneInfo | None:
    """Return the IANA time zone of that name, or ``None`` if it is unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: too long for a file name
        return None


def _parse_iso_wall_clock(value: str) -> datetime | None:
    """Parse ISO-8601, keeping a timestamp without offset naive."""
    value = value.strip()
    if value.endswith(("z", "Z")):
        value = f"{value[:-1]}+00:00"
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _parse_iso(value: str) -> datetime | None:
    parsed = _parse_iso_wall_clock(value)
    if parsed is None or parsed.tzinfo is not None:
        return parsed
    # Robin always sends an offset; a bare timestamp can only be UTC, its storage zone.
    return parsed.replace(tzinfo=UTC)


def _php_zone(zone_type: Any, name: Any) -> tzinfo | None:
    if not isinstance(name, str) or not name:
        return None
    if zone_type == _PHP_OFFSET_ZONE:
        # An offset such as "+01:00"; borrow the ISO parser to read it.
        probe = _parse_iso_wall_clock(f"2000-01-01T00:00:00{name}")
        return None if probe is None else probe.tzinfo
    if zone_type == _PHP_ABBREVIATION_ZONE and name.upper() in _UTC_ABBREVIATIONS:
        return UTC
    return zone(name)


def _parse_php_date(value: JsonObject) -> datetime | None:
    raw = value.get("date")
    if not isinstance(raw, str):
        return None
    try:
        local = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    php_zone = _php_zone(value.get("timezone_type"), value.get("timezone"))
    if php_zone is None:
        return None
    return local.replace(tzinfo=php_zone)


def parse_timestamp(value: Any) -> datetime | None:
    """Read a timestamp Robin sent, as an aware datetime.

    Accepts ISO-8601 with ``+0000``, ``+00:00`` or ``Z``, PHP date objects
    (``{"date": ..., "timezone_type": 3, "timezone": "UTC"}``) and DateTimeZone objects
    (``{"date_time": ..., "time_zone": ...}``). Anything else is ``None``.
    """
    if isinstance(value, str):
        return _parse_iso(value)
    if isinstance(value, Mapping):
        if "date_time" in value:
            return parse_date_time_zone(value)[0]
        return _parse_php_date(value)
    return None


def parse_date_time_zone(value: Any) -> tuple[datetime | None, str | None]:
    """Read a DateTimeZone object into an aware datetime in that zone, and the zone's name."""
    if isinstance(value, str):
        return _parse_iso(value), None
    if not isinstance(value, Mapping):
        return None, None
    name = optional_str(value, "time_zone")
    raw = value.get("date_time")
    return (_moment_in_zone(raw, name) if isinstance(raw, str) else None), name


@lru_cache(maxsize=4096)
def _moment_in_zone(raw: str, name: str | None) -> datetime | None:
    """Read a DateTimeZone's `date_time` in its zone; None if unreadable.

    Cached: an organization's bookings start and end at a few hundred distinct times, and
    the events that share one also share its (immutable) datetime.
    """
    moment = _parse_iso_wall_clock(raw)
    if moment is None:
        return None
    event_zone = zone(name)
    if moment.tzinfo is None:
        # A wall-clock time in the named zone (UTC if the zone is unknown).
        return moment.replace(tzinfo=event_zone or UTC)
    # Show the event in its own zone, which also gets daylight saving right.
    return moment.astimezone(event_zone) if event_zone else moment


def parse_time_of_day(value: Any) -> time | None:
    """Read a working-hours time such as ``"08:30"``; ``"24:00"`` is the end of the day."""
    if not isinstance(value, str):
        return None
    if value.strip() in {"24:00", "24:00:00"}:
        return time.max
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        return None


def all_day_bounds(start: datetime, end: datetime) -> tuple[date, date]:
    """Turn an all-day event's datetimes into dates with an exclusive end."""
    first = start.date()
    last = end.date()
    # Some calendars end all-day events at 23:59:59 on the last day instead of at midnight.
    if end.timetz().replace(tzinfo=None) != time.min:
        last += timedelta(days=1)
    return first, max(last, first + timedelta(days=1))


def format_timestamp(moment: datetime, time_zone: str | None = None) -> str:
    """Write a timestamp as Robin accepts it: ISO-8601, whole seconds, with an offset.

    Robin rejects fractional seconds with a 400, so they are dropped.

    Raises:
        ValueError: The datetime is naive or the time zone unknown (a programming error).
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        msg = "Robin needs timezone-aware datetimes; got a naive one"
        raise ValueError(msg)
    if time_zone is not None:
        target = zone(time_zone)
        if target is None:
            msg = f"Unknown IANA time zone: {time_zone!r}"
            raise ValueError(msg)
        moment = moment.astimezone(target)
    return moment.replace(microsecond=0).isoformat(timespec="seconds")


def format_utc(moment: datetime) -> str:
    """Write a timestamp in UTC with a ``Z`` suffix, which needs no escaping in a query."""
    return format_timestamp(moment, "UTC").replace("+00:00", "Z")


# HTML as calendars write it: a tag of HTML's own ("<p>", "</div>", "<br/>", Outlook's
# "<o:p>") or a comment. Plain text such as "costs < budget, revenue > plan" or an address
# written "Ada <ada@example.com>" is no HTML, and keeps its line breaks.
_TAG = re.compile(
    r"<(?:!--|!doctype|/?(?:a|abbr|b|big|blockquote|body|br|center|code|col|colgroup|dd|div"
    r"|dl|dt|em|font|h[1-6]|head|hr|html|i|img|li|link|meta|o:p|ol|p|pre|s|small|span|strike"
    r"|strong|style|script|sub|sup|table|tbody|td|tfoot|th|thead|title|tr|u|ul)(?=[\s/>]))"
    r"[^>]*>",
    re.IGNORECASE,
)
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "pre"}
)
_INVISIBLE_TAGS = frozenset({"script", "style", "head", "title"})
_SPACES = re.compile(r"[ \t\r\f\v\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


class _TextExtractor(HTMLParser):
    """Collects the readable text of an HTML fragment, keeping line and paragraph breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def _end_line(self, blank_lines: int) -> None:
        """End the current line, leaving at least that many newlines (not more)."""
        tail = "".join(self.parts[-4:]).rstrip(" ")
        present = len(tail) - len(tail.rstrip("\n"))
        self.parts.append("\n" * max(0, blank_lines - present))

    def _block(self, tag: str) -> None:
        # Paragraphs are separated by an empty line, other blocks start a new line.
        self._end_line(2 if tag == "p" else 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INVISIBLE_TAGS:
            self._hidden_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self._block(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE_TAGS:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in _BLOCK_TAGS:
            self._block(tag)

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            # Source line breaks in HTML are just spaces.
            self.parts.append(_SPACES.sub(" ", data))


def html_to_text(value: Any) -> str:
    """Reduce a description that may be HTML (Google-synced events) to readable plain text."""
    if not isinstance(value, str) or not value:
        return ""
    if not _TAG.search(value):
        return unescape(value).strip()
    extractor = _TextExtractor()
    extractor.feed(value)
    extractor.close()
    lines = (line.strip() for line in "".join(extractor.parts).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
