"""Treasury building prices for the demo round, baht per m² (land-building-tax.md §9.3).

The published list (one LGO's, round/year not stated: UNCONFIRMED for any year) gives a price per type family
and for some 500-codes; a code it does not list takes its family's price.
"""

from apps.registry.domain.codes import BUILDING_TYPES

_BY_CODE = {
    "501": 5800,
    "502": 3600,
    "504": 2600,
    "505": 7650,
    "507": 8400,
    "508": 9700,
    "510": 7050,
    "512": 5650,
    "513": 6350,
    "514": 3600,
    "515": 3600,
}
_BY_FAMILY = {"1": 7250, "2": 7550, "3": 7200, "4": 8200, "5": 5800, "6": 2600}


def building_price_per_sqm(code: str) -> int:
    return _BY_CODE.get(code, _BY_FAMILY[code[0]])


DEMO_BUILDING_PRICES: dict[str, int] = {
    code: building_price_per_sqm(code) for code, *_labels in BUILDING_TYPES
}
