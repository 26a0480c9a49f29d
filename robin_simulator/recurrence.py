"""A small RFC 5545 RRULE subset: FREQ=DAILY|WEEKLY with INTERVAL, COUNT, UNTIL and BYDAY.

Enough for the meetings people book from a room panel or Home Assistant; anything else is
rejected so a client never believes an unsupported rule was honoured.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# A generous bound so an endless rule with a far-off window still terminates quickly.
MAX_SCAN_DAYS = 3 * 366


@dataclass(frozen=True)
class RecurrenceRule:
    """A parsed RRULE."""

    freq: str
    interval: int = 1
    count: int | None = None
    until: datetime | None = None
    by_day: frozenset[int] = frozenset()  # Python weekday numbers, Monday = 0

    @classmethod
    def parse(cls, lines: list[str]) -> RecurrenceRule:
        """Read the RRULE line of an iCal recurrence array.

        Raises:
            ValueError: when there is no RRULE or it uses something unsupported.
        """
        rules = [line for line in lines if line.upper().startswith("RRULE:")]
        if len(rules) != 1:
            msg = "recurrence must contain exactly one RRULE line"
            raise ValueError(msg)
        parts = dict(part.split("=", 1) for part in rules[0][len("RRULE:") :].split(";") if part)
        freq = parts.pop("FREQ", "")
        if freq not in {"DAILY", "WEEKLY"}:
            msg = f"unsupported FREQ {freq!r}"
            raise ValueError(msg)
        interval = int(parts.pop("INTERVAL", "1"))
        count = int(parts["COUNT"]) if "COUNT" in parts else None
        parts.pop("COUNT", None)
        until = None
        if "UNTIL" in parts:
            until = datetime.strptime(parts.pop("UNTIL"), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        by_day = frozenset(WEEKDAYS.index(day) for day in parts.pop("BYDAY", "").split(",") if day)
        if parts or interval < 1 or (count is not None and count < 1):
            msg = f"unsupported RRULE parts {sorted(parts)}"
            raise ValueError(msg)
        return cls(freq=freq, interval=interval, count=count, until=until, by_day=by_day)

    def to_lines(self) -> list[str]:
        """The rule as an iCal recurrence array."""
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.by_day:
            parts.append("BYDAY=" + ",".join(WEEKDAYS[day] for day in sorted(self.by_day)))
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        if self.until is not None:
            parts.append(f"UNTIL={self.until.strftime('%Y%m%dT%H%M%SZ')}")
        return ["RRULE:" + ";".join(parts)]

    def starts(self, first: datetime, before: datetime) -> Iterator[datetime]:
        """Occurrence starts from `first` (aware; wall time kept) that begin before `before`."""
        zone = first.tzinfo
        wall_time = first.time()
        by_day = self.by_day or frozenset({first.weekday()})
        first_monday = first.date() - timedelta(days=first.weekday())
        produced = 0
        for offset in range(MAX_SCAN_DAYS):
            day = first.date() + timedelta(days=offset)
            if self.freq == "DAILY":
                in_cycle = offset % self.interval == 0 and (
                    not self.by_day or day.weekday() in self.by_day
                )
            else:
                week = (day - first_monday).days // 7
                in_cycle = week % self.interval == 0 and day.weekday() in by_day
            if not in_cycle:
                continue
            start = datetime.combine(day, wall_time, zone)
            if start >= before or (self.until is not None and start > self.until):
                return
            yield start
            produced += 1
            if self.count is not None and produced >= self.count:
                return
