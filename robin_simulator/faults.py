"""Runtime switches that make the simulated API misbehave on purpose."""

import asyncio
from collections import deque
from dataclasses import dataclass
from itertools import repeat


@dataclass(frozen=True)
class Failure:
    """Answer with an error status (Robin envelope)."""

    status: int
    path: str | None = None  # only requests whose path contains this
    method: str | None = None  # only requests with this method


@dataclass(frozen=True)
class Drop:
    """Do what was asked, then close the connection without answering (a lost answer)."""

    path: str | None = None
    method: str | None = None


@dataclass(frozen=True)
class RateLimit:
    """Answer 429 (or 503) with a Retry-After header (seconds or an HTTP-date)."""

    retry_after: int  # negative with http_date: a date in the past (a skewed clock)
    http_date: bool
    header: str | None = None  # sent as is instead, e.g. "soon" or an absurd number
    status: int = 429  # 503: unavailable for that long
    path: str | None = None  # only requests whose path contains this
    method: str | None = None  # only requests with this method


@dataclass(frozen=True)
class Hang:
    """Never answer (until the simulator shuts down); nothing is done."""

    path: str | None = None
    method: str | None = None


@dataclass(frozen=True)
class Malformed:
    """Answer 200 with a body that is not valid JSON (truncated JSON unless `body` is given)."""

    body: str | None = None


@dataclass(frozen=True)
class CommitThenFail:
    """Do what was asked, then answer an error status instead of the result (a 5xx after commit)."""

    status: int
    path: str | None = None
    method: str | None = None  # only requests with this method (e.g. PATCH, not GET)


@dataclass(frozen=True)
class CommitThenHang:
    """Do what was asked, then never answer: the client's timeout expires after the commit."""

    path: str | None = None
    method: str | None = None


@dataclass(frozen=True)
class HtmlError:
    """Answer an error status with an HTML page, as a proxy in front of Robin would."""

    status: int


@dataclass(frozen=True)
class Serve:
    """Serve the request as usual: lets the first matching requests through a fault queued next."""

    path: str | None = None
    method: str | None = None


@dataclass(frozen=True)
class Hold:
    """Wait until the test lets the request go (`let_go`), then serve it as usual.

    A poll paused half-way: what it read before the hold it read before the test's changes.
    """

    path: str | None = None
    method: str | None = None


@dataclass(frozen=True)
class HoldAnswer:
    """Serve the request, then keep its answer until the test lets it go (`let_go`).

    A read answered before the test's changes and taken in after them.
    """

    path: str | None = None
    method: str | None = None


type Fault = (
    Failure
    | RateLimit
    | Hang
    | Malformed
    | Drop
    | CommitThenFail
    | CommitThenHang
    | HtmlError
    | Serve
    | Hold
    | HoldAnswer
)
# Faults that let the request take effect before they strike (Serve never strikes).
AFTER_COMMIT = (Drop, CommitThenFail, CommitThenHang, Serve, HoldAnswer)


@dataclass(frozen=True)
class EmptyList:
    """Answer a list with `{}` as its data, Robin's quirk for an empty list."""

    path: str | None = None


@dataclass(frozen=True)
class OverlappingPage:
    """Start an event list's next page (after the first) `by` items early.

    Robin pages by offset: bookings added ahead of a page between the reads of two pages
    push the list back, and the next page starts with the end of the one before again.
    """

    by: int
    path: str | None = None


class Faults:
    """Queued one-shot faults plus standing switches; all off by default."""

    def __init__(self) -> None:
        """Start with everything off."""
        self.latency: float = 0.0
        self.location_events_supported: bool = True
        # Free/busy lists each room as `{id, location_id, name}` only, as in robin-api.md §4.10.
        self.reduced_free_busy_spaces: bool = False
        self._queue: deque[Fault] = deque()
        self._released = asyncio.Event()
        self._hanging = asyncio.Event()
        self._let_go = asyncio.Event()
        self._holding = asyncio.Event()
        self._empty_lists: deque[EmptyList] = deque()
        self._overlapping_pages: deque[OverlappingPage] = deque()
        # Standing refusals: path segments -> the status every request under them answers.
        self._refusals: dict[tuple[str, ...], int] = {}

    def refuse(self, status: int, path: str) -> None:
        """Every request to `path` or below it answers `status` until `allow` or `clear`.

        `path` is whole segments ("locations/12" matches /locations/12/presence, not
        /locations/123): a lasting refusal, e.g. a location deleted or the token's access
        to it withdrawn.
        """
        self._refusals[_segments(path)] = status

    def allow(self, path: str) -> None:
        """Stop refusing `path`."""
        self._refusals.pop(_segments(path), None)

    def refusal(self, path: str) -> int | None:
        """The status a standing refusal answers for this path, if one covers it."""
        segments = _segments(path)
        for wanted, status in self._refusals.items():
            width = len(wanted)
            if any(
                segments[start : start + width] == wanted
                for start in range(len(segments) - width + 1)
            ):
                return status
        return None

    def fail_next(
        self,
        status: int = 500,
        count: int = 1,
        *,
        path: str | None = None,
        method: str | None = None,
        after_commit: bool = False,
    ) -> None:
        """The next `count` API requests (to `path`, by `method`) answer `status`.

        With after_commit they take effect first: a 5xx after the change was made.
        """
        fault = CommitThenFail if after_commit else Failure
        self._queue_next(fault(status, path, method), count)

    def serve_next(
        self, count: int = 1, *, path: str | None = None, method: str | None = None
    ) -> None:
        """The next `count` requests (to `path`, by `method`) are served as usual.

        Queued before another fault for the same requests, it makes that fault strike later.
        """
        self._queue_next(Serve(path, method), count)

    def drop_next(
        self, count: int = 1, *, path: str | None = None, method: str | None = None
    ) -> None:
        """The next `count` requests (to `path`, by `method`) take effect; their answer is lost."""
        self._queue_next(Drop(path, method), count)

    def rate_limit_next(
        self,
        retry_after: int = 30,
        count: int = 1,
        *,
        http_date: bool = False,
        header: str | None = None,
        status: int = 429,
        path: str | None = None,
        method: str | None = None,
    ) -> None:
        """The next `count` API requests (to `path`, by `method`) answer 429 with Retry-After.

        `header` is sent as is instead of the Retry-After. With status=503 they answer
        Service Unavailable with the same Retry-After.
        """
        self._queue_next(RateLimit(retry_after, http_date, header, status, path, method), count)

    def hang_next(
        self,
        count: int = 1,
        *,
        path: str | None = None,
        method: str | None = None,
        after_commit: bool = False,
    ) -> None:
        """The next `count` API requests (to `path`, by `method`) never answer.

        With after_commit they take effect first: the client's timeout expires after the change.
        """
        fault = CommitThenHang if after_commit else Hang
        self._queue_next(fault(path, method), count)

    def hold_next(
        self, count: int = 1, *, path: str | None = None, method: str | None = None
    ) -> None:
        """The next `count` requests (to `path`, by `method`) wait for `let_go`, then are served."""
        self._queue_next(Hold(path, method), count)

    def hold_answer_next(
        self, count: int = 1, *, path: str | None = None, method: str | None = None
    ) -> None:
        """The next `count` requests (to `path`, by `method`) are served; their answers wait.

        Each answer is sent once the test calls `let_go` (`wait_until_held` returns once one
        waits): what was read is as it was before the changes the test makes meanwhile.
        """
        self._queue_next(HoldAnswer(path, method), count)

    async def hold(self) -> None:
        """Keep a held request waiting until the test lets it go (or the simulator shuts down)."""
        let_go = self._let_go
        self._holding.set()
        await let_go.wait()

    async def wait_until_held(self) -> None:
        """Return once a request is held. Tests wait on this while the clock is frozen."""
        await self._holding.wait()
        self._holding.clear()

    def let_go(self) -> None:
        """Serve the requests held so far; those held later wait for the next `let_go`."""
        self._let_go.set()
        self._let_go = asyncio.Event()

    def malformed_next(self, count: int = 1, *, body: str | None = None) -> None:
        """The next `count` API requests answer 200 with a non-JSON body (or `body`)."""
        self._queue_next(Malformed(body), count)

    def _queue_next(self, fault: Fault, count: int) -> None:
        """Queue the fault for the next `count` requests it matches; one frozen fault serves all."""
        self._queue.extend(repeat(fault, count))

    def clear(self) -> None:
        """Turn every fault off."""
        self._queue.clear()
        self._empty_lists.clear()
        self._overlapping_pages.clear()
        self._refusals.clear()
        self.latency = 0.0
        self.location_events_supported = True
        self.reduced_free_busy_spaces = False

    def take(self, path: str, method: str | None = None) -> Fault | None:
        """The fault for the request being served, if one is queued for its path (and method)."""
        for fault in self._queue:
            wanted = getattr(fault, "path", None)
            wanted_method = getattr(fault, "method", None)
            if wanted_method is not None and wanted_method != method:
                continue
            if wanted is None or wanted in path:
                self._queue.remove(fault)
                return fault
        return None

    @property
    def pending(self) -> int:
        """How many one-shot faults are still queued."""
        return len(self._queue) + len(self._empty_lists) + len(self._overlapping_pages)

    async def wait_for_release(self) -> None:
        """Block a hanging request until the simulator shuts down."""
        self._hanging.set()
        await self._released.wait()

    async def wait_until_hanging(self) -> None:
        """Return once a request hangs (after its change was made, for commit-then-hang).

        Tests wait on this instead of polling the request log while the clock is frozen.
        """
        await self._hanging.wait()
        self._hanging.clear()

    def release_hanging(self) -> None:
        """Let hanging and held requests finish (called on shutdown)."""
        self._released.set()
        self._let_go.set()

    def rearm(self) -> None:
        """Make future hangs and holds block again (called on start)."""
        self._released = asyncio.Event()
        self._let_go = asyncio.Event()

    def empty_list_next(self, count: int = 1, *, path: str | None = None) -> None:
        """The next `count` list answers (whose path contains `path`) have `{}` as data."""
        self._empty_lists.extend(repeat(EmptyList(path), count))

    def take_empty_list(self, path: str) -> bool:
        """Tell whether this list answer is to be emptied (and use up that fault)."""
        for fault in self._empty_lists:
            if fault.path is None or fault.path in path:
                self._empty_lists.remove(fault)
                return True
        return False

    def overlap_next_page(self, count: int = 1, *, by: int = 1, path: str | None = None) -> None:
        """The next `count` event list pages after a first (whose path contains `path`) overlap.

        Each starts `by` items before where it should: the last `by` items of the page
        before are listed again, as when that many bookings were added ahead of them in
        Robin between the two page reads.
        """
        self._overlapping_pages.extend(repeat(OverlappingPage(by, path), count))

    def take_page_overlap(self, path: str, page: int) -> int:
        """Return how many items early this event list page starts (and use up that fault)."""
        if page == 1:  # nothing was read before the first page
            return 0
        for fault in self._overlapping_pages:
            if fault.path is None or fault.path in path:
                self._overlapping_pages.remove(fault)
                return fault.by
        return 0

    def html_error_next(self, status: int = 502, count: int = 1) -> None:
        """The next `count` API requests answer `status` with a proxy's HTML page."""
        self._queue_next(HtmlError(status), count)

    @property
    def queued(self) -> int:
        """How many one-shot faults other than empty lists are still queued."""
        return len(self._queue)

    @property
    def empty_lists_queued(self) -> int:
        """How many empty-list faults are still queued."""
        return len(self._empty_lists)


def _segments(path: str) -> tuple[str, ...]:
    return tuple(segment for segment in path.split("/") if segment)
