"""The log of API requests the simulator served, for tests to inspect."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class RequestRecord:
    """One `/v1.0` request (status 0 while it is still hanging)."""

    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    status: int = 0
    at: datetime | None = None  # the simulator clock when the request arrived
    retry_after: str | None = None  # the Retry-After header of the answer (429, 503)
