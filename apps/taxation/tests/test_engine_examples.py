"""Every worked example of land-building-tax.md §12 (1-15; 16 is penalties, done elsewhere), to the satang.

Each row is one quote document; the expected numbers are the file's, not the engine's.
"""

from __future__ import annotations

from typing import Any

import pytest

from apps.taxation.domain import EngineSettings, quote


def land(sq_wa: str, price: str) -> dict[str, Any]:
    return {"area": {"sq_wa": sq_wa}, "price_per_sq_wa": price}


def building(area: str, price: str, construction: str = "masonry", age: int = 0) -> dict[str, Any]:
    return {"floor_area_sqm": area, "price_per_sqm": price, "construction": construction, "age_years": age}


def prop(ref: str = "P", **fields: Any) -> dict[str, Any]:
    return {"ref": ref, **fields}


def doc(year: int, properties: list[dict[str, Any]], taxpayer: str = "individual") -> dict[str, Any]:
    return {"tax_year": year, "taxpayer": {"type": taxpayer}, "properties": properties}


# (id, document, settings, total, [(use, table, base, allowance, taxable, tax), …] for each line in order)
EXAMPLES = [
    (
        "ex1-main-house-exempt",
        doc(
            2567,
            [
                prop(
                    land=land("100", "30000"),
                    buildings=[building("80", "7500", "wood", 10)],
                    uses={"residential": "1"},
                    residence="main_house",
                )
            ],
        ),
        EngineSettings(),
        "0.00",
        [("residential", "R1", "3360000.00", "3360000.00", "0.00", "0.00")],
    ),
    (
        "ex2-house-let-to-tenant-R3",
        doc(
            2567,
            [
                prop(
                    land=land("80", "30000"),
                    buildings=[building("80", "7500", "wood", 10)],
                    uses={"residential": "1"},
                )
            ],
        ),
        EngineSettings(),
        "552.00",
        [("residential", "R3", "2760000.00", "0.00", "2760000.00", "552.00")],
    ),
    (
        "ex3-condo-not-registered",
        doc(2567, [prop(condo_unit={"area_sqm": "30", "price_per_sqm": "25000"}, uses={"residential": "1"})]),
        EngineSettings(),
        "150.00",
        [("residential", "R3", "750000.00", "0.00", "750000.00", "150.00")],
    ),
    (
        "ex3-condo-2566-15pct",
        doc(2566, [prop(condo_unit={"area_sqm": "30", "price_per_sqm": "25000"}, uses={"residential": "1"})]),
        EngineSettings(),
        "127.50",
        [("residential", "R3", "750000.00", "0.00", "750000.00", "127.50")],
    ),
    (
        "ex4-small-farm",
        doc(
            2567,
            [
                prop(
                    land={"area": "1-0-00", "price_per_sq_wa": "5000"},
                    buildings=[building("700", "3550", "wood", 4)],
                    uses={"agriculture": "1"},
                )
            ],
        ),
        EngineSettings(),
        "0.00",
        [("agriculture", "A", "4186800.00", "4186800.00", "0.00", "0.00")],
    ),
    (
        "ex5-main-house-above-50M",
        doc(2567, [prop(land=land("1200", "100000"), uses={"residential": "1"}, residence="main_house")]),
        EngineSettings(),
        "40000.00",
        [("residential", "R1", "120000000.00", "50000000.00", "70000000.00", "40000.00")],
    ),
    (
        "ex6-second-home-crossing-band",
        doc(2567, [prop(land=land("600", "100000"), uses={"residential": "1"})]),
        EngineSettings(),
        "13000.00",
        [("residential", "R3", "60000000.00", "0.00", "60000000.00", "13000.00")],
    ),
    (
        "ex7-apartment-with-owner-flat-exact-share",
        doc(
            2567,
            [
                prop(
                    land=land("100", "5000"),
                    buildings=[building("1500", "7020")],
                    uses={"residential": "50", "other": "1450"},
                    residence="main_house",
                )
            ],
        ),
        EngineSettings(),
        "31987.00",
        [
            ("residential", "R1", "367666.67", "367666.67", "0.00", "0.00"),
            ("other", "O", "10662333.33", "0.00", "10662333.33", "31987.00"),
        ],
    ),
    (
        "ex8-shophouse-mixed-with-depreciation",
        doc(
            2567,
            [
                prop(
                    land=land("20", "100000"),
                    buildings=[building("192", "8200", "masonry", 12)],
                    uses={"other": "1", "residential": "2"},
                    residence="main_house",
                )
            ],
        ),
        EngineSettings(),
        "3353.98",
        [
            ("residential", "R1", "2235989.33", "2235989.33", "0.00", "0.00"),
            ("other", "O", "1117994.67", "0.00", "1117994.67", "3353.98"),
        ],
    ),
    (
        "ex9-second-home-old-concrete-house",
        doc(
            2567,
            [
                prop(
                    land=land("100", "40000"),
                    buildings=[building("250", "7250", "masonry", 25)],
                    uses={"residential": "1"},
                )
            ],
        ),
        EngineSettings(),
        "1017.50",
        [("residential", "R3", "5087500.00", "0.00", "5087500.00", "1017.50")],
    ),
    (
        "ex10-commercial-crossing-band",  # also the worked example of §4.4
        doc(2567, [prop(land=land("1200", "100000"), uses={"other": "1"})]),
        EngineSettings(),
        "430000.00",
        [("other", "O", "120000000.00", "0.00", "120000000.00", "430000.00")],
    ),
    (
        "ex11-farm-individual-post-allowance-bands",
        doc(2567, [prop(land=land("1300", "100000"), uses={"agriculture": "1"})]),
        EngineSettings(),
        "9000.00",
        [("agriculture", "A", "130000000.00", "50000000.00", "80000000.00", "9000.00")],
    ),
    (
        "ex11-farm-individual-allowance-consumes-first-band",
        doc(2567, [prop(land=land("1300", "100000"), uses={"agriculture": "1"})]),
        EngineSettings(agriculture_allowance_bands="consume_first_band"),
        "25000.00",
        [("agriculture", "A", "130000000.00", "50000000.00", "80000000.00", "25000.00")],
    ),
    (
        "ex11-explainer-100M-farm",
        doc(2567, [prop(land=land("1000", "100000"), uses={"agriculture": "1"})]),
        EngineSettings(),
        "5000.00",
        [("agriculture", "A", "100000000.00", "50000000.00", "50000000.00", "5000.00")],
    ),
    (
        "ex11-farm-owned-by-company",
        doc(2567, [prop(land=land("1300", "100000"), uses={"agriculture": "1"})], taxpayer="juristic"),
        EngineSettings(),
        "30000.00",
        [("agriculture", "A", "130000000.00", "0.00", "130000000.00", "30000.00")],
    ),
    (
        "ex12-building-only-owner-R2",
        doc(
            2567,
            [
                prop(
                    buildings=[building("2500", "10000")],
                    uses={"residential": "1"},
                    residence="building_only",
                )
            ],
        ),
        EngineSettings(),
        "3000.00",
        [("residential", "R2", "25000000.00", "10000000.00", "15000000.00", "3000.00")],
    ),
    (
        "ex13-vacant-years-1-3",
        doc(2567, [prop(land=land("600", "100000"), uses={"vacant": "1"}, vacant_years=3)]),
        EngineSettings(),
        "190000.00",
        [("vacant", "V", "60000000.00", "0.00", "60000000.00", "190000.00")],
    ),
    (
        "ex13-vacant-year-4",
        doc(2567, [prop(land=land("600", "100000"), uses={"vacant": "1"}, vacant_years=4)]),
        EngineSettings(),
        "370000.00",
        [("vacant", "V", "60000000.00", "0.00", "60000000.00", "370000.00")],
    ),
    (
        "ex13-vacant-year-28-capped",
        doc(2569, [prop(land=land("600", "100000"), uses={"vacant": "1"}, vacant_years=28)]),
        EngineSettings(vacant_years_counted_from=None),
        "1800000.00",
        [("vacant", "V", "60000000.00", "0.00", "60000000.00", "1800000.00")],
    ),
    (
        "ex14-inherited-main-house-50pct-and-2566",
        doc(
            2566,
            [
                prop(
                    land=land("800", "100000"),
                    uses={"residential": "1"},
                    residence="main_house",
                    standing_reduction_pct=50,
                )
            ],
        ),
        EngineSettings(),
        "4250.00",
        [("residential", "R1", "80000000.00", "50000000.00", "30000000.00", "4250.00")],
    ),
]

EXAMPLE_DOCUMENTS = {row[0]: row[1] for row in EXAMPLES}

OFFICE_100M = prop(land=land("1000", "100000"), uses={"other": "1"}, previous_tax_2562="20000")
RELIEF_EXAMPLES = [
    # Example 15: company office, base 100 M, 2562 house-and-land tax 20,000; tax before reductions 350,000.
    (2563, "23750.00"),
    (2564, "27500.00"),
    (2565, "267500.00"),
    (2566, "297500.00"),
    (2567, "350000.00"),
]


@pytest.mark.parametrize(
    ("document", "settings", "total", "lines"),
    [pytest.param(*row[1:], id=row[0]) for row in EXAMPLES],
)
def test_worked_example(document, settings, total, lines):
    answer = quote(document, settings=settings)
    assert answer["total"] == total
    assert answer["total_satang"] == int(total.replace(".", ""))
    got = [
        (line["use"], line["table"], line["base"], line["allowance"], line["taxable"], line["tax"])
        for line in answer["lines"]
    ]
    assert got == lines


@pytest.mark.parametrize(
    ("tax_year", "total"), RELIEF_EXAMPLES, ids=[str(year) for year, _ in RELIEF_EXAMPLES]
)
def test_example_15_transitional_relief(tax_year, total):
    answer = quote(doc(tax_year, [OFFICE_100M], taxpayer="juristic"))
    assert answer["total"] == total
    (line,) = answer["lines"]
    assert line["tax_before_reductions"] == "350000.00"
    # the shown reductions add up from the tax before reductions to the tax
    shown = sum(int(r["amount"].replace(".", "")) for r in line["reductions"])
    assert 35_000_000 - shown == line["tax_satang"]


@pytest.mark.parametrize(
    ("tax_year", "reductions"),
    [
        (2563, [("general", "90", "315000.00"), ("s97", "25", "11250.00")]),
        (2565, [("s97", "75", "82500.00")]),
        (2566, [("general", "15", "52500.00")]),
    ],
)
def test_example_15_reduction_then_relief_steps(tax_year, reductions):
    (line,) = quote(doc(tax_year, [OFFICE_100M], taxpayer="juristic"))["lines"]
    assert [(r["kind"], r["pct"], r["amount"]) for r in line["reductions"]] == reductions
    assert "s.97" in line["rules"] if tax_year <= 2565 else "s.97" not in line["rules"]


def test_example_15_relief_before_reduction_is_a_setting():
    # §7.4 UNCONFIRMED order: relief first gives 20,000 + 25% x 330,000 = 102,500, then 90% off = 10,250.
    answer = quote(
        doc(2563, [OFFICE_100M], taxpayer="juristic"),
        settings=EngineSettings(s97_order="relief_then_reduction"),
    )
    assert answer["total"] == "10250.00"


def test_example_14_shows_both_reductions():
    (line,) = quote(EXAMPLE_DOCUMENTS["ex14-inherited-main-house-50pct-and-2566"])["lines"]
    assert line["tax_before_reductions"] == "10000.00"
    assert [(r["kind"], r["pct"], r["amount"]) for r in line["reductions"]] == [
        ("standing", "50", "5000.00"),
        ("general", "15", "750.00"),
    ]
    assert line["rules"] == [
        "s.35",
        "s.41 para 1",
        "s.94(2)",
        "RD reduction B.E. 2563 (s.55)",
        "RD tax reduction No. 3 B.E. 2566 (15%)",
    ]


@pytest.mark.parametrize(("standing", "total"), [(0, "8500.00"), (50, "4250.00"), (90, "1000.00")])
def test_2566_stacking_rule(standing, total):
    # §7.3: 85% of the tax; 42.5% with a standing 50%; a standing 90% takes no extra 15%.
    document = doc(
        2566,
        [
            prop(
                land=land("800", "100000"),
                uses={"residential": "1"},
                residence="main_house",
                standing_reduction_pct=standing,
            )
        ],
    )
    assert quote(document)["total"] == total


def test_example_7_manual_rounded_share_is_not_what_we_compute():
    # The manual rounds the share to 96.7% and gets 31,998.03 (§12 example 7): "never round the proportion".
    answer = quote(EXAMPLE_DOCUMENTS["ex7-apartment-with-owner-flat-exact-share"])
    assert answer["total"] != "31998.03"
    assert answer["lines"][1]["rules"] == ["s.35", "s.38", "s.94(5)"]
    assert answer["lines"][0]["rules"] == ["s.35", "s.38", "s.41 para 1", "s.94(2)"]


@pytest.mark.parametrize(
    ("vacant_years", "settings", "total"),
    [
        (28, EngineSettings(), "550000.00"),  # 2569 counts from 2563: 7 years, k = 2 → 0.9% / 1.0%
        (7, EngineSettings(), "550000.00"),
        (
            4,
            EngineSettings(vacant_surcharge_method="effective_rate"),
            "370000.00",
        ),  # same when no band is capped
        (
            28,
            EngineSettings(vacant_years_counted_from=None, vacant_surcharge_method="effective_rate"),
            "1800000.00",
        ),
    ],
)
def test_vacant_surcharge_settings(vacant_years, settings, total):
    document = doc(2569, [prop(land=land("600", "100000"), uses={"vacant": "1"}, vacant_years=vacant_years)])
    answer = quote(document, settings=settings)
    assert answer["total"] == total
    assert "s.43" in answer["lines"][0]["rules"]


def test_vacant_year_4_counts_only_from_2563():
    # Vacant on 1 Jan 2563, 2564, 2565 → the first surcharge year is 2566 (§6); in 2565 a claimed 4th year is
    # only the 3rd counted one.
    document = doc(2565, [prop(land=land("600", "100000"), uses={"vacant": "1"}, vacant_years=4)], "juristic")
    assert quote(document)["total"] == "190000.00"


def test_individual_farm_fully_exempt_2563_to_2565():
    # s.96: the 130 M farm of example 11 pays nothing while the first three collection years last.
    document = doc(2565, [prop(land=land("1300", "100000"), uses={"agriculture": "1"})])
    (line,) = quote(document)["lines"]
    assert (line["allowance"], line["tax"]) == ("130000000.00", "0.00")
    assert "s.96" in line["rules"]


@pytest.mark.parametrize(
    ("vacant_years", "rates"),
    [
        (1, ["0.3", "0.4", "0.5", "0.6", "0.7"]),
        (3, ["0.3", "0.4", "0.5", "0.6", "0.7"]),
        (4, ["0.6", "0.7", "0.8", "0.9", "1.0"]),
        (6, ["0.6", "0.7", "0.8", "0.9", "1.0"]),
        (7, ["0.9", "1.0", "1.1", "1.2", "1.3"]),
        (25, ["2.7", "2.8", "2.9", "3.0", "3.0"]),
        (27, ["2.7", "2.8", "2.9", "3.0", "3.0"]),
        (28, ["3.0", "3.0", "3.0", "3.0", "3.0"]),
        (40, ["3.0", "3.0", "3.0", "3.0", "3.0"]),
    ],
)
def test_vacant_surcharge_table_of_section_6(vacant_years, rates):
    # A 6,000 M base reaches all five bands of table V; each band gets +0.3 per step, capped at 3% (§6).
    document = doc(
        2569, [prop(land=land("60000", "100000"), uses={"vacant": "1"}, vacant_years=vacant_years)]
    )
    (line,) = quote(document, settings=EngineSettings(vacant_years_counted_from=None))["lines"]
    assert [piece["rate_pct"] for piece in line["slices"]] == rates
    assert [piece["to"] for piece in line["slices"]] == [
        "50000000.00",
        "200000000.00",
        "1000000000.00",
        "5000000000.00",
        "6000000000.00",
    ]
