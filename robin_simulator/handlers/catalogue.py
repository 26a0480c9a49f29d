"""The organization's catalogues: amenities and registered devices."""

from aiohttp import web

from robin_simulator.errors import ApiError, not_found
from robin_simulator.interfaces import Directory
from robin_simulator.middleware import current_grant
from robin_simulator.model import Amenity, Organization
from robin_simulator.respond import listing
from robin_simulator.serialize import amenity_json, device_json


class CatalogueApi:
    """`/organizations/{org}/amenities` and `/organizations/{org}/devices`."""

    def __init__(self, directory: Directory) -> None:
        """Serve this organization."""
        self.directory = directory

    def routes(self) -> list[web.RouteDef]:
        """The endpoints."""
        return [
            web.get("/v1.0/organizations/{org}/amenities", self.amenities),
            web.get("/v1.0/organizations/{org}/devices", self.devices),
        ]

    def _organization(self, request: web.Request) -> Organization:
        wanted = request.match_info["org"]
        org = self.directory.organization
        if wanted not in {str(org.id), org.slug}:
            raise not_found()
        if org.id not in current_grant(request).organization_ids:
            raise ApiError(403, "This token has no access to that organization", reason="forbidden")
        return org

    async def amenities(self, request: web.Request) -> web.Response:
        """Every amenity some space of the organization offers."""
        org = self._organization(request)
        catalogue: dict[int, Amenity] = {}
        for space in org.spaces():
            catalogue.update((amenity.id, amenity) for amenity in space.amenities)
        found = sorted(catalogue.values(), key=lambda amenity: amenity.id)
        return listing(request.query, found, lambda amenity: amenity_json(amenity, org))

    async def devices(self, request: web.Request) -> web.Response:
        """The organization's registered devices."""
        org = self._organization(request)
        return listing(request.query, org.devices, lambda device: device_json(device, org))
