"""The config flow's checks with Robin: the token, the organization and its locations."""

from __future__ import annotations

from collections.abc import Awaitable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from homeassistant.const import CONF_ACCESS_TOKEN, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util.json import json_loads

from .api import (
    Organization,
    RobinAuthenticationError,
    RobinClient,
    RobinConnectionError,
    RobinForbiddenError,
    RobinInvalidTokenError,
    RobinMalformedResponseError,
    RobinNotFoundError,
    RobinRateLimitError,
    RobinServerError,
    normalize_base_url,
)
from .const import CONF_ORGANIZATION, LOGGER


class RobinSetupError(HomeAssistantError):
    """A check with Robin failed in a way the form explains: error_key names the text."""

    error_key = "unknown"
    field = "base"


class CannotConnectError(RobinSetupError):
    """Robin could not be reached, or could not answer."""

    error_key = "cannot_connect"


class RateLimitedError(RobinSetupError):
    """Robin asks the token to wait (429) before it asks again."""

    error_key = "rate_limited"


class InvalidAuthError(RobinSetupError):
    """Robin does not accept the access token."""

    error_key = "invalid_auth"


class InvalidTokenCharactersError(RobinSetupError):
    """The access token holds a character no token has (a line break): it cannot be sent."""

    error_key = "invalid_token_characters"
    field = CONF_ACCESS_TOKEN


class OrganizationNotFoundError(RobinSetupError):
    """The token cannot see the organization the user named."""

    error_key = "organization_not_found"
    field = CONF_ORGANIZATION


class LocationsRefusedError(RobinSetupError):
    """Robin refuses the token the organization's locations (403, or 404)."""

    error_key = "locations_refused"


class CannotListOrganizationsError(HomeAssistantError):
    """The token cannot list its organizations (an organization-level one): the user names it."""


@dataclass(frozen=True)
class RobinLogin:
    """Where Robin's API is and the token to use there."""

    url: str
    token: str = field(repr=False)

    @classmethod
    def from_input(cls, data: Mapping[str, Any]) -> RobinLogin:
        """Return the login a form gave, without the spaces a paste brings.

        The URL is normalised (see `normalize_base_url`): what is stored and what is
        compared with the stored one is the same form of it.
        """
        return cls(normalize_base_url(data[CONF_URL]), data[CONF_ACCESS_TOKEN].strip())

    def client(self, hass: HomeAssistant, organization_id: int | None = None) -> RobinClient:
        """Return a client for the token, in the organization once it is known."""
        session = async_get_clientsession(hass)
        return RobinClient(
            session,
            self.token,
            base_url=self.url,
            organization_id=organization_id,
            json_loads=json_loads,
        )


@contextmanager
def _robin_failures() -> Iterator[None]:
    """Raise the errors the form explains for Robin's failures; others pass unchanged."""
    try:
        yield
    except RobinInvalidTokenError as err:
        raise InvalidTokenCharactersError from err
    except RobinAuthenticationError as err:
        raise InvalidAuthError from err
    except RobinRateLimitError as err:
        # Robin was reached: "check the URL and your connection" would send the user astray.
        raise RateLimitedError from err
    except (
        RobinConnectionError,
        RobinServerError,
        RobinMalformedResponseError,
    ) as err:
        raise CannotConnectError from err


async def async_validate_token(
    hass: HomeAssistant, login: RobinLogin, organization_id: int | None = None
) -> list[Organization]:
    """Check that Robin accepts the token; return the organizations it gives access to.

    With organization_id, return that organization only, or none when the token belongs
    elsewhere. A token that cannot list its organizations can only be asked about
    organization_id; without one, CannotListOrganizationsError is raised.
    """
    client = login.client(hass)
    with _robin_failures():
        # Robin answers 401 for unknown, revoked and expired tokens alike.
        try:
            await client.get_token_info()
        except RobinNotFoundError as err:
            # Robin always has /auth: the URL leads elsewhere (`/v1.0` left out, say).
            raise CannotConnectError from err
        try:
            organizations = await client.get_my_organizations()
        except (RobinForbiddenError, RobinNotFoundError):
            organizations = None
    if organizations is None:
        # An organization-level token can read its own organization only.
        if organization_id is None:
            raise CannotListOrganizationsError
        try:
            organizations = [await async_get_organization(hass, login, organization_id)]
        except OrganizationNotFoundError:
            return []
    if organization_id is None:
        return organizations
    return [o for o in organizations if o.id == organization_id]


async def async_active_organizations(
    hass: HomeAssistant, login: RobinLogin
) -> dict[str, Organization] | None:
    """Return the token's active organizations by id, or None when it cannot list them."""
    try:
        organizations = await async_validate_token(hass, login)
    except CannotListOrganizationsError:
        return None  # an organization-level token: the user names the organization
    return {str(o.id): o for o in organizations if o.disabled_at is None}


async def async_get_organization(
    hass: HomeAssistant, login: RobinLogin, organization: int | str
) -> Organization:
    """Return the organization, by id or slug, if the token can see it."""
    # Only an id goes as the tenant: what the user typed may be a slug.
    tenant = organization if isinstance(organization, int) else None
    with _robin_failures():
        try:
            return await login.client(hass, tenant).get_organization(organization)
        except (RobinForbiddenError, RobinNotFoundError) as err:
            raise OrganizationNotFoundError from err


async def async_get_location_names(
    hass: HomeAssistant, login: RobinLogin, organization_id: int
) -> dict[str, str]:
    """Return the names of the organization's locations by id, as the form's values."""
    client = login.client(hass, organization_id)
    with _robin_failures():
        try:
            locations = await client.get_locations(organization_id)
        except (RobinForbiddenError, RobinNotFoundError) as err:
            raise LocationsRefusedError from err
    return {str(location.id): location.name for location in locations}


async def async_location_choices(
    hass: HomeAssistant, login: RobinLogin, organization_id: int
) -> dict[str, str]:
    """Return the location names to offer; abort the flow when there are none to offer."""
    errors: dict[str, str] = {}
    names = await async_ask_robin(async_get_location_names(hass, login, organization_id), errors)
    if names is None:
        raise AbortFlow(errors["base"])
    if not names:
        raise AbortFlow("no_locations")
    return names


async def async_ask_robin[T](request: Awaitable[T], errors: dict[str, str]) -> T | None:
    """Return Robin's answer, or None after putting the form's error in errors."""
    try:
        return await request
    except RobinSetupError as err:
        errors[err.field] = err.error_key
    except Exception:  # noqa: BLE001 - any other failure still gets the form an answer
        LOGGER.exception("Unexpected error while asking Robin")
        errors["base"] = "unknown"
    return None
