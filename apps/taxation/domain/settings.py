"""Every UNCONFIRMED choice of land-building-tax.md as one named option, defaulting to the file's advice.

When the client organisation or the DLA confirms a point, change the default here (and the test row that pins
it); callers that must reproduce an older bill pass their own ``EngineSettings``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AgricultureAllowanceBands = Literal["post_allowance", "consume_first_band"]
AllowanceSharing = Literal["proportional", "largest_first"]
BracketScope = Literal["property", "taxpayer"]
VacantSurchargeMethod = Literal["per_band", "effective_rate"]
ReductionStacking = Literal["like_2566", "multiply", "larger_only"]
ReliefOrder = Literal["reduction_then_relief", "relief_then_reduction"]
ReliefScope = Literal["taxpayer", "property"]
RoundingMode = Literal["half_up", "half_even", "down", "up"]


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """Options for the points the law leaves open (land-building-tax.md §14 lists them).

    agriculture_allowance_bands — §4.3, §14.1. ``"post_allowance"`` (default, the literal reading of s.42: the
        s.94(1) bands start at zero after the 50 M allowance; 130 M farm → 9,000) or ``"consume_first_band"``
        (the allowance eats the first 50 M of the gross 0-75 M band, as one LGO app does; 130 M → 25,000).
    agriculture_allowance_sharing — §5.2 (s.40 pools one 50 M per individual per organisation, but how
        the pool is shared between several farm bases when brackets run per property is not written anywhere):
        ``"proportional"`` (default: each base gets allowance x its share of the farm total; order-free) or
        ``"largest_first"`` (fill the largest base first; ties by input order).
    bracket_scope — §9.2, §14.3. ``"property"`` (default: brackets per property or adjoining group, per use)
        or ``"taxpayer"`` (one base per use and table over all the taxpayer's property in the organisation).
    vacant_surcharge_method — §6, §14.4. ``"per_band"`` (default: +0.3 point per step on every band, each
        band capped at 3%) or ``"effective_rate"`` (banded tax + 0.3 point x steps on the whole base, the
        whole capped at 3% of the base).
    vacant_years_counted_from — §6, §14.4. First tax year that counts towards the s.43 run of vacant years;
        default 2563 (collection began then, so the first surcharge year is 2566). ``None`` trusts the input's
        ``vacant_years`` as given.
    unconfirmed_reduction_stacking — §7.3, §14.6. How a year reduction whose interplay with the standing RD
        2563 reductions is unknown (the 90% of 2563 and 2564) combines with them: ``"like_2566"`` (default:
        the confirmed 2566 rule, a standing 50% takes the year reduction on top and a standing 90% does not),
        ``"multiply"`` (every reduction applies on what the previous one left) or ``"larger_only"``.
    s97_order — §7.4. ``"reduction_then_relief"`` (default: Bangkok's notice; the 90% decrees reduce "the tax
        computed under s.42/s.95") or ``"relief_then_reduction"``.
    s97_scope — §7.4. Compare the new tax with the 2562 tax per ``"taxpayer"`` (default, as the Bangkok app)
        or per ``"property"`` (per property or adjoining group).
    rounding_mode, rounding_quantum_satang — §10, §14.2. Each line's tax is rounded once, half-up to 1 satang
        by default; ``rounding_quantum_satang=100`` rounds to whole baht. The total is the sum of the lines.
    """

    agriculture_allowance_bands: AgricultureAllowanceBands = "post_allowance"
    agriculture_allowance_sharing: AllowanceSharing = "proportional"
    bracket_scope: BracketScope = "property"
    vacant_surcharge_method: VacantSurchargeMethod = "per_band"
    vacant_years_counted_from: int | None = 2563
    unconfirmed_reduction_stacking: ReductionStacking = "like_2566"
    s97_order: ReliefOrder = "reduction_then_relief"
    s97_scope: ReliefScope = "taxpayer"
    rounding_mode: RoundingMode = "half_up"
    rounding_quantum_satang: int = 1

    def __post_init__(self) -> None:
        # Literal types are not checked at run time; a typo in a setting must fail loudly, not fall through.
        choices = {
            "agriculture_allowance_bands": ("post_allowance", "consume_first_band"),
            "agriculture_allowance_sharing": ("proportional", "largest_first"),
            "bracket_scope": ("property", "taxpayer"),
            "vacant_surcharge_method": ("per_band", "effective_rate"),
            "unconfirmed_reduction_stacking": ("like_2566", "multiply", "larger_only"),
            "s97_order": ("reduction_then_relief", "relief_then_reduction"),
            "s97_scope": ("taxpayer", "property"),
            "rounding_mode": ("half_up", "half_even", "down", "up"),
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"EngineSettings.{name} must be one of {allowed}, got {getattr(self, name)!r}"
                )
        if not isinstance(self.rounding_quantum_satang, int) or self.rounding_quantum_satang < 1:
            raise ValueError(
                "EngineSettings.rounding_quantum_satang must be a positive whole number of satang"
            )
        if self.vacant_years_counted_from is not None and not isinstance(self.vacant_years_counted_from, int):
            raise ValueError("EngineSettings.vacant_years_counted_from must be a year or None")
