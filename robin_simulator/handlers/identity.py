"""Who is calling: `/auth`, `/me`, `/me/organizations`, and the organization itself."""

from aiohttp import web

from robin_simulator.clock import SimClock
from robin_simulator.errors import ApiError, not_found
from robin_simulator.interfaces import Organizations
from robin_simulator.middleware import current_grant
from robin_simulator.model import Organization
from robin_simulator.respond import listing, ok
from robin_simulator.serialize import location_json, organization_json, token_json, user_json


class IdentityApi:
    """Token, user and organization endpoints."""

    def __init__(self, directory: Organizations, clock: SimClock) -> None:
        """Serve these organizations on this clock."""
        self.directory = directory
        self.clock = clock

    def routes(self) -> list[web.RouteDef]:
        """The endpoints."""
        return [
            web.get("/v1.0/auth", self.auth),
            web.get("/v1.0/me", self.me),
            web.get("/v1.0/me/organizations", self.my_organizations),
            web.get("/v1.0/organizations/{org}", self.organization),
            web.get("/v1.0/organizations/{org}/locations", self.locations),
        ]

    async def auth(self, request: web.Request) -> web.Response:
        """Information about the calling token."""
        grant = current_grant(request)
        return ok(
            token_json(
                grant,
                self.directory.organization,
                ip=request.remote or "",
                agent=request.headers.get("User-Agent", ""),
                now=self.clock.now(),
            )
        )

    async def me(self, request: web.Request) -> web.Response:
        """The user behind the token."""
        user = self.directory.organization.user(current_grant(request).user_id)
        if user is None:
            raise not_found()
        return ok(user_json(user))

    async def my_organizations(self, request: web.Request) -> web.Response:
        """The caller's organizations; organization-level tokens may not list them."""
        grant = current_grant(request)
        if not grant.can_list_organizations:
            raise ApiError(403, "This token cannot list organizations", reason="forbidden")
        orgs = [
            org for org in self.directory.all_organizations() if org.id in grant.organization_ids
        ]
        return listing(request.query, orgs, lambda org: organization_json(org, with_access=True))

    def _organization(self, request: web.Request) -> Organization:
        """The organization named by id or slug in the path."""
        wanted = request.match_info["org"]
        org = next(
            (o for o in self.directory.all_organizations() if wanted in {str(o.id), o.slug}), None
        )
        if org is None:
            raise not_found()
        if org.id not in current_grant(request).organization_ids:
            raise ApiError(403, "This token has no access to that organization", reason="forbidden")
        return org

    async def organization(self, request: web.Request) -> web.Response:
        """One organization, by id or slug."""
        return ok(organization_json(self._organization(request)))

    async def locations(self, request: web.Request) -> web.Response:
        """The organization's locations, optionally filtered by `query` (name)."""
        org = self._organization(request)
        wanted = request.query.get("query", "").lower()
        found = [loc for loc in org.locations if wanted in loc.name.lower()]
        return listing(request.query, found, location_json)
