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

from .const import (
    CONF_CHECK_IN_ON_ARRIVAL,
    CONF_RELEASE_NO_SHOWS,
    CONF_REPORT_PRESENCE,
    DEFAULT_REPORT_PRESENCE,
    DOMAIN,
    ISSUE_NO_CHECK_IN_DEVICE,
    ISSUE_NO_PRESENCE_DEVICE,
    ISSUE_OFFICE_ACTIONS_READ_ONLY,
    ISSUE_PRESENCE_READ_ONLY,
    ISSUE_READ_ONLY_TOKEN,
)


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


@callback
def async_withdraw_issues_of_options_off(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Withdraw the entry's issues about options it has off: their cause went with them.

    Called as the entry is set up, which sees the options anew, and before anything there can
    fail: not on unload, as a reload keeps the issues whose cause remains (and the user's
    "Ignore" on them), and a setup that fails would never get to withdraw them.
    """
    options = entry.options
    reports_presence = options.get(CONF_REPORT_PRESENCE, DEFAULT_REPORT_PRESENCE)
    checks_in = options.get(CONF_CHECK_IN_ON_ARRIVAL, False)
    releases = options.get(CONF_RELEASE_NO_SHOWS, False)
    off: list[str] = []
    if not reports_presence:
        off += [ISSUE_PRESENCE_READ_ONLY, ISSUE_NO_PRESENCE_DEVICE]
    if not checks_in:
        off.append(ISSUE_NO_CHECK_IN_DEVICE)
    if not (checks_in or releases):
        off.append(ISSUE_OFFICE_ACTIONS_READ_ONLY)
    for key in off:
        ir.async_delete_issue(hass, DOMAIN, entry_issue_id(key, entry.entry_id))


@callback
def async_set_write_scope_issues(
    hass: HomeAssistant, entry: ConfigEntry, *, can_write: bool
) -> None:
    """Tell whether the entry's token can only read, as each setup learns it from Robin.

    While it can only read, the issues that say Robin has no device for Home Assistant are
    withdrawn: nothing is reported or checked in whatever the device, so registering one
    would not help (the issues about the read-only token say what would). With a token that
    can write they come back as before, once presence reports or a check-in miss the device.
    """
    async_set_entry_issue(hass, entry, ISSUE_READ_ONLY_TOKEN, active=not can_write)
    if not can_write:
        async_withdraw_no_device_issues(hass, entry)


@callback
def async_withdraw_no_device_issues(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Withdraw the issues that say Robin has no device for Home Assistant.

    When it has one now, or while the token can only read (no device would help then).
    """
    for key in (ISSUE_NO_PRESENCE_DEVICE, ISSUE_NO_CHECK_IN_DEVICE):
        ir.async_delete_issue(hass, DOMAIN, entry_issue_id(key, entry.entry_id))


@callback
def async_entry_issue_raised(hass: HomeAssistant, entry: ConfigEntry, key: str) -> bool:
    """Tell whether the entry's issue `key` is shown now (also if the user ignored it).

    One kept from before a reload counts; one Home Assistant remembers from before a restart
    does not (it shows only once raised again).
    """
    issue = ir.async_get(hass).async_get_issue(DOMAIN, entry_issue_id(key, entry.entry_id))
    return issue is not None and issue.active
