"""Who owns what: households on their house plots, farmers with several fields, a few firms, co-owners.

Every share set sums to exactly 1 (1/1, 1/2 + 1/2, 1/3 × 3). Personal IDs are random digits in the shape of a
Huai Mek registration (first digit 1 or 3, office 4608) with a valid check digit (domain/owner_id.py); they
are drawn, never copied from a person — a match with a real ID would be chance (PDPA, municipal-services §7).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from stdnum.th import moa

from ..domain.owner_id import make_valid_personal_id
from . import names
from .buildings import BuildingPlan
from .parcels import AGRICULTURE, COMMERCE, RESIDENCE, RESIDENCE_HOUSE_ONLY, ParcelFacts
from .territory import VillageSite

INDIVIDUAL, JURISTIC = "individual", "juristic"


@dataclass(slots=True)
class OwnerPlan:
    owner_type: str
    id_number: str
    title: str
    first_name: str
    last_name: str
    house_no: str
    moo_no: int
    phone: str
    male: bool = True


@dataclass(slots=True)
class Share:
    owner_ix: int
    target_ix: int  # parcel or building index
    numerator: int
    denominator: int
    in_house_registration: bool
    since: dt.date


@dataclass(slots=True)
class OwnershipPlan:
    owners: list[OwnerPlan] = field(default_factory=list)
    parcel_shares: list[Share] = field(default_factory=list)
    building_shares: list[Share] = field(default_factory=list)
    resident_owner_ix: int | None = None  # the demo resident's owner record


class _People:
    def __init__(self, rng: np.random.Generator, sites: list[VillageSite]) -> None:
        self.rng, self.sites = rng, sites
        self.owners: list[OwnerPlan] = []
        self.ids: set[str] = set()
        self.spare_house_no = {
            s.moo_no: 400 for s in sites
        }  # addresses of people whose house we did not draw

    def _personal_id(self) -> str:
        while True:
            prefix = (
                str(self.rng.choice(("1", "3"), p=(0.4, 0.6))) + "4608" + f"{self.rng.integers(0, 10**7):07d}"
            )
            number = make_valid_personal_id(prefix)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def _phone(self) -> str:
        if self.rng.uniform() < 0.5:
            return ""
        digits = f"0{self.rng.choice(('6', '8', '9'))}{self.rng.integers(0, 10**8):08d}"
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"

    def person(
        self,
        *,
        moo_no: int,
        house_no: str = "",
        male: bool | None = None,
        last_name: str | None = None,
        married: bool | None = None,
    ) -> int:
        rng = self.rng
        male = bool(rng.uniform() < 0.55) if male is None else male
        married = bool(rng.uniform() < 0.7) if married is None else married
        if not house_no:
            self.spare_house_no[moo_no] += 1
            house_no = str(self.spare_house_no[moo_no])
        title = (
            names.TITLE_MALE
            if male
            else (names.TITLE_MARRIED_FEMALE if married else names.TITLE_UNMARRIED_FEMALE)
        )
        first = rng.choice(names.FIRST_NAMES_MALE if male else names.FIRST_NAMES_FEMALE)
        self.owners.append(
            OwnerPlan(
                owner_type=INDIVIDUAL,
                id_number=self._personal_id(),
                title=title,
                first_name=str(first),
                last_name=last_name or str(rng.choice(names.LAST_NAMES)),
                house_no=house_no,
                moo_no=moo_no,
                phone=self._phone(),
                male=male,
            )
        )
        return len(self.owners) - 1

    def firm(self, n: int) -> int:
        rng = self.rng
        stem = names.FIRM_STEMS[n % len(names.FIRM_STEMS)]
        head, tail, type_digit = names.FIRM_FORMS[int(rng.uniform() < 0.35)]
        year_be = int(rng.integers(2535, 2566))
        if n >= len(names.FIRM_STEMS):
            stem = f"{stem} ({year_be})"
        while True:
            prefix = f"046{type_digit}{year_be % 1000:03d}{rng.integers(0, 10**5):05d}"
            number = prefix + moa.calc_check_digit(prefix)
            if number not in self.ids:
                self.ids.add(number)
                break
        site = self.sites[int(rng.integers(len(self.sites)))]
        self.spare_house_no[site.moo_no] += 1
        self.owners.append(
            OwnerPlan(
                owner_type=JURISTIC,
                id_number=number,
                title="",
                first_name=f"{head}{stem}{tail}",
                last_name="",
                house_no=str(self.spare_house_no[site.moo_no]),
                moo_no=site.moo_no,
                phone=self._phone(),
            )
        )
        return len(self.owners) - 1


def _since(rng: np.random.Generator) -> dt.date:
    return dt.date(int(rng.integers(1977, 2024)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))


def plan_ownership(
    seed: int, facts: ParcelFacts, buildings: list[BuildingPlan], sites: list[VillageSite]
) -> OwnershipPlan:
    rng = np.random.default_rng([seed, 41])
    people = _People(rng, sites)
    n = len(facts.use)
    moo_of = [sites[int(v)].moo_no for v in facts.village_ix]
    houses = {b.parcel_ix: b for b in buildings if b.role == "house"}
    owner_of = np.full(n, -1)  # main land owner of each parcel
    households: dict[int, list[int]] = {s.moo_no: [] for s in sites}
    home_owner: dict[int, int] = {}  # parcel -> owner living there
    tenant_house: set[int] = set()

    # 1. A household on every house plot; ~4 % live in their own house on someone else's land (code 3).
    for k in np.flatnonzero(facts.use == RESIDENCE):
        if k not in houses:
            continue
        resident = people.person(moo_no=moo_of[k], house_no=facts.house_no[k])
        home_owner[k] = resident
        if rng.uniform() < 0.04:
            tenant_house.add(k)
            facts.use[k] = RESIDENCE_HOUSE_ONLY
        else:
            owner_of[k] = resident
            households[moo_of[k]].append(resident)

    # 2. The demo resident: a household in หมู่ 1 that also farms the two nearest fields, and nothing else.
    plan = OwnershipPlan()
    reserved: set[int] = set()
    moo1 = [k for k, o in home_owner.items() if moo_of[k] == sites[0].moo_no and k not in tenant_house]
    fields = np.flatnonzero(facts.use == AGRICULTURE)
    if moo1 and len(fields) >= 2:
        home = min(moo1)
        gap = np.linalg.norm(facts.centroid[fields] - facts.centroid[home], axis=1)
        near = fields[np.argsort(gap)[:2]]
        plan.resident_owner_ix = int(owner_of[home])
        households[moo_of[home]].remove(plan.resident_owner_ix)
        owner_of[near] = plan.resident_owner_ix
        reserved = {home, *near.tolist()}

    # 3. Everything else: mostly village households with several fields, some farm-only owners, a few firms.
    firms = [people.firm(i) for i in range(max(2, n // 700))]
    last_farmer: dict[int, int] = {}
    for k in rng.permutation(n):
        if owner_of[k] >= 0:
            continue
        moo = moo_of[k]
        roll = rng.uniform()
        if (facts.use[k] == COMMERCE and roll < 0.2) or roll < 0.005:
            owner_of[k] = firms[int(rng.integers(len(firms)))]
        elif roll < 0.6 and households[moo]:
            owner_of[k] = households[moo][int(rng.integers(len(households[moo])))]
        elif roll < 0.8 and moo in last_farmer:
            owner_of[k] = last_farmer[moo]
        else:
            owner_of[k] = last_farmer[moo] = people.person(moo_no=moo)

    # 4. Co-owners: a spouse (1/2 + 1/2, the same spouse on all of a household's plots)
    #    or three heirs (1/3 × 3).
    spouse_of: dict[int, int] = {}
    for k in range(n):
        main = int(owner_of[k])
        in_house = home_owner.get(k) == main
        since = _since(rng)
        roll = rng.uniform()
        if k in reserved or people.owners[main].owner_type == JURISTIC or roll >= 0.09:
            plan.parcel_shares.append(Share(main, k, 1, 1, in_house, since))
        elif roll < 0.07:
            if main not in spouse_of:
                husband = people.owners[main]
                spouse_of[main] = people.person(
                    moo_no=husband.moo_no,
                    house_no=husband.house_no,
                    male=not husband.male,
                    last_name=husband.last_name,
                    married=True,
                )
            plan.parcel_shares += [
                Share(main, k, 1, 2, in_house, since),
                Share(spouse_of[main], k, 1, 2, in_house, since),
            ]
        else:
            heirs = [main] + [
                people.person(moo_no=moo_of[k], last_name=people.owners[main].last_name) for _ in range(2)
            ]
            plan.parcel_shares += [Share(h, k, 1, 3, False, since) for h in heirs]

    # 5. Buildings belong to the land owners, except the tenant houses.
    shares_by_parcel: dict[int, list[Share]] = {}
    for s in plan.parcel_shares:
        shares_by_parcel.setdefault(s.target_ix, []).append(s)
    for b_ix, b in enumerate(buildings):
        since = _since(rng)
        if b.parcel_ix in tenant_house and b.role == "house":
            plan.building_shares.append(Share(home_owner[b.parcel_ix], b_ix, 1, 1, True, since))
            continue
        for s in shares_by_parcel[b.parcel_ix]:
            plan.building_shares.append(
                Share(
                    s.owner_ix,
                    b_ix,
                    s.numerator,
                    s.denominator,
                    b.role == "house" and s.in_house_registration,
                    since,
                )
            )
    plan.owners = people.owners
    return plan
