"""The one CSV writer (web/csv.py): every cell guarded against formulas, and the response streamed,
written as its rows are read."""

import csv
import io

from covenant_portal.web.csv import CHUNK_CHARACTERS, csv_response, csv_text, no_formula


def test_no_formula_guards_every_formula_start():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "|x"):
        assert no_formula(text) == "'" + text
    for text in ("Alder Homes", "", "1", "2026-07-08", "O'Neill = fine"):
        assert no_formula(text) == text


def test_every_text_cell_is_guarded_and_numbers_kept():
    text = "".join(csv_text(["=name", "n"], [['=HYPERLINK("x")', 2], ["@me", None], ["Plain", -1]]))
    assert list(csv.reader(io.StringIO(text))) == [
        ["'=name", "n"],
        ['\'=HYPERLINK("x")', "2"],
        ["'@me", ""],
        ["Plain", "-1"],
    ]
    assert text.endswith("\r\n") and "\r\n" in text[:-2]


def test_the_csv_is_written_as_its_rows_are_read():
    read = []

    def rows():
        for n in range(10_000):
            read.append(n)
            yield [f"Provider {n:05d} Ltd", n]

    chunks = csv_text(["organisation", "n"], rows())
    first = next(chunks)
    assert CHUNK_CHARACTERS <= len(first) < 2 * CHUNK_CHARACTERS
    assert len(read) < 10_000, "the first chunk is sent before every row is read"
    rest = "".join(chunks)
    assert len(read) == 10_000
    assert len(list(csv.reader(io.StringIO(first + rest)))) == 10_001


def test_a_csv_download_is_a_streamed_response(app):
    with app.test_request_context():
        response = csv_response("x.csv", ["a"], iter([["=1"]]))
        assert response.is_streamed
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"] == 'attachment; filename="x.csv"'
        assert response.get_data(as_text=True) == "a\r\n'=1\r\n"
