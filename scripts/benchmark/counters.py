"""What a cycle costs: state writes per column, resident memory."""

import gc
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
