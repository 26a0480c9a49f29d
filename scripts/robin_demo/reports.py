"""Home Assistant's reports of a deprecated or wrong use of its API by this integration.

A user finds them in the log as "Detected that custom integration 'robin' ..." (frame
reports) or "The deprecated ... was used from robin." (deprecated constants and
functions); each names the use that a later release stops accepting. The integration
tests fail on any (tests/integration/conftest.py), and so does the smoke test on the newest
release, which reads Home Assistant's log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .integration import DOMAIN

REPORT = re.compile(rf"integration '{DOMAIN}' |The deprecated .+ was .+ from {DOMAIN}\.", re.ASCII)


def reports_about_robin(messages: Iterable[str]) -> list[str]:
    """The messages (log records' or log lines) that report this integration's use."""
    return [message for message in messages if REPORT.search(message)]
