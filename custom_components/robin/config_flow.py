"""Set up Robin: an access token, the organization and the locations to bring in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_SCAN_INTERVAL, CONF_URL
from homeassistant.core import callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
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

from .api import (
    DEFAULT_BASE_URL,
    Organization,
    RobinAuthenticationError,
    RobinClient,
    RobinConnectionError,
    RobinError,
    RobinForbiddenError,
    RobinMalformedResponseError,
    RobinNotFoundError,
    RobinRateLimitError,
    RobinServerError,
)
from .const import (
    CONF_CALENDAR_DAYS,
    CONF_INCLUDE_UNBOOKABLE,
    CONF_LOCATIONS,
    CONF_ORGANIZATION,
    CONF_ORGANIZATION_ID,
    DEFAULT_CALENDAR_DAYS,
    DEFAULT_INCLUDE_UNBOOKABLE,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    MAX_CALENDAR_DAYS,
    MAX_SCAN_INTERVAL,
    MIN_CALENDAR_DAYS,
    MIN_SCAN_INTERVAL,
)
from .coordinator import RobinConfigEntry

TOKEN_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))

USER_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_ACCESS_TOKEN): TOKEN_SELECTOR,
        vol.Required(CONF_URL, default=DEFAULT_BASE_URL): URL_SELECTOR,
    }
)
REAUTH_SCHEMA = vol.Schema({vol.Required(CONF_ACCESS_TOKEN): TOKEN_SELECTOR})
RECONFIGURE_SCHEMA = vol.Schema({vol.Required(CONF_URL): URL_SELECTOR})
ORGANIZATION_MANUAL_SCHEMA = vol.Schema({vol.Required(CONF_ORGANIZATION): TextSelector()})


def _whole_number(minimum: int, maximum: int, unit: str) -> vol.All:
    """Return a box for a whole number between minimum and maximum."""
    return vol.All(
        NumberSelector(
            NumberSelectorConfig(
                min=minimum,
                max=maximum,
                step=1,
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
        vol.Required(CONF_CALENDAR_DAYS, default=DEFAULT_CALENDAR_DAYS): _whole_number(
            MIN_CALENDAR_DAYS, MAX_CALENDAR_DAYS, "d"
        ),
        vol.Required(
            CONF_INCLUDE_UNBOOKABLE, default=DEFAULT_INCLUDE_UNBOOKABLE
        ): BooleanSelector(),
    }
)


def _error_key(err: RobinError) -> str:
    """Return the form error shown for a failed check of the token."""
    if isinstance(err, RobinAuthenticationError):
        return "invalid_auth"
    if isinstance(
        err,
        RobinConnectionError | RobinServerError | RobinRateLimitError | RobinMalformedResponseError,
    ):
        return "cannot_connect"
    return "unknown"


class RobinConfigFlow(ConfigFlow, domain=DOMAIN):
    """The steps: token and URL, organization, locations; plus reauth and reconfigure."""

    VERSION = 1

    def __init__(self) -> None:
        """Start with nothing known."""
        self._token = ""
        self._url = DEFAULT_BASE_URL
        self._organizations: dict[str, Organization] = {}
        self._organization: Organization | None = None
        self._location_names: dict[str, str] = {}

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: RobinConfigEntry) -> RobinOptionsFlow:
        """Return the options flow."""
        return RobinOptionsFlow()

    def _client(self) -> RobinClient:
        organization_id = self._organization.id if self._organization else None
        return RobinClient(
            async_get_clientsession(self.hass),
            self._token,
            base_url=self._url,
            organization_id=organization_id,
        )

    async def _check_token(self) -> str | None:
        """Return an error key, or None when Robin accepts the token."""
        # Robin answers 401 for unknown, revoked and expired tokens alike.
        try:
            await self._client().get_token_info()
        except RobinError as err:
            return _error_key(err)
        return None

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the access token and the API's URL."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._token = user_input[CONF_ACCESS_TOKEN].strip()
            self._url = user_input[CONF_URL].strip().rstrip("/")
            if error := await self._check_token():
                errors["base"] = error
            else:
                try:
                    organizations = await self._client().get_my_organizations()
                except RobinForbiddenError, RobinNotFoundError:
                    # Organization-level tokens cannot list organizations: ask for it.
                    return await self.async_step_organization_manual()
                except RobinError as err:
                    errors["base"] = _error_key(err)
                else:
                    return await self._async_choose_organization(organizations)
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(USER_SCHEMA, user_input),
            errors=errors,
        )

    async def _async_choose_organization(
        self, organizations: list[Organization]
    ) -> ConfigFlowResult:
        active = [
            organization for organization in organizations if organization.disabled_at is None
        ]
        if not active:
            return self.async_abort(reason="no_organizations")
        if len(active) == 1:
            return await self._async_use_organization(active[0])
        self._organizations = {str(organization.id): organization for organization in active}
        return await self.async_step_organization()

    async def async_step_organization(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick one of the token's organizations."""
        if user_input is not None:
            return await self._async_use_organization(
                self._organizations[user_input[CONF_ORGANIZATION]]
            )
        options = [
            SelectOptionDict(value=key, label=organization.name)
            for key, organization in self._organizations.items()
        ]
        return self.async_show_form(
            step_id="organization",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_ORGANIZATION): SelectSelector(
                        SelectSelectorConfig(options=options, mode=SelectSelectorMode.LIST)
                    )
                }
            ),
        )

    async def async_step_organization_manual(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the organization's id or slug when the token cannot list them."""
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                organization = await self._client().get_organization(
                    user_input[CONF_ORGANIZATION].strip()
                )
            except RobinForbiddenError, RobinNotFoundError:
                errors[CONF_ORGANIZATION] = "organization_not_found"
            except RobinError as err:
                errors["base"] = _error_key(err)
            else:
                return await self._async_use_organization(organization)
        return self.async_show_form(
            step_id="organization_manual",
            data_schema=self.add_suggested_values_to_schema(ORGANIZATION_MANUAL_SCHEMA, user_input),
            errors=errors,
        )

    async def _async_use_organization(self, organization: Organization) -> ConfigFlowResult:
        await self.async_set_unique_id(str(organization.id))
        self._abort_if_unique_id_configured()
        self._organization = organization
        return await self.async_step_locations()

    async def async_step_locations(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the locations (offices) whose rooms to bring in; all by default."""
        organization = self._organization
        assert organization is not None  # noqa: S101 - set by _async_use_organization
        errors: dict[str, str] = {}
        if user_input is not None:
            selected = [int(location_id) for location_id in user_input[CONF_LOCATIONS]]
            if not selected:
                errors["base"] = "no_locations_selected"
            elif self.source == SOURCE_RECONFIGURE:
                return self.async_update_reload_and_abort(
                    self._get_reconfigure_entry(),
                    data_updates={CONF_URL: self._url, CONF_LOCATIONS: selected},
                )
            else:
                return self.async_create_entry(
                    title=organization.name,
                    data={
                        CONF_ACCESS_TOKEN: self._token,
                        CONF_URL: self._url,
                        CONF_ORGANIZATION_ID: organization.id,
                        CONF_LOCATIONS: selected,
                    },
                )
        if not self._location_names:
            try:
                locations = await self._client().get_locations(organization.id)
            except RobinError as err:
                return self.async_abort(reason=_error_key(err))
            if not locations:
                return self.async_abort(reason="no_locations")
            self._location_names = {str(location.id): location.name for location in locations}
        default = list(self._location_names)
        if self.source == SOURCE_RECONFIGURE:
            current = {str(i) for i in self._get_reconfigure_entry().data[CONF_LOCATIONS]}
            default = [key for key in self._location_names if key in current] or default
        schema = vol.Schema(
            {
                vol.Required(CONF_LOCATIONS, default=default): SelectSelector(
                    SelectSelectorConfig(
                        options=[
                            SelectOptionDict(value=key, label=name)
                            for key, name in self._location_names.items()
                        ],
                        multiple=True,
                        mode=SelectSelectorMode.LIST,
                    )
                )
            }
        )
        return self.async_show_form(
            step_id="locations",
            data_schema=schema,
            errors=errors,
            description_placeholders={"organization": organization.name},
        )

    async def _check_entry_organization(
        self, organization_id: int
    ) -> tuple[str | None, Organization | None]:
        """Check the token, and that it belongs to the entry's organization.

        Returns an error key when Robin refuses or cannot be asked, else the organization,
        or None when the token belongs to another organization.
        """
        if error := await self._check_token():
            return error, None
        client = self._client()
        try:
            try:
                organizations = await client.get_my_organizations()
            except RobinForbiddenError, RobinNotFoundError:
                # An organization-level token: it can read its own organization only.
                client.organization_id = organization_id
                try:
                    return None, await client.get_organization(organization_id)
                except RobinForbiddenError, RobinNotFoundError:
                    return None, None
        except RobinError as err:
            return _error_key(err), None
        return None, next((o for o in organizations if o.id == organization_id), None)

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Robin refused the stored token: ask for a new one."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Take a new token of the same organization."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            self._token = user_input[CONF_ACCESS_TOKEN].strip()
            self._url = entry.data[CONF_URL]
            error, organization = await self._check_entry_organization(
                entry.data[CONF_ORGANIZATION_ID]
            )
            if error:
                errors["base"] = error
            elif organization is None:
                return self.async_abort(reason="wrong_organization")
            else:
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_ACCESS_TOKEN: self._token}
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=REAUTH_SCHEMA,
            errors=errors,
            description_placeholders={"organization": entry.title},
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the API's URL and the locations."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            self._token = entry.data[CONF_ACCESS_TOKEN]
            self._url = user_input[CONF_URL].strip().rstrip("/")
            error, organization = await self._check_entry_organization(
                entry.data[CONF_ORGANIZATION_ID]
            )
            if error:
                errors["base"] = error
            elif organization is None:
                return self.async_abort(reason="wrong_organization")
            else:
                self._organization = organization
                return await self.async_step_locations()
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                RECONFIGURE_SCHEMA, user_input or {CONF_URL: entry.data[CONF_URL]}
            ),
            errors=errors,
        )


class RobinOptionsFlow(OptionsFlowWithReload):
    """Poll interval, calendar window and whether rooms that cannot be booked are shown."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show and save the options; the entry reloads with them."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                OPTIONS_SCHEMA, self.config_entry.options
            ),
        )
