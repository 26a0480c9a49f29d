"""Repair issues of one config entry: raised while a problem lasts, withdrawn when it ends."""

from __future__ import annotations

from collections.abc import Mapping

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN


def entry_issue_id(key: str, entry_id: str) -> str:
    """Return the id of the entry's issue `key` (one per entry, translated by `key`)."""
    return f"{key}_{entry_id}"


@callback
def async_set_entry_issue(
    hass: HomeAssistant,
    entry: ConfigEntry,
    key: str,
    *,
    active: bool,
    severity: ir.IssueSeverity = ir.IssueSeverity.WARNING,
    placeholders: Mapping[str, str] | None = None,
) -> None:
    """Show the entry's issue `key` while `active`, else withdraw it."""
    issue_id = entry_issue_id(key, entry.entry_id)
    if not active:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=severity,
        translation_key=key,
        translation_placeholders={"organization": entry.title, **(placeholders or {})},
    )
