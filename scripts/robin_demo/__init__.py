"""Robin's rooms in a real Home Assistant, offline: the demo and the newest release's smoke test.

`scripts/demo` runs `python -m scripts.robin_demo` (cli.py); scripts/test's smoke step runs
`python -m scripts.robin_demo.smoke` in .venv-newest. One job per module:

* processes.py    the simulator and `hass` as child processes; waiting for them
* configuration.py  Home Assistant's configuration directory (YAML, HTTP settings, the link)
* ha_client.py    Home Assistant's REST and websocket APIs
* onboarding.py   the owner user, onboarding and the user's tokens
* integration.py  the Robin config entry, through the config and reconfigure flows
* rooms.py        the entry's locations and rooms as Home Assistant registered them
* dashboard.py    the rooms' Lovelace dashboard
* cli.py          the demo's command line: set up what is missing, report, serve
* smoke.py        the newest Home Assistant release: entities present, actions answered
* reports.py      Home Assistant's reports of a deprecated use by the integration
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository: the children's working directory
HOST = "127.0.0.1"  # everything listens here only
