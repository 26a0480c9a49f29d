"""The cached bookings of every room, indexed by room and start time.

No Home Assistant import: the coordinator feeds it what Robin answered (read with
`schedule_only`: thousands of events are kept), entities ask it for a room's current and next
booking. Each room's events are kept sorted by start, so those questions cost a binary search
and a look at a few neighbours, never a scan of the window.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from itertools import chain, islice
from operator import attrgetter, itemgetter

from .api import Event

# One cached event: (start, id, end, event), ordered by start then id.
type _Entry = tuple[datetime, str, datetime, Event]
# A booking the room declined: its id and times (in UTC), no more.
type _Times = tuple[datetime, datetime]

_start_of = itemgetter(0)


def _moment(value: datetime | date, time_zone: tzinfo) -> datetime:
    """Return the instant in UTC (an all-day date starts at the location's midnight).

    In UTC, because the difference of two times of one zone ignores its clock changes.
    """
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min, tzinfo=time_zone)
    return _in_utc(value, value.fold)


@lru_cache(maxsize=4096)
def _in_utc(value: datetime, fold: int) -> datetime:
    """Return `value.astimezone(UTC)`, one shared copy per instant.

    Thousands of events share a few hundred start and end times. `fold` is part of the key
    because the two readings of an hour the clocks repeat are equal in Python (same zone,
    same wall time) but are different instants.
    """
    del fold  # only a key
    return value.astimezone(UTC)


# What entities, calendar views and actions read of a cached event: when none of it
# changed, a read leaves the room's cache (and its entities) alone.
_kept_fields = attrgetter(
    "id",
    "title",
    "start",
    "end",
    "series_id",
    "recurrence_id",
    "space_id",
    "description",
    "is_all_day",
    "time_zone",
    "status",
)


def _room_answers(event: Event) -> tuple[tuple[str | None, str | None], ...]:
    """Return each invited room's e-mail address and answer (a booking's tentativeness)."""
    rooms = (invitee for invitee in event.invitees if invitee.is_resource)
    return tuple((room.email, room.response_status) for room in rooms)


def _kept(event: Event) -> tuple[object, ...]:
    return (*_kept_fields(event), _room_answers(event))


def _shown(entries: list[_Entry]) -> list[tuple[datetime, str, datetime, tuple[object, ...]]]:
    """Return what of these entries is kept: equal lists mean nothing changed."""
    return [(start, event_id, end, _kept(event)) for start, event_id, end, event in entries]


class BookingCache:
    """The events of each room, read location by location, time range by time range."""

    def __init__(self) -> None:
        """Start empty."""
        self._rooms: dict[int, list[_Entry]] = {}
        # The longest event a room has had bounds how far back an overlapping one can start.
        self._longest: dict[int, timedelta] = {}
        self._rooms_of_location: dict[int, set[int]] = defaultdict(set)
        # Bookings a read stopped listing, by id: cancelled, deleted, or moved out of the
        # range read (to a time another read covers later). See `take_vanished`.
        self._dropped: dict[str, tuple[int, Event]] = {}
        # The bookings each room declined, by id: not the room's bookings (nothing shows
        # them), but Robin's free/busy may still list them busy, without the room's answer.
        # Only their times are kept, and only for rooms that declined any.
        self._declined: dict[int, dict[str, _Times]] = {}

    def replace(
        self,
        location_id: int,
        start: datetime,
        end: datetime,
        events: Iterable[Event],
        time_zone: tzinfo,
        *,
        declined: Iterable[Event] = (),
    ) -> set[int]:
        """Put what Robin listed for a location between start and end in place of the cache.

        Robin lists the events that overlap the range (end > start and start < end); those
        cached for the location's rooms in that range are replaced by them. `declined`: the
        events listed that their room declined, kept apart (see `declined_by_room`).
        Returns the rooms whose bookings changed.
        """
        read: dict[int, dict[str, _Entry]] = defaultdict(dict)
        for event in events:
            if event.space_id is None:
                continue
            read[event.space_id][event.id] = (
                _moment(event.start, time_zone),
                event.id,
                _moment(event.end, time_zone),
                event,
            )
        turned_down: dict[int, dict[str, _Times]] = defaultdict(dict)
        for event in declined:
            if event.space_id is not None:
                turned_down[event.space_id][event.id] = (
                    _moment(event.start, time_zone),
                    _moment(event.end, time_zone),
                )
        listed = read.keys() | turned_down.keys()
        rooms = self._rooms_of_location[location_id]
        rooms.update(listed)
        # A room Robin moved to this location (same id) is no longer the old one's: its
        # reads, which no longer list the room, must not clear it.
        for other_id, other_rooms in self._rooms_of_location.items():
            if other_id != location_id and not other_rooms.isdisjoint(listed):
                other_rooms.difference_update(listed)
        changed: set[int] = set()
        for space_id in rooms:
            new = list(read[space_id].values()) if space_id in read else []
            now_declined = turned_down.get(space_id, {})
            known = self._declined.get(space_id, {})
            # Only a booking the room declined since the last read can still be held here.
            newly_declined = now_declined.keys() - known.keys()
            if self._replace_room(space_id, start, end, new, newly_declined):
                changed.add(space_id)
            self._replace_declined(space_id, start, end, now_declined, new)
        return changed

    def _replace_declined(
        self,
        space_id: int,
        start: datetime,
        end: datetime,
        declined: dict[str, _Times],
        read: list[_Entry],
    ) -> None:
        known = self._declined.get(space_id)
        if known is None and not declined:
            return
        held = {entry[1] for entry in read}
        kept = {
            event_id: times
            for event_id, times in (known or {}).items()
            if not (times[1] > start and times[0] < end) and event_id not in held
        }
        kept.update(declined)
        if kept:
            self._declined[space_id] = kept
        else:
            self._declined.pop(space_id, None)

    def _replace_room(
        self,
        space_id: int,
        start: datetime,
        end: datetime,
        read: list[_Entry],
        declined: Collection[str],
    ) -> bool:
        entries = self._rooms.get(space_id, [])
        longest = self._longest.get(space_id, timedelta(0))
        for entry_start, _, entry_end, _ in read:
            longest = max(longest, entry_end - entry_start)
        self._longest[space_id] = longest
        # Robin should list only overlapping events; the bounds also hold any it adds.
        earliest = min((entry[0] for entry in read), default=start)
        latest = max((entry[0] for entry in read), default=end)
        low = bisect_left(entries, min(start - longest, earliest), key=_start_of)
        high = bisect_right(entries, max(end, latest), key=_start_of)
        segment = entries[low:high]
        read_ids = {entry[1] for entry in read}
        # The listed bookings the room declined go wherever they were cached.
        listed = read_ids.union(declined)
        replaced = [
            entry
            for entry in segment
            if (entry[2] > start and entry[0] < end) or entry[1] in listed
        ]
        read_sorted = sorted(read, key=_order)
        # A booking moved here from another day is still cached at its old time, outside
        # this segment: that copy goes (only bookings new to the segment are looked for).
        arrived = listed.difference(entry[1] for entry in replaced)
        outside = chain(islice(entries, low), islice(entries, high, None))
        moved = bool(arrived) and any(entry[1] in arrived for entry in outside)
        if (
            not moved
            and len(replaced) == len(read_sorted)
            and _shown(replaced) == _shown(read_sorted)
        ):
            return False
        for entry in replaced:
            if entry[1] not in listed:
                self._dropped[entry[1]] = (space_id, entry[3])
        kept = [
            entry
            for entry in segment
            if not (entry[2] > start and entry[0] < end) and entry[1] not in listed
        ]
        merged = sorted(kept + read_sorted, key=_order)
        if moved:
            self._rooms[space_id] = [
                *(entry for entry in islice(entries, low) if entry[1] not in arrived),
                *merged,
                *(entry for entry in islice(entries, high, None) if entry[1] not in arrived),
            ]
        else:
            self._rooms[space_id] = [*entries[:low], *merged, *entries[high:]]
        return True

    def take_vanished(self) -> list[tuple[int, Event]]:
        """Return (room, booking) for each booking reads dropped since the last call.

        Only those no read put back: a booking moved within what this poll read is back.
        """
        dropped, self._dropped = self._dropped, {}
        return [
            (space_id, event)
            for event_id, (space_id, event) in dropped.items()
            if all(entry[1] != event_id for entry in self._rooms.get(space_id, ()))
        ]

    def put(self, location_id: int, event: Event, time_zone: tzinfo) -> bool:
        """Put one booking, read on its own, in its room in place of any copy of it there.

        Returns whether the room's bookings changed.
        """
        if event.space_id is None:
            return False
        space_id = event.space_id
        self._rooms_of_location[location_id].add(space_id)
        entry = (_moment(event.start, time_zone), event.id, _moment(event.end, time_zone), event)
        entries = self._rooms.get(space_id, [])
        placed = sorted(
            [*(cached for cached in entries if cached[1] != event.id), entry], key=_order
        )
        self._forget_declined(space_id, event.id)
        if _shown(placed) == _shown(entries):
            return False
        self._longest[space_id] = max(
            self._longest.get(space_id, timedelta(0)), entry[2] - entry[0]
        )
        self._rooms[space_id] = placed
        return True

    def _forget_declined(self, space_id: int, event_id: str) -> None:
        declined = self._declined.get(space_id)
        if declined is not None and event_id in declined:
            del declined[event_id]
            if not declined:
                del self._declined[space_id]

    def drop(self, space_id: int, event_id: str) -> bool:
        """Forget one booking of a room (cancelled, or moved out of the window).

        Returns whether the room's bookings changed.
        """
        self._forget_declined(space_id, event_id)
        entries = self._rooms.get(space_id, [])
        kept = [entry for entry in entries if entry[1] != event_id]
        if len(kept) == len(entries):
            return False
        self._rooms[space_id] = kept
        return True

    def evict(self, before: datetime) -> None:
        """Forget the events that ended by `before` (past ones nobody asks for)."""
        for space_id, entries in self._rooms.items():
            high = bisect_left(entries, before, key=_start_of)
            if any(entry[2] <= before for entry in entries[:high]):
                self._rooms[space_id] = [
                    *(entry for entry in entries[:high] if entry[2] > before),
                    *entries[high:],
                ]
        for space_id, declined in list(self._declined.items()):
            if any(times[1] <= before for times in declined.values()):
                kept = {key: times for key, times in declined.items() if times[1] > before}
                if kept:
                    self._declined[space_id] = kept
                else:
                    del self._declined[space_id]

    def forget_room(self, space_id: int) -> None:
        """Drop a room that is gone."""
        self._rooms.pop(space_id, None)
        self._declined.pop(space_id, None)
        self._longest.pop(space_id, None)
        for rooms in self._rooms_of_location.values():
            rooms.discard(space_id)

    def declined_by_room(self, space_id: int) -> Mapping[str, tuple[datetime, datetime]]:
        """Return the bookings the room declined, as read: id -> (start, end) in UTC."""
        return self._declined.get(space_id, {})

    def events(self, space_id: int) -> tuple[Event, ...]:
        """Return all cached events of a room, by start."""
        return tuple(entry[3] for entry in self._rooms.get(space_id, ()))

    def count(self, space_id: int) -> int:
        """Return how many events of a room are cached."""
        return len(self._rooms.get(space_id, ()))

    def between(self, space_id: int, start: datetime, end: datetime) -> tuple[Event, ...]:
        """Return the room's cached events that overlap start..end, by start."""
        entries = self._rooms.get(space_id, [])
        longest = self._longest.get(space_id, timedelta(0))
        low = bisect_left(entries, start - longest, key=_start_of)
        high = bisect_left(entries, end, key=_start_of)
        return tuple(entry[3] for entry in entries[low:high] if entry[2] > start)

    def current_and_next(self, space_id: int, now: datetime) -> tuple[Event, ...]:
        """Return the room's booking under way at `now` (if any), then the next one (if any).

        What `room_status` needs, found without looking at the rest of the window.
        """
        entries = self._rooms.get(space_id, [])
        longest = self._longest.get(space_id, timedelta(0))
        started = bisect_right(entries, now, key=_start_of)
        low = bisect_left(entries, now - longest, key=_start_of)
        current = next((entry[3] for entry in entries[low:started] if entry[2] > now), None)
        upcoming = entries[started][3] if started < len(entries) else None
        return tuple(event for event in (current, upcoming) if event is not None)

    def __len__(self) -> int:
        """Return how many events are cached in all."""
        return sum(len(entries) for entries in self._rooms.values())

    @property
    def by_room(self) -> Mapping[int, tuple[Event, ...]]:
        """Return a read-only view: room id -> its cached events, by start."""
        return _EventsByRoom(self)

    def rooms(self) -> Iterator[int]:
        """Return the rooms that have cached events."""
        return (space_id for space_id, entries in self._rooms.items() if entries)


def _order(entry: _Entry) -> tuple[datetime, str]:
    return entry[0], entry[1]


def in_start_order(events: Iterable[Event], time_zone: tzinfo) -> list[Event]:
    """Return events in the cache's order: by the instant they start, then by id.

    An all-day event starts at its location's midnight (`time_zone`). By instant: Python
    compares two times of one zone by their clocks, so in the hour the clocks repeat at
    the end of summer time a meeting starting later could come first.
    """
    return sorted(events, key=lambda event: (_moment(event.start, time_zone), event.id))


class _EventsByRoom(Mapping[int, tuple[Event, ...]]):
    """A live mapping of room id to its cached events (empty rooms left out)."""

    def __init__(self, cache: BookingCache) -> None:
        self._cache = cache

    def __getitem__(self, space_id: int) -> tuple[Event, ...]:
        events = self._cache.events(space_id)
        if not events:
            raise KeyError(space_id)
        return events

    def __iter__(self) -> Iterator[int]:
        return self._cache.rooms()

    def __len__(self) -> int:
        return sum(1 for _ in self._cache.rooms())
