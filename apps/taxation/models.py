"""The yearly assessment run and what it writes: one assessment per taxpayer per organisation per version.

An issued assessment is a legal notice (ภ.ด.ส.6): its frozen input and result never change afterwards.
A later run writes a new version beside it; issuing that version marks the old one superseded (status
only, content kept).
Money is integer satang (BigIntegerField), never a float.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.organisations.models import OrgScoped


class AssessmentRun(OrgScoped):
    """One press of "assess the year": progress while it runs, counts and a summary afterwards."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    tax_year = models.PositiveSmallIntegerField(_("tax year (B.E.)"))
    as_of = models.DateTimeField(_("registry as it stood at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    # Polled by the run page: stage is a short English key, done/total count taxpayers through the engine.
    stage = models.CharField(_("stage"), max_length=20, default="reading")
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    taxpayers_count = models.PositiveIntegerField(_("taxpayers assessed"), default=0)
    drafts_written = models.PositiveIntegerField(_("drafts written"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged since issue"), default=0)
    problems_count = models.PositiveIntegerField(_("problems"), default=0)
    total_satang = models.BigIntegerField(_("total tax (satang)"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["organisation", "tax_year"], name="assessment_run_org_year")]

    def __str__(self) -> str:
        return gettext("Assessment run %(year)s (%(status)s)") % {
            "year": self.tax_year,
            "status": self.get_status_display(),
        }


class Assessment(OrgScoped):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        SUPERSEDED = "superseded", _("Superseded")

    run = models.ForeignKey(
        AssessmentRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("run"),
    )
    tax_year = models.PositiveSmallIntegerField(_("tax year (B.E.)"))
    owner = models.ForeignKey(
        "registry.Owner", on_delete=models.PROTECT, related_name="assessments", verbose_name=_("taxpayer")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # Exactly the tax-quote-contract document given to the engine: the registry may change, this may not.
    input_document = models.JSONField(_("input given to the engine"))
    # Where each number came from (parcel/block price, round, shares, registry row ids) for the officer.
    provenance = models.JSONField(_("sources of the input"), default=dict, blank=True)
    result = models.JSONField(_("engine answer"))
    total_satang = models.BigIntegerField(_("total tax (satang)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["organisation", "tax_year", "owner", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "tax_year", "owner", "version"], name="assessment_unique_version"
            ),
            # At most one draft and one issued assessment per taxpayer and year; the rest are superseded.
            models.UniqueConstraint(
                fields=["organisation", "tax_year", "owner"],
                condition=Q(status="draft"),
                name="assessment_one_draft",
            ),
            models.UniqueConstraint(
                fields=["organisation", "tax_year", "owner"],
                condition=Q(status="issued"),
                name="assessment_one_issued",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tax_year} / {self.owner_id} v{self.version}"


class AssessmentProblem(OrgScoped):
    """Bad registry data the run would have had to guess about; the taxpayers concerned were not assessed."""

    class Kind(models.TextChoices):
        NO_APPRAISAL_ROUND = "no_appraisal_round", _("No appraisal round covers the tax year")
        NO_LAND_PRICE = "no_land_price", _("No land price for the parcel")
        NO_LAND_AREA = "no_land_area", _("No land area")
        NO_OWNER = "no_owner", _("Parcel without an owner")
        SHARES_NOT_ONE = "shares_not_one", _("Ownership shares do not add up to 1")
        BUILDING_NO_TYPE = "building_no_type", _("Building without a type")
        BUILDING_NO_PRICE = "building_no_price", _("No price for the building type")
        BUILDING_NO_YEAR = "building_no_year", _("Building without a year built")
        BUILDING_BAD_CONSTRUCTION = "building_bad_construction", _("Unknown construction class")
        NO_USE = "no_use", _("No use recorded")
        TWO_MAIN_HOUSES = "two_main_houses", _("Taxpayer with two main houses")
        ENGINE_REFUSED = "engine_refused", _("The tax engine refused the input")
        RATE_ORDINANCE_REFUSED = "rate_ordinance_refused", _("A rate ordinance breaks the Act's limits")
        CONDO_NO_PRICE = "condo_no_price", _("No unit price for the condominium building")

    run = models.ForeignKey(
        AssessmentRun, on_delete=models.CASCADE, related_name="problems", verbose_name=_("run")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # Values for the message template of the kind (codes, areas, field names): translated when shown.
    params = models.JSONField(_("details"), default=dict, blank=True)
    parcel = models.ForeignKey(
        "registry.Parcel", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    building = models.ForeignKey(
        "registry.Building", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        "registry.Owner", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("assessment problem")
        verbose_name_plural = _("assessment problems")
        ordering = ["run", "kind", "id"]

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        from apps.taxation.inputs import problem_message

        return problem_message(self.kind, self.params)

    def links(self) -> list[tuple[str, str]]:
        """(label, url) to the registry rows to fix; admin pages until the registry pages exist."""
        found = []
        for label, name, pk in (
            (gettext("Parcel"), "admin:registry_parcel_change", self.parcel_id),
            (gettext("Building"), "admin:registry_building_change", self.building_id),
            (gettext("Owner"), "admin:registry_owner_change", self.owner_id),
        ):
            if pk is None:
                continue
            try:
                found.append((label, reverse(name, args=[pk])))
            except NoReverseMatch:
                continue
        return found


def _band_list(value) -> list[dict]:
    if not isinstance(value, list) or not value:
        raise ValidationError(_('Give the bands as a list of {"up_to_baht": …, "rate_pct": …}.'))
    return value


class RateOrdinance(OrgScoped):
    """One rate table of the organisation's local ordinance for a tax year (s.37 paras 6-7, §4).

    A council may set rates above the Royal Decree up to the s.37 ceiling. The assessment run hands every
    ordinance of the year to the engine as a RateOverride; the engine (rules.year_rules) is the one judge of
    what is legal, so clean() asks it too and the admin refuses what the run would refuse.
    ``bands``: [{"up_to_baht": "50000000", "rate_pct": "0.5"}, …, {"up_to_baht": null, "rate_pct": "0.7"}],
    amounts as strings (never floats), the last band without a ceiling.
    """

    class Table(models.TextChoices):
        A = "A", _("A: agriculture")
        R1 = "R1", _("R1: main house (land and building)")
        R2 = "R2", _("R2: main house (building only)")
        R3 = "R3", _("R3: other residence")
        O = "O", _("O: other use")  # noqa: E741 - the Act's own table letter
        V = "V", _("V: vacant land")

    tax_year = models.PositiveSmallIntegerField(_("tax year (B.E.)"))
    table = models.CharField(_("rate table"), max_length=2, choices=Table.choices)
    bands = models.JSONField(_("bands"), default=list)
    reference = models.CharField(
        _("ordinance"),
        max_length=200,
        help_text=_("As printed on the assessment, e.g. the ordinance's title."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rate ordinance")
        verbose_name_plural = _("rate ordinances")
        ordering = ["organisation", "-tax_year", "table"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "tax_year", "table"], name="rate_ordinance_one_table_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tax_year} {self.table}: {self.reference}"

    def as_override(self):
        """The engine's RateOverride; raises ValueError (decimal.InvalidOperation) on malformed bands."""
        from apps.taxation.domain import RateBand, RateOverride

        bands = tuple(
            RateBand(
                up_to_baht=None if band.get("up_to_baht") in (None, "") else Decimal(str(band["up_to_baht"])),
                rate_pct=Decimal(str(band["rate_pct"])),
            )
            for band in _band_list(self.bands)
        )
        return RateOverride(table=self.table, bands=bands, ordinance=self.reference)

    def clean(self) -> None:
        super().clean()
        from apps.taxation.domain import RuleDataError, year_rules

        try:
            override = self.as_override()
        except (ValidationError, KeyError, TypeError, ValueError, ArithmeticError, AttributeError) as exc:
            raise ValidationError(
                {"bands": _("Each band needs up_to_baht (empty for the last) and rate_pct, as numbers.")}
            ) from exc
        if self.tax_year is None:
            return
        try:
            year_rules(self.tax_year, (override,))
        except LookupError:
            return  # no rules for that year yet: the run reports it, the ordinance may be entered early
        except RuleDataError as exc:
            raise ValidationError({"bands": str(exc)}) from exc
