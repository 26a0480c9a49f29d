"""A Robin (robinpowered.com) API simulator for tests, demos and benchmarks.

It speaks Robin's REST API under `/v1.0` over an in-memory organization (locations, rooms,
users, devices, meetings and presence) whose time follows a controllable clock. It answers in
Robin's envelope (`{"meta": {...}, "data": ...}`, an empty list as `{}`, timestamps with a
`+0000` offset), authenticates with `Authorization: Access-Token <token>`, pages lists with
`page`/`per_page`, and refuses what Robin refuses (double bookings, events of five minutes or
less, disabled or calendar-less rooms) with its status codes and reasons.

    sim = RobinSimulator("demo", now=datetime(2024, 6, 3, 9, 0, tzinfo=UTC))
    async with run_simulator(sim) as base_url:
        ...  # Authorization: Access-Token <sim.token>

`RobinSimulator` holds the state, `app.build_app` serves it over HTTP (each handler sees only
the parts of it listed in `interfaces`), `rules` decides what a booking may do.

Control API (JSON, no auth, outside `/v1.0`, not recorded in `sim.requests`):

* `GET  /_simulator/clock` -> `{"now": iso, "frozen": bool}`
* `POST /_simulator/clock` with `{"freeze": iso}`, `{"advance_seconds": n}` or `{"unfreeze": true}`
* `POST /_simulator/faults` with any of `{"fail_next": {"status": 500, "count": 1}}`,
  `{"rate_limit_next": {"retry_after": 30, "count": 1, "http_date": false}}` (`"status": 503`
  for Service Unavailable with that Retry-After),
  `{"hang_next": {"count": 1}}`, `{"malformed_next": {"count": 1}}`,
  `{"empty_list_next": {"count": 1}}`, `{"drop_next": {"count": 1}}`,
  `{"overlap_next_page": {"count": 1, "by": 1}}` (an event list's next page after a first
  starts `by` items early, repeating the end of the page before),
  (most take `path` and `method` to wait for one request; `fail_next` and `hang_next` take
  `"after_commit": true` to make the change first), `{"latency": 0.2}`,
  `{"location_events_supported": false}`, `{"reduced_free_busy_spaces": true}` (free/busy
  lists each room as `{id, location_id, name}` only), `{"clear": true}`,
  `{"location_time_zone": {"location_id": n, "time_zone": "America/Nowhere"}}` (what the
  API reports as the location's time zone; `null` reports the real one again)
* `GET  /_simulator/requests` -> `[{"method", "path", "query", "status", "at", "retry_after"}]`;
  `DELETE` forgets them
* `POST /_simulator/presence` with `{"space_id": n, "present": true|false}`
  (optional `user_id`, `device_id`, `ttl`; `"active": false` adds a session that has ended
  but is still listed, `session_active: false`), or `{"location_id": n, "present": ...}`:
  presence in the location but in none of its spaces (`space_id: null`)
* `POST /_simulator/revoke` with `{"token": t}`

Mistakes in control requests answer `400 {"error": "..."}`. Under `/v1.0` an unexpected
exception is a bug in the simulator and answers 500, never a Robin-like refusal.
"""

from .clock import SimClock
from .faults import Faults
from .records import RequestRecord
from .server import run_simulator
from .simulator import ACCOUNT_TOKEN, DEFAULT_TOKEN, READ_ONLY_TOKEN, RobinSimulator

__all__ = [
    "ACCOUNT_TOKEN",
    "DEFAULT_TOKEN",
    "READ_ONLY_TOKEN",
    "Faults",
    "RequestRecord",
    "RobinSimulator",
    "SimClock",
    "run_simulator",
]
