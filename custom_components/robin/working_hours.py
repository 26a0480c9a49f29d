"""When a location works: Robin's working hours, or a default week, in the location's zone.

Robin lists a location's working hours per weekday (0 is Sunday) as local time frames. A
frame whose end is not after its start runs on past midnight into the next day ("24:00"
reads as the end of the day). A location with no frame on any day has the default hours
(Monday to Friday, 07:00-20:00): a list of closed days alone is read as "not set", so a
location is never treated as closed all week.

No Home Assistant import: unit-tested like `room_status`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from .api import Location, WorkingDay
from .const import DEFAULT_WORKING_DAYS, DEFAULT_WORKING_HOURS_END, DEFAULT_WORKING_HOURS_START

# Days looked at around an instant: the day before (a frame running past midnight) up to a
# week ahead (the next opening of a location open one day a week).
_DAYS_BACK = 1
_DAYS_AHEAD = 8


@dataclass(frozen=True, slots=True)
class Frame:
    """Working hours within one weekday, local wall-clock times."""

    start: time
    end: time

    @property
    def ends_next_day(self) -> bool:
        """Tell whether the frame runs past midnight ("24:00" included)."""
        return self.end == time.max or self.end <= self.start


DEFAULT_FRAMES: dict[int, tuple[Frame, ...]] = {
    day: (Frame(DEFAULT_WORKING_HOURS_START, DEFAULT_WORKING_HOURS_END),)
    for day in DEFAULT_WORKING_DAYS
}


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """A location's weekly working hours in its time zone."""

    frames: dict[int, tuple[Frame, ...]]  # by Robin's weekday, 0 is Sunday
    zone: tzinfo

    @classmethod
    def of(cls, days: tuple[WorkingDay, ...], zone: tzinfo) -> WorkingHours:
        """Return the hours Robin lists, or the default week when it lists none."""
        frames: dict[int, tuple[Frame, ...]] = {}
        for day in days:
            if 0 <= day.day <= 6 and day.frames:  # noqa: PLR2004 - Robin's weekdays
                frames[day.day] = frames.get(day.day, ()) + tuple(
                    Frame(frame.start, frame.end) for frame in day.frames
                )
        return cls(frames or DEFAULT_FRAMES, zone)

    @classmethod
    def of_location(cls, location: Location, zone: tzinfo) -> WorkingHours:
        """Return a location's working hours; `zone` is its own, or Home Assistant's."""
        return cls.of(location.working_hours, zone)

    def is_open(self, moment: datetime) -> bool:
        """Tell whether the instant falls within working hours."""
        moment = moment.astimezone(UTC)
        return any(start <= moment < end for start, end in self._spans(moment, days_ahead=0))

    def next_start(self, moment: datetime) -> datetime:
        """Return when working hours next start after the instant (in UTC)."""
        moment = moment.astimezone(UTC)
        return min(start for start, _ in self._spans(moment, _DAYS_AHEAD) if start > moment)

    def _spans(self, moment: datetime, days_ahead: int) -> list[tuple[datetime, datetime]]:
        """Return the frames of the days around the instant, as UTC instants."""
        today = moment.astimezone(self.zone).date()
        spans: list[tuple[datetime, datetime]] = []
        for offset in range(-_DAYS_BACK, days_ahead + 1):
            day = today + timedelta(days=offset)
            for frame in self.frames.get(_robin_weekday(day), ()):
                end_day = day + timedelta(days=1) if frame.ends_next_day else day
                end = time.min if frame.end == time.max else frame.end
                spans.append((self._instant(day, frame.start), self._instant(end_day, end)))
        return spans

    def _instant(self, day: date, wall_time: time) -> datetime:
        """Return the UTC instant of a local wall-clock time (DST gaps move it forward)."""
        return datetime.combine(day, wall_time, self.zone).astimezone(UTC)


def end_of_local_day(moment: datetime, zone: tzinfo) -> datetime:
    """Return the next local midnight after the instant, in UTC."""
    tomorrow = moment.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, zone).astimezone(UTC)


def _robin_weekday(day: date) -> int:
    """Return Robin's day number: 0 is Sunday, 6 Saturday."""
    return day.isoweekday() % 7
