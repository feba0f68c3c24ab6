"""Treasury appraisal data: land price per square wa by block (and by parcel where the Treasury lists one)."""

from django.contrib.gis.db import models
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.organisations.models import OrgScoped


class AppraisalRound(OrgScoped):
    """A Treasury appraisal round (รอบบัญชี), e.g. 2566-2569; prices are kept for every past round."""

    name = models.CharField(_("name"), max_length=60)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appraisal round")
        verbose_name_plural = _("appraisal rounds")
        ordering = ["organisation", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="appraisal_round_unique")
        ]

    def __str__(self) -> str:
        return self.name


class BlockLandPrice(OrgScoped):
    appraisal_round = models.ForeignKey(
        AppraisalRound,
        on_delete=models.PROTECT,
        related_name="block_prices",
        verbose_name=_("appraisal round"),
    )
    block = models.ForeignKey(
        "registry.TaxMapBlock", on_delete=models.PROTECT, related_name="land_prices", verbose_name=_("block")
    )
    price_per_sq_wa = models.DecimalField(
        _("price per sq wa (baht)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("block land price")
        verbose_name_plural = _("block land prices")
        constraints = [
            models.UniqueConstraint(fields=["appraisal_round", "block"], name="block_price_unique_per_round"),
        ]


class ParcelLandPrice(OrgScoped):
    """รายแปลง: the Treasury's price for one parcel; it wins over the block's price (§9.2)."""

    appraisal_round = models.ForeignKey(
        AppraisalRound,
        on_delete=models.PROTECT,
        related_name="parcel_prices",
        verbose_name=_("appraisal round"),
    )
    parcel = models.ForeignKey(
        "registry.Parcel", on_delete=models.PROTECT, related_name="land_prices", verbose_name=_("parcel")
    )
    price_per_sq_wa = models.DecimalField(
        _("price per sq wa (baht)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("parcel land price")
        verbose_name_plural = _("parcel land prices")
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal_round", "parcel"], name="parcel_price_unique_per_round"
            ),
        ]


class BuildingPrice(OrgScoped):
    """The Treasury standard price per m² of one building type in one round, before depreciation (§9.3)."""

    appraisal_round = models.ForeignKey(
        AppraisalRound,
        on_delete=models.PROTECT,
        related_name="building_prices",
        verbose_name=_("appraisal round"),
    )
    building_type = models.CharField(_("building type"), max_length=6)  # registry BUILDING_TYPES code
    price_per_sqm = models.DecimalField(
        _("price per m² (baht)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("building price")
        verbose_name_plural = _("building prices")
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal_round", "building_type"], name="building_price_unique_per_round"
            ),
        ]


class CondoPrice(OrgScoped):
    """The Treasury price per m² of the units in one condominium building in one round (§9.5)."""

    appraisal_round = models.ForeignKey(
        AppraisalRound,
        on_delete=models.PROTECT,
        related_name="condo_prices",
        verbose_name=_("appraisal round"),
    )
    building = models.ForeignKey(
        "registry.Building",
        on_delete=models.PROTECT,
        related_name="condo_prices",
        limit_choices_to={"is_condominium": True},
        verbose_name=_("condominium building"),
    )
    price_per_sqm = models.DecimalField(
        _("price per m² (baht)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("condominium unit price")
        verbose_name_plural = _("condominium unit prices")
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal_round", "building"], name="condo_price_unique_per_round"
            ),
        ]
