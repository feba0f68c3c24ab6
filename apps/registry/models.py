"""The property registry: tax-map zones and blocks, parcels, buildings, owners and who owns what.

Geometry is stored in EPSG:4326; areas are measured in metres in the organisation's UTM zone (services.py).
Every table keeps its full history (django-simple-history), kept forever.
"""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import SpGistIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.history import BulkHistoricalRecords
from apps.core.i18n import choices_from
from apps.organisations.models import STORAGE_SRID, Organisation, OrgScoped

from .domain import codes
from .validators import validate_parcel_code_fields


class Village(OrgScoped):
    """หมู่บ้าน: village no. (หมู่ที่) within the subdistrict."""

    moo_no = models.PositiveSmallIntegerField(_("village no."), validators=[MinValueValidator(1)])
    name_th = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    geom = models.MultiPolygonField(_("area"), srid=STORAGE_SRID, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["organisation", "moo_no"]
        constraints = [models.UniqueConstraint(fields=["organisation", "moo_no"], name="village_unique_moo")]

    def __str__(self) -> str:
        return _("Moo %(no)s %(name)s") % {"no": self.moo_no, "name": self.name_th}


class TaxMapZone(OrgScoped):
    """โซน: the master map is split into zones along roads and waterways (§3.1)."""

    zone_no = models.PositiveSmallIntegerField(
        _("zone no."), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    geom = models.MultiPolygonField(_("area"), srid=STORAGE_SRID)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tax-map zone")
        verbose_name_plural = _("tax-map zones")
        ordering = ["organisation", "zone_no"]
        constraints = [models.UniqueConstraint(fields=["organisation", "zone_no"], name="zone_unique_no")]

    def __str__(self) -> str:
        return f"{self.zone_no:02d}"


class TaxMapBlock(OrgScoped):
    """บล็อก: a lettered block inside a zone; its code is zone + letter, e.g. ``01A``."""

    zone = models.ForeignKey(
        TaxMapZone, on_delete=models.PROTECT, related_name="blocks", verbose_name=_("zone")
    )
    block_letter = models.CharField(
        _("block"), max_length=1, validators=[RegexValidator(r"^[A-Z]$", _("One capital letter A-Z."))]
    )
    geom = models.MultiPolygonField(_("area"), srid=STORAGE_SRID)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tax-map block")
        verbose_name_plural = _("tax-map blocks")
        ordering = ["organisation", "zone__zone_no", "block_letter"]
        constraints = [models.UniqueConstraint(fields=["zone", "block_letter"], name="block_unique_letter")]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"{self.zone.zone_no:02d}{self.block_letter}"


class Parcel(OrgScoped):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired (split or merged)")

    class GeometrySource(models.TextChoices):
        DOL = "dol", _("Land Department feed")
        SHEET = "sheet", _("Digitised from a cadastral sheet")
        SURVEY = "survey", _("Field survey")
        ORTHOPHOTO = "ortho", _("Orthophoto")
        IMPORT = "import", _("Imported file")
        DEMO = "demo", _("Demo data")

    # Looked up within an organisation only: the unique (organisation, parcel_code) index serves equality and
    # prefix search, so neither column has an index of its own (each costs time on every imported row).
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        verbose_name=_("organisation"),
        related_name="+",
        db_index=False,
    )
    parcel_code = models.CharField(_("parcel code"), max_length=16)
    # The parts are always derived from parcel_code (validators.validate_parcel_code_fields), never typed.
    zone_no = models.PositiveSmallIntegerField(_("zone no."), blank=True, editable=False)
    block_letter = models.CharField(_("block"), max_length=1, blank=True, editable=False)
    lot_no = models.PositiveSmallIntegerField(_("lot no."), blank=True, editable=False)
    split_no = models.PositiveSmallIntegerField(_("split suffix"), null=True, blank=True, editable=False)
    block = models.ForeignKey(
        TaxMapBlock,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parcels",
        verbose_name=_("block"),
        # Read through the parcel code, not the block; only removing a block looks parcels up by it.
        db_index=False,
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parcels",
        verbose_name=_("village"),
        # A village's parcels are a slice of one organisation's, found through its code index and a filter;
        # an index of their own would be maintained on every imported row for that.
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)

    # Land Department keys (§2.5, §4.2); a rural parcel may have none of them.
    land_document_type = models.PositiveSmallIntegerField(
        _("land document type"), choices=choices_from(codes.LAND_DOCUMENT_TYPES), default=1
    )
    document_no = models.CharField(_("document no."), max_length=20, blank=True)
    land_no = models.CharField(_("land no."), max_length=20, blank=True)
    survey_page = models.CharField(_("survey page"), max_length=20, blank=True)
    volume = models.CharField(_("volume"), max_length=20, blank=True)
    page = models.CharField(_("page"), max_length=20, blank=True)
    sheet_utm1 = models.CharField(_("sheet: 1:50,000 no."), max_length=4, blank=True)
    sheet_utm2 = models.PositiveSmallIntegerField(
        _("sheet: quadrant"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    sheet_utm3 = models.CharField(_("sheet: grid reference"), max_length=4, blank=True)
    sheet_utm4 = models.CharField(_("sheet: sub-sheet"), max_length=3, blank=True)
    sheet_scale = models.PositiveIntegerField(
        _("sheet scale"), null=True, blank=True, choices=[(s, f"1:{s:,}") for s in (500, 1000, 2000, 4000)]
    )
    deed_area_sq_wa = models.DecimalField(
        _("deed area (sq wa)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    house_no = models.CharField(_("address no."), max_length=20, blank=True)
    road = models.CharField(_("road"), max_length=120, blank=True)
    # s.8 of the Land and Building Tax Act (land-building-tax.md §5.1): the ground on which the parcel and
    # its buildings are exempt outright; the codes are the ones the tax engine accepts (s8(1) … s8(12)).
    exempt_ground = models.CharField(
        _("tax exemption (s.8)"),
        max_length=6,
        null=True,
        blank=True,
        choices=[
            ("s8(1)", _("s.8(1) state property used for public purposes")),
            ("s8(2)", _("s.8(2) United Nations or international organisation")),
            ("s8(3)", _("s.8(3) embassy or consulate")),
            ("s8(4)", _("s.8(4) Thai Red Cross")),
            ("s8(5)", _("s.8(5) religious property, not for profit")),
            ("s8(6)", _("s.8(6) public cemetery or crematorium")),
            ("s8(7)", _("s.8(7) foundation or charity named by the Minister")),
            ("s8(8)", _("s.8(8) private property lent for public use")),
            ("s8(9)", _("s.8(9) condominium common property")),
            ("s8(10)", _("s.8(10) public utility of a land allocation")),
            ("s8(11)", _("s.8(11) public utility of an industrial estate")),
            ("s8(12)", _("s.8(12) other property named by ministerial regulation")),
        ],
    )

    # Indexed with SP-GiST (Meta.indexes), not GeoDjango's GiST: parcels tile the ground without overlapping,
    # which a quad-tree partitions well; it takes a new row in half the time and answers && as fast or faster.
    geom = models.MultiPolygonField(_("boundary"), srid=STORAGE_SRID, spatial_index=False)
    area_m2 = models.DecimalField(
        _("map area (m²)"), max_digits=14, decimal_places=2, null=True, editable=False
    )
    geometry_source = models.CharField(
        _("geometry source"), max_length=10, choices=GeometrySource.choices, default=GeometrySource.SURVEY
    )
    # Bumped on every save; an edit that carries an older version is a conflict (optimistic locking).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = BulkHistoricalRecords(
        excluded_fields=["updated_at"], no_db_index=["organisation", "parcel_code", "block", "village"]
    )

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["organisation", "zone_no", "block_letter", "lot_no", "split_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "parcel_code"],
                # Pattern ops: the same index answers `parcel_code LIKE '01A%'` in any database collation.
                opclasses=["int8_ops", "varchar_pattern_ops"],
                name="parcel_unique_code",
                violation_error_message=_(
                    "Another parcel in this organisation already has this parcel code."
                ),
            ),
        ]
        # No (organisation, status) index: neither narrows much (one organisation's parcels are nearly all
        # active), and an import maintains every index for each of its 100,000 rows.
        # As an expression: GeoDjango's schema editor turns an index on a geometry field into GiST.
        indexes = [SpGistIndex(models.F("geom"), name="parcel_geom_spgist")]

    def __str__(self) -> str:
        return self.parcel_code

    def clean(self) -> None:
        super().clean()
        from .geometry import validate_geometry

        validate_parcel_code_fields(self)
        # A geometry the field itself refused (None after a parse error) has its message already.
        if self.organisation_id and self.geom is not None:
            validate_geometry(self.geom, organisation=self.organisation)


class ParcelLineage(OrgScoped):
    """Parent → child link written by a split or a merge; the parent is retired, never deleted."""

    class Operation(models.TextChoices):
        SPLIT = "split", _("Split")
        MERGE = "merge", _("Merge")

    parent = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="child_links")
    child = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="parent_links")
    operation = models.CharField(max_length=10, choices=Operation.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("parcel lineage")
        verbose_name_plural = _("parcel lineage")
        constraints = [models.UniqueConstraint(fields=["parent", "child"], name="lineage_unique_pair")]


class LandUse(OrgScoped):
    """How a part of a parcel is used (one row per part; §2.5 land-use codes)."""

    parcel = models.ForeignKey(
        Parcel, on_delete=models.CASCADE, related_name="land_uses", verbose_name=_("parcel")
    )
    use_code = models.PositiveSmallIntegerField(_("use"), choices=choices_from(codes.LAND_USES))
    area_sq_wa = models.DecimalField(
        _("area (sq wa)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    user_code = models.PositiveSmallIntegerField(
        _("used by"), choices=choices_from(codes.LAND_USERS), default=1
    )
    crop_code = models.PositiveSmallIntegerField(
        _("crop"), choices=choices_from(codes.CROPS), null=True, blank=True
    )
    vacant_since_year_be = models.PositiveSmallIntegerField(_("vacant since (B.E.)"), null=True, blank=True)
    geom = models.MultiPolygonField(_("part"), srid=STORAGE_SRID, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("land use")
        verbose_name_plural = _("land uses")


class Building(OrgScoped):
    parcel = models.ForeignKey(
        Parcel, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("parcel")
    )
    building_no = models.PositiveSmallIntegerField(_("building no."), validators=[MinValueValidator(1)])
    house_no = models.CharField(_("house no."), max_length=20, blank=True)
    building_type = models.CharField(
        _("building type"), max_length=6, choices=choices_from(codes.BUILDING_TYPES)
    )
    construction = models.CharField(
        _("construction"), max_length=10, choices=choices_from(codes.CONSTRUCTIONS)
    )
    storeys = models.PositiveSmallIntegerField(_("storeys"), default=1, validators=[MinValueValidator(1)])
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    year_built_be = models.PositiveSmallIntegerField(
        _("year built (B.E.)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2300), MaxValueValidator(2700)],
    )
    is_condominium = models.BooleanField(_("condominium building"), default=False)
    geom = models.MultiPolygonField(_("footprint"), srid=STORAGE_SRID, null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["parcel", "building_no"]
        constraints = [
            models.UniqueConstraint(fields=["parcel", "building_no"], name="building_unique_no_per_parcel"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"{self.parcel.parcel_code}-B{self.building_no:03d}"


class BuildingUse(OrgScoped):
    """Floor area of a building by use (§7.3): it splits the tax base between use categories."""

    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="uses", verbose_name=_("building")
    )
    use_code = models.PositiveSmallIntegerField(_("use"), choices=choices_from(codes.BUILDING_USES))
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    is_let = models.BooleanField(_("let to others"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("building use")
        verbose_name_plural = _("building uses")


class CondoUnit(OrgScoped):
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="condo_units", verbose_name=_("building")
    )
    unit_no = models.CharField(_("unit no."), max_length=20)
    floor = models.SmallIntegerField(_("floor"), default=1)
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("condominium unit")
        verbose_name_plural = _("condominium units")
        constraints = [models.UniqueConstraint(fields=["building", "unit_no"], name="condo_unit_unique_no")]

    def __str__(self) -> str:
        return f"{self.building} / {self.unit_no}"


class Owner(OrgScoped):
    class OwnerType(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        JURISTIC = "juristic", _("Juristic person")

    owner_type = models.CharField(_("owner type"), max_length=10, choices=OwnerType.choices)
    id_number = models.CharField(_("ID number"), max_length=13, help_text=_("13 digits, no dashes."))
    title = models.CharField(_("title"), max_length=40, blank=True)
    first_name = models.CharField(_("first name / juristic name"), max_length=200)
    last_name = models.CharField(_("last name"), max_length=120, blank=True)
    address_house_no = models.CharField(_("house no."), max_length=20, blank=True)
    address_moo = models.PositiveSmallIntegerField(_("village no."), null=True, blank=True)
    address_road = models.CharField(_("road"), max_length=120, blank=True)
    address_subdistrict = models.CharField(_("subdistrict"), max_length=100, blank=True)
    address_district = models.CharField(_("district"), max_length=100, blank=True)
    address_province = models.CharField(_("province"), max_length=100, blank=True)
    address_postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The resident's login, when the owner has one: residents see only what they own.
    user = models.ForeignKey(
        "auth.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owner_records",
        verbose_name=_("user account"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("owner")
        verbose_name_plural = _("owners")
        ordering = ["organisation", "first_name", "last_name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "id_number"], name="owner_unique_id")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (f"{self.title}{self.first_name}", self.last_name) if part)

    def clean(self) -> None:
        super().clean()
        from .validators import validate_owner_id_number

        validate_owner_id_number(self.owner_type, self.id_number)


class Ownership(OrgScoped):
    """A share of one parcel, building or condominium unit held by one owner (exact fraction, never float)."""

    owner = models.ForeignKey(
        Owner, on_delete=models.PROTECT, related_name="ownerships", verbose_name=_("owner")
    )
    parcel = models.ForeignKey(
        Parcel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ownerships",
        verbose_name=_("parcel"),
    )
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ownerships",
        verbose_name=_("building"),
    )
    condo_unit = models.ForeignKey(
        CondoUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ownerships",
        verbose_name=_("condominium unit"),
    )
    share_numerator = models.PositiveIntegerField(_("share (numerator)"), default=1)
    share_denominator = models.PositiveIntegerField(_("share (denominator)"), default=1)
    # The owner's name is in the house registration (ทะเบียนบ้าน) of this dwelling: the s.41 main-house case.
    in_house_registration = models.BooleanField(_("named in the house registration"), default=False)
    since = models.DateField(_("owned since"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(parcel__isnull=False, building__isnull=True, condo_unit__isnull=True)
                    | Q(parcel__isnull=True, building__isnull=False, condo_unit__isnull=True)
                    | Q(parcel__isnull=True, building__isnull=True, condo_unit__isnull=False)
                ),
                name="ownership_exactly_one_property",
                violation_error_message=_(
                    "An ownership is of exactly one parcel, building or condominium unit."
                ),
            ),
            models.CheckConstraint(
                condition=Q(share_numerator__gte=1) & Q(share_numerator__lte=models.F("share_denominator")),
                name="ownership_share_between_0_and_1",
                violation_error_message=_("A share must be more than 0 and at most 1."),
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.share_denominator == 0:
            raise ValidationError({"share_denominator": _("The denominator cannot be 0.")})
