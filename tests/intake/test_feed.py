"""Reading a debt early-warning feed: every field rule, and malformed input of every kind."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from wijkteamkit.intake.feed import (
    FIELDS,
    MAX_LINE_BYTES,
    RAW_LIMIT,
    REQUIRED,
    DebtReport,
    Feed,
    FeedError,
    FeedRow,
    feed_format,
    read_feed,
)

TODAY = date(2026, 1, 1)
HEADER = ",".join(FIELDS)
GOOD = {
    "external_id": "R-1",
    "signal_date": "2025-03-01",
    "creditor_kind": "housing",
    "creditor": "Woonstichting Voorbeeld",
    "surname": "Jansen",
    "initials": "J.P.",
    "postcode": "6535 ab",
    "house_number": "12",
    "house_number_suffix": "a",
    "birth_date": "1970-05-01",
    "arrears_eur": "1234.5",
    "arrears_since": "2024-11-01",
    "phone": "+31 6 1234 5678",
    "email": "j.jansen@example.org",
}


def csv_line(values: dict[str, str]) -> str:
    """The row as a CSV writer writes it (quoted where needed), without a line end."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([values[name] for name in FIELDS])
    return buffer.getvalue().removesuffix("\n")


def raw_line(values: dict[str, str]) -> str:
    """The row's fields joined by commas as they are (to write broken CSV)."""
    return ",".join(values[name] for name in FIELDS)


def read(text: str | bytes, kind: str = "csv") -> list[FeedRow]:
    data = text.encode() if isinstance(text, str) else text
    return list(Feed(io.BytesIO(data), "csv" if kind == "csv" else "jsonl", TODAY))


def one(**changes: str) -> FeedRow:
    [row] = read(HEADER + "\n" + csv_line(GOOD | changes) + "\n")
    return row


def test_a_good_row_is_read_and_normalised() -> None:
    row = one()
    assert row.row == 2 and row.reasons == ()
    assert row.report is not None
    assert row.report.postcode == "6535AB"
    assert row.report.house_number == 12
    assert row.report.house_number_suffix == "A"
    assert row.report.arrears_eur == Decimal("1234.50")
    assert row.report.signal_date == date(2025, 3, 1)
    assert row.raw == GOOD


def test_optional_fields_may_be_empty() -> None:
    empty = dict.fromkeys(
        ("house_number_suffix", "birth_date", "arrears_eur", "arrears_since", "phone", "email"), ""
    )
    row = one(**empty)
    assert row.report is not None and row.report.arrears_eur is None


@pytest.mark.parametrize(
    ("field", "bad", "reason"),
    [
        ("signal_date", "2025-02-30", "signal_date: is not a date in the calendar"),
        ("signal_date", "01-03-2025", "signal_date: is not a date; write it as YYYY-MM-DD"),
        ("signal_date", "1700000000", "signal_date: is not a date"),
        ("signal_date", "2026-01-02", "signal_date: lies in the future"),
        ("signal_date", "1899-12-31", "signal_date: lies before 1900-01-01"),
        ("birth_date", "2027-01-01", "birth_date: lies in the future"),
        ("arrears_eur", "-5.00", "arrears_eur: is negative"),
        ("arrears_eur", "12,50", "use a dot, not a comma"),
        ("arrears_eur", "twelve", "arrears_eur: is not an amount"),
        ("arrears_eur", "1.234", "arrears_eur: has more than two decimals"),
        ("arrears_eur", "10000000.01", "arrears_eur: is implausibly large"),
        ("creditor_kind", "gas", "creditor_kind: Input should be 'housing'"),
        ("postcode", "653 AB", "postcode: is not a Dutch postcode"),
        ("house_number", "0", "house_number: Input should be greater than or equal to 1"),
        ("house_number", "100000", "house_number: Input should be less than or equal to 99999"),
        ("house_number", "12a", "house_number: is not a whole number"),
        ("house_number_suffix", "toolong7", "house_number_suffix: is not a house number suffix"),
        ("house_number_suffix", "a-b", "house_number_suffix: is not a house number suffix"),
        ("initials", "J.1", "initials: are not initials"),
        ("phone", "12345", "phone: is not a phone number"),
        ("phone", "06+12345678", "phone: is not a phone number"),
        ("email", "no-at-sign.example.org", "email: is not an e-mail address"),
        ("creditor", "x" * 201, "creditor: String should have at most 200 characters"),
        ("external_id", "R 1", "external_id: is not an id"),
        ("surname", "", "surname: required, but missing or empty"),
    ],
)
def test_a_bad_field_is_refused_with_its_reason_not_its_value(
    field: str, bad: str, reason: str
) -> None:
    row = one(**{field: bad})
    assert row.report is None
    assert any(r.startswith(reason) or reason in r for r in row.reasons), row.reasons
    if len(bad) > 3:
        assert not any(bad in r for r in row.reasons), "a reason repeats the value"


@pytest.mark.parametrize(
    ("field", "good", "parsed"),
    [
        ("signal_date", "2026-01-01", date(2026, 1, 1)),
        ("arrears_eur", "0", Decimal("0.00")),
        ("arrears_eur", "10000000.00", Decimal("10000000.00")),
        ("house_number", "99999", 99999),
        ("house_number_suffix", "bis", "BIS"),
        ("initials", "A-M.", "A-M."),
        ("phone", "06-12345678", "06-12345678"),
        ("email", "a.b@example.org", "a.b@example.org"),
        ("creditor", "x" * 200, "x" * 200),
        ("external_id", "feed:2025/R_1.a-b", "feed:2025/R_1.a-b"),
    ],
)
def test_a_plausible_field_passes(field: str, good: str, parsed: object) -> None:
    row = one(**{field: good})
    assert row.report is not None, row.reasons
    assert getattr(row.report, field) == parsed


def test_every_reason_of_a_row_is_given() -> None:
    row = one(signal_date="2025-02-30", postcode="x", arrears_eur="-1", email="x")
    assert [r.split(":")[0] for r in row.reasons] == [
        "signal_date",
        "postcode",
        "arrears_eur",
        "email",
    ]


def test_dates_after_the_signal_are_refused() -> None:
    assert one(arrears_since="2025-03-02").reasons == ("arrears_since lies after signal_date",)
    assert one(birth_date="2025-03-02").reasons == ("birth_date lies after signal_date",)
    assert one(arrears_since="2025-03-01", birth_date="2025-03-01").report is not None


def test_without_a_today_the_date_in_the_netherlands_is_today() -> None:
    with pytest.raises(ValueError, match="lies in the future"):
        DebtReport.model_validate(GOOD | {"signal_date": "2199-01-01"})
    assert DebtReport.model_validate(GOOD).signal_date == date(2025, 3, 1)


def test_physical_line_numbers_count_the_header_a_quoted_line_break_and_blank_lines() -> None:
    wrapped = csv_line(GOOD | {"external_id": "R-2", "creditor": "Woon\nstichting"})
    rows = read(
        f"{HEADER}\n{csv_line(GOOD)}\n{wrapped}\n\n{csv_line(GOOD | {'external_id': 'R-3'})}\n"
    )
    assert [r.row for r in rows] == [2, 3, 6]
    assert rows[1].reasons == (
        "creditor: a one-line text contains control character U+000A; remove it",
    )


def test_a_row_with_the_wrong_column_count_is_bad_and_reading_goes_on() -> None:
    short = csv_line(GOOD).rpartition(",")[0]
    rows = read(f"{HEADER}\n{short}\n{csv_line(GOOD)}\n")
    assert rows[0].reasons == (f"has {len(FIELDS) - 1} columns where the header has {len(FIELDS)}",)
    assert rows[0].raw == short
    assert rows[1].report is not None


def test_a_line_that_is_not_csv_is_bad_and_the_next_lines_are_rows() -> None:
    broken = raw_line(GOOD | {"creditor": '"Woon"x'})
    unclosed = raw_line(GOOD | {"creditor": '"Woon'})
    rows = read(f"{HEADER}\n{broken}\n{unclosed}\n{csv_line(GOOD)}\n{csv_line(GOOD)}\n")
    assert [r.row for r in rows] == [2, 3, 4, 5]
    assert rows[0].reasons == ("not a CSV row: ',' expected after '\"'",)
    assert rows[1].report is None and rows[1].raw == unclosed
    assert rows[2].report is not None and rows[3].report is not None


def test_a_quote_left_open_to_the_end_of_the_file_is_one_bad_row() -> None:
    unclosed = raw_line(GOOD | {"creditor": '"Woon'})
    rows = read(f"{HEADER}\n{unclosed}\n{csv_line(GOOD)}")
    assert [(r.row, r.report is None) for r in rows] == [(2, True), (3, False)]
    assert "quoted field is not closed" in rows[0].reasons[0]


def test_a_line_that_is_not_utf8_is_bad_and_reading_goes_on() -> None:
    bad = csv_line(GOOD).replace("Jansen", "Jan\xffsen").encode("latin-1")
    rows = read(f"{HEADER}\n".encode() + bad + b"\n" + csv_line(GOOD).encode() + b"\n")
    assert rows[0].report is None and rows[0].reasons[0].startswith("not UTF-8 (an invalid byte")
    assert "\ufffd" in str(rows[0].raw)
    assert rows[1].report is not None


def test_a_line_too_long_is_bad_and_reading_goes_on() -> None:
    long = b"x" * (MAX_LINE_BYTES + 10)
    rows = read(f"{HEADER}\n".encode() + long + b"\n" + csv_line(GOOD).encode() + b"\n")
    assert rows[0].reasons == (f"the line is longer than {MAX_LINE_BYTES} bytes",)
    assert rows[1].row == 3 and rows[1].report is not None


def test_a_bom_and_crlf_line_ends_are_read() -> None:
    data = b"\xef\xbb\xbf" + f"{HEADER}\r\n{csv_line(GOOD)}\r\n".encode()
    [row] = read(data)
    assert row.report is not None and row.report.email == "j.jansen@example.org"


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\n  \r\n"])
def test_an_empty_file_is_refused_whole(data: bytes) -> None:
    with pytest.raises(FeedError, match="the file is empty"):
        read(data)
    with pytest.raises(FeedError, match="the file is empty"):
        read(data, "jsonl")


def test_a_header_without_a_required_column_is_refused_whole() -> None:
    header = ",".join(name for name in FIELDS if name != "postcode")
    with pytest.raises(FeedError, match=r"the header \(line 1\) lacks postcode;"):
        read(header + "\n")


def test_a_header_with_only_the_required_columns_is_enough() -> None:
    row = read(",".join(REQUIRED) + "\n" + ",".join(GOOD[name] for name in REQUIRED) + "\n")[0]
    assert row.report is not None and row.report.phone is None


def test_a_header_with_an_unknown_column_is_refused_whole() -> None:
    with pytest.raises(FeedError, match="has unknown column"):
        read(HEADER + ",bsn\n")


def test_a_header_naming_a_column_twice_is_refused_whole() -> None:
    with pytest.raises(FeedError, match="names postcode more than once"):
        read(HEADER + ",postcode\n")


def test_a_semicolon_header_is_refused_with_a_hint() -> None:
    with pytest.raises(FeedError, match="not separated by ';'"):
        read(HEADER.replace(",", ";") + "\n")


def test_a_header_that_is_not_utf8_is_refused_whole() -> None:
    with pytest.raises(FeedError, match="cannot be read: not UTF-8"):
        read(HEADER.encode() + b"\xff\n")


def test_header_names_are_matched_without_case_or_spaces() -> None:
    header = ", ".join(name.upper() for name in FIELDS)
    assert read(header + "\n" + csv_line(GOOD) + "\n")[0].report is not None


def json_line(values: dict[str, object]) -> str:
    return json.dumps(values)


def test_json_lines_rows_take_numbers_and_null() -> None:
    values: dict[str, object] = GOOD | {"house_number": 12, "arrears_eur": 12.5, "email": None}
    [row] = read(json_line(values) + "\n", "jsonl")
    assert row.report is not None
    assert row.report.arrears_eur == Decimal("12.50") and row.report.email is None
    assert row.row == 1


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"external_id": "R-1",', "not JSON: "),
        ('["R-1", "2025-03-01"]', "not a JSON object but a list"),
        (json_line(GOOD | {"bsn": "123456782"}), "bsn: not a field of the feed"),
        (json_line(GOOD | {"house_number": True}), "house_number: is not a whole number"),
        (json_line(GOOD | {"house_number": 12.5}), "house_number: is not a whole number"),
        (json_line(GOOD | {"signal_date": 20250301}), "signal_date: is not a date"),
    ],
)
def test_a_bad_json_line_is_bad_and_reading_goes_on(line: str, reason: str) -> None:
    rows = read(f"{line}\n{json_line(GOOD)}\n", "jsonl")
    assert rows[0].report is None and any(r.startswith(reason) for r in rows[0].reasons), rows[
        0
    ].reasons
    assert rows[1].row == 2 and rows[1].report is not None


def test_the_format_comes_from_the_name_or_is_given() -> None:
    assert feed_format("a.CSV") == "csv"
    assert feed_format("a.jsonl") == feed_format("a.ndjson") == "jsonl"
    assert feed_format("a.txt", "jsonl") == "jsonl"
    with pytest.raises(FeedError, match=r"cannot tell the format of 'a\.txt'"):
        feed_format("a.txt")
    with pytest.raises(FeedError, match="unknown feed format 'xml'"):
        feed_format("a.csv", "xml")


def test_read_feed_takes_a_path(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_text(f"{HEADER}\n{csv_line(GOOD)}\n", encoding="utf-8")
    [row] = read_feed(path, today=TODAY)
    assert row.report is not None


def test_reading_streams_instead_of_reading_the_file_whole() -> None:
    data = (HEADER + "\n" + (csv_line(GOOD) + "\n") * 100_000).encode()
    feed = Feed(io.BytesIO(data), "csv", TODAY)
    rows = iter(feed)
    next(rows)
    assert feed.bytes_read < 2 * len(csv_line(GOOD)) + len(HEADER) + 10 < len(data) / 1000


def test_a_long_row_is_read_whole_and_only_a_bad_line_is_cut() -> None:
    long = one(creditor="x" * 3000)
    assert long.reasons == ("creditor: String should have at most 200 characters",)
    broken = raw_line(GOOD | {"creditor": "x" * 3000 + ",extra"})
    [bad] = read(f"{HEADER}\n{broken}\n")
    assert isinstance(bad.raw, str) and len(bad.raw) == RAW_LIMIT
