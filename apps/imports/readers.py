"""Reading surveyors' files through GDAL (pyogrio): safe unpacking, format and encoding detection, preview.

Everything a user's file can do wrong ends here as :class:`ImportRejected` with a message in the user's
language;
nothing below lets a GDAL or zipfile exception reach the view.
"""

from __future__ import annotations

import csv
import os
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from django.conf import settings
from django.utils.translation import gettext as _
from pyogrio.errors import DataLayerError, DataSourceError

from . import crs as crs_mod
from . import spreadsheets

# Named limits (settings may override; the lead adds them to settings/base.py).
MAX_UPLOAD_BYTES_DEFAULT = 200 * 1024 * 1024
MAX_UNZIPPED_BYTES_DEFAULT = 1024 * 1024 * 1024
MAX_ZIP_MEMBERS_DEFAULT = 500
# A shapefile's DBF of Thai text compresses maybe 10:1; a bomb compresses 1000:1 and more.
MAX_ZIP_RATIO_DEFAULT = 200

VECTOR_SUFFIXES = {
    ".shp": "ESRI Shapefile",
    ".gpkg": "GPKG",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".kml": "KML",
    ".dxf": "DXF",
    ".csv": "CSV",
    # Not a GDAL driver name: a worksheet is turned into a CSV (spreadsheets.py) and read as one.
    ".xlsx": "XLSX",
}
ARCHIVE_SUFFIXES = {".zip", ".kmz"}
EXCEL_SUFFIXES = {".xlsx", ".xls"}
CSV_WKT_NAMES = ("wkt", "geom", "geometry", "the_geom", "shape")
CSV_X_NAMES = ("lon", "lng", "long", "longitude", "x", "easting", "e", "utm_e", "east")
CSV_Y_NAMES = ("lat", "latitude", "y", "northing", "n", "utm_n", "north")
PREVIEW_ROWS = 5


class ImportRejected(Exception):
    """A file we will not read, with a message for the user (already translated) and a stable code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_upload_bytes() -> int:
    return limit("GIS_PORTAL_IMPORT_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES_DEFAULT)


def human_mb(size_bytes: int) -> str:
    return f"{size_bytes / 1024 / 1024:,.0f} MB"


def check_upload_size(size_bytes: int) -> None:
    cap = max_upload_bytes()
    if size_bytes > cap:
        raise ImportRejected(
            _("The file is %(size)s; the largest file we accept is %(cap)s. Split it or zip it.")
            % {"size": human_mb(size_bytes), "cap": human_mb(cap)},
            "too_large",
        )


def store_stream(chunks, dest: Path) -> int:
    """Write an upload to disk chunk by chunk, refusing it as soon as it passes the cap."""
    cap = max_upload_bytes()
    written = 0
    with dest.open("wb") as out:
        for chunk in chunks:
            written += len(chunk)
            if written > cap:
                out.close()
                dest.unlink(missing_ok=True)
                check_upload_size(written)
            out.write(chunk)
    return written


def max_unzipped_bytes() -> int:
    return limit("GIS_PORTAL_IMPORT_MAX_UNZIPPED_BYTES", MAX_UNZIPPED_BYTES_DEFAULT)


def _zip_bomb() -> ImportRejected:
    return ImportRejected(
        _("The zip file unpacks to far more data than it holds (a 'zip bomb'); we did not open it."),
        "zip_bomb",
    )


def zip_members_checked(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """A zip's file members, after checking its directory: member count, total size, ratio, and paths.

    An .xlsx is a zip too, and goes through the same checks before openpyxl inflates any part of it.
    """
    max_total = max_unzipped_bytes()
    max_members = limit("GIS_PORTAL_IMPORT_MAX_ZIP_MEMBERS", MAX_ZIP_MEMBERS_DEFAULT)
    max_ratio = limit("GIS_PORTAL_IMPORT_MAX_ZIP_RATIO", MAX_ZIP_RATIO_DEFAULT)
    members = [m for m in zf.infolist() if not m.is_dir()]
    if len(members) > max_members:
        raise ImportRejected(
            _("The zip file holds %(count)s files; we accept at most %(max)s.")
            % {"count": len(members), "max": max_members},
            "zip_too_many_files",
        )
    total = sum(m.file_size for m in members)
    if total > max_total:
        raise _zip_bomb()
    for m in members:
        if m.file_size > 1024 * 1024 and m.file_size > max_ratio * max(m.compress_size, 1):
            raise _zip_bomb()
        name = Path(m.filename)
        if name.is_absolute() or ".." in name.parts:
            raise ImportRejected(_("The zip file holds a file with an unsafe path."), "zip_unsafe_path")
    return members


def safe_extract(archive: Path, into: Path) -> list[Path]:
    """Extract a zip after checking its directory (:func:`zip_members_checked`).

    The sizes in the directory can lie, so extraction also counts the bytes it really writes.
    """
    max_total = max_unzipped_bytes()
    bomb = _zip_bomb()
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zip_members_checked(zf)
            into.mkdir(parents=True, exist_ok=True)
            written_total, extracted = 0, []
            for m in members:
                target = into / Path(m.filename)
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(m) as src, target.open("wb") as dst:
                    while chunk := src.read(1024 * 1024):
                        written_total += len(chunk)
                        if written_total > max_total:
                            raise bomb
                        dst.write(chunk)
                extracted.append(target)
            return extracted
    except zipfile.BadZipFile:
        raise ImportRejected(_("The zip file is damaged or not a zip file."), "bad_zip") from None
    except (NotImplementedError, RuntimeError):
        # Encrypted members or unsupported compression methods.
        raise ImportRejected(
            _("The zip file is password-protected or uses a compression we cannot read."), "bad_zip"
        ) from None


def _by_suffix(paths: list[Path], suffix: str) -> list[Path]:
    return sorted(p for p in paths if p.suffix.lower() == suffix and not p.name.startswith("._"))


def find_dataset(path: Path, work_dir: Path) -> tuple[Path, str]:
    """The file GDAL should open for an upload (unzipping it first), and its driver name.

    For an Excel workbook, the workbook and "XLSX": :func:`open_source` turns its sheet into a CSV.
    """
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        magic = fh.read(16)
    if suffix in EXCEL_SUFFIXES:
        return excel_check(path, magic), VECTOR_SUFFIXES[".xlsx"]
    if suffix in ARCHIVE_SUFFIXES or magic.startswith(b"PK\x03\x04"):
        files = safe_extract(path, work_dir / "unzipped")
        for wanted in (".shp", ".gpkg", ".kml", ".geojson", ".json", ".dxf", ".csv", ".xlsx"):
            found = _by_suffix(files, wanted)
            if found:
                if wanted == ".shp":
                    for shp in found:
                        shapefile_check_parts(shp)
                if wanted == ".xlsx":
                    with found[0].open("rb") as fh:
                        excel_check(found[0], fh.read(16))
                return found[0], VECTOR_SUFFIXES[wanted]
        if _by_suffix(files, ".xls"):
            raise _rejected(spreadsheets.old_excel(_by_suffix(files, ".xls")[0].name))
        names = ", ".join(sorted(p.name for p in files)[:10]) or _("nothing")
        if _by_suffix(files, ".dbf") or _by_suffix(files, ".shx"):
            raise ImportRejected(
                _("The zip file has no .shp file, only %(names)s. A shapefile needs its .shp, .shx and .dbf.")
                % {"names": names},
                "zip_without_shp",
            )
        raise ImportRejected(
            _("The zip file holds no map data we can read (found: %(names)s).") % {"names": names},
            "zip_without_data",
        )
    if suffix == ".shp":
        shapefile_check_parts(path)
    if suffix not in VECTOR_SUFFIXES:
        raise ImportRejected(
            _(
                "We cannot read %(suffix)s files. Upload a zipped Shapefile, GeoPackage, GeoJSON, KML/KMZ, "
                "DXF, CSV or Excel (.xlsx)."
            )
            % {"suffix": suffix or _("(no extension)")},
            "unknown_format",
        )
    return path, VECTOR_SUFFIXES[suffix]


def _rejected(error: spreadsheets.SheetError) -> ImportRejected:
    return ImportRejected(error.message, error.code)


def excel_check(path: Path, magic: bytes) -> Path:
    """Refuse an old .xls (or an encrypted .xlsx: both are OLE2 files) and an .xlsx that is no zip at all."""
    if path.suffix.lower() == ".xls" or magic.startswith(spreadsheets.OLE2_MAGIC):
        raise _rejected(spreadsheets.old_excel(path.name))
    try:
        with zipfile.ZipFile(path) as zf:
            zip_members_checked(zf)
    except zipfile.BadZipFile:
        raise _rejected(spreadsheets.damaged()) from None
    return path


def shapefile_check_parts(shp: Path) -> None:
    present = {p.suffix.lower() for p in shp.parent.iterdir() if p.stem == shp.stem}
    missing = [s for s in (".shx", ".dbf") if s not in present]
    if missing:
        raise ImportRejected(
            _(
                "The shapefile %(name)s is incomplete: %(missing)s is missing. Zip the .shp with its .shx, "
                ".dbf and .prj."
            )
            % {"name": shp.name, "missing": ", ".join(missing)},
            "shapefile_incomplete",
        )


# ---------------------------------------------------------------------------------------------- encodings
def _normalise_encoding(name: str) -> str | None:
    name = name.strip().upper().replace("-", "").replace("_", "")
    if name in {"874", "CP874", "WINDOWS874", "TIS620", "TIS6202533", "ISO885911", "LDID/80", "LDID/124"}:
        return "cp874"
    if name in {"UTF8", "65001"}:
        return "utf-8"
    if name in {"1252", "CP1252", "WINDOWS1252", "LATIN1", "ISO88591", "88591"}:
        return "cp1252"
    return None


def shapefile_encoding(shp: Path) -> tuple[str | None, str]:
    """(encoding, where it came from): the .cpg if present, else a guess from the DBF bytes (domain §6.4)."""
    for cpg in shp.parent.glob(shp.stem + ".*"):
        if cpg.suffix.lower() == ".cpg":
            declared = _normalise_encoding(cpg.read_text(errors="replace"))
            if declared:
                return declared, "cpg"
    dbf = next((p for p in shp.parent.glob(shp.stem + ".*") if p.suffix.lower() == ".dbf"), None)
    if dbf is None:
        return None, "none"
    with dbf.open("rb") as fh:
        header = fh.read(32)
        ldid = header[29] if len(header) > 29 else 0
        sample = fh.read(2 * 1024 * 1024)
    if ldid in (0x50, 0x7C):
        return "cp874", "ldid"
    return guess_text_encoding(sample), "guess"


def guess_text_encoding(sample: bytes) -> str | None:
    """None for pure ASCII; UTF-8 when the bytes decode as UTF-8; otherwise cp874, the Thai default (§6.4)."""
    if sample.isascii():
        return None
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A sample cut through a multi-byte character still counts as UTF-8.
        if exc.start >= len(sample) - 3:
            return "utf-8"
        return "cp874"


# ---------------------------------------------------------------------------------------------- CSV
def csv_check(path: Path, encoding: str | None) -> list[str]:
    """Read the whole CSV with Python's strict parser first: GDAL silently swallows broken quoting."""
    try:
        with path.open(newline="", encoding=encoding or "utf-8") as fh:
            reader = csv.reader(fh, strict=True)
            header = next(reader, None)
            if not header:
                raise ImportRejected(_("The CSV file is empty."), "csv_empty")
            for row in reader:
                if row and len(row) != len(header):
                    raise ImportRejected(
                        _("CSV line %(line)s has %(got)s columns; the header has %(want)s. Check the quotes.")
                        % {"line": reader.line_num, "got": len(row), "want": len(header)},
                        "csv_bad_row",
                    )
    except csv.Error as exc:
        raise ImportRejected(
            _("The CSV file has broken quoting near line %(line)s: %(reason)s")
            % {"line": reader.line_num, "reason": exc},
            "csv_bad_quoting",
        ) from None
    except UnicodeDecodeError:
        raise ImportRejected(
            _("The CSV text is not in %(encoding)s; choose another encoding.") % {"encoding": encoding},
            "bad_encoding",
        ) from None
    return [name.strip().lower() for name in header]


def csv_open_options(header: list[str]) -> dict[str, str]:
    options = {"KEEP_GEOM_COLUMNS": "NO", "AUTODETECT_TYPE": "NO"}
    wkt = [n for n in header if n in CSV_WKT_NAMES]
    if wkt:
        options["GEOM_POSSIBLE_NAMES"] = wkt[0]
        return options
    xs = [n for n in header if n in CSV_X_NAMES]
    ys = [n for n in header if n in CSV_Y_NAMES]
    if xs and ys:
        options["X_POSSIBLE_NAMES"] = xs[0]
        options["Y_POSSIBLE_NAMES"] = ys[0]
        return options
    raise ImportRejected(
        _(
            "The CSV file has no coordinates: name a column WKT, or two columns lon/lat "
            "(or easting/northing)."
        ),
        "csv_no_geometry",
    )


# ---------------------------------------------------------------------------------------------- inspection
@dataclass
class Source:
    path: Path
    driver: str
    layer: str | None = None
    encoding: str | None = None
    open_options: dict[str, str] = field(default_factory=dict)
    # A workbook's usable sheets; then ``layer`` is the sheet and ``path`` the CSV made of it.
    sheets: tuple[str, ...] | None = None

    def read_kwargs(self) -> dict:
        kwargs: dict = {}
        if self.layer and self.sheets is None:
            kwargs["layer"] = self.layer
        if self.encoding and self.driver in ("ESRI Shapefile", "CSV", "XLSX"):
            kwargs["encoding"] = self.encoding
        kwargs.update(self.open_options)
        return kwargs


def _gdal_error(exc: Exception, path: Path) -> ImportRejected:
    # GDAL names the file by its full path on the server: the user sees its name only, not our folders.
    detail = str(exc).splitlines()[0].replace(f"{path.parent}{os.sep}", "")
    return ImportRejected(
        _("We could not read this file as map data. Is it really a %(what)s? (GDAL said: %(detail)s)")
        % {"what": _("map file"), "detail": detail[:200]},
        "unreadable",
    )


def open_source(path: Path, driver: str, *, layer: str | None = None, encoding: str | None = None) -> Source:
    source = Source(path=path, driver=driver, layer=layer)
    if driver == "ESRI Shapefile":
        detected, _where = shapefile_encoding(path)
        source.encoding = encoding or detected
    elif driver == "CSV":
        with path.open("rb") as fh:
            source.encoding = encoding or guess_text_encoding(fh.read(2 * 1024 * 1024))
        source.open_options = csv_open_options(csv_check(path, source.encoding))
    elif driver == "XLSX":
        source = sheet_source(path, layer=layer)
    return source


def has_coordinate_columns(header: list[str]) -> bool:
    try:
        csv_open_options([name.strip().lower() for name in header])
    except ImportRejected:
        return False
    return True


def default_sheet(book: spreadsheets.Workbook) -> str:
    """The first sheet with coordinate columns, else the first with data (its error says what is missing).

    A notes or cover sheet before the parcel list must not make the upload fail: the layer picker, where the
    user could choose another sheet, only exists once an upload has been inspected.
    """
    with_coordinates = (name for name, header in book.headers.items() if has_coordinate_columns(header))
    return next(with_coordinates, book.sheets[0])


def sheet_source(path: Path, *, layer: str | None) -> Source:
    """One worksheet as a CSV source: the sheet ``layer`` names, or :func:`default_sheet`.

    An encoding chosen on the page does not apply: an .xlsx stores its text as Unicode, and the CSV made of it
    is UTF-8.
    """
    try:
        book = spreadsheets.workbook_open(path, is_header=has_coordinate_columns)
        if layer is not None and layer not in book.sheets:
            raise ImportRejected(_("The file has no layer named %(name)s.") % {"name": layer}, "no_layer")
        sheet = layer or default_sheet(book)
        csv_path = spreadsheets.sheet_to_csv(book, sheet, max_bytes=max_unzipped_bytes())
    except spreadsheets.SheetError as exc:
        raise _rejected(exc) from None
    return Source(
        path=csv_path,
        driver="XLSX",
        layer=sheet,
        encoding="utf-8",
        open_options=csv_open_options(csv_check(csv_path, "utf-8")),
        sheets=book.sheets,
    )


def list_layers(source: Source) -> list[str]:
    if source.sheets is not None:
        return list(source.sheets)
    try:
        return [str(name) for name, _geom_type in pyogrio.list_layers(source.path)]
    except (DataSourceError, DataLayerError, OSError, ValueError) as exc:
        raise _gdal_error(exc, source.path) from None


def inspect(source: Source) -> dict:
    """What the upload page shows: layers, fields, geometry type, count, CRS guess, encoding, preview rows."""
    layers = list_layers(source)
    if not layers:
        raise ImportRejected(_("The file holds no layers."), "no_layers")
    if source.layer is None:
        # A GeoPackage with several layers opens on the first; the page offers the others.
        source.layer = layers[0]
    if source.layer not in layers:
        raise ImportRejected(_("The file has no layer named %(name)s.") % {"name": source.layer}, "no_layer")
    kwargs = source.read_kwargs()
    try:
        info = pyogrio.read_info(source.path, **kwargs)
        meta, _fids, geoms, values = pyogrio.raw.read(source.path, max_features=PREVIEW_ROWS, **kwargs)
    except (DataSourceError, DataLayerError, OSError, ValueError, RuntimeError) as exc:
        raise _gdal_error(exc, source.path) from None
    shp_encoding, encoding_from = (
        shapefile_encoding(source.path) if source.driver == "ESRI Shapefile" else (source.encoding, "guess")
    )
    if source.driver == "XLSX":
        encoding_from = "xlsx"  # not a guess: a workbook's text is Unicode
    fields = [str(name) for name in meta["fields"]]
    preview = [
        {name: _text(column[i]) for name, column in zip(fields, values, strict=True)}
        for i in range(len(geoms) if geoms is not None else 0)
    ]
    bounds = None
    if info.get("total_bounds") is not None and not np.isnan(np.asarray(info["total_bounds"], float)).any():
        bounds = [float(v) for v in info["total_bounds"]]
    crs_text = info.get("crs")
    return {
        "driver": source.driver,
        "layers": layers,
        "layer": source.layer,
        "fields": fields,
        "geometry_type": info.get("geometry_type"),
        "feature_count": int(info.get("features") or 0),
        "crs": crs_text or "",
        "detected_srid": crs_mod.detect_srid(crs_text),
        "encoding": source.encoding or "",
        "encoding_from": encoding_from if source.driver in ("ESRI Shapefile", "XLSX") else "guess",
        "encoding_detected": shp_encoding or "",
        "preview": preview,
        "bounds": bounds,
        "open_options": source.open_options,
    }


def texts(values) -> list[str]:
    """A column's values as text ("" for none); a column of strings (the usual case) is taken as it is."""
    items = values.tolist() if isinstance(values, np.ndarray) else list(values)
    if set(map(type, items)) <= {str}:
        return items
    return [_text(value) for value in items]


def _text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


# ---------------------------------------------------------------------------------------------- reading
def read_batches(source: Source, *, batch_size: int = 20_000):
    """Yield (first_feature_no, geometries as shapely arrays, {field: values}) in batches, to bound memory."""
    kwargs = source.read_kwargs()
    start = 0
    while True:
        try:
            meta, _fids, wkb, values = pyogrio.raw.read(
                source.path, skip_features=start, max_features=batch_size, **kwargs
            )
        except (DataSourceError, DataLayerError, OSError, ValueError, RuntimeError) as exc:
            raise _gdal_error(exc, source.path) from None
        count = len(wkb) if wkb is not None else 0
        if count == 0:
            return
        geoms = shapely.from_wkb(wkb, on_invalid="ignore")
        yield start, geoms, dict(zip([str(n) for n in meta["fields"]], values, strict=True))
        start += count
        if count < batch_size:
            return


def cleanup(work_dir: Path) -> None:
    shutil.rmtree(work_dir / "unzipped", ignore_errors=True)
