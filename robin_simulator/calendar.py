"""Where events live: single events, recurring series, check-ins, and lazy daily planning."""

import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from .model import Confirmation, Event, Location, Series

# The demo keeps this much of the past and future populated around "now".
PLAN_DAYS_BEFORE = 7
PLAN_DAYS_AFTER = 30
FIRST_BOOKING_ID = 90_000_001
MAX_PLANNED_WINDOW = timedelta(days=370)

DayPlanner = Callable[[Location, date], list[Event]]


def recurrence_id_for(start: datetime) -> str:
    """An occurrence's recurrence id: its original start in UTC basic format."""
    return start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def overlaps(event: Event, after: datetime, before: datetime) -> bool:
    """Whether the event ends after `after` and starts before `before` (both exclusive)."""
    return event.end > after and event.start < before


class EventStore:
    """All events of the organization, with recurring series expanded on demand."""

    def __init__(self, planner: DayPlanner | None = None) -> None:
        """Create an empty store; `planner` fills in each location's days as time passes."""
        self.singles: dict[str, Event] = {}
        # The same single events by room: a room's reads stay fast in organizations of
        # thousands of rooms (the benchmark's). Kept in step by add, save and cancel.
        self._singles_by_space: dict[int, dict[str, Event]] = {}
        self.series: dict[str, Series] = {}
        self.confirmations: dict[str, Confirmation] = {}
        self._planner = planner
        self._planned_days: set[tuple[int, date]] = set()
        self._next_id = FIRST_BOOKING_ID

    def new_id(self) -> str:
        """A fresh event id for a booking."""
        event_id = str(self._next_id)
        self._next_id += 1
        return event_id

    def add(self, event: Event) -> None:
        """Store a single event."""
        self._forget_single(event.id)
        self.singles[event.id] = event
        self._singles_by_space.setdefault(event.space_id, {})[event.id] = event

    def _forget_single(self, event_id: str) -> Event | None:
        event = self.singles.pop(event_id, None)
        if event is not None:
            self._singles_by_space.get(event.space_id, {}).pop(event_id, None)
        return event

    def add_series(self, series: Series) -> None:
        """Store a recurring series."""
        self.series[series.id] = series

    def plan_around(self, locations: list[Location], now: datetime) -> None:
        """Make sure every location's days around `now` have their scheduled meetings.

        Days are planned once; deleting a planned meeting therefore sticks.
        """
        if self._planner is None:
            return
        for location in locations:
            today = now.astimezone(location.zone).date()
            for offset in range(-PLAN_DAYS_BEFORE, PLAN_DAYS_AFTER + 1):
                self._plan_day(location, today + timedelta(days=offset))

    def plan_range(self, locations: list[Location], after: datetime, before: datetime) -> None:
        """Also plan the days of a queried window (capped to about a year)."""
        if self._planner is None:
            return
        for location in locations:
            first = after.astimezone(location.zone).date()
            last = min(before, after + MAX_PLANNED_WINDOW).astimezone(location.zone).date()
            for offset in range((last - first).days + 1):
                self._plan_day(location, first + timedelta(days=offset))

    def _plan_day(self, location: Location, day: date) -> None:
        if self._planner is None or (location.id, day) in self._planned_days:
            return
        self._planned_days.add((location.id, day))
        for event in self._planner(location, day):
            self.add(event)

    def expand(self, series: Series, after: datetime, before: datetime) -> Iterator[Event]:
        """The occurrences of a series overlapping the window."""
        for override in series.overrides.values():
            if overlaps(override, after, before):
                yield override
        template = series.template
        first = template.start.astimezone(ZoneInfo(template.time_zone))
        for start in series.rule.starts(first, before):
            recurrence_id = recurrence_id_for(start)
            if recurrence_id in series.cancelled or recurrence_id in series.overrides:
                continue
            occurrence = self.occurrence(series, start)
            if overlaps(occurrence, after, before):
                yield occurrence

    def occurrence(self, series: Series, start: datetime) -> Event:
        """The concrete event of a series starting at `start`."""
        template = series.template
        recurrence_id = recurrence_id_for(start)
        return dataclasses.replace(
            template,
            id=f"{series.id}_{recurrence_id}",
            series_id=series.id,
            recurrence_id=recurrence_id,
            start=start,
            end=start + series.duration,
            recurrence=series.rule.to_lines(),
            remote_event_id=(
                f"{template.remote_event_id}_{recurrence_id}" if template.remote_event_id else None
            ),
            invitees=list(template.invitees),
        )

    def occurrences(
        self, space_ids: set[int] | None, after: datetime, before: datetime
    ) -> list[Event]:
        """Events (occurrences expanded) in those spaces overlapping the window, by start."""
        singles = (
            self.singles.values()
            if space_ids is None
            else [
                event
                for space_id in space_ids
                for event in self._singles_by_space.get(space_id, {}).values()
            ]
        )
        found = [event for event in singles if overlaps(event, after, before)]
        for series in self.series.values():
            if space_ids is None or series.template.space_id in space_ids:
                found.extend(self.expand(series, after, before))
        return sorted(found, key=lambda event: (event.start, event.end, event.id))

    def split_occurrence_id(self, event_id: str) -> tuple[Series, str] | None:
        """The series and recurrence id named by an occurrence id, if it is one."""
        series_id, _, recurrence_id = event_id.rpartition("_")
        series = self.series.get(series_id)
        if series is None:
            return None
        if recurrence_id in series.overrides:
            return series, recurrence_id
        if recurrence_id in series.cancelled:
            return None
        try:
            original = datetime.strptime(recurrence_id, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            return None
        first = series.template.start.astimezone(ZoneInfo(series.template.time_zone))
        starts = series.rule.starts(first, original + timedelta(seconds=1))
        if any(start == original for start in starts):
            return series, recurrence_id
        return None

    def get(self, event_id: str) -> Event | None:
        """A single event, an occurrence, or a series master (with its recurrence)."""
        if event_id in self.singles:
            return self.singles[event_id]
        if event_id in self.series:
            series = self.series[event_id]
            return dataclasses.replace(series.template, recurrence=series.rule.to_lines())
        found = self.split_occurrence_id(event_id)
        if found is None:
            return None
        series, recurrence_id = found
        if recurrence_id in series.overrides:
            return series.overrides[recurrence_id]
        original = datetime.strptime(recurrence_id, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return self.occurrence(series, original)

    def save(self, event: Event) -> None:
        """Store an edited event back where it came from (single, occurrence or master)."""
        if event.id in self.singles:
            self.add(event)
        elif event.id in self.series:
            self.series[event.id].template = dataclasses.replace(event, recurrence=None)
        elif event.series_id in self.series and event.recurrence_id is not None:
            self.series[event.series_id].overrides[event.recurrence_id] = event

    def cancel(self, event_id: str) -> bool:
        """Cancel a single event, one occurrence, or (by master id) a whole series."""
        if self._forget_single(event_id) is not None:
            return True
        if self.series.pop(event_id, None) is not None:
            return True
        found = self.split_occurrence_id(event_id)
        if found is None:
            return False
        series, recurrence_id = found
        series.overrides.pop(recurrence_id, None)
        series.cancelled.add(recurrence_id)
        return True
