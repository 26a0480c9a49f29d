"""Repair issues of one config entry: raised while a problem lasts, withdrawn when it ends.

Not named repairs.py: Home Assistant takes a module of that name for the fix flows of an
integration's issues, and none of these has one (on 2026.3 such a module without
`async_create_fix_flow` broke the "Fix" of every integration's issues).
"""

from __future__ import annotations

from collections.abc import Mapping

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN


def _is_entry_issue(issue_id: str, entry_id: str) -> bool:
    """Tell whether the issue id is one `entry_issue_id` made for the entry."""
    _key, marker, subject = issue_id.partition(f"_{entry_id}")
    return bool(marker) and (not subject or subject.startswith("_"))


def entry_issue_id(key: str, entry_id: str, subject: str | None = None) -> str:
    """Return the id of the entry's issue `key` (translated by `key`).

    One per entry, or with a `subject` one per subject of the entry (e.g. a location).
    """
    issue_id = f"{key}_{entry_id}"
    return issue_id if subject is None else f"{issue_id}_{subject}"


@callback
def async_entry_issue_subjects(hass: HomeAssistant, entry_id: str, key: str) -> set[str]:
    """Return the subjects the entry's issues `key` are raised for now (see `entry_issue_id`)."""
    prefix = entry_issue_id(key, entry_id) + "_"
    return {
        issue_id.removeprefix(prefix)
        for domain, issue_id in ir.async_get(hass).issues
        if domain == DOMAIN and issue_id.startswith(prefix)
    }


@callback
def async_delete_entry_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Withdraw every issue of the entry, whatever its key and subject."""
    registry = ir.async_get(hass)
    for domain, issue_id in list(registry.issues):
        if domain == DOMAIN and _is_entry_issue(issue_id, entry_id):
            ir.async_delete_issue(hass, DOMAIN, issue_id)


@callback
def async_set_entry_issue(
    hass: HomeAssistant,
    entry: ConfigEntry,
    key: str,
    *,
    active: bool,
    severity: ir.IssueSeverity = ir.IssueSeverity.WARNING,
    placeholders: Mapping[str, str] | None = None,
    subject: str | None = None,
) -> None:
    """Show the entry's issue `key` (about `subject`) while `active`, else withdraw it."""
    issue_id = entry_issue_id(key, entry.entry_id, subject)
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
