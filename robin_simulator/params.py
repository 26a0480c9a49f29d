"""Reading request input the way Robin does: timestamps, paging, includes, ids."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import bad_request, not_found

DEFAULT_PER_PAGE = 10
# Robin documents no maximum; real clients ask for 100 and 200 (robin-api.md, paging). The
# simulator serves up to 200; `python -m robin_simulator --max-per-page 100` plays a
# stricter Robin.
MAX_PER_PAGE = 200
# Offsets may be `Z`, `+00:00` or `+0000`; fractional seconds are refused like Robin does.
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?P<offset>Z|[+-]\d{2}:?\d{2})?")
_FRACTION = re.compile(r"T\d{2}:\d{2}:\d{2}[.,]\d+")


def parse_timestamp(value: Any, field: str, default_zone: str = "UTC") -> datetime:
    """An ISO-8601 timestamp from a request; naive ones are read in `default_zone`.

    Raises:
        ApiError: 400 for fractional seconds or anything unparsable.
    """
    if not isinstance(value, str):
        raise bad_request(f"{field} must be an ISO-8601 string", "invalid_date_time")
    if _FRACTION.search(value):
        raise bad_request(
            f"{field} must not contain fractional seconds (got {value!r}); "
            "use a format like 2024-06-03T14:00:00Z",
            "invalid_date_time",
        )
    match = _TIMESTAMP.fullmatch(value)
    if match is None:
        raise bad_request(
            f"{field} is not a valid ISO-8601 timestamp: {value!r}", "invalid_date_time"
        )
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as err:
        raise bad_request(f"{field} is not a valid date: {value!r}", "invalid_date_time") from err
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone(default_zone, field))
    return parsed.astimezone(UTC)


def zone(name: Any, field: str = "time_zone") -> ZoneInfo:
    """An IANA time zone from a request.

    Raises:
        ApiError: 400 for an unknown zone.
    """
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise bad_request(
            f"{field} is not a known time zone: {name!r}", "invalid_time_zone"
        ) from err


def path_id(value: str) -> int:
    """A numeric id from the URL; anything else names nothing.

    Raises:
        ApiError: 404 when not a number.
    """
    if not value.isdigit():
        raise not_found()
    return int(value)


@dataclass(frozen=True)
class Paging:
    """Which page of a list was asked for."""

    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def read(cls, source: Mapping[str, Any]) -> Paging:
        """From `page`/`per_page` (query or body); per_page is clamped to 1..MAX_PER_PAGE.

        Raises:
            ApiError: 400 when they are not positive integers.
        """
        try:
            page = int(source.get("page", 1))
            per_page = int(source.get("per_page", DEFAULT_PER_PAGE))
        except (TypeError, ValueError) as err:
            raise bad_request("page and per_page must be integers") from err
        if page < 1:
            raise bad_request("page must be 1 or more")
        return cls(page=page, per_page=min(max(per_page, 1), MAX_PER_PAGE))

    def slice[T](self, items: list[T], *, early: int = 0) -> tuple[list[T], dict[str, Any]]:
        """The items of this page and the `paging` block; `early`: start that many items early."""
        start = max((self.page - 1) * self.per_page - early, 0)
        chunk = items[start : start + self.per_page]
        has_next = len(items) > start + self.per_page
        return chunk, {"page": self.page, "per_page": self.per_page, "has_next_page": has_next}


def includes(query: Mapping[str, str]) -> set[str]:
    """The `include=a,b` submodels asked for."""
    return {part.strip() for part in query.get("include", "").split(",") if part.strip()}
