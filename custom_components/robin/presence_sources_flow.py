"""The "presence sources" subentry: binary sensors chosen for one room from the UI.

One subentry per room, listed under the entry; each is added, changed or deleted on its own
in a single form (pick the room, pick the sensors). Sensors in the room's area are picked up
without one (presence_sources.py).
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState, ConfigSubentryFlow, SubentryFlowResult
from homeassistant.const import Platform
from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.selector import (
    EntitySelector,
    EntitySelectorConfig,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)

from .api import Space
from .const import CONF_SOURCES, CONF_SPACE_ID, DOMAIN, SUBENTRY_PRESENCE_SOURCES
from .coordinator import RobinConfigEntry
from .data import RobinData
from .discovery import room_with_location


class PresenceSourcesFlow(ConfigSubentryFlow):
    """Add or change the binary sensors that tell Robin someone is in one room."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Pick a room without chosen sources yet, and its sensors."""
        entry = self._get_entry()
        if entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="entry_not_loaded")
        taken = {
            subentry.unique_id
            for subentry in entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_PRESENCE_SOURCES
        }
        data = entry.runtime_data.data
        rooms = dict(
            sorted(
                (
                    (str(space_id), _room_label(space, data))
                    for space_id, space in data.spaces.items()
                    if str(space_id) not in taken
                ),
                key=lambda item: item[1].casefold(),
            )
        )
        if not rooms:
            return self.async_abort(reason="no_rooms_left")
        errors: dict[str, str] = {}
        if user_input is not None:
            space_key = user_input[CONF_SPACE_ID]
            if not user_input[CONF_SOURCES]:
                errors[CONF_SOURCES] = "no_sources"  # it would only hide the room from this list
            elif space_key in rooms:
                return self.async_create_entry(
                    title=rooms[space_key],
                    data={CONF_SPACE_ID: int(space_key), CONF_SOURCES: user_input[CONF_SOURCES]},
                    unique_id=space_key,
                )
            else:
                # The form was shown before another one took the room, or Robin removed it.
                errors[CONF_SPACE_ID] = "room_taken" if space_key in taken else "room_gone"
        schema = vol.Schema(
            {
                vol.Required(CONF_SPACE_ID): SelectSelector(
                    SelectSelectorConfig(
                        options=[
                            SelectOptionDict(value=key, label=name) for key, name in rooms.items()
                        ],
                        mode=SelectSelectorMode.DROPDOWN,
                    )
                ),
                vol.Required(CONF_SOURCES): self._sources_selector(),
            }
        )
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(
                schema, {CONF_SOURCES: user_input[CONF_SOURCES]} if user_input else None
            ),
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change the room's sensors."""
        entry = self._get_entry()
        subentry = self._get_reconfigure_subentry()
        if user_input is not None:
            # No reload needed: the reporter follows the entry's changes. None chosen is
            # allowed here: the room's sensors are taken out, its entry kept for later.
            return self.async_update_and_abort(
                entry, subentry, data_updates={CONF_SOURCES: user_input[CONF_SOURCES]}
            )
        schema = vol.Schema({vol.Required(CONF_SOURCES): self._sources_selector()})
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                schema, {CONF_SOURCES: subentry.data.get(CONF_SOURCES, [])}
            ),
            description_placeholders={"room": subentry.title},
        )

    def _sources_selector(self) -> EntitySelector:
        """Any binary sensor (a door too) but this integration's own.

        The selector refuses our own entities, those of every Robin entry: another
        organization's occupancy reported here, and ours there, would keep both occupied.
        Any that still get into a subentry (one made later, say) are left out when the
        sources are read (presence_sources.py).
        """
        registry = er.async_get(self.hass)
        own = [
            entity.entity_id
            for entry in self.hass.config_entries.async_entries(DOMAIN)
            for entity in er.async_entries_for_config_entry(registry, entry.entry_id)
            if entity.domain == Platform.BINARY_SENSOR
        ]
        return EntitySelector(
            EntitySelectorConfig(domain=Platform.BINARY_SENSOR, multiple=True, exclude_entities=own)
        )


@callback
def async_keep_titles_current(entry: RobinConfigEntry) -> CALLBACK_TYPE:
    """Retitle each room's presence sources as Robin renames the room or its office.

    The title names the room where the subentry is listed and in its form.
    """
    coordinator = entry.runtime_data

    @callback
    def retitle() -> None:
        data = coordinator.data
        for subentry in list(entry.subentries.values()):
            space = data.spaces.get(subentry.data[CONF_SPACE_ID])
            if space is not None and (title := _room_label(space, data)) != subentry.title:
                coordinator.hass.config_entries.async_update_subentry(entry, subentry, title=title)

    retitle()
    return coordinator.async_add_listener(retitle)


def _room_label(space: Space, data: RobinData) -> str:
    """Return the room's name, with its office's when several are followed.

    Offices often have rooms of the same name ("Reception"), which would look alike.
    """
    location = data.locations.get(space.location_id)
    if location is None or len(data.locations) == 1:
        return space.name
    return room_with_location(space, location)
