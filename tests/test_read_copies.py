"""The copies of bookings read beyond the window, which edits from the calendar compare with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from custom_components.robin.api import Event
from custom_components.robin.read_copies import ReadCopies

NOON = datetime(2027, 1, 5, 12, 0, tzinfo=UTC)


def _copy(event_id: str, title: str = "Vendor call") -> Event:
    return Event(id=event_id, title=title, start=NOON, end=NOON + timedelta(minutes=30))


def test_the_copy_last_read_is_the_one_kept() -> None:
    copies = ReadCopies()
    copies.remember(_copy("a"))
    renamed = _copy("a", title="Vendor call (Acme)")
    copies.remember(renamed)
    assert copies.get("a") is renamed
    copies.forget("a")
    assert copies.get("a") is None


def test_the_copies_read_longest_ago_go_first() -> None:
    """A calendar read of years keeps memory bounded; what a view shows now stays."""
    copies = ReadCopies(kept=2)
    first, second, third = _copy("a"), _copy("b"), _copy("c")
    copies.remember(first)
    copies.remember(second)
    copies.remember(first)  # read again: now the latest
    copies.remember(third)
    assert (copies.get("a"), copies.get("b"), copies.get("c")) == (first, None, third)
