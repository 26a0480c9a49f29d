"""Home Assistant's reports of a deprecated use, as the tests and the smoke test read them."""

from scripts.robin_demo.reports import reports_about_robin

# Home Assistant 2026.11's own wording (helpers/frame.py, helpers/deprecation.py).
FRAME_REPORT = (
    "2026-11-27 02:11:58.900+00:00 WARNING (MainThread) [homeassistant.helpers.frame] Detected"
    " that custom integration 'robin' calls async_forward_entry_setup for integration, robin"
    " with title: Acme Robotics and entry_id: 01J, which is deprecated at"
    " custom_components/robin/__init__.py, line 60: await hass.config_entries.async_forward_"
    "entry_setup(entry, platform). This will stop working in Home Assistant 2027.6, please"
    " create a bug report at https://github.com/robin-home-assistant/robin-home-assistant/issues"
)
UNTESTED_NOTICE = (
    "WARNING (SyncWorker_0) [homeassistant.loader] We found a custom integration robin which"
    " has not been tested by Home Assistant. This component might cause stability problems,"
    " be sure to disable it if you experience issues with Home Assistant"
)
POLL_FAILED = (
    "ERROR (MainThread) [custom_components.robin] Error fetching robin data: Robin is rate"
    " limiting requests"
)
DEPRECATED_CONSTANT = (
    "WARNING homeassistant.const: The deprecated constant ATTR_VIA_DEVICE was used from robin."
    " It will be removed in HA Core 2027.8. Use via_device_id instead, please create a bug"
    " report at https://github.com/robin-home-assistant/robin-home-assistant/issues"
)


def test_reports_of_the_integrations_deprecated_uses_are_found() -> None:
    """Both kinds of report name this integration, and both are found."""
    assert reports_about_robin([FRAME_REPORT, DEPRECATED_CONSTANT]) == [
        FRAME_REPORT,
        DEPRECATED_CONSTANT,
    ]


def test_other_lines_about_robin_are_not_reports() -> None:
    """Warnings every custom integration gets, Robin's own failures and other integrations'
    reports are not this integration's deprecated uses."""
    lines = [
        UNTESTED_NOTICE,
        POLL_FAILED,
        FRAME_REPORT.replace("'robin'", "'robinhood'"),
        DEPRECATED_CONSTANT.replace("from robin.", "from robinhood."),
    ]
    assert reports_about_robin(lines) == []
