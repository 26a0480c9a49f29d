"""The forms of the config and options flows: their fields and selectors."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import voluptuous as vol
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_SCAN_INTERVAL, CONF_URL
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .api import DEFAULT_BASE_URL, Organization
from .const import (
    CONF_CALENDAR_DAYS,
    CONF_CHECK_IN_ON_ARRIVAL,
    CONF_INCLUDE_UNBOOKABLE,
    CONF_LOCATIONS,
    CONF_NO_SHOW_GRACE,
    CONF_OFF_HOURS_INTERVAL,
    CONF_ORGANIZATION,
    CONF_RELEASE_NO_SHOWS,
    CONF_REPORT_PRESENCE,
    CONF_UNBOOKED_USE_AFTER,
    DEFAULT_CALENDAR_DAYS,
    DEFAULT_INCLUDE_UNBOOKABLE,
    DEFAULT_NO_SHOW_GRACE,
    DEFAULT_OFF_HOURS_INTERVAL,
    DEFAULT_REPORT_PRESENCE,
    DEFAULT_SCAN_INTERVAL,
    DEFAULT_UNBOOKED_USE_AFTER,
    MAX_CALENDAR_DAYS,
    MAX_NO_SHOW_GRACE,
    MAX_OFF_HOURS_INTERVAL,
    MAX_SCAN_INTERVAL,
    MAX_UNBOOKED_USE_AFTER,
    MIN_CALENDAR_DAYS,
    MIN_SCAN_INTERVAL,
)

TOKEN_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))

USER_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_ACCESS_TOKEN): TOKEN_SELECTOR,
        vol.Required(CONF_URL, default=DEFAULT_BASE_URL): URL_SELECTOR,
    }
)
REAUTH_SCHEMA = vol.Schema({vol.Required(CONF_ACCESS_TOKEN): TOKEN_SELECTOR})
# Left empty, the token field keeps the stored token, which is never shown in the form.
RECONFIGURE_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_URL): URL_SELECTOR,
        vol.Optional(CONF_ACCESS_TOKEN): TOKEN_SELECTOR,
    }
)
ORGANIZATION_MANUAL_SCHEMA = vol.Schema({vol.Required(CONF_ORGANIZATION): TextSelector()})


def _whole_number(minimum: int, maximum: int, unit: str, step: int = 1) -> vol.All:
    """Return a box for a whole number between minimum and maximum."""
    return vol.All(
        NumberSelector(
            NumberSelectorConfig(
                min=minimum,
                max=maximum,
                step=step,
                unit_of_measurement=unit,
                mode=NumberSelectorMode.BOX,
            )
        ),
        vol.Coerce(int),
    )


OPTIONS_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_SCAN_INTERVAL, default=DEFAULT_SCAN_INTERVAL): _whole_number(
            MIN_SCAN_INTERVAL, MAX_SCAN_INTERVAL, "s"
        ),
        # One number, 0 meaning "poll as in working hours": a switch beside it would leave a
        # number that means nothing while off (the form cannot hide it).
        vol.Required(CONF_OFF_HOURS_INTERVAL, default=DEFAULT_OFF_HOURS_INTERVAL): _whole_number(
            0, MAX_OFF_HOURS_INTERVAL, "min", step=5
        ),
        vol.Required(CONF_CALENDAR_DAYS, default=DEFAULT_CALENDAR_DAYS): _whole_number(
            MIN_CALENDAR_DAYS, MAX_CALENDAR_DAYS, "d"
        ),
        vol.Required(
            CONF_INCLUDE_UNBOOKABLE, default=DEFAULT_INCLUDE_UNBOOKABLE
        ): BooleanSelector(),
        vol.Required(CONF_REPORT_PRESENCE, default=DEFAULT_REPORT_PRESENCE): BooleanSelector(),
        # The office runs itself: no-shows, check-in on arrival, unbooked use.
        vol.Required(CONF_NO_SHOW_GRACE, default=DEFAULT_NO_SHOW_GRACE): _whole_number(
            1, MAX_NO_SHOW_GRACE, "min"
        ),
        vol.Required(CONF_RELEASE_NO_SHOWS, default=False): BooleanSelector(),
        vol.Required(CONF_CHECK_IN_ON_ARRIVAL, default=False): BooleanSelector(),
        vol.Required(CONF_UNBOOKED_USE_AFTER, default=DEFAULT_UNBOOKED_USE_AFTER): _whole_number(
            1, MAX_UNBOOKED_USE_AFTER, "min"
        ),
    }
)


def _choices(labels: Mapping[str, str]) -> list[SelectOptionDict]:
    return [SelectOptionDict(value=value, label=label) for value, label in labels.items()]


def organization_schema(organizations: Mapping[str, Organization]) -> vol.Schema:
    """Return the form that picks one of the organizations, given by id."""
    names = {key: organization.name for key, organization in organizations.items()}
    return vol.Schema(
        {
            vol.Required(CONF_ORGANIZATION): SelectSelector(
                SelectSelectorConfig(options=_choices(names), mode=SelectSelectorMode.LIST)
            )
        }
    )


def locations_schema(names: Mapping[str, str], current: Collection[str] = ()) -> vol.Schema:
    """Return the form that picks locations; names maps ids to names.

    The current locations that still exist are ticked, or else all of them.
    """
    ticked = [key for key in names if key in current] or list(names)
    return vol.Schema(
        {
            vol.Required(CONF_LOCATIONS, default=ticked): SelectSelector(
                SelectSelectorConfig(
                    options=_choices(names), multiple=True, mode=SelectSelectorMode.LIST
                )
            )
        }
    )
