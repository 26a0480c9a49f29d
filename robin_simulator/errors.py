"""The one exception handlers raise; the middleware turns it into Robin's error envelope."""


class ApiError(Exception):
    """A Robin API error with its HTTP status and `meta.message`."""

    def __init__(
        self, status: int, message: str, *, reason: str | None = None, domain: str = "api"
    ) -> None:
        """Describe the error; `reason` fills `meta.errors[0].reason`."""
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason
        self.domain = domain


def not_found() -> ApiError:
    """Robin's answer for an unknown id."""
    return ApiError(404, "Object does not exist")


def bad_request(message: str, reason: str = "invalid_request", domain: str = "api") -> ApiError:
    """A 400 with a reason code."""
    return ApiError(400, message, reason=reason, domain=domain)
