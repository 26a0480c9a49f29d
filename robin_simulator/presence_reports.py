"""Presence reported through the API (`POST`/`DELETE /spaces/{id}/presence`), with TTL expiry.

A session belongs to one identity (a user or a device) in one space. Posting again before its
TTL runs out extends it (Robin answers 200); posting after that opens a new one (201). Sessions
expire on the simulator's clock. Posting far more often than the TTL needs is what Robin may
revoke a token for; the simulator only records it, for tests to look at.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .model import PresenceSession, Space

MAX_TTL_SECONDS = 20 * 60
DEFAULT_TTL_SECONDS = 30
# A refresh sooner than this share of the TTL after the previous post counts as abuse.
ABUSIVE_REFRESH_SHARE = 0.1

type Identity = tuple[str, int]  # ("user", id) or ("device", id)


@dataclass(frozen=True)
class PresenceAbuse:
    """A post that came far sooner than its session's TTL needed."""

    space_id: int
    identity: Identity
    at: datetime
    since_previous: timedelta
    ttl: int


@dataclass
class PresenceReports:
    """The reported sessions of every space, keyed by space and identity."""

    sessions: dict[tuple[int, Identity], PresenceSession] = field(default_factory=dict)
    abuse: list[PresenceAbuse] = field(default_factory=list)

    @staticmethod
    def is_active(session: PresenceSession, now: datetime) -> bool:
        """Whether the session's TTL has not yet run out."""
        seen = session.last_seen_at or session.arrived_at
        return now < seen + timedelta(seconds=session.ttl)

    def report(
        self, space: Space, identity: Identity, ttl: int, now: datetime
    ) -> tuple[PresenceSession, bool]:
        """Create or extend a session; the flag tells whether it is new."""
        key = (space.id, identity)
        current = self.sessions.get(key)
        if current is not None and self.is_active(current, now):
            since_previous = now - (current.last_seen_at or current.arrived_at)
            if since_previous < timedelta(seconds=current.ttl * ABUSIVE_REFRESH_SHARE):
                self.abuse.append(PresenceAbuse(space.id, identity, now, since_previous, ttl))
            current.last_seen_at = now
            current.ttl = ttl
            return current, False
        kind, number = identity
        session = PresenceSession(
            location_id=space.location_id,
            space_id=space.id,
            arrived_at=now,
            user_id=number if kind == "user" else None,
            device_id=number if kind == "device" else None,
            ttl=ttl,
            last_seen_at=now,
        )
        self.sessions[key] = session
        return session, True

    def end(self, space_id: int, identity: Identity) -> None:
        """End the identity's session in the space (nothing happens if there is none)."""
        self.sessions.pop((space_id, identity), None)

    def active_in(self, space_id: int, now: datetime) -> list[PresenceSession]:
        """The unexpired reported sessions in a space, oldest first."""
        return sorted(
            (
                session
                for (session_space, _), session in self.sessions.items()
                if session_space == space_id and self.is_active(session, now)
            ),
            key=lambda session: session.arrived_at,
        )
