"""Exceptions raised by the Robin API client.

Every failure of a client method surfaces as a `RobinError`, so callers need one ``except``.
"""

from http import HTTPStatus


class RobinError(Exception):
    """Base class of every error raised by the Robin API client."""


class RobinConnectionError(RobinError):
    """Robin could not be reached (DNS, refused connection, TLS, dropped connection)."""


class RobinTimeoutError(RobinConnectionError):
    """Robin did not answer within the request timeout."""


class RobinMalformedResponseError(RobinError):
    """Robin answered with something that is not the documented JSON envelope."""


class RobinResponseError(RobinError):
    """Robin answered with an error status.

    Attributes:
        status: The HTTP status code (or Robin's ``meta.status_code`` if that reports an error).
        message: Robin's human-readable ``meta.message``, suitable to show a user.
        reasons: The machine-readable ``meta.errors[].reason`` codes, e.g. ``event_conflict``.
        resent: The request went out more than once (aiohttp resends PUT and DELETE once when
            the connection closes before an answer), so an earlier attempt may have taken
            effect and this answer may be about it.
        retry_after: Seconds to wait before the next request, if Robin said so (the
            Retry-After of a 429, or of a 5xx such as 503 Service Unavailable).
    """

    def __init__(
        self,
        status: int,
        message: str = "",
        reasons: tuple[str, ...] = (),
        *,
        resent: bool = False,
        retry_after: float | None = None,
    ) -> None:
        """Store the status, Robin's message and its reason codes."""
        self.status = status
        self.message = message or f"Robin answered with HTTP status {status}"
        self.reasons = reasons
        self.resent = resent
        self.retry_after = retry_after
        super().__init__(self.message)


class RobinAuthenticationError(RobinResponseError):
    """The access token is invalid, revoked or expired (HTTP 401)."""


class RobinInvalidTokenError(RobinAuthenticationError):
    """The access token cannot be sent: it holds a character no token has (a line break).

    Raised before any request, with the status Robin answers a token it does not accept.
    """


class RobinForbiddenError(RobinResponseError):
    """The token may not do this, e.g. a read-only token or an admin-only room (HTTP 403)."""


class RobinNotFoundError(RobinResponseError):
    """The object does not exist, or the endpoint is unknown to this Robin (HTTP 404)."""


class RobinEventNotFoundError(RobinNotFoundError):
    """Robin answered 404 to a request about the event itself: the event no longer exists.

    Raised by every request to an event's own endpoint (its read, change, cancellation,
    check-in and the read of its check-in), so that a caller tells the event's 404 from
    one of another request it made on the way (whose token it is, the devices), which
    raises a plain `RobinNotFoundError`.

    Attributes:
        event_id: The event the request was about.
    """

    def __init__(self, event_id: str, answer: RobinNotFoundError) -> None:
        """Take over Robin's answer (status, message, reasons, resent) to the event's request."""
        super().__init__(
            answer.status,
            answer.message,
            answer.reasons,
            resent=answer.resent,
            retry_after=answer.retry_after,
        )
        self.event_id = event_id


class RobinEventCancelledError(RobinEventNotFoundError):
    """Robin shows the event, marked cancelled: gone all the same, as after a 404.

    Raised where the client reads an event to tell what became of it (its check-in), as
    some Robins keep a cancelled occurrence readable; ``status`` is the 404 it stands for.
    """

    def __init__(self, event_id: str) -> None:
        """Stand for the 404 of an event Robin no longer holds."""
        super().__init__(
            event_id, RobinNotFoundError(HTTPStatus.NOT_FOUND, "Robin shows the event cancelled")
        )


class RobinInvalidIdError(RobinNotFoundError):
    """An id or slug no object has: empty, "." or "..", which a URL cannot carry as a segment.

    A URL drops a "." segment and climbs a level for "..", so the request would reach another
    path. Raised before any request, with the status Robin answers for an unknown object.
    """


class RobinValidationError(RobinResponseError):
    """Robin rejected the request: a booking conflict, a policy or a bad value (HTTP 400)."""


class RobinRateLimitError(RobinResponseError):
    """Robin asks the client to slow down (HTTP 429); `retry_after` says for how long."""


class RobinWaitingError(RobinRateLimitError):
    """Not sent: Robin's last Retry-After lasts, so nothing was changed (a 429 of our own).

    Attributes:
        unavailable: A 5xx asked for the wait (Robin down for a while), not a 429.
    """

    def __init__(self, message: str, *, retry_after: float, unavailable: bool) -> None:
        """Stand for the 429 that sending now would earn."""
        super().__init__(HTTPStatus.TOO_MANY_REQUESTS, message, retry_after=retry_after)
        self.unavailable = unavailable


class RobinServerError(RobinResponseError):
    """Robin failed on its side (HTTP 5xx)."""
