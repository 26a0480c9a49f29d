"""Assembling the aiohttp application."""

from typing import TYPE_CHECKING

from aiohttp import web

from .handlers.catalogue import CatalogueApi
from .handlers.control import ControlApi, control_errors
from .handlers.events import EventsApi
from .handlers.free_busy import FreeBusyApi
from .handlers.identity import IdentityApi
from .handlers.locations import LocationsApi
from .handlers.presence_reports import PresenceReportsApi
from .handlers.spaces import SpacesApi
from .middleware import api_middleware

if TYPE_CHECKING:
    from .simulator import RobinSimulator


def build_app(sim: RobinSimulator) -> web.Application:
    """The app serving `/v1.0` (Robin) and `/_simulator` (control)."""
    app = web.Application(middlewares=[api_middleware(sim), control_errors])
    for api in (
        IdentityApi(sim),
        LocationsApi(sim),
        SpacesApi(sim),
        EventsApi(sim),
        FreeBusyApi(sim),
        ControlApi(sim),
        PresenceReportsApi(sim),
        CatalogueApi(sim),
    ):
        app.add_routes(api.routes())

    async def release_hanging(_app: web.Application) -> None:
        sim.faults.release_hanging()

    app.on_shutdown.append(release_hanging)
    return app
