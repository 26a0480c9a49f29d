"""A calendar of Robin bookings for every bookable room, editable from Home Assistant."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.components.calendar.const import (
    EVENT_DESCRIPTION,
    EVENT_END,
    EVENT_RRULE,
    EVENT_START,
    EVENT_SUMMARY,
    CalendarEntityFeature,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .api import Event, RobinError, Space
from .bookings import (
    async_book,
    async_cancel_booking,
    async_read_booking,
    async_update_booking,
    check_booking_id_given,
    check_moved_times,
    check_within_reach,
    robin_read_error,
    shown_booking,
    validation_error,
)
from .const import DOMAIN, LOGGER
from .coordinator import RobinConfigEntry, RobinCoordinator, RoomChange
from .data import event_end, event_start
from .entity import RobinRoomEntity, add_entities_for_new_rooms
from .event_status import holds_room, status_fields

# Creating, moving and deleting bookings are calls to Robin: one at a time.
PARALLEL_UPDATES = 1

BOOKINGS = CalendarEntityDescription(key="bookings", translation_key="bookings")
# What Home Assistant's calendar offers to do with a booking.
EDITS = (
    CalendarEntityFeature.CREATE_EVENT
    | CalendarEntityFeature.UPDATE_EVENT
    | CalendarEntityFeature.DELETE_EVENT
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: RobinConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a calendar for every bookable room, now and as rooms appear."""
    coordinator = entry.runtime_data

    def entities_for_room(space: Space) -> list[RobinCalendar]:
        return [RobinCalendar(coordinator, space, BOOKINGS)] if space.is_bookable else []

    add_entities_for_new_rooms(entry, async_add_entities, entities_for_room)


class RobinCalendar(RobinRoomEntity, CalendarEntity):
    """The room's bookings; the current one is computed live, not at the last poll.

    Robin lists every occurrence of a series as its own event (`{series}_{recurrence}`),
    and that id is the uid Home Assistant gets: a uid always names one occurrence.
    """

    # Its bookings on every day too, for the open calendar views (not a state).
    _shows = RoomChange.ROOM | RoomChange.STATUS | RoomChange.BOOKINGS
    # What the state last written showed: a change of bookings elsewhere writes none.
    _written_for: tuple[object, ...] | None = None
    # The booking `event` last showed, what it depended on, and how it was shown: Home
    # Assistant reads `event` twice per state write, and each CalendarEvent validates
    # itself (a deep copy and a schema), so a booking shown again is not built again.
    _shown_event: tuple[tuple[object, ...], CalendarEvent | None] | None = None

    def __init__(
        self, coordinator: RobinCoordinator, space: Space, description: CalendarEntityDescription
    ) -> None:
        """Offer creating, moving and deleting bookings only with a token that can write.

        With a read-only token every edit would be refused, but only once the dialog was
        filled in. The token's scopes are read at setup, and a new token reloads the entry.
        """
        super().__init__(coordinator, space, description)
        self._attr_supported_features = EDITS if coordinator.can_write else CalendarEntityFeature(0)

    @property
    def event(self) -> CalendarEvent | None:
        """Return the booking in progress, else the next one."""
        status = self.status()
        if status is None:
            return None
        booking = status.current or status.upcoming
        if booking is None:
            return None
        # Bookings and rooms are immutable and replaced when they change: identity suffices.
        shown_for = (booking, self.space, self.time_zone, dt_util.get_default_time_zone())
        shown = self._shown_event
        if shown is None or any(
            old is not new for old, new in zip(shown[0], shown_for, strict=True)
        ):
            shown = self._shown_event = (shown_for, self._calendar_event(booking))
        return shown[1]

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """Return the bookings overlapping a range: cached when possible, else from Robin."""
        space = self._space_or_raise()
        try:
            events = await self.coordinator.async_get_space_events(space, start_date, end_date)
        except RobinError as err:
            raise robin_read_error(self.coordinator, err) from err
        zone = self.time_zone
        return [
            calendar_event
            for event in events
            if event_end(event, zone) > start_date and event_start(event, zone) < end_date
            if (calendar_event := self._calendar_event(event)) is not None
        ]

    async def async_create_event(self, **kwargs: Any) -> None:
        """Book the room from Home Assistant's calendar dialog."""
        space = self._space_or_raise()
        start, end = self._booking_times(kwargs[EVENT_START], kwargs[EVENT_END])
        if kwargs.get(EVENT_RRULE):
            raise validation_error("recurrence_not_supported")
        await async_book(
            self.coordinator,
            space,
            start,
            end,
            title=kwargs.get(EVENT_SUMMARY),
            description=kwargs.get(EVENT_DESCRIPTION) or None,
        )

    async def async_update_event(
        self,
        uid: str,
        event: dict[str, Any],
        recurrence_id: str | None = None,
        recurrence_range: str | None = None,
    ) -> None:
        """Move or rename a booking (one occurrence of a series at a time)."""
        space = self._space_or_raise()
        if recurrence_range or event.get(EVENT_RRULE):
            raise validation_error("recurrence_not_supported")
        check_booking_id_given(uid, space)
        start, end = self._booking_times(event[EVENT_START], event[EVENT_END])
        booking = await self._booking(space, uid)
        if booking.is_all_day:  # shown as times when the room is in another time zone
            raise validation_error("all_day_not_supported")
        # The dialog sends back the title and description it showed: the room's name for
        # an untitled booking, a synced meeting's description as text without its links.
        # Only what the user changed is sent, so nothing else is overwritten.
        shown = self._calendar_event(booking)
        title = event.get(EVENT_SUMMARY)
        description = event.get(EVENT_DESCRIPTION)
        # The same goes for its times: the window's later days are reread once a pass, and
        # days beyond it when a view reads them, so the times shown may be older than a move
        # made elsewhere, which they would undo.
        zone = self.time_zone
        started = event_start(booking, zone)
        moved = dt_util.as_utc(start) != dt_util.as_utc(started) or (
            dt_util.as_utc(end) != dt_util.as_utc(event_end(booking, zone))
        )
        if moved:
            check_moved_times(start, end, dt_util.utcnow(), started=started)
        await async_update_booking(
            self.coordinator,
            space,
            uid,
            start=start if moved else None,
            end=end if moved else None,
            title=None if shown is not None and title == shown.summary else title,
            description=None
            if (description or None) == (shown.description if shown else booking.description)
            else description,
            time_zone=booking.time_zone,
        )

    async def _booking(self, space: Space, uid: str) -> Event:
        """Return the booking as the calendar showed it, else as Robin holds it now.

        Cached for the window's days; beyond them, as last read from Robin for a calendar
        view or `calendar.get_events` (a copy read now could hold a move or a rename made
        elsewhere since, which the dialog's fields would undo).
        """
        if (shown := shown_booking(self.coordinator, space, uid)) is not None:
            return shown
        return await async_read_booking(self.coordinator, space, uid)

    async def async_delete_event(
        self,
        uid: str,
        recurrence_id: str | None = None,
        recurrence_range: str | None = None,
    ) -> None:
        """Cancel a booking (one occurrence of a series at a time)."""
        space = self._space_or_raise()
        if recurrence_range:
            raise validation_error("recurrence_not_supported")
        check_booking_id_given(uid, space)
        # Only this room's bookings, one occurrence at a time (not a series' own id).
        await self._booking(space, uid)
        await async_cancel_booking(self.coordinator, space, uid)

    @callback
    def _handle_room_update(self) -> None:
        """Write the state if what it shows changed, else only refresh the open views."""
        if self._state_shows() == self._written_for:
            self._tell_open_views()
        else:
            super()._handle_room_update()

    def _state_shows(self) -> tuple[object, ...]:
        status = self.status()
        bookings = (status.current, status.upcoming) if status else None  # on or off, and which
        return (self.available, self.space, self.time_zone, bookings)

    @callback
    def _tell_open_views(self) -> None:
        """Refresh the open calendar views (Home Assistant 2026.5+), debounced.

        Home Assistant refreshes them at every state write, but the state shows only the
        booking under way or next: a booking made, moved or cancelled on another day (by
        an action, the calendar's dialog, or in Robin) writes none.
        """
        debouncer = getattr(self, "_event_listener_debouncer", None)
        if debouncer is not None and getattr(self, "_event_listeners", None):
            debouncer.async_schedule_call()

    # Home Assistant's calendar keeps two timers per calendar, for its event's start and end.
    # The coordinator's one boundary timer already writes the room at those moments, so
    # the state is written without them (the calendar's own subscribers are still told).
    @callback
    def async_write_ha_state(self) -> None:
        """Write the state (Home Assistant 2026.3 sets the calendar's timers here)."""
        Entity.async_write_ha_state(self)

    @callback
    def _async_write_ha_state(self) -> None:
        """Write the state (later versions set the calendar's timers here)."""
        self._written_for = self._state_shows()
        Entity._async_write_ha_state(self)  # noqa: SLF001
        self._tell_open_views()

    def _space_or_raise(self) -> Space:
        space = self.space
        if space is None:
            raise HomeAssistantError(translation_domain=DOMAIN, translation_key="room_gone")
        return space

    def _booking_times(
        self, start: date | datetime, end: date | datetime
    ) -> tuple[datetime, datetime]:
        # Robin books rooms by the minute; a whole-day "event" would block the room for
        # everybody, so it is refused rather than guessed at.
        if not isinstance(start, datetime) or not isinstance(end, datetime):
            raise validation_error("all_day_not_supported")
        zone = dt_util.get_default_time_zone()
        times = (
            start if start.tzinfo else start.replace(tzinfo=zone),
            end if end.tzinfo else end.replace(tzinfo=zone),
        )
        check_within_reach(dt_util.utcnow(), *times)
        return times

    def _calendar_event(self, event: Event | None) -> CalendarEvent | None:
        if event is None or not holds_room(event, self.space):
            return None
        start: date | datetime = event.start
        end: date | datetime = event.end
        zone = self.time_zone
        if isinstance(start, datetime) and isinstance(end, datetime):
            # Robin gives a synced meeting in its organiser's zone: show the room's hours.
            start, end = start.astimezone(zone), end.astimezone(zone)
        elif str(zone) != str(dt_util.get_default_time_zone()):
            # Home Assistant reads a bare date as a day of its own time zone, but an
            # all-day booking is a day of the room's: give the instants it spans instead.
            start, end = event_start(event, zone), event_end(event, zone)
        try:
            return CalendarEvent(
                start=start,
                end=end,
                summary=event.title or (self.space.name if self.space else ""),
                description=event.description or None,
                location=self.space.name if self.space else None,
                uid=event.id,
                **status_fields(event, self.space),
            )
        except HomeAssistantError:
            LOGGER.debug("Skipping Robin event %s: its times are not valid", event.id)
            return None
