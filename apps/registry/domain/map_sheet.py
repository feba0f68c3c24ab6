"""Map-sheet numbers: the 1:50,000 topographic sheet (``5642 III``) and the DOL 1:4,000 cadastral sheet
(ระวาง, ``5642 III 0448``).

Source: shared/domain/tax-map-and-registry.md §3.2 (cadastral sheet names), §3.3 (1:50,000 numbering),
§2.5 (LTAX keeps the sheet as four parts utm1-utm4).

1:50,000 (§3.3): ``col = floor((lon - 75) x 2)``, ``row = floor(lat x 2) + 9``, number = col row; the 30'
cell is cut into quarters I = NE, II = SE, III = SW, IV = NW. II = SE was inferred in the domain file; the
DOL grid of [18] confirms it (cells east of 104°15' E in the south half of 5838 are named ``5838II...``).
Numbering is irregular in the far south [36]: not handled.

1:4,000 (§3.2): 1:50,000 sheet + quarter + two digits of the easting and two of the northing (km mod 100,
always even) of the lower-left corner of the 2 km cell of the **Indian 1975** UTM grid.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Literal

from pyproj import Transformer

Quadrant = Literal["I", "II", "III", "IV"]
# Which point of a 2 km cell decides its 1:50,000 sheet when the cell straddles a sheet edge.
SheetReferencePoint = Literal["nw_corner", "centre", "sw_corner"]

# UNCONFIRMED rule. The only real grid we have (§3.2 [18], noom25/ltaxmap grid4000.geojson) names the cells
# that straddle 14°30' N by the sheet north of the line (E 412,000 / N 1,602,000 → 5838III1202, although the
# cell's lower-left corner and centre lie in 5837) and the cell straddling 104°15' E by the sheet to the west
# (E 418,000 → 5838III1802). Of the cell's corners and centre only the north-west corner matches every named
# cell there. Check against the Land Office's sheet index before relying on edge cells.
DEFAULT_SHEET_REFERENCE_POINT: SheetReferencePoint = "nw_corner"

CELL_SIZE_M = 2000  # a 1:4,000 sheet is 50 cm x 50 cm of paper = 2 km x 2 km on the ground (§3.2)

# §6.1: EPSG:24047 / 24048 are Indian 1975 / UTM 47N / 48N; EPSG:4240 is Indian 1975 geographic.
# From one to the other is only the inverse projection: no datum-shift choice is involved (§6.3 trap).
INDIAN_1975_UTM_SRID = {47: 24047, 48: 24048}
INDIAN_1975_GEOGRAPHIC_SRID = 4240

# LTAX stores the quarter as a number (utm2 = 1-4, §2.5).
_QUADRANT_NUMBER: dict[Quadrant, int] = {"I": 1, "II": 2, "III": 3, "IV": 4}
_QUADRANT_BY_HALVES: dict[tuple[bool, bool], Quadrant] = {
    (True, True): "I",  # east, north
    (True, False): "II",  # east, south
    (False, False): "III",  # west, south
    (False, True): "IV",  # west, north
}

_CADASTRAL_RE = re.compile(
    r"(?P<number>\d{4})\s*(?P<quadrant>IV|III|II|I)\s*(?P<grid_e>\d{2})(?P<grid_n>\d{2})(?:\s*-\s*(?P<sub>\w{1,3}))?"
)


class MapSheetErrorCode(StrEnum):
    OUT_OF_RANGE = "out_of_range"
    UNSUPPORTED_ZONE = "unsupported_zone"
    INVALID_FORMAT = "invalid_format"


class MapSheetError(ValueError):
    """``code`` is stable for APIs and imports; the message is English."""

    def __init__(self, code: MapSheetErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class TopoSheet:
    """A quarter of a 1:50,000 sheet, e.g. ``5642 III``."""

    number: str
    quadrant: Quadrant

    @property
    def quadrant_number(self) -> int:
        return _QUADRANT_NUMBER[self.quadrant]

    def __str__(self) -> str:
        return f"{self.number} {self.quadrant}"


@dataclass(frozen=True, slots=True)
class CadastralSheet:
    """A DOL 1:4,000 sheet, e.g. ``5642 III 0448``; ``subsheet`` is the ``-11`` of larger scales (as text:
    the subdivision rule is UNCONFIRMED, §3.2)."""

    topo: TopoSheet
    grid_e: int
    grid_n: int
    subsheet: str | None = None

    def __post_init__(self) -> None:
        for value in (self.grid_e, self.grid_n):
            # km mod 100 of a 2 km cell corner: always even (§3.2)
            if not 0 <= value <= 98 or value % 2:
                raise MapSheetError(
                    MapSheetErrorCode.OUT_OF_RANGE, f"Grid reference digits must be even 00-98, not {value}."
                )

    @property
    def grid_ref(self) -> str:
        return f"{self.grid_e:02d}{self.grid_n:02d}"

    @property
    def compact(self) -> str:
        """Spelling of the DOL grid file, e.g. ``5838III1202`` (§3.2 [18])."""
        base = f"{self.topo.number}{self.topo.quadrant}{self.grid_ref}"
        return base if self.subsheet is None else f"{base}-{self.subsheet}"

    @property
    def ltax_parts(self) -> tuple[str, int, str, str]:
        """(utm1, utm2, utm3, utm4) as LTAX Online stores a sheet (§2.5); utm4 is ``""`` if no sub-sheet."""
        return (self.topo.number, self.topo.quadrant_number, self.grid_ref, self.subsheet or "")

    def __str__(self) -> str:
        base = f"{self.topo} {self.grid_ref}"
        return base if self.subsheet is None else f"{base}-{self.subsheet}"


def topo_sheet(lon_deg: float, lat_deg: float) -> TopoSheet:
    """1:50,000 sheet quarter containing a point (§3.3).

    The coordinates must be in the datum of the sheet series — Indian 1975 for L7017 [35]; WGS 84 lon/lat of
    the same point differ by a few hundred metres and can give the neighbouring sheet near an edge.
    A point on an edge belongs to the sheet north / east of it.
    """
    # floor(lon x 2) - 150 rather than floor((lon - 75) x 2): one rounding instead of two at exact edges.
    col = math.floor(lon_deg * 2) - 150
    row = math.floor(lat_deg * 2) + 9
    if not (10 <= col <= 99 and 10 <= row <= 99):
        raise MapSheetError(
            MapSheetErrorCode.OUT_OF_RANGE,
            f"Point ({lon_deg}, {lat_deg}) is outside the four-digit 1:50,000 numbering.",
        )
    east = math.floor(lon_deg * 4) % 2 == 1
    north = math.floor(lat_deg * 4) % 2 == 1
    return TopoSheet(number=f"{col:02d}{row:02d}", quadrant=_QUADRANT_BY_HALVES[(east, north)])


@lru_cache(maxsize=4)
def _utm_to_geographic(utm_zone: int) -> Transformer:
    # pyproj Transformers are thread-safe since 3.1, so one cached instance serves every request.
    return Transformer.from_crs(
        f"EPSG:{INDIAN_1975_UTM_SRID[utm_zone]}", f"EPSG:{INDIAN_1975_GEOGRAPHIC_SRID}", always_xy=True
    )


def indian_1975_utm_to_lonlat(
    easting_m: float, northing_m: float, *, utm_zone: int = 48
) -> tuple[float, float]:
    """Indian 1975 / UTM zone 47N or 48N → Indian 1975 (lon, lat) in degrees (no datum change)."""
    if utm_zone not in INDIAN_1975_UTM_SRID:
        raise MapSheetError(
            MapSheetErrorCode.UNSUPPORTED_ZONE, f"UTM zone must be 47 or 48 (Thailand), not {utm_zone}."
        )
    lon, lat = _utm_to_geographic(utm_zone).transform(easting_m, northing_m, errcheck=True)
    return float(lon), float(lat)


def cadastral_sheet(
    easting_m: float,
    northing_m: float,
    *,
    utm_zone: int = 48,
    reference_point: SheetReferencePoint = DEFAULT_SHEET_REFERENCE_POINT,
) -> CadastralSheet:
    """Name of the 1:4,000 sheet holding an Indian 1975 / UTM point (EPSG:24048 by default; Kalasin is 48N).

    ``cadastral_sheet(305_862.8, 1_851_369.7)`` → ``5642 III 0450`` (Sai Thong centre, §6.3).
    Sheets near 102° E may keep zone-47 eastings (§3.2): pass ``utm_zone=47`` for those.
    """
    # Thailand lies between about 97° and 106° E: a UTM easting outside 100-900 km or a southern-hemisphere
    # northing is a unit or CRS mistake, not a sheet.
    if not (100_000 <= easting_m < 900_000 and 0 <= northing_m < 9_000_000):
        raise MapSheetError(
            MapSheetErrorCode.OUT_OF_RANGE,
            f"({easting_m}, {northing_m}) is not a UTM coordinate in Thailand.",
        )
    cell_e = math.floor(easting_m / CELL_SIZE_M) * CELL_SIZE_M
    cell_n = math.floor(northing_m / CELL_SIZE_M) * CELL_SIZE_M
    offsets = {
        "nw_corner": (0, CELL_SIZE_M),
        "centre": (CELL_SIZE_M // 2, CELL_SIZE_M // 2),
        "sw_corner": (0, 0),
    }
    d_e, d_n = offsets[reference_point]
    lon, lat = indian_1975_utm_to_lonlat(cell_e + d_e, cell_n + d_n, utm_zone=utm_zone)
    return CadastralSheet(
        topo=topo_sheet(lon, lat),
        grid_e=(cell_e // 1000) % 100,
        grid_n=(cell_n // 1000) % 100,
    )


def parse_cadastral_sheet(text: str) -> CadastralSheet:
    """Read ``5642 III 0448``, ``5642III0448``, ``5136 IV 7224-11`` (deed spelling, §4.2).

    Raises MapSheetError.
    """
    match = _CADASTRAL_RE.fullmatch(text.strip().upper())
    if match is None:
        raise MapSheetError(
            MapSheetErrorCode.INVALID_FORMAT,
            f"{text!r} is not a sheet name like 5642 III 0448 or 5136 IV 7224-11.",
        )
    quadrant: Quadrant = match["quadrant"]  # type: ignore[assignment]  # the regex admits only I-IV
    return CadastralSheet(
        topo=TopoSheet(number=match["number"], quadrant=quadrant),
        grid_e=int(match["grid_e"]),
        grid_n=int(match["grid_n"]),
        subsheet=match["sub"],
    )
