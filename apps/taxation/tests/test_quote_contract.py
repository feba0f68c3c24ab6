"""tax-quote-contract.md: input and output shapes, and every bad input it names (field named in the error)."""

from __future__ import annotations

import copy
import json
import pickle
from decimal import Decimal

import pytest

from apps.taxation.domain import (
    EngineSettings,
    QuoteInputError,
    RateBand,
    RateOverride,
    RuleDataError,
    available_tax_years,
    parse_quote_json,
    quote,
    year_rules,
)

CONTRACT_INPUT = """
{
  "tax_year": 2569,
  "taxpayer": {"type": "individual"},
  "properties": [
    {
      "ref": "A",
      "land": {"area": "1-0-00", "price_per_sq_wa": "5000"},
      "buildings": [
        {"floor_area_sqm": "700", "price_per_sqm": "3550", "construction": "wood", "age_years": 4}
      ],
      "uses": {"agriculture": "1"},
      "residence": null,
      "vacant_years": 0,
      "adjoining_group": null,
      "exempt": null,
      "standing_reduction_pct": 0
    }
  ]
}
"""

CONTRACT_OUTPUT = {
    "tax_year": 2569,
    "total": "0.00",
    "total_satang": 0,
    "installments_allowed": False,
    "lines": [
        {
            "ref": "A",
            "use": "agriculture",
            "table": "A",
            "base": "4186800.00",
            "allowance": "4186800.00",
            "taxable": "0.00",
            "tax_before_reductions": "0.00",
            "reductions": [],
            "tax": "0.00",
            "rules": ["s.35", "s.40", "s.94(1)"],
        }
    ],
}

LINE_KEYS = set(CONTRACT_OUTPUT["lines"][0])


def contract_document() -> dict:
    return parse_quote_json(CONTRACT_INPUT)


def test_contract_example_answers_the_contract_output():
    answer = quote(contract_document())
    for key in ("tax_year", "total", "total_satang", "installments_allowed"):
        assert answer[key] == CONTRACT_OUTPUT[key]
    (line,) = answer["lines"]
    assert {key: line[key] for key in LINE_KEYS} == CONTRACT_OUTPUT["lines"][0]


def test_answer_is_json_and_types_are_the_contracts():
    answer = quote(contract_document())
    assert json.loads(json.dumps(answer)) == answer
    assert isinstance(answer["total_satang"], int)
    assert isinstance(answer["installments_allowed"], bool)
    assert isinstance(answer["total"], str)
    assert isinstance(answer["lines"][0]["rules"], list)


def test_quote_does_not_change_its_input():
    document = contract_document()
    before = copy.deepcopy(document)
    quote(document)
    assert document == before


@pytest.mark.parametrize(
    ("area", "base"),
    [
        ("1-0-00", "4186800.00"),
        ({"sq_wa": "400"}, "4186800.00"),
        ({"sq_wa": 400}, "4186800.00"),
        ("2-1-35.5", "6864300.00"),  # 935.5 sq wa x 5,000 + 2,186,800
        ({"sq_wa": "935.5"}, "6864300.00"),
    ],
)
def test_land_area_as_deed_text_or_square_wa(area, base):
    document = contract_document()
    document["properties"][0]["land"]["area"] = area
    assert quote(document)["lines"][0]["base"] == base


@pytest.mark.parametrize(("base_sq_wa", "installments"), [("150", True), ("149.9995", False)])
def test_installments_allowed_from_3000_baht(base_sq_wa, installments):
    # R3 0.02%: 15,000,000 → 3,000.00 (allowed); 14,999,950 → 2,999.99 (not) (§11.3).
    document = {
        "tax_year": 2569,
        "taxpayer": {"type": "individual"},
        "properties": [
            {
                "ref": "H",
                "land": {"area": {"sq_wa": base_sq_wa}, "price_per_sq_wa": "100000"},
                "uses": {"residential": "1"},
            }
        ],
    }
    answer = quote(document)
    assert answer["installments_allowed"] is installments
    assert answer["total"] == ("3000.00" if installments else "2999.99")
    assert answer["installment_due"] == (["2026-06-30", "2026-07-31", "2026-08-31"] if installments else [])


def test_exempt_property_pays_nothing_and_says_why():
    document = contract_document()
    document["properties"][0]["exempt"] = "s8(5)"
    document["properties"][0]["uses"] = {"other": "1"}
    (line,) = quote(document)["lines"]
    assert (line["exempt"], line["tax"], line["rules"]) == ("s8(5)", "0.00", ["s.8(5)"])
    assert line["base"] == "4186800.00"


def test_adjoining_group_is_one_base_and_names_its_parcels():
    parcel = {
        "land": {"area": {"sq_wa": "300"}, "price_per_sq_wa": "100000"},
        "uses": {"other": "1"},
        "adjoining_group": "g1",
    }
    document = {
        "tax_year": 2567,
        "taxpayer": {"type": "juristic"},
        "properties": [{"ref": "A", **parcel}, {"ref": "B", **parcel}],
    }
    (line,) = quote(document)["lines"]
    assert (line["ref"], line["refs"], line["base"]) == ("A+B", ["A", "B"], "60000000.00")
    assert line["tax"] == "190000.00"  # one base of 60 M crosses the 50 M band; two bases of 30 M would not
    assert "s.42 para 2" in line["rules"]


def test_total_is_the_sum_of_rounded_lines():
    # two shares of 1/3: each line rounds alone, the total adds the rounded lines (contract § Conventions)
    document = {
        "tax_year": 2567,
        "taxpayer": {"type": "juristic"},
        "properties": [
            {
                "ref": "M",
                "land": {"area": {"sq_wa": "1"}, "price_per_sq_wa": "1001"},
                "uses": {"other": "1", "vacant": "1", "residential": "1"},
            },
        ],
    }
    answer = quote(document)
    assert sum(line["tax_satang"] for line in answer["lines"]) == answer["total_satang"]
    assert [line["tax"] for line in answer["lines"]] == ["0.07", "1.00", "1.00"]


def test_agriculture_allowance_pooled_over_the_organisation():
    # s.40: one 50 M for all of an individual's farms in the organisation (contract § Conventions).
    farm = {"land": {"area": {"sq_wa": "400"}, "price_per_sq_wa": "100000"}, "uses": {"agriculture": "1"}}
    document = {
        "tax_year": 2567,
        "taxpayer": {"type": "individual"},
        "properties": [{"ref": "F1", **farm}, {"ref": "F2", **farm}],
    }
    answer = quote(document)
    assert [line["allowance"] for line in answer["lines"]] == ["25000000.00", "25000000.00"]
    assert answer["total"] == "3000.00"  # 2 x 15 M x 0.01%


# --- bad input: every case the contract names, and the field it must name ----------------------------------


def _bad(path: list, value) -> dict:
    document = contract_document()
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return document


BAD_INPUTS = [
    ("unknown-use", _bad(["properties", 0, "uses"], {"shop": "1"}), "properties[0].uses.shop", "unknown_use"),
    (
        "unknown-construction",
        _bad(["properties", 0, "buildings", 0, "construction"], "steel"),
        "properties[0].buildings[0].construction",
        "unknown_construction",
    ),
    (
        "no-positive-weight",
        _bad(["properties", 0, "uses"], {"agriculture": "0", "other": "0"}),
        "properties[0].uses",
        "no_positive_use_weight",
    ),
    ("empty-uses", _bad(["properties", 0, "uses"], {}), "properties[0].uses", "no_positive_use_weight"),
    (
        "negative-price",
        _bad(["properties", 0, "land", "price_per_sq_wa"], "-5000"),
        "properties[0].land.price_per_sq_wa",
        "negative",
    ),
    (
        "negative-weight",
        _bad(["properties", 0, "uses"], {"agriculture": "-1"}),
        "properties[0].uses.agriculture",
        "negative",
    ),
    (
        "negative-age",
        _bad(["properties", 0, "buildings", 0, "age_years"], -1),
        "properties[0].buildings[0].age_years",
        "negative",
    ),
    (
        "non-numeric-price",
        _bad(["properties", 0, "land", "price_per_sq_wa"], "5,000"),
        "properties[0].land.price_per_sq_wa",
        "not_a_number",
    ),
    (
        "non-numeric-area",
        _bad(["properties", 0, "buildings", 0, "floor_area_sqm"], "big"),
        "properties[0].buildings[0].floor_area_sqm",
        "not_a_number",
    ),
    (
        "bool-is-not-a-number",
        _bad(["properties", 0, "land", "price_per_sq_wa"], True),
        "properties[0].land.price_per_sq_wa",
        "not_a_number",
    ),
    ("tax-year-before-2563", _bad(["tax_year"], 2562), "tax_year", "tax_year_before_2563"),
    ("tax-year-without-rules", _bad(["tax_year"], 2600), "tax_year", "tax_year_unsupported"),
    (
        "deed-ngan-5",
        _bad(["properties", 0, "land", "area"], "1-5-00"),
        "properties[0].land.area",
        "bad_area_text",
    ),
    (
        "deed-wa-100",
        _bad(["properties", 0, "land", "area"], "1-0-100"),
        "properties[0].land.area",
        "bad_area_text",
    ),
    (
        "deed-garbage",
        _bad(["properties", 0, "land", "area"], "one rai"),
        "properties[0].land.area",
        "bad_area_text",
    ),
    (
        "python-float",
        _bad(["properties", 0, "land", "price_per_sq_wa"], 5000.0),
        "properties[0].land.price_per_sq_wa",
        "json_float",
    ),
    (
        "building-only-with-land",
        _bad(["properties", 0, "residence"], "building_only"),
        "properties[0].residence",
        "building_only_with_land",
    ),
    (
        "unknown-residence",
        _bad(["properties", 0, "residence"], "holiday_home"),
        "properties[0].residence",
        "unknown_residence",
    ),
    (
        "unknown-taxpayer-type",
        _bad(["taxpayer", "type"], "company"),
        "taxpayer.type",
        "unknown_taxpayer_type",
    ),
    (
        "unknown-field",
        _bad(["properties", 0, "standing_reduction"], 50),
        "properties[0].standing_reduction",
        "unknown_field",
    ),
    (
        "standing-30pct",
        _bad(["properties", 0, "standing_reduction_pct"], 30),
        "properties[0].standing_reduction_pct",
        "bad_standing_reduction",
    ),
    (
        "unknown-exemption",
        _bad(["properties", 0, "exempt"], "s9(1)"),
        "properties[0].exempt",
        "unknown_exemption",
    ),
    (
        "missing-price",
        _bad(["properties", 0, "land"], {"area": "1-0-00"}),
        "properties[0].land.price_per_sq_wa",
        "required",
    ),
    ("missing-tax-year", _bad(["tax_year"], None), "tax_year", "required"),
    ("properties-not-a-list", _bad(["properties"], {}), "properties", "wrong_type"),
]


@pytest.mark.parametrize(
    ("document", "field", "code"), [pytest.param(*row[1:], id=row[0]) for row in BAD_INPUTS]
)
def test_bad_input_is_refused_naming_the_field(document, field, code):
    with pytest.raises(QuoteInputError) as info:
        quote(document)
    assert info.value.field == field
    assert info.value.code == code
    assert str(info.value).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("text", "field", "code"),
    [
        (CONTRACT_INPUT.replace('"5000"', "5000.0"), "properties[0].land.price_per_sq_wa", "json_float"),
        (CONTRACT_INPUT.replace('"700"', "7e2"), "properties[0].buildings[0].floor_area_sqm", "json_float"),
        (
            CONTRACT_INPUT.replace('"age_years": 4', '"age_years": 4.0'),
            "properties[0].buildings[0].age_years",
            "json_float",
        ),
        (CONTRACT_INPUT.replace('"5000"', "NaN"), "$", "not_a_number"),
        (CONTRACT_INPUT[:-10], "$", "malformed_json"),
        ("[1, 2]", "$", "wrong_type"),
        (b"\xff\xfe", "$", "malformed_json"),
    ],
)
def test_parse_quote_json_refuses_floats_and_garbage(text, field, code):
    with pytest.raises(QuoteInputError) as info:
        parse_quote_json(text)
    assert (info.value.field, info.value.code) == (field, code)


def test_parse_quote_json_keeps_strings_and_integers_exact():
    document = parse_quote_json(CONTRACT_INPUT)
    assert document["properties"][0]["land"]["price_per_sq_wa"] == "5000"
    assert document["properties"][0]["buildings"][0]["age_years"] == 4


@pytest.mark.parametrize(
    ("properties", "field", "code"),
    [
        (
            [
                {
                    "ref": "H1",
                    "land": {"area": "0-1-00", "price_per_sq_wa": "1000"},
                    "uses": {"residential": "1"},
                    "residence": "main_house",
                },
                {
                    "ref": "H2",
                    "land": {"area": "0-1-00", "price_per_sq_wa": "1000"},
                    "uses": {"residential": "1"},
                    "residence": "main_house",
                },
            ],
            "properties[1].residence",
            "second_residence",
        ),
        (
            [
                {
                    "ref": "B",
                    "buildings": [
                        {
                            "floor_area_sqm": "100",
                            "price_per_sqm": "7000",
                            "construction": "wood",
                            "age_years": 1,
                        }
                    ],
                    "uses": {"residential": "1"},
                    "residence": "main_house",
                }
            ],
            "properties[0].residence",
            "main_house_without_land",
        ),
        (
            [
                {
                    "ref": "C",
                    "condo_unit": {"area_sqm": "30", "price_per_sqm": "25000"},
                    "land": {"area": "0-0-10", "price_per_sq_wa": "1000"},
                    "uses": {"residential": "1"},
                }
            ],
            "properties[0].condo_unit",
            "condo_with_land_or_buildings",
        ),
        ([{"ref": "E", "uses": {"other": "1"}}], "properties[0]", "nothing_to_value"),
        (
            [{"ref": "U", "land": {"area": "0-0-10", "price_per_sq_wa": "1"}}],
            "properties[0].uses",
            "required",
        ),
    ],
)
def test_cross_field_refusals(properties, field, code):
    document = {"tax_year": 2567, "taxpayer": {"type": "individual"}, "properties": properties}
    with pytest.raises(QuoteInputError) as info:
        quote(document)
    assert (info.value.field, info.value.code) == (field, code)


def test_residence_is_for_individuals_only():
    document = contract_document()
    document["taxpayer"]["type"] = "juristic"
    document["properties"][0]["residence"] = "main_house"
    with pytest.raises(QuoteInputError) as info:
        quote(document)
    assert (info.value.field, info.value.code) == ("properties[0].residence", "residence_for_juristic")


def test_adjoining_parcels_of_one_home_may_all_be_marked_main_house():
    parcel = {
        "land": {"area": "0-1-00", "price_per_sq_wa": "1000"},
        "uses": {"residential": "1"},
        "residence": "main_house",
        "adjoining_group": "home",
    }
    document = {
        "tax_year": 2567,
        "taxpayer": {"type": "individual"},
        "properties": [{"ref": "H1", **parcel}, {"ref": "H2", **parcel}],
    }
    assert quote(document)["total"] == "0.00"


def test_error_keeps_field_and_code_through_pickle():
    error = QuoteInputError("tax_year", "too early", code="tax_year_before_2563")
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert (again.field, again.message, again.code, str(again)) == (
        "tax_year",
        "too early",
        "tax_year_before_2563",
        "tax_year: too early",
    )


# --- per-year data and organisation overrides ---------------------------------------------------------------


def test_year_data_covers_2563_to_2569():
    assert set(range(2563, 2570)) <= set(available_tax_years())


@pytest.mark.parametrize("tax_year", range(2563, 2570))
def test_every_year_file_loads_with_exact_rates(tax_year):
    rules = year_rules(tax_year)
    assert rules.tax_year == tax_year
    assert rules.tables["O"].bands[0].rate_pct == Decimal("0.3")
    assert isinstance(rules.tables["A"].bands[0].rate_pct, Decimal)
    assert rules.installment_threshold_baht == 3000
    assert (rules.s97_pct_of_increase is not None) == (tax_year <= 2565)
    assert rules.s96_agriculture_individual_exempt == (tax_year <= 2565)
    assert year_rules(tax_year) is rules  # loaded once, cached


ORDINANCE = "ordinance of Sai Thong SAO (test)"


def test_ordinance_override_raises_the_rate_up_to_the_ceiling():
    override = RateOverride(table="O", bands=(RateBand(None, Decimal("0.8")),), ordinance=ORDINANCE)
    document = {
        "tax_year": 2567,
        "taxpayer": {"type": "juristic"},
        "properties": [
            {
                "ref": "S",
                "land": {"area": {"sq_wa": "1000"}, "price_per_sq_wa": "10000"},
                "uses": {"other": "1"},
            }
        ],
    }
    assert quote(document)["total"] == "30000.00"
    answer = quote(document, rate_overrides=(override,))
    assert answer["total"] == "80000.00"  # 10 M x 0.8%, above every decree band (0.3-0.7%)
    assert answer["lines"][0]["rules"][-2:] == ["s.37 para 6", ORDINANCE]
    assert quote(document)["total"] == "30000.00"  # the override did not leak into the cached decree rules


@pytest.mark.parametrize(
    ("table", "bands", "says"),
    [
        ("O", (RateBand(None, Decimal("1.3")),), "ceiling"),
        ("A", (RateBand(None, Decimal("0.2")),), "ceiling"),
        ("O", (RateBand(None, Decimal("0.35")),), "below the decree"),  # 0.35 < 0.4 above 50 M
        (
            "R3",
            (RateBand(Decimal(50_000_000), Decimal("0.02")), RateBand(None, Decimal("0.02"))),
            "below the decree",
        ),
        ("X", (RateBand(None, Decimal("0.1")),), "unknown table"),
    ],
)
def test_ordinance_override_outside_the_act_is_refused(table, bands, says):
    with pytest.raises(RuleDataError, match=says):
        year_rules(2567, (RateOverride(table=table, bands=bands, ordinance=ORDINANCE),))


@pytest.mark.parametrize(
    "kwargs",
    [{"bracket_scope": "parcel"}, {"rounding_mode": "bankers"}, {"rounding_quantum_satang": 0}],
)
def test_settings_refuse_unknown_choices(kwargs):
    with pytest.raises(ValueError):
        EngineSettings(**kwargs)


def test_rounding_to_whole_baht_is_a_setting():
    document = {
        "tax_year": 2567,
        "taxpayer": {"type": "juristic"},
        "properties": [
            {
                "ref": "R",
                "land": {"area": {"sq_wa": "1"}, "price_per_sq_wa": "2502500"},
                "uses": {"residential": "1"},
            }
        ],
    }
    assert quote(document)["total"] == "500.50"  # 2,502,500 x 0.02%
    assert quote(document, settings=EngineSettings(rounding_quantum_satang=100))["total"] == "501.00"
