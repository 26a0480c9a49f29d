"""Set up Robin: an access token, the organization and the locations to bring in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowContext,
    ConfigFlowResult,
    ConfigSubentryFlow,
    FlowType,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_URL
from homeassistant.core import callback

from .api import Organization
from .config_flow_checks import (
    InvalidAuthError,
    RobinLogin,
    async_active_organizations,
    async_ask_robin,
    async_get_organization,
    async_location_choices,
    async_validate_token,
)
from .config_flow_schemas import (
    OPTIONS_SCHEMA,
    ORGANIZATION_MANUAL_SCHEMA,
    REAUTH_SCHEMA,
    RECONFIGURE_SCHEMA,
    USER_SCHEMA,
    locations_schema,
    organization_schema,
)
from .const import (
    CONF_CHECK_IN_ON_ARRIVAL,
    CONF_LOCATIONS,
    CONF_ORGANIZATION,
    CONF_ORGANIZATION_ID,
    CONF_RELEASE_NO_SHOWS,
    CONF_REPORT_PRESENCE,
    DOMAIN,
    SUBENTRY_PRESENCE_SOURCES,
)
from .coordinator import RobinConfigEntry
from .presence_sources_flow import PresenceSourcesFlow


def new_entry_data(
    login: RobinLogin, organization: Organization, locations: list[int]
) -> dict[str, Any]:
    """Return what a new entry stores: how to reach Robin, and what to bring in."""
    return {
        CONF_ACCESS_TOKEN: login.token,
        CONF_URL: login.url,
        CONF_ORGANIZATION_ID: organization.id,
        CONF_LOCATIONS: locations,
    }


class RobinConfigFlow(ConfigFlow, domain=DOMAIN):
    """The steps: token and URL, organization, locations; plus reauth and reconfigure."""

    VERSION = 1
    _login: RobinLogin
    _organizations: dict[str, Organization] | None  # None: the token cannot list them
    _organization: Organization  # the one being set up, once Robin confirmed it
    _location_names: dict[str, str] | None = None  # the form's choices, once Robin gave them
    _new_token: str | None = None  # a token reconfigure was given, once Robin accepted it

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: RobinConfigEntry) -> RobinOptionsFlow:
        """Return the options flow."""
        return RobinOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls,
        config_entry: RobinConfigEntry,  # noqa: ARG003 - every entry gets them
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Offer a "presence sources" subentry per room."""
        return {SUBENTRY_PRESENCE_SOURCES: PresenceSourcesFlow}

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the access token and the API's URL."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._login = RobinLogin.from_input(user_input)
            self._organizations = await async_ask_robin(
                async_active_organizations(self.hass, self._login), errors
            )
            if not errors:
                return await self.async_step_organization()
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(USER_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_organization(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick one of the token's active organizations, unless it has just one."""
        if self._organizations is None:
            return await self.async_step_organization_manual()
        if not self._organizations:
            return self.async_abort(reason="no_organizations")
        # Those set up already are not offered: picking one could only abort.
        configured = self._async_current_ids()
        offered = {key: o for key, o in self._organizations.items() if key not in configured}
        if not offered:
            return self.async_abort(reason="already_configured")
        if user_input is None and len(offered) > 1:
            schema = organization_schema(offered)
            return self.async_show_form(step_id="organization", data_schema=schema)
        chosen = user_input[CONF_ORGANIZATION] if user_input else next(iter(offered))
        return await self._async_use_organization(self._organizations[chosen])

    async def async_step_organization_manual(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the organization's id or slug when the token cannot list them."""
        errors: dict[str, str] = {}
        if user_input is not None:
            wanted = user_input[CONF_ORGANIZATION].strip()
            organization = await async_ask_robin(
                async_get_organization(self.hass, self._login, wanted), errors
            )
            # As the organization step offers active organizations only.
            if organization is not None and organization.disabled_at is not None:
                errors[CONF_ORGANIZATION] = "organization_disabled"
            elif organization is not None:
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
        errors: dict[str, str] = {}
        if user_input is not None:
            if selected := [int(location_id) for location_id in user_input[CONF_LOCATIONS]]:
                return self._finish(selected)
            errors["base"] = "no_locations_selected"
        if self._location_names is None:
            self._location_names = await async_location_choices(
                self.hass, self._login, self._organization.id
            )
        current: list[int] = []
        if self.source == SOURCE_RECONFIGURE:
            current = self._get_reconfigure_entry().data[CONF_LOCATIONS]
        return self.async_show_form(
            step_id="locations",
            data_schema=locations_schema(self._location_names, {str(i) for i in current}),
            errors=errors,
            description_placeholders={"organization": self._organization.name},
        )

    def _finish(self, locations: list[int]) -> ConfigFlowResult:
        """Create the entry, or update the one being reconfigured."""
        if self.source == SOURCE_RECONFIGURE:
            # Only what this flow changed: a reauth may have stored a new token meanwhile.
            changes = {CONF_URL: self._login.url, CONF_LOCATIONS: locations}
            if self._new_token is not None:
                changes[CONF_ACCESS_TOKEN] = self._new_token
            return self.async_update_reload_and_abort(
                self._get_reconfigure_entry(), data_updates=changes
            )
        data = new_entry_data(self._login, self._organization, locations)
        return self.async_create_entry(title=self._organization.name, data=data)

    async def _async_check_login(
        self, entry: RobinConfigEntry, user_input: Mapping[str, Any] | None
    ) -> dict[str, str]:
        """Return the form's errors for the entry's login with what the user changed."""
        if user_input is None:
            return {}
        self._login = RobinLogin.from_input({**entry.data, **user_input})
        errors: dict[str, str] = {}
        organizations = await async_ask_robin(
            async_validate_token(self.hass, self._login, entry.data[CONF_ORGANIZATION_ID]), errors
        )
        if organizations is not None:
            # Another organization's token offers none, and None matches no unique id.
            # This flow creates no entry, so another open flow of the entry may stay.
            unique_id = str(organizations[0].id) if organizations else None
            await self.async_set_unique_id(unique_id, raise_on_progress=False)
            self._abort_if_unique_id_mismatch(reason="wrong_organization")
            self._organization = organizations[0]
        return errors

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Robin refused the stored token: ask for a new one."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Take a new token of the same organization."""
        entry = self._get_reauth_entry()
        errors = await self._async_check_login(entry, user_input)
        if user_input is not None and not errors:
            token = {CONF_ACCESS_TOKEN: self._login.token}
            return self.async_update_reload_and_abort(entry, data_updates=token)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=REAUTH_SCHEMA,
            errors=errors,
            description_placeholders={"organization": entry.title},
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the API's URL, and the token if that Robin needs another; then the locations."""
        entry = self._get_reconfigure_entry()
        url_in_use = RobinLogin.from_input(entry.data).url
        changes: dict[str, Any] | None = None
        new_token = ""
        if user_input is not None:
            changes = {CONF_URL: user_input[CONF_URL]}
            # Left empty, the field keeps the stored token.
            if new_token := str(user_input.get(CONF_ACCESS_TOKEN) or "").strip():
                changes[CONF_ACCESS_TOKEN] = new_token
        errors = await self._async_check_login(entry, changes)
        if errors and not new_token:
            stored_token_errors = self._stored_token_refused(errors, url_in_use)
            if stored_token_errors is None:
                return await self._async_hand_over_to_reauth(entry)
            errors = stored_token_errors
        if user_input is not None and not errors:
            self._new_token = new_token or None
            return await self.async_step_locations()
        suggested = user_input or {CONF_URL: entry.data[CONF_URL]}
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(RECONFIGURE_SCHEMA, suggested),
            errors=errors,
            description_placeholders={"url": url_in_use},
        )

    def _stored_token_refused(
        self, errors: dict[str, str], url_in_use: str
    ) -> dict[str, str] | None:
        """Return the form's errors when the stored token failed; None: the reauth flow's turn."""
        token_refused = errors.get("base") == InvalidAuthError.error_key
        if token_refused and self._login.url != url_in_use:
            # Another address refusing the token (a typo, another Robin) says nothing of the
            # token: the user checks the address, or enters that Robin's token here.
            return {CONF_URL: "token_refused_at_url"}
        if token_refused or CONF_ACCESS_TOKEN in errors:
            # The Robin in use refuses the stored token itself (or it cannot be sent): the
            # reauth flow says so and takes a new one.
            return None
        return errors

    async def _async_hand_over_to_reauth(self, entry: RobinConfigEntry) -> ConfigFlowResult:
        """Abort, and have the frontend open the entry's reauth flow next."""
        # entry.async_start_reauth does nothing while this reconfigure flow is open.
        reauth = next(iter(entry.async_get_active_flows(self.hass, {SOURCE_REAUTH})), None)
        if reauth is None:
            reauth = await self.hass.config_entries.flow.async_init(
                DOMAIN,
                context=ConfigFlowContext(
                    source=SOURCE_REAUTH,
                    entry_id=entry.entry_id,
                    title_placeholders={"name": entry.title},
                    unique_id=entry.unique_id,
                ),
                data=dict(entry.data),
            )
        return self.async_abort(
            reason="reauth_required", next_flow=(FlowType.CONFIG_FLOW, reauth["flow_id"])
        )


class RobinOptionsFlow(OptionsFlowWithReload):
    """Poll interval, calendar window, rooms shown, and what the office does by itself."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show and save the options; the entry reloads with them."""
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = self._write_options_refused(user_input)
            if not errors:
                return self.async_create_entry(data=user_input)
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                OPTIONS_SCHEMA, user_input or self.config_entry.options
            ),
            errors=errors,
        )

    def _write_options_refused(self, user_input: Mapping[str, Any]) -> dict[str, str]:
        """Refuse options that write to Robin (bookings, presence) when the token can only read."""
        entry: RobinConfigEntry = self.config_entry
        if entry.state is not ConfigEntryState.LOADED or entry.runtime_data.can_write:
            return {}  # not known while not loaded: a repair issue tells after setup
        return {
            option: "read_only_token"
            for option in (CONF_RELEASE_NO_SHOWS, CONF_CHECK_IN_ON_ARRIVAL, CONF_REPORT_PRESENCE)
            if user_input.get(option)
        }
