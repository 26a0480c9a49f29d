"""The one error the demo and the smoke test stop for."""


class DemoError(Exception):
    """Something the demo cannot go on without; the message says what."""
