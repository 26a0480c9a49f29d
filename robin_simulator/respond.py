"""Building aiohttp responses in Robin's envelope."""

from collections.abc import Callable
from typing import Any

from aiohttp import web

from .errors import bad_request
from .params import Paging
from .serialize import envelope, robin_list


def ok(data: Any, status: int = 200) -> web.Response:
    """A successful envelope."""
    return web.json_response(envelope(data, status), status=status)


def listing[T](
    source: dict[str, Any] | Any,
    items: list[T],
    to_json: Callable[[T], Any],
    *,
    overlap: Callable[[int], int] | None = None,
) -> web.Response:
    """One page of a list (`source` holds page/per_page); an empty page is `{}`.

    `overlap`: given the page number, how many items early the page starts (a fault).
    """
    paging = Paging.read(source)
    chunk, paging_json = paging.slice(items, early=overlap(paging.page) if overlap else 0)
    return web.json_response(envelope(robin_list([to_json(i) for i in chunk]), paging=paging_json))


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object ({} when there is no body).

    Raises:
        ApiError: 400 when the body is not a JSON object.
    """
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError as err:
        raise bad_request("The request body is not valid JSON") from err
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object")
    return body
