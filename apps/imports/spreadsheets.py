"""Excel workbooks (.xlsx) as CSV: one worksheet becomes a UTF-8 CSV beside the upload, read like any CSV.

Why not GDAL's own XLSX driver (tried): it reads a sheet as an attribute table only, with no X/Y or WKT open
options, so geometry needs a VRT layer on top, and a VRT's PointFromColumns makes a blank or unreadable
easting a point at (0, 0) where the CSV driver gives no geometry. It also holds the whole sheet in memory on
each open (``read_batches`` opens once per batch). openpyxl's read-only mode streams the sheet's XML row by
row, and the CSV it writes goes down the CSV path unchanged: the same column detection, checks and messages
as an uploaded .csv, so a sheet lands where the same CSV lands. The price: openpyxl parses more slowly than
GDAL (here about 6 s against 2 s for 100,000 rows of 8 columns), paid once per sheet as the CSV is kept.

Cells become the text a clerk sees: text cells as typed (``"02001"`` keeps its zero), whole numbers without
``.0`` (``1001``, not ``1001.0``), other numbers to Excel's 15 significant digits, dates as ISO 8601.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import logging
import os
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import load_workbook

logger = logging.getLogger(__name__)

# Excel keeps 15 significant digits of a number; more would show binary noise (0.1 + 0.2 → 0.3000…04).
EXCEL_DIGITS = 15
# A sheet may start with a title ("บัญชีแปลงที่ดิน ต.ทรายทอง ปี 2568") above its header: the header is looked
# for among this many first rows with a value.
HEADER_SEARCH_ROWS = 10
# OLE2 compound file: an old binary .xls, or an .xlsx that Excel encrypted with a password.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class SheetError(Exception):
    """A workbook we cannot read; ``message`` is already translated, ``code`` is stable."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def damaged() -> SheetError:
    return SheetError(
        _(
            "The Excel file is damaged or is not really an .xlsx workbook. Open it in Excel and save it "
            "again as Excel Workbook (.xlsx) or CSV."
        ),
        "xlsx_damaged",
    )


def old_excel(name: str) -> SheetError:
    return SheetError(
        _(
            "%(name)s is an old Excel file (.xls) or a password-protected workbook, which we cannot read. "
            "Remove any password, then in Excel choose Save As → Excel Workbook (.xlsx) or CSV UTF-8, "
            "and upload that file."
        )
        % {"name": name},
        "xls_old_excel",
    )


def cell_text(value) -> str:
    """The text of one cell value as openpyxl returns it (``values_only``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):  # before int: True is an int too
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(value, f".{EXCEL_DIGITS}g")
    if isinstance(value, dt.datetime):
        # openpyxl gives a datetime for every date-formatted cell; a date typed alone is at midnight.
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds" if not value.microsecond else "auto")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True, slots=True)
class Workbook:
    path: Path
    all_sheets: tuple[str, ...]  # every worksheet, for the index in the CSV's file name
    headers: dict[str, list[str]]  # the header of each worksheet with data, in workbook order
    titles: dict[str, int]  # how many rows with a value stand above a sheet's header

    @property
    def sheets(self) -> tuple[str, ...]:
        return tuple(self.headers)


def _load(path: Path):
    # data_only: a formula cell gives the value Excel last computed, not "=B2*4".
    with warnings.catch_warnings():
        # "Data Validation extension is not supported" and the like: about Excel features we do not read.
        warnings.simplefilter("ignore", UserWarning)
        return load_workbook(path, read_only=True, data_only=True)


def _filled_rows(worksheet) -> Iterator[tuple]:
    # Read-only mode trusts the sheet's stated dimension, and some programs write a wrong one (A1 for a
    # full sheet): forget it and read every row the XML holds.
    worksheet.reset_dimensions()
    for values in worksheet.iter_rows(values_only=True):
        if not all(_blank(v) for v in values):
            yield values


def _header(values: tuple) -> list[str]:
    """Column names from the header row: one line each, ending at the last named cell (anything to the right
    of it has no name to map to: usually a clerk's notes), a repeated name numbered."""
    header = [" ".join(cell_text(v).split()) for v in values]
    header = header[: max(i for i, name in enumerate(header) if name) + 1]
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name:
            # Two columns of one name would collapse into one when read.
            seen[name.lower()] = count = seen.get(name.lower(), 0) + 1
            if count > 1:
                header[i] = f"{name}_{count}"
    return header


def _cache_dir(path: Path) -> Path:
    return path.parent / f"{path.stem}.sheets"


def _fresh(cached: Path, source: Path) -> bool:
    return cached.exists() and cached.stat().st_mtime_ns >= source.stat().st_mtime_ns


def _write_atomically(dest: Path, write) -> None:
    # A page preview and the background check may open the same upload at once: each writes its own file
    # and renames it into place, so neither reads the other's half-written one.
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.{uuid.uuid4().hex}")
    try:
        write(partial)
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)


def _find_header(worksheet, is_header: Callable[[list[str]], bool]) -> tuple[list[str], int] | None:
    """(header, rows with a value above it): the first of the first rows that ``is_header`` accepts, else the
    first row with a value; None for an empty sheet."""
    first = None
    for above, values in enumerate(itertools.islice(_filled_rows(worksheet), HEADER_SEARCH_ROWS)):
        header = _header(values)
        if is_header(header):
            return header, above
        first = first or (header, above)
    return first


def workbook_open(path: Path, *, is_header: Callable[[list[str]], bool]) -> Workbook:
    """The workbook's sheets and their headers; :class:`SheetError` for a damaged file or one with no data.

    Read once per upload: the answer is kept beside it, since each later step (preview, configure, check)
    opens the upload again and openpyxl's open alone can cost a second on a large sheet.
    """
    cached = _cache_dir(path) / "sheets.json"
    if _fresh(cached, path):
        saved = json.loads(cached.read_text(encoding="utf-8"))
        return Workbook(
            path=path, all_sheets=tuple(saved["all_sheets"]), headers=saved["headers"], titles=saved["titles"]
        )
    try:
        book = _load(path)
        try:
            names = tuple(ws.title for ws in book.worksheets)
            headers, titles = {}, {}
            for ws in book.worksheets:
                found = _find_header(ws, is_header)
                if found is not None:
                    headers[ws.title], titles[ws.title] = found
        finally:
            book.close()
    except Exception as exc:
        logger.info("xlsx workbook unreadable", extra={"error": type(exc).__name__})
        # openpyxl reports a damaged workbook through whatever its zip or XML layer raised (BadZipFile,
        # KeyError for a missing part, ParseError, ValueError, zlib.error …): to the user, all mean one thing.
        raise damaged() from None
    if not headers:
        raise SheetError(
            _("Every sheet of the Excel workbook is empty: there is no parcel list to read."),
            "xlsx_no_sheet",
        )
    text = json.dumps({"all_sheets": names, "headers": headers, "titles": titles}, ensure_ascii=False)
    _write_atomically(cached, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return Workbook(path=path, all_sheets=names, headers=headers, titles=titles)


def _rows(worksheet, *, titles: int) -> Iterator[list[str]]:
    """Header then data rows as text: title rows and blank rows left out, every row as wide as the header."""
    rows = itertools.islice(_filled_rows(worksheet), titles, None)
    first = next(rows, None)
    if first is None:
        return
    header = _header(first)
    width = len(header)
    yield header
    for values in rows:
        row = [cell_text(v) for v in values[:width]]
        yield row + [""] * (width - len(row))


def sheet_to_csv(book: Workbook, sheet: str, *, max_bytes: int) -> Path:
    """The CSV of ``sheet`` beside the workbook, written once and reused by later opens of the same upload."""
    dest = _cache_dir(book.path) / f"{book.all_sheets.index(sheet) + 1}.csv"  # Thai names stay out of paths
    if _fresh(dest, book.path):
        return dest

    def write(tmp: Path) -> None:
        workbook = _load(book.path)
        try:
            with tmp.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                for n, row in enumerate(_rows(workbook[sheet], titles=book.titles[sheet])):
                    writer.writerow(row)
                    # tell() on a text file is slow: look at the size every thousand rows.
                    if n % 1000 == 0 and fh.tell() > max_bytes:
                        raise SheetError(
                            _("The sheet %(sheet)s holds more data than we accept from one file.")
                            % {"sheet": sheet},
                            "xlsx_too_large",
                        )
        finally:
            workbook.close()

    try:
        _write_atomically(dest, write)
    except SheetError:
        raise
    except Exception as exc:
        logger.info("xlsx sheet unreadable", extra={"error": type(exc).__name__})
        raise damaged() from None
    return dest
