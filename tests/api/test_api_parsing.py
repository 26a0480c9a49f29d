"""The tolerant readers and the writers of Robin's values."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.robin.api import RobinMalformedResponseError
from custom_components.robin.api.parsing import (
    as_list,
    as_object,
    flag,
    format_timestamp,
    format_utc,
    html_to_text,
    optional_float,
    optional_id,
    optional_int,
    parse_date_time_zone,
    parse_time_of_day,
    parse_timestamp,
    required_int,
    strings,
    zone,
)

NINE_UTC = datetime(2024, 6, 3, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "2024-06-03T09:00:00+0000",
        "2024-06-03T09:00:00+00:00",
        "2024-06-03T09:00:00Z",
        "2024-06-03T09:00:00z",
        "2024-06-03T10:00:00+0100",
        "2024-06-03T05:00:00-0400",
        "2024-06-03T09:00:00.000Z",
        "2024-06-03T09:00:00",  # no offset: UTC
        " 2024-06-03T09:00:00Z ",
        {"date": "2024-06-03 09:00:00.000000", "timezone_type": 3, "timezone": "UTC"},
        {"date": "2024-06-03 10:00:00.000000", "timezone_type": 3, "timezone": "Europe/London"},
        {"date": "2024-06-03 11:00:00.000000", "timezone_type": 1, "timezone": "+02:00"},
        {"date": "2024-06-03 09:00:00.000000", "timezone_type": 2, "timezone": "GMT"},
        {"date_time": "2024-06-03T10:00:00+0100", "time_zone": "Europe/London"},
    ],
)
def test_timestamps(value: object) -> None:
    assert parse_timestamp(value) == NINE_UTC


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "yesterday",
        12345,
        [],
        {},
        {"date": 5, "timezone_type": 3, "timezone": "UTC"},
        {"date": "not a date", "timezone_type": 3, "timezone": "UTC"},
        {"date": "2024-06-03 09:00:00", "timezone_type": 3, "timezone": "Nowhere/Land"},
        {"date": "2024-06-03 09:00:00", "timezone_type": 2, "timezone": "EDT"},
        {"date": "2024-06-03 09:00:00", "timezone_type": 1, "timezone": "garbage"},
        {"date": "2024-06-03 09:00:00", "timezone_type": 3, "timezone": None},
        {"date_time": None, "time_zone": "UTC"},
    ],
)
def test_unreadable_timestamps_are_none(value: object) -> None:
    assert parse_timestamp(value) is None


def test_date_time_zone() -> None:
    moment, name = parse_date_time_zone(
        {"date_time": "2024-01-15T09:00:00-0500", "time_zone": "America/New_York"}
    )
    assert name == "America/New_York"
    assert moment == datetime(2024, 1, 15, 14, tzinfo=UTC)
    assert moment is not None
    assert moment.tzinfo == ZoneInfo("America/New_York")
    assert parse_date_time_zone("2024-06-03T09:00:00Z") == (NINE_UTC, None)
    assert parse_date_time_zone(42) == (None, None)
    assert parse_date_time_zone({"time_zone": "UTC"}) == (None, "UTC")
    assert parse_date_time_zone({"date_time": "nope", "time_zone": "UTC"}) == (None, "UTC")
    # A bare wall-clock time with an unknown zone is read as UTC.
    assert parse_date_time_zone({"date_time": "2024-06-03T09:00:00", "time_zone": "X/Y"}) == (
        NINE_UTC,
        "X/Y",
    )


def test_format_timestamp() -> None:
    moment = datetime(2024, 6, 3, 13, 0, 0, 999999, tzinfo=UTC)
    assert format_timestamp(moment, "Europe/London") == "2024-06-03T14:00:00+01:00"
    assert format_timestamp(moment) == "2024-06-03T13:00:00+00:00"
    assert format_utc(moment.astimezone(ZoneInfo("Asia/Tokyo"))) == "2024-06-03T13:00:00Z"
    assert "." not in format_timestamp(datetime.now(UTC), "America/New_York")
    with pytest.raises(ValueError, match="aware"):
        format_timestamp(datetime(2024, 6, 3), "UTC")  # noqa: DTZ001 - the mistake under test
    with pytest.raises(ValueError, match="time zone"):
        format_timestamp(moment, "Not/AZone")


@pytest.mark.parametrize(
    ("html", "text"),
    [
        (None, ""),
        ("", ""),
        ("Plain text, kept\nas is", "Plain text, kept\nas is"),
        ("Fish &amp; chips &lt;3", "Fish & chips <3"),
        ("a < b and c > d", "a < b and c > d"),
        ("Costs < budget\nRevenue > plan", "Costs < budget\nRevenue > plan"),
        ("Host: Ada <ada@example.com>\nAgenda", "Host: Ada <ada@example.com>\nAgenda"),
        ("<P>Shouted</P><o:p></o:p>", "Shouted"),
        ("<!-- a note -->Visible", "Visible"),
        ("Line one<br>Line two<br/>Line three<BR />", "Line one\nLine two\nLine three"),
        ("<p>First</p><p>Second</p>", "First\n\nSecond"),
        ("<div>one</div><div>two</div>", "one\ntwo"),
        ("<ul><li>a</li><li>b</li></ul>", "a\nb"),
        ("<b>Bold</b>\n   text &nbsp;here", "Bold text \xa0here"),
        ("<style>p {color: red}</style><p>Visible</p><script>x()</script>", "Visible"),
        ('<a href="https://x.example">link</a> &#8212; done', "link \u2014 done"),
        ("<p>a</p><br><br><br><p>b</p>", "a\n\nb"),
    ],
)
def test_html_to_text(html: str | None, text: str) -> None:
    assert html_to_text(html) == text


# Plain text as a user types it in Home Assistant: lines, comparisons with < and >, e-mail
# addresses in <>, no character references ("&" is left out: "&copy" is one).
_PLAIN_TEXT = st.lists(
    st.text(st.characters(exclude_characters="<&", exclude_categories=("Cs",))), min_size=1
).map(" < ".join) | st.from_regex(r"[a-z0-9._-]{1,20}@[a-z0-9-]{1,20}", fullmatch=True).map(
    lambda address: f"Host: Ada <{address}.example>\nAgenda"
)


# A cold machine may draw the first examples slowly; that says nothing of the reader.
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(_PLAIN_TEXT)
def test_plain_text_reads_as_written(text: str) -> None:
    assert html_to_text(text) == text.strip()


def test_scalars() -> None:
    assert optional_int({"v": "42"}, "v") == 42
    assert optional_int({"v": " -3 "}, "v") == -3
    assert optional_int({"v": 4.0}, "v") == 4
    assert optional_int({"v": 4.5}, "v") is None
    assert optional_int({"v": True}, "v") is None
    assert optional_int({"v": "four"}, "v") is None
    assert required_int({"v": 7}, "v") == 7
    with pytest.raises(RobinMalformedResponseError):
        required_int({}, "v")
    assert optional_float({"v": "51.5"}, "v") == 51.5
    assert optional_float({"v": "north"}, "v") is None
    assert optional_float({"v": False}, "v") is None
    assert optional_float({"v": [1]}, "v") is None
    assert optional_id({"v": 123}, "v") == "123"
    assert optional_id({"v": ""}, "v") is None
    assert optional_id({"v": True}, "v") is None
    assert [flag({"v": v}, "v") for v in (True, 1, 0, "true", "1", "no", None)] == [
        True,
        True,
        False,
        True,
        True,
        False,
        False,
    ]
    assert strings("scheduling") == ("scheduling",)
    assert strings("") == ()
    assert strings(["a", 1, None, "", "b"]) == ("a", "b")
    assert strings({}) == ()


def test_containers() -> None:
    assert as_list({}, "x") == []
    assert as_list(None, "x") == []
    assert as_list([1], "x") == [1]
    with pytest.raises(RobinMalformedResponseError):
        as_list({"a": 1}, "x")
    with pytest.raises(RobinMalformedResponseError):
        as_list("text", "x")
    with pytest.raises(RobinMalformedResponseError):
        as_object([], "x")


def test_time_of_day() -> None:
    assert parse_time_of_day("08:30") == time(8, 30)
    assert parse_time_of_day("17:00:00") == time(17)
    assert parse_time_of_day("24:00") == time.max
    assert parse_time_of_day("25:00") is None
    assert parse_time_of_day(830) is None


def test_fixed_offset_php_zone() -> None:
    parsed = parse_timestamp(
        {"date": "2024-06-03 09:00:00.000000", "timezone_type": 1, "timezone": "-04:00"}
    )
    assert parsed == datetime(2024, 6, 3, 9, tzinfo=timezone(timedelta(hours=-4)))
    assert date(2024, 6, 3) == parsed.date()


@pytest.mark.parametrize("name", ["America/Nowhere", "America/", "../etc/passwd", "A" * 300])
def test_a_time_zone_name_that_is_no_zone_is_none(name: str) -> None:
    # A name too long for a file name makes zoneinfo raise OSError, not a lookup error.
    assert zone(name) is None
