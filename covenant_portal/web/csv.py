"""Every CSV download (kernel: knows no area): one writer, one formula guard, and the response
streamed, so a large CSV is written out as its rows come and never held whole in memory.

The guard. A spreadsheet runs a cell that starts like a formula (CSV injection, OWASP): every text
cell starting with =, +, -, @, a tab, a carriage return or | gets a ' in front, which spreadsheets
show as text. (defusedcsv was considered: it leaves tabs, carriage returns and negative numbers
such as "-1" unguarded and rewrites | inside the text as \\|, so it is not used.)
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from flask import Response, stream_with_context

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|")
CHUNK_CHARACTERS = 16_384  # how much CSV is sent at a time


def no_formula(text: str) -> str:
    """The text as a cell no spreadsheet runs as a formula."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def guarded(cell: object) -> object:
    """A cell as written: text guarded (no_formula), numbers as they are, None as empty."""
    return no_formula(cell) if isinstance(cell, str) else cell


def csv_text(header: Sequence, rows: Iterable[Sequence]) -> Iterator[str]:
    """The CSV (CRLF line ends, as RFC 4180), header first, every cell guarded, in chunks of about
    CHUNK_CHARACTERS, each written as it is asked for."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([guarded(cell) for cell in header])
    for row in rows:
        writer.writerow([guarded(cell) for cell in row])
        if buffer.tell() >= CHUNK_CHARACTERS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def csv_response(filename: str, header: Sequence, rows: Iterable[Sequence]) -> Response:
    """A CSV download of `rows` (any iterable: a generator reads the database as the CSV is sent,
    within the request) named `filename`."""
    return Response(
        stream_with_context(csv_text(header, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
