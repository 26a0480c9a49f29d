"""Assembling the aiohttp application from a simulator.

The simulator knows nothing of HTTP; this module gives each handler only the parts of the
simulator it uses (see `interfaces`).
"""

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
from .simulator import RobinSimulator


def build_app(sim: RobinSimulator) -> web.Application:
    """The app serving `/v1.0` (Robin) and `/_simulator` (control) for `sim`."""
    app = web.Application(middlewares=[api_middleware(sim), control_errors])
    for api in (
        IdentityApi(sim, sim.clock),
        LocationsApi(sim, sim.faults),
        SpacesApi(sim, sim.faults),
        EventsApi(sim),
        FreeBusyApi(sim, sim.faults),
        ControlApi(sim),
        PresenceReportsApi(sim, sim.clock, sim.presence_reports),
        CatalogueApi(sim),
    ):
        app.add_routes(api.routes())

    async def release_hanging(_app: web.Application) -> None:
        sim.faults.release_hanging()

    app.on_shutdown.append(release_hanging)
    return app
