"""What a cycle costs: state writes per column, resident memory, garbage collection."""

import gc
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from .columns import entities_of

KIB = 1024
MIB = KIB * KIB
# Enough frames to reach, from an allocation deep in a library, the code that asked for it.
TRACED_FRAMES = 30
INTEGRATION_CODE = "/custom_components/robin/"
HOME_ASSISTANT_CODE = "/homeassistant/"
HOME_ASSISTANT_JSON = "/homeassistant/util/json.py"
OLDEST_GENERATION = 2  # the collector's generation of a full collection


@dataclass
class StateWrites:
    """Counts every state a column writes: changed, and rewritten unchanged.

    `state_changed` with the same state value (attributes only) and `state_reported` (state and
    attributes identical: Home Assistant only stamps `last_reported`) are both an unchanged
    state rewritten.
    """

    hass: HomeAssistant
    column_of: dict[str, str] = field(default_factory=dict)
    written: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def start(self) -> None:
        """Listen to the state machine."""
        self.hass.bus.async_listen(EVENT_STATE_CHANGED, self._changed)
        # state_reported needs a filter; the filter counts and lets nothing through.
        self.hass.bus.async_listen(EVENT_STATE_REPORTED, self._ignore, event_filter=self._reported)

    def refresh_entities(self) -> None:
        """Learn which entity belongs to which column (after a column is set up)."""
        self.column_of = entities_of(self.hass)

    def entity_counts(self, column: str) -> tuple[int, int]:
        """Return how many entities the column registered, and how many of them are enabled."""
        registry = er.async_get(self.hass).entities
        entries = [registry[entity_id] for entity_id, of in self.column_of.items() if of == column]
        return len(entries), sum(1 for entry in entries if entry.disabled_by is None)

    def reset(self) -> None:
        """Start counting a new cycle."""
        self.written.clear()
        self.unchanged.clear()

    @callback
    def _changed(self, event: Event[Any]) -> None:
        column = self.column_of.get(event.data["entity_id"])
        if column is None:
            return
        self.written[column] += 1
        old, new = event.data["old_state"], event.data["new_state"]
        if old is not None and new is not None and old.state == new.state:
            self.unchanged[column] += 1

    @callback
    def _reported(self, event_data: Any) -> bool:
        column = self.column_of.get(event_data["entity_id"])
        if column is not None:
            self.written[column] += 1
            self.unchanged[column] += 1
        return False

    @callback
    def _ignore(self, _event: Event[Any]) -> None:
        """Never called: the filter lets nothing through."""


@dataclass
class CollectorClock:
    """CPU the cyclic garbage collector spends while it runs, and its full collections.

    A full collection walks every object of the process, Home Assistant's included, and
    comes when enough objects have outlived the younger ones: its cost follows the size of
    the whole heap, not the code whose allocation happened to set it off.
    """

    seconds: float = 0.0
    full_collections: int = 0
    _started: float = 0.0

    def __enter__(self) -> Self:
        """Start counting."""
        gc.callbacks.append(self._tick)
        return self

    def __exit__(self, *_exc: object) -> None:
        """Stop counting."""
        gc.callbacks.remove(self._tick)

    def _tick(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.process_time()
            return
        self.seconds += time.process_time() - self._started
        if info["generation"] == OLDEST_GENERATION:
            self.full_collections += 1


def resident_mib() -> float:
    """This process' resident memory after a full collection, in MiB."""
    gc.collect()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / KIB
    msg = "no VmRSS in /proc/self/status"
    raise RuntimeError(msg)


def kept_memory_by_owner(snapshot: tracemalloc.Snapshot) -> dict[str, float]:
    """MiB of the traced allocations still held, by whose code made them.

    The innermost frame of the integration or of Home Assistant decides: JSON strings the
    integration keeps are the integration's, an entity's registry entry Home Assistant's.
    Home Assistant's JSON decoder is skipped: the integration's client decodes with it.
    """
    kept: dict[str, float] = {}
    for trace in snapshot.traces:
        owner = "other"
        for frame in reversed(trace.traceback):  # innermost first
            if INTEGRATION_CODE in frame.filename:
                owner = "integration"
                break
            if frame.filename.endswith(HOME_ASSISTANT_JSON):
                continue
            if HOME_ASSISTANT_CODE in frame.filename:
                owner = "Home Assistant"
                break
        kept[owner] = kept.get(owner, 0.0) + trace.size / MIB
    return kept
