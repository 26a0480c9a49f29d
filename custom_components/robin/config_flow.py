"""Set up Robin: an access token, the organization and the locations to bring in."""

from __future__ import annotations

from collections.abc import Awaitable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_ACCESS_TOKEN, CONF_URL
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api import (
    DEFAULT_BASE_URL,
    Organization,
    RobinAuthenticationError,
    RobinClient,
    RobinConnectionError,
    RobinForbiddenError,
    RobinMalformedResponseError,
    RobinNotFoundError,
    RobinRateLimitError,
    RobinServerError,
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
    LOGGER,
    SUBENTRY_PRESENCE_SOURCES,
)
from .coordinator import RobinConfigEntry
from .presence_sources_flow import PresenceSourcesFlow


class RobinSetupError(HomeAssistantError):
    """A check with Robin failed in a way the form explains: error_key names the text."""

    error_key = "unknown"
    field = "base"


class CannotConnectError(RobinSetupError):
    """Robin could not be reached, or could not answer."""

    error_key = "cannot_connect"


class InvalidAuthError(RobinSetupError):
    """Robin does not accept the access token."""

    error_key = "invalid_auth"


class OrganizationNotFoundError(RobinSetupError):
    """The token cannot see the organization the user named."""

    error_key = "organization_not_found"
    field = CONF_ORGANIZATION


class CannotListOrganizationsError(HomeAssistantError):
    """The token cannot list its organizations (an organization-level one): the user names it."""


def _robin_client(
    hass: HomeAssistant, url: str, token: str, organization_id: int | None = None
) -> RobinClient:
    """Return a client for the token, in the organization once it is known."""
    return RobinClient(
        async_get_clientsession(hass), token, base_url=url, organization_id=organization_id
    )


@contextmanager
def _robin_failures() -> Iterator[None]:
    """Raise the errors the form explains for Robin's failures; others pass unchanged."""
    try:
        yield
    except RobinAuthenticationError as err:
        raise InvalidAuthError from err
    except (
        RobinConnectionError,
        RobinServerError,
        RobinRateLimitError,
        RobinMalformedResponseError,
    ) as err:
        raise CannotConnectError from err


async def async_validate_token(
    hass: HomeAssistant, url: str, token: str, organization_id: int | None = None
) -> list[Organization]:
    """Check that Robin accepts the token; return the organizations it gives access to.

    With organization_id, return that organization only, or none when the token belongs
    elsewhere. A token that cannot list its organizations can only be asked about
    organization_id; without one, CannotListOrganizationsError is raised.
    """
    client = _robin_client(hass, url, token)
    with _robin_failures():
        # Robin answers 401 for unknown, revoked and expired tokens alike.
        await client.get_token_info()
        try:
            organizations = await client.get_my_organizations()
        except RobinForbiddenError, RobinNotFoundError:
            organizations = None
    if organizations is None:
        # An organization-level token can read its own organization only.
        if organization_id is None:
            raise CannotListOrganizationsError
        try:
            organizations = [await async_get_organization(hass, url, token, organization_id)]
        except OrganizationNotFoundError:
            return []
    if organization_id is None:
        return organizations
    return [o for o in organizations if o.id == organization_id]


async def async_get_organization(
    hass: HomeAssistant, url: str, token: str, organization: int | str
) -> Organization:
    """Return the organization, by id or slug, if the token can see it."""
    # Only an id goes as the tenant: what the user typed may be a slug.
    tenant = organization if isinstance(organization, int) else None
    with _robin_failures():
        try:
            return await _robin_client(hass, url, token, tenant).get_organization(organization)
        except (RobinForbiddenError, RobinNotFoundError) as err:
            raise OrganizationNotFoundError from err


async def async_get_location_names(
    hass: HomeAssistant, url: str, token: str, organization_id: int
) -> dict[str, str]:
    """Return the names of the organization's locations by id, as the form's values."""
    client = _robin_client(hass, url, token, organization_id)
    with _robin_failures():
        locations = await client.get_locations(organization_id)
    return {str(location.id): location.name for location in locations}


async def _async_ask_robin[T](request: Awaitable[T], errors: dict[str, str]) -> T | None:
    """Return Robin's answer, or None after putting the form's error in errors."""
    try:
        return await request
    except CannotListOrganizationsError:
        raise  # not a failure: the flow asks for the organization instead
    except RobinSetupError as err:
        errors[err.field] = err.error_key
    except Exception:  # noqa: BLE001 - any other failure still gets the form an answer
        LOGGER.exception("Unexpected error while asking Robin")
        errors["base"] = "unknown"
    return None


def _clean_url(url: str) -> str:
    return url.strip().rstrip("/")


class RobinConfigFlow(ConfigFlow, domain=DOMAIN):
    """The steps: token and URL, organization, locations; plus reauth and reconfigure."""

    VERSION = 1
    _organization: Organization  # the one being set up, once Robin confirmed it

    def __init__(self) -> None:
        """Start with nothing known."""
        self._token = ""
        self._url = DEFAULT_BASE_URL
        self._organizations: dict[str, Organization] = {}
        self._location_names: dict[str, str] = {}

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
            self._token = user_input[CONF_ACCESS_TOKEN].strip()
            self._url = _clean_url(user_input[CONF_URL])
            try:
                organizations = await _async_ask_robin(
                    async_validate_token(self.hass, self._url, self._token), errors
                )
            except CannotListOrganizationsError:
                # An organization-level token: ask which organization it is for.
                return await self.async_step_organization_manual()
            if organizations is not None:
                self._organizations = {str(o.id): o for o in organizations if o.disabled_at is None}
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
        if not self._organizations:
            return self.async_abort(reason="no_organizations")
        if user_input is not None:
            chosen = self._organizations[user_input[CONF_ORGANIZATION]]
            return await self._async_use_organization(chosen)
        if len(self._organizations) == 1:
            return await self._async_use_organization(next(iter(self._organizations.values())))
        schema = organization_schema(self._organizations)
        return self.async_show_form(step_id="organization", data_schema=schema)

    async def async_step_organization_manual(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the organization's id or slug when the token cannot list them."""
        errors: dict[str, str] = {}
        if user_input is not None:
            wanted = user_input[CONF_ORGANIZATION].strip()
            organization = await _async_ask_robin(
                async_get_organization(self.hass, self._url, self._token, wanted), errors
            )
            if organization is not None:
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
                    title=self._organization.name,
                    data={
                        CONF_ACCESS_TOKEN: self._token,
                        CONF_URL: self._url,
                        CONF_ORGANIZATION_ID: self._organization.id,
                        CONF_LOCATIONS: selected,
                    },
                )
        if not self._location_names:
            names = await _async_ask_robin(
                async_get_location_names(self.hass, self._url, self._token, self._organization.id),
                errors,
            )
            if names is None:
                return self.async_abort(reason=errors["base"])
            if not names:
                return self.async_abort(reason="no_locations")
            self._location_names = names
        current: set[str] = set()
        if self.source == SOURCE_RECONFIGURE:
            current = {str(i) for i in self._get_reconfigure_entry().data[CONF_LOCATIONS]}
        return self.async_show_form(
            step_id="locations",
            data_schema=locations_schema(self._location_names, current),
            errors=errors,
            description_placeholders={"organization": self._organization.name},
        )

    async def _async_check_entry_token(self, entry: RobinConfigEntry) -> dict[str, str]:
        """Return the form's errors for the new token or URL; abort if another org's token."""
        errors: dict[str, str] = {}
        organizations = await _async_ask_robin(
            async_validate_token(
                self.hass, self._url, self._token, entry.data[CONF_ORGANIZATION_ID]
            ),
            errors,
        )
        if organizations is not None:
            # A token without the entry's organization offers none, and None matches no
            # entry. This flow creates no entry, so another open flow of the entry may stay.
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
        errors: dict[str, str] = {}
        if user_input is not None:
            self._token = user_input[CONF_ACCESS_TOKEN].strip()
            self._url = entry.data[CONF_URL]
            if not (errors := await self._async_check_entry_token(entry)):
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
        """Change the API's URL, then the locations."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            self._token = entry.data[CONF_ACCESS_TOKEN]
            self._url = _clean_url(user_input[CONF_URL])
            if not (errors := await self._async_check_entry_token(entry)):
                return await self.async_step_locations()
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                RECONFIGURE_SCHEMA, user_input or {CONF_URL: entry.data[CONF_URL]}
            ),
            errors=errors,
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
